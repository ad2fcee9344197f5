#include "storage/customerrepository.h"

#include "core/clock.h"
#include "core/messagecodec.h"
#include "core/uuid7.h"
#include "storage/conversationrepository.h"
#include "storage/database.h"
#include "storage/messagerepository.h"
#include "storage/sqlcodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace relaydesk {

namespace {

// Far above any real conversation; the export must not silently stop at a page size.
constexpr int kAllMessages = 10000000;

QString placeholders(qsizetype count)
{
    QStringList marks;
    marks.reserve(count);
    for (qsizetype i = 0; i < count; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

QVariantList variants(const QStringList &values)
{
    QVariantList list;
    list.reserve(values.size());
    for (const QString &value : values)
        list.append(value);
    return list;
}

} // namespace

QJsonObject CustomerDeletion::toJson() const
{
    return QJsonObject{{QStringLiteral("conversations"), conversations},
                       {QStringLiteral("messages"), messages},
                       {QStringLiteral("events"), events},
                       {QStringLiteral("jobs"), jobs},
                       {QStringLiteral("external_ids"), externalIds},
                       {QStringLiteral("notes"), notes}};
}

CustomerRepository::CustomerRepository(QSqlDatabase db)
    : m_db(std::move(db))
{}

QString CustomerRepository::subject(Platform platform, const QString &userId)
{
    return QStringLiteral("customer:") + toString(platform) + QLatin1Char(':') + userId;
}

Outcome<QStringList> CustomerRepository::conversationIds(Platform platform, const QString &userId,
                                                         const QStringList &aliases)
{
    QStringList ids{userId};
    for (const QString &alias : aliases) {
        if (!alias.isEmpty() && !ids.contains(alias))
            ids.append(alias);
    }
    // Only "?" marks are spliced in, one per id; the ids themselves are bound.
    const QString marks = placeholders(ids.size());
    QVariantList values{toString(platform)};
    values += variants(ids);
    values.append(toString(platform));
    values += variants(ids);
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT c.id FROM conversations c WHERE c.platform = ? AND c.id IN (SELECT "
                       "p.conversation_id FROM conversation_participants p WHERE p.participant "
                       "IN (") +
            marks +
            QStringLiteral(")) UNION SELECT m.conversation_id FROM messages m WHERE m.platform = ? "
                           "AND m.user_id IN (") +
            marks + QStringLiteral(") ORDER BY 1"),
        values);
    if (!query.isOk())
        return query.error();
    QStringList conversations;
    while (query.value().next())
        conversations.append(query.value().value(0).toString());
    return conversations;
}

Outcome<QJsonObject> CustomerRepository::exportCustomer(Platform platform, const QString &userId,
                                                        const QStringList &aliases)
{
    auto ids = conversationIds(platform, userId, aliases);
    if (!ids.isOk())
        return ids.error();
    ConversationRepository conversations(m_db);
    MessageRepository messages(m_db);
    QJsonArray conversationsJson;
    for (const QString &id : ids.value()) {
        auto conversation = conversations.get(id);
        if (!conversation.isOk())
            return conversation.error();
        QJsonObject conversationJson = MessageCodec::toJson(conversation.value());

        auto rows = messages.recent(id, kAllMessages);
        if (!rows.isOk())
            return rows.error();
        QJsonArray messagesJson;
        for (const Message &message : rows.value()) {
            QJsonObject messageJson = MessageCodec::toJson(message);
            auto events = messages.events(message.id);
            if (!events.isOk())
                return events.error();
            QJsonArray eventsJson;
            for (const MessageEvent &event : events.value())
                eventsJson.append(MessageCodec::toJson(event));
            messageJson.insert(QStringLiteral("events"), eventsJson);
            messagesJson.append(messageJson);
        }
        conversationJson.insert(QStringLiteral("messages"), messagesJson);

        auto jobs = Database::exec(
            m_db,
            QStringLiteral("SELECT j.id, j.kind, j.message_id, j.state, j.attempts, j.last_error, "
                           "j.created_at, j.updated_at FROM jobs j JOIN messages m ON m.id = "
                           "j.message_id WHERE m.conversation_id = ? ORDER BY j.id"),
            {id});
        if (!jobs.isOk())
            return jobs.error();
        QJsonArray jobsJson;
        while (jobs.value().next()) {
            const QSqlQuery &q = jobs.value();
            jobsJson.append(
                QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                            {QStringLiteral("kind"), q.value(1).toString()},
                            {QStringLiteral("message_id"), q.value(2).toString()},
                            {QStringLiteral("state"), q.value(3).toString()},
                            {QStringLiteral("attempts"), q.value(4).toInt()},
                            {QStringLiteral("last_error"), q.value(5).toString()},
                            {QStringLiteral("created_at"),
                             SqlCodec::dateTime(q.value(6)).toString(Qt::ISODateWithMs)},
                            {QStringLiteral("updated_at"),
                             SqlCodec::dateTime(q.value(7)).toString(Qt::ISODateWithMs)}});
        }
        conversationJson.insert(QStringLiteral("jobs"), jobsJson);

        auto notes = Database::exec(m_db,
                                    QStringLiteral("SELECT id, author, content, created_at FROM "
                                                   "notes WHERE conversation_id = ? ORDER BY id"),
                                    {id});
        if (!notes.isOk())
            return notes.error();
        QJsonArray notesJson;
        while (notes.value().next()) {
            const QSqlQuery &q = notes.value();
            notesJson.append(
                QJsonObject{{QStringLiteral("id"), q.value(0).toString()},
                            {QStringLiteral("author"), q.value(1).toString()},
                            {QStringLiteral("content"), q.value(2).toString()},
                            {QStringLiteral("created_at"),
                             SqlCodec::dateTime(q.value(3)).toString(Qt::ISODateWithMs)}});
        }
        conversationJson.insert(QStringLiteral("notes"), notesJson);
        conversationsJson.append(conversationJson);
    }
    return QJsonObject{{QStringLiteral("platform"), toString(platform)},
                       {QStringLiteral("user_id"), userId},
                       {QStringLiteral("exported_at"), Clock::now().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("conversations"), conversationsJson}};
}

Outcome<int> CustomerRepository::run(const QString &sql, const QStringList &conversationIds)
{
    // Only "?" marks are spliced in, one per id; the ids themselves are bound.
    QString statement = sql;
    statement.replace(QStringLiteral("%IDS%"), placeholders(conversationIds.size()));
    auto query = Database::exec(m_db, statement, variants(conversationIds));
    if (!query.isOk())
        return query.error();
    return query.value().numRowsAffected();
}

Outcome<CustomerDeletion> CustomerRepository::deleteCustomer(Platform platform,
                                                             const QString &userId,
                                                             const QStringList &aliases)
{
    auto ids = conversationIds(platform, userId, aliases);
    if (!ids.isOk())
        return ids.error();
    CustomerDeletion deleted;
    if (ids.value().isEmpty())
        return deleted;
    // Children first: the foreign keys point from them to messages and conversations.
    const QString inMessages =
        QStringLiteral("(SELECT id FROM messages WHERE conversation_id IN (%IDS%))");
    struct Step {
        QString sql;
        int *count;
    };
    int ignored = 0;
    const Step steps[] = {
        {QStringLiteral("DELETE FROM message_events WHERE message_id IN ") + inMessages,
         &deleted.events},
        {QStringLiteral("DELETE FROM message_external_ids WHERE message_id IN ") + inMessages,
         &deleted.externalIds},
        {QStringLiteral("DELETE FROM jobs WHERE message_id IN ") + inMessages, &deleted.jobs},
        {QStringLiteral("DELETE FROM messages WHERE conversation_id IN (%IDS%)"),
         &deleted.messages},
        {QStringLiteral("DELETE FROM notes WHERE conversation_id IN (%IDS%)"), &deleted.notes},
        {QStringLiteral("DELETE FROM conversation_aliases WHERE conversation_id IN (%IDS%)"),
         &ignored},
        {QStringLiteral("DELETE FROM conversation_participants WHERE conversation_id IN (%IDS%)"),
         &ignored},
        {QStringLiteral("DELETE FROM conversations WHERE id IN (%IDS%)"), &deleted.conversations},
    };
    for (const Step &step : steps) {
        auto count = run(step.sql, ids.value());
        if (!count.isOk())
            return count.error();
        *step.count = count.value();
    }
    return deleted;
}

Outcome<QString> CustomerRepository::audit(const QString &action, const QString &subject,
                                           const QString &actor, const QString &requestId,
                                           const QJsonObject &detail)
{
    const QString id = Uuid7::generate();
    auto query = Database::exec(
        m_db,
        QStringLiteral("INSERT INTO audit_log (id, action, subject, actor, request_id, detail, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
        {id, action, subject, actor, requestId,
         QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)),
         Clock::now().toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return id;
}

} // namespace relaydesk
