#include "storage/conversationrepository.h"

#include "storage/database.h"
#include "storage/sqlcodec.h"

#include <QSqlRecord>

namespace relaydesk {

namespace {

const QString kColumns = QStringLiteral(
    "c.id, c.platform, c.thread_key, c.participants, c.status, c.priority, c.labels, c.assignee, "
    "c.ai_mode, c.last_activity_at, c.created_at, c.flagged, c.flag_reason, c.ai_chain");

// AI drafts whose newest event is still `drafted`: what waits for an operator.
const QString kPendingDrafts = QStringLiteral(
    "(SELECT COUNT(*) FROM messages d WHERE d.conversation_id = c.id AND d.author_kind = 'ai' AND "
    "(SELECT e.type FROM message_events e WHERE e.message_id = d.id ORDER BY e.id DESC LIMIT 1) = "
    "'drafted')");

Conversation fromRow(const QSqlQuery &query)
{
    Conversation c;
    c.id = query.value(0).toString();
    c.platform = parsePlatform(query.value(1).toString()).value_or(Platform::Webhook);
    c.threadKey = query.value(2).toString();
    c.participants = SqlCodec::stringList(query.value(3));
    c.status =
        parseConversationStatus(query.value(4).toString()).value_or(ConversationStatus::Open);
    c.priority = Priority(std::clamp(query.value(5).toInt(), 0, 3));
    c.labels = SqlCodec::stringList(query.value(6));
    c.assignee = query.value(7).toString();
    c.aiMode = parseAiMode(query.value(8).toString()).value_or(AiMode::Review);
    c.lastActivityAt = SqlCodec::dateTime(query.value(9));
    c.createdAt = SqlCodec::dateTime(query.value(10));
    c.flagged = query.value(11).toInt() != 0;
    c.flagReason = query.value(12).toString();
    c.aiChain = SqlCodec::stringList(query.value(13)); // NULL: the global chain
    return c;
}

} // namespace

ConversationRepository::ConversationRepository(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<Conversation> ConversationRepository::get(const QString &id)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT ") + kColumns +
            QStringLiteral(", (SELECT content FROM messages m WHERE m.conversation_id = c.id "
                           "ORDER BY m.id DESC LIMIT 1), ") +
            kPendingDrafts + QStringLiteral(" FROM conversations c WHERE c.id = ?"),
        {id});
    if (!query.isOk())
        return query.error();
    if (!query.value().next())
        return Outcome<Conversation>::failure(ErrorKind::NotFound,
                                              QStringLiteral("conversation %1 not found").arg(id));
    Conversation c = fromRow(query.value());
    c.lastMessagePreview = query.value().value(14).toString().left(200);
    c.pendingDrafts = query.value().value(15).toInt();
    return c;
}

Outcome<Conversation> ConversationRepository::find(const QString &id)
{
    std::optional<Conversation> found;
    auto query = Database::run(m_db,
                               QStringLiteral("SELECT ") + kColumns +
                                   QStringLiteral(" FROM conversations c WHERE c.id = ?"),
                               {id}, [&found](QSqlQuery &q) {
                                   if (q.next())
                                       found = fromRow(q);
                               });
    if (!query.isOk())
        return query.error();
    if (!found)
        return Outcome<Conversation>::failure(ErrorKind::NotFound,
                                              QStringLiteral("conversation %1 not found").arg(id));
    return std::move(*found);
}

Outcome<std::optional<QString>> ConversationRepository::findByAlias(const QString &alias)
{
    std::optional<QString> id;
    auto query = Database::run(
        m_db, QStringLiteral("SELECT conversation_id FROM conversation_aliases WHERE alias = ?"),
        {alias}, [&id](QSqlQuery &q) {
            if (q.next())
                id = q.value(0).toString();
        });
    if (!query.isOk())
        return query.error();
    return id;
}

Outcome<std::optional<QString>>
ConversationRepository::findActiveSession(const QString &threadKey, const QDateTime &notBefore)
{
    std::optional<QString> id;
    auto query = Database::run(
        m_db,
        QStringLiteral(
            "SELECT id FROM conversations WHERE thread_key = ? AND last_activity_at >= ? "
            "AND status IN ('open', 'pending') ORDER BY last_activity_at DESC LIMIT 1"),
        {threadKey, notBefore.toMSecsSinceEpoch()}, [&id](QSqlQuery &q) {
            if (q.next())
                id = q.value(0).toString();
        });
    if (!query.isOk())
        return query.error();
    return id;
}

Outcome<Done> ConversationRepository::insert(const Conversation &c)
{
    auto query = Database::run(
        m_db,
        QStringLiteral("INSERT INTO conversations (id, platform, thread_key, participants, status, "
                       "priority, labels, assignee, ai_mode, last_activity_at, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {c.id, toString(c.platform), c.threadKey, SqlCodec::fromStringList(c.participants),
         toString(c.status), int(c.priority), SqlCodec::fromStringList(c.labels), c.assignee,
         toString(c.aiMode), c.lastActivityAt.toMSecsSinceEpoch(),
         c.createdAt.toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return addParticipants(c.id, c.participants);
}

Outcome<Done> ConversationRepository::addAlias(const QString &alias, const QString &conversationId)
{
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral("INSERT OR IGNORE INTO conversation_aliases (alias, conversation_id) "
                             "VALUES (?, ?)")
            : QStringLiteral("INSERT INTO conversation_aliases (alias, conversation_id) VALUES "
                             "(?, ?) ON CONFLICT (alias) DO NOTHING");
    auto query = Database::run(m_db, sql, {alias, conversationId});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<Done> ConversationRepository::addParticipants(const QString &conversationId,
                                                      const QStringList &participants)
{
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral("INSERT OR IGNORE INTO conversation_participants (participant, "
                             "conversation_id) VALUES (?, ?)")
            : QStringLiteral("INSERT INTO conversation_participants (participant, "
                             "conversation_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
    for (const QString &participant : participants) {
        auto query = Database::run(m_db, sql, {participant, conversationId});
        if (!query.isOk())
            return query.error();
    }
    return Done{};
}

Outcome<Done> ConversationRepository::touch(const QString &id, const QDateTime &at, bool reopen)
{
    const QString sql =
        reopen ? QStringLiteral("UPDATE conversations SET last_activity_at = ?, status = CASE WHEN "
                                "status IN ('resolved', 'pending') THEN 'open' ELSE status END "
                                "WHERE id = ?")
               : QStringLiteral("UPDATE conversations SET last_activity_at = ? WHERE id = ?");
    auto query = Database::run(m_db, sql, {at.toMSecsSinceEpoch(), id});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<Conversation> ConversationRepository::update(const QString &id,
                                                     const ConversationPatch &patch)
{
    QStringList sets;
    QVariantList values;
    if (patch.status) {
        sets << QStringLiteral("status = ?");
        values << toString(*patch.status);
    }
    if (patch.aiMode) {
        sets << QStringLiteral("ai_mode = ?");
        values << toString(*patch.aiMode);
    }
    if (patch.priority) {
        sets << QStringLiteral("priority = ?");
        values << int(*patch.priority);
    }
    if (patch.labels) {
        sets << QStringLiteral("labels = ?");
        values << SqlCodec::fromStringList(*patch.labels);
    }
    if (patch.assignee) {
        sets << QStringLiteral("assignee = ?");
        values << *patch.assignee;
    }
    if (patch.flagged) {
        sets << (*patch.flagged ? QStringLiteral("flagged = ?")
                                : QStringLiteral("flagged = ?, flag_reason = ''"));
        values << (*patch.flagged ? 1 : 0);
    }
    if (patch.aiChain) {
        sets << QStringLiteral("ai_chain = ?");
        // An invalid QVariant binds SQL NULL: back to the global chain.
        values << (patch.aiChain->isEmpty() ? QVariant()
                                            : QVariant(SqlCodec::fromStringList(*patch.aiChain)));
    }
    if (!sets.isEmpty()) {
        values << id;
        auto query =
            Database::exec(m_db,
                           QStringLiteral("UPDATE conversations SET ") +
                               sets.join(QStringLiteral(", ")) + QStringLiteral(" WHERE id = ?"),
                           values);
        if (!query.isOk())
            return query.error();
        if (query.value().numRowsAffected() == 0)
            return Outcome<Conversation>::failure(
                ErrorKind::NotFound, QStringLiteral("conversation %1 not found").arg(id));
    }
    return get(id);
}

Outcome<Page<Conversation>> ConversationRepository::list(const ConversationFilter &filter)
{
    const int limit = std::clamp(filter.limit, 1, 500);
    QStringList where;
    QVariantList values;
    if (!filter.participant.isEmpty()) {
        where << QStringLiteral("c.id IN (SELECT conversation_id FROM conversation_participants "
                                "WHERE participant = ?)");
        values << filter.participant;
    }
    if (filter.status) {
        where << QStringLiteral("c.status = ?");
        values << toString(*filter.status);
    }
    if (!filter.statuses.isEmpty()) {
        QStringList marks;
        for (ConversationStatus status : filter.statuses) {
            marks << QStringLiteral("?");
            values << toString(status);
        }
        where << QStringLiteral("c.status IN (") + marks.join(QStringLiteral(", ")) +
                     QLatin1Char(')');
    }
    if (filter.platform) {
        where << QStringLiteral("c.platform = ?");
        values << toString(*filter.platform);
    }
    if (filter.priority) {
        where << QStringLiteral("c.priority = ?");
        values << int(*filter.priority);
    }
    if (filter.flagged) {
        where << QStringLiteral("c.flagged = ?");
        values << (*filter.flagged ? 1 : 0);
    }
    if (filter.needsReview)
        where << kPendingDrafts + QStringLiteral(" > 0");
    if (!filter.assignee.isEmpty()) {
        where << QStringLiteral("c.assignee = ?");
        values << filter.assignee;
    }
    if (!filter.label.isEmpty()) {
        // Labels are stored as a JSON array; the JSON-encoded label with its quotes matches
        // one whole element, never a substring of another label.
        QString pattern = SqlCodec::fromStringList({filter.label});
        pattern = pattern.mid(1, pattern.size() - 2);
        pattern.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('%'), QLatin1String("\\%"))
            .replace(QLatin1Char('_'), QLatin1String("\\_"));
        where << QStringLiteral("c.labels LIKE ? ESCAPE '\\'");
        values << QString(QLatin1Char('%') + pattern + QLatin1Char('%'));
    }
    if (!filter.search.trimmed().isEmpty()) {
        if (Database::dialect(m_db) == SqlDialect::Sqlite) {
            where << QStringLiteral("c.id IN (SELECT m.conversation_id FROM messages_fts f JOIN "
                                    "messages m ON m.rowid = f.rowid WHERE messages_fts MATCH ?)");
            values << SqlCodec::ftsQuery(filter.search);
        } else {
            where << QStringLiteral("c.id IN (SELECT m.conversation_id FROM messages m WHERE "
                                    "m.search @@ plainto_tsquery('simple', ?))");
            values << filter.search;
        }
    }
    QString order;
    if (filter.sort == ConversationSort::Newest) {
        if (!filter.cursor.isEmpty()) {
            where << QStringLiteral("c.id < ?");
            values << filter.cursor;
        }
        order = QStringLiteral("c.id DESC");
    } else {
        // Keyset paging: the cursor is the sort key of the previous page's last row, so a page
        // costs the same at row 10 as at row 1,000,000.
        const bool byPriority = filter.sort == ConversationSort::Priority;
        if (!filter.cursor.isEmpty()) {
            const QStringList parts = filter.cursor.split(QLatin1Char(':'));
            bool activityOk = false;
            bool priorityOk = !byPriority;
            const int expected = byPriority ? 4 : 3;
            qint64 activity = 0;
            int priority = 0;
            if (parts.size() == expected &&
                parts.at(0) == (byPriority ? QLatin1String("p") : QLatin1String("w"))) {
                if (byPriority)
                    priority = parts.at(1).toInt(&priorityOk);
                activity = parts.at(expected - 2).toLongLong(&activityOk);
            }
            if (!activityOk || !priorityOk || parts.constLast().isEmpty())
                return Outcome<Page<Conversation>>::failure(
                    ErrorKind::Invalid, QStringLiteral("cursor does not belong to this order"));
            const QString id = parts.constLast();
            const QString waiting =
                QStringLiteral("(c.last_activity_at > ? OR (c.last_activity_at = ? AND c.id > ?))");
            if (byPriority) {
                where << QStringLiteral("(c.priority < ? OR (c.priority = ? AND ") + waiting +
                             QStringLiteral("))");
                values << priority << priority;
            } else {
                where << waiting;
            }
            values << activity << activity << id;
        }
        order = byPriority ? QStringLiteral("c.priority DESC, c.last_activity_at, c.id")
                           : QStringLiteral("c.last_activity_at, c.id");
    }
    QString sql = QStringLiteral("SELECT ") + kColumns +
                  QStringLiteral(", (SELECT content FROM messages m WHERE m.conversation_id = c.id "
                                 "ORDER BY m.id DESC LIMIT 1), ") +
                  kPendingDrafts + QStringLiteral(" FROM conversations c");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY ") + order + QStringLiteral(" LIMIT ") +
           QString::number(limit + 1);
    auto query = Database::exec(m_db, sql, values);
    if (!query.isOk())
        return query.error();
    Page<Conversation> page;
    while (query.value().next()) {
        Conversation c = fromRow(query.value());
        c.lastMessagePreview = query.value().value(14).toString().left(200);
        c.pendingDrafts = query.value().value(15).toInt();
        page.items.append(std::move(c));
    }
    if (page.items.size() > limit) {
        page.items.removeLast();
        const Conversation &last = page.items.constLast();
        const QString activity = QString::number(last.lastActivityAt.toMSecsSinceEpoch());
        switch (filter.sort) {
        case ConversationSort::Newest:
            page.nextCursor = last.id;
            break;
        case ConversationSort::LongestWaiting:
            page.nextCursor = QStringLiteral("w:") + activity + QLatin1Char(':') + last.id;
            break;
        case ConversationSort::Priority:
            page.nextCursor = QStringLiteral("p:") + QString::number(int(last.priority)) +
                              QLatin1Char(':') + activity + QLatin1Char(':') + last.id;
            break;
        }
    }
    return page;
}

Outcome<int> ConversationRepository::countActive()
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT COUNT(*) FROM conversations WHERE status IN ('open', 'pending')"));
    if (!query.isOk())
        return query.error();
    return query.value().next() ? query.value().value(0).toInt() : 0;
}

} // namespace relaydesk
