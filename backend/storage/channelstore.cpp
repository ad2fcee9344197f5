#include "storage/channelstore.h"

#include "core/clock.h"
#include "core/uuid7.h"
#include "storage/database.h"
#include "storage/sqlcodec.h"

#include <QJsonDocument>
#include <algorithm>

namespace relaydesk {

ChannelStore::ChannelStore(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<bool> ChannelStore::claimReceipt(const QString &key)
{
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral(
                  "INSERT OR IGNORE INTO webhook_receipts (key, received_at) VALUES (?, ?)")
            : QStringLiteral("INSERT INTO webhook_receipts (key, received_at) VALUES (?, ?) ON "
                             "CONFLICT (key) DO NOTHING");
    auto query = Database::exec(m_db, sql, {key, Clock::now().toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return query.value().numRowsAffected() > 0;
}

Outcome<std::optional<QString>> ChannelStore::state(const QString &channel, const QString &key)
{
    auto query = Database::exec(
        m_db, QStringLiteral("SELECT value FROM channel_state WHERE channel = ? AND key = ?"),
        {channel, key});
    if (!query.isOk())
        return query.error();
    if (query.value().next())
        return std::optional<QString>(query.value().value(0).toString());
    return std::optional<QString>();
}

Outcome<Done> ChannelStore::setState(const QString &channel, const QString &key,
                                     const QString &value)
{
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral("INSERT INTO channel_state (channel, key, value, updated_at) VALUES "
                             "(?, ?, ?, ?) ON CONFLICT (channel, key) DO UPDATE SET value = "
                             "excluded.value, updated_at = excluded.updated_at")
            : QStringLiteral("INSERT INTO channel_state (channel, key, value, updated_at) VALUES "
                             "(?, ?, ?, ?) ON CONFLICT (channel, key) DO UPDATE SET value = "
                             "EXCLUDED.value, updated_at = EXCLUDED.updated_at");
    auto query = Database::exec(m_db, sql, {channel, key, value, Clock::now().toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<Done> ChannelStore::log(const WebhookLogEntry &entry)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("INSERT INTO webhook_logs (id, channel, request_id, path, headers, "
                       "body_bytes, status, verified, outcome, duration_ms, received_at) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {Uuid7::generate(), entry.channel, entry.requestId, entry.path,
         QString::fromUtf8(QJsonDocument(entry.headers).toJson(QJsonDocument::Compact)),
         entry.bodyBytes, entry.status, entry.verified ? 1 : 0, entry.outcome, entry.durationMs,
         (entry.receivedAt.isValid() ? entry.receivedAt : Clock::now()).toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<QList<WebhookLogEntry>> ChannelStore::recentLogs(const QString &channel, int limit)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT channel, request_id, path, headers, body_bytes, status, verified, "
                       "outcome, duration_ms, received_at FROM webhook_logs WHERE channel = ? "
                       "ORDER BY id DESC LIMIT ") +
            QString::number(std::clamp(limit, 1, 1000)),
        {channel});
    if (!query.isOk())
        return query.error();
    QList<WebhookLogEntry> entries;
    while (query.value().next()) {
        const QSqlQuery &q = query.value();
        entries.append(WebhookLogEntry{
            q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
            QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object(),
            q.value(4).toLongLong(), q.value(5).toInt(), q.value(6).toInt() != 0,
            q.value(7).toString(), q.value(8).toLongLong(), SqlCodec::dateTime(q.value(9))});
    }
    return entries;
}

Outcome<Done> ChannelStore::recordExternalId(Platform platform, const QString &externalId,
                                             const QString &messageId)
{
    if (externalId.isEmpty())
        return Done{};
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral("INSERT OR IGNORE INTO message_external_ids (platform, external_id, "
                             "message_id) VALUES (?, ?, ?)")
            : QStringLiteral("INSERT INTO message_external_ids (platform, external_id, "
                             "message_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    auto query = Database::exec(m_db, sql, {toString(platform), externalId, messageId});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<std::optional<QString>> ChannelStore::messageForExternalId(Platform platform,
                                                                   const QString &externalId)
{
    auto query = Database::exec(m_db,
                                QStringLiteral("SELECT message_id FROM message_external_ids WHERE "
                                               "platform = ? AND external_id = ?"),
                                {toString(platform), externalId});
    if (!query.isOk())
        return query.error();
    if (query.value().next())
        return std::optional<QString>(query.value().value(0).toString());
    return std::optional<QString>();
}

} // namespace relaydesk
