#include "storage/messagerepository.h"

#include "core/clock.h"
#include "core/uuid7.h"
#include "storage/database.h"
#include "storage/sqlcodec.h"

#include <algorithm>

namespace relaydesk {

namespace {

const QString kSelect = QStringLiteral(
    "SELECT m.id, m.conversation_id, m.direction, m.platform, m.author_kind, m.author_id, "
    "m.user_id, m.thread_id, m.content, m.attachments, m.priority, m.metadata, "
    "m.client_message_id, m.created_at, (SELECT e.type FROM message_events e WHERE "
    "e.message_id = m.id ORDER BY e.id DESC LIMIT 1) FROM messages m");

Message fromRow(const QSqlQuery &q)
{
    Message m;
    m.id = q.value(0).toString();
    m.conversationId = q.value(1).toString();
    m.direction = parseDirection(q.value(2).toString()).value_or(Direction::Inbound);
    m.platform = parsePlatform(q.value(3).toString()).value_or(Platform::Webhook);
    m.authorKind = parseAuthorKind(q.value(4).toString()).value_or(AuthorKind::Customer);
    m.authorId = q.value(5).toString();
    m.userId = q.value(6).toString();
    m.threadId = q.value(7).toString();
    m.content = q.value(8).toString();
    m.attachments = SqlCodec::attachments(q.value(9));
    m.priority = Priority(std::clamp(q.value(10).toInt(), 0, 3));
    m.metadata = SqlCodec::metadata(q.value(11));
    m.clientMessageId = q.value(12).toString();
    m.createdAt = SqlCodec::dateTime(q.value(13));
    m.state = q.value(14).toString();
    return m;
}

} // namespace

MessageRepository::MessageRepository(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<Done> MessageRepository::insert(const Message &m)
{
    auto query = Database::run(
        m_db,
        QStringLiteral("INSERT INTO messages (id, conversation_id, direction, platform, "
                       "author_kind, author_id, user_id, thread_id, content, attachments, "
                       "priority, metadata, client_message_id, created_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {m.id, m.conversationId, toString(m.direction), toString(m.platform),
         toString(m.authorKind), m.authorId, m.userId, m.threadId, m.content,
         SqlCodec::fromAttachments(m.attachments), int(m.priority),
         SqlCodec::fromMetadata(m.metadata),
         m.clientMessageId.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                     : QVariant(m.clientMessageId),
         m.createdAt.toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<QString> MessageRepository::addEvent(const QString &messageId, EventType type,
                                             const QString &detail)
{
    const QString id = Uuid7::generate();
    auto query = Database::run(
        m_db,
        QStringLiteral("INSERT INTO message_events (id, message_id, type, detail, created_at) "
                       "VALUES (?, ?, ?, ?, ?)"),
        {id, messageId, toString(type), detail, Clock::now().toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return id;
}

Outcome<Message> MessageRepository::get(const QString &id)
{
    auto query = Database::exec(m_db, kSelect + QStringLiteral(" WHERE m.id = ?"), {id});
    if (!query.isOk())
        return query.error();
    if (!query.value().next())
        return Outcome<Message>::failure(ErrorKind::NotFound,
                                         QStringLiteral("message %1 not found").arg(id));
    return fromRow(query.value());
}

Outcome<QList<MessageEvent>> MessageRepository::events(const QString &messageId)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT id, message_id, type, detail, created_at FROM message_events WHERE "
                       "message_id = ? ORDER BY id"),
        {messageId});
    if (!query.isOk())
        return query.error();
    QList<MessageEvent> events;
    while (query.value().next()) {
        const QSqlQuery &q = query.value();
        events.append(
            MessageEvent{q.value(0).toString(), q.value(1).toString(),
                         parseEventType(q.value(2).toString()).value_or(EventType::Queued),
                         q.value(3).toString(), SqlCodec::dateTime(q.value(4))});
    }
    return events;
}

Outcome<Page<Message>> MessageRepository::list(const MessageFilter &filter)
{
    const int limit = std::clamp(filter.limit, 1, 500);
    QStringList where;
    QVariantList values;
    if (!filter.conversationId.isEmpty()) {
        where << QStringLiteral("m.conversation_id = ?");
        values << filter.conversationId;
    }
    if (!filter.search.trimmed().isEmpty()) {
        if (Database::dialect(m_db) == SqlDialect::Sqlite) {
            where << QStringLiteral(
                "m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)");
            values << SqlCodec::ftsQuery(filter.search);
        } else {
            where << QStringLiteral("m.search @@ plainto_tsquery('simple', ?)");
            values << filter.search;
        }
    }
    if (!filter.cursor.isEmpty()) {
        where << QStringLiteral("m.id < ?");
        values << filter.cursor;
    }
    QString sql = kSelect;
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY m.id DESC LIMIT ") + QString::number(limit + 1);
    auto query = Database::exec(m_db, sql, values);
    if (!query.isOk())
        return query.error();
    Page<Message> page;
    while (query.value().next())
        page.items.append(fromRow(query.value()));
    if (page.items.size() > limit) {
        page.items.removeLast();
        page.nextCursor = page.items.last().id;
    }
    return page;
}

Outcome<QList<Message>> MessageRepository::recent(const QString &conversationId, int limit)
{
    auto query = Database::exec(m_db,
                                kSelect +
                                    QStringLiteral(" WHERE m.conversation_id = ? ORDER BY "
                                                   "m.id DESC LIMIT ") +
                                    QString::number(std::max(1, limit)),
                                {conversationId});
    if (!query.isOk())
        return query.error();
    QList<Message> messages;
    while (query.value().next())
        messages.prepend(fromRow(query.value()));
    return messages;
}

Outcome<std::optional<Message>> MessageRepository::lastInbound(const QString &conversationId)
{
    auto query = Database::exec(m_db,
                                kSelect + QStringLiteral(" WHERE m.conversation_id = ? AND "
                                                         "m.direction = 'inbound' ORDER BY m.id "
                                                         "DESC LIMIT 1"),
                                {conversationId});
    if (!query.isOk())
        return query.error();
    if (query.value().next())
        return std::optional<Message>(fromRow(query.value()));
    return std::optional<Message>();
}

Outcome<std::optional<QString>>
MessageRepository::findByClientMessageId(const QString &clientMessageId)
{
    std::optional<QString> id;
    auto query = Database::run(
        m_db, QStringLiteral("SELECT id FROM messages WHERE client_message_id = ? LIMIT 1"),
        {clientMessageId}, [&id](QSqlQuery &q) {
            if (q.next())
                id = q.value(0).toString();
        });
    if (!query.isOk())
        return query.error();
    return id;
}

} // namespace relaydesk
