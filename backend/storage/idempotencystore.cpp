#include "storage/idempotencystore.h"

#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace relaydesk {

namespace {

QString headersToJson(const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QJsonArray array;
    for (const auto &[name, value] : headers)
        array.append(QJsonArray{QString::fromLatin1(name), QString::fromLatin1(value)});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<std::pair<QByteArray, QByteArray>> headersFromJson(const QString &text)
{
    QList<std::pair<QByteArray, QByteArray>> headers;
    const QJsonArray array = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &value : array) {
        const QJsonArray pair = value.toArray();
        if (pair.size() == 2)
            headers.append({pair.at(0).toString().toLatin1(), pair.at(1).toString().toLatin1()});
    }
    return headers;
}

} // namespace

IdempotencyStore::IdempotencyStore(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<std::optional<IdempotencyRecord>> IdempotencyStore::find(const QString &scope,
                                                                 const QString &key, qint64 nowMs)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT fingerprint, status, headers, body, created_at, expires_at FROM "
                       "idempotency_keys WHERE scope = ? AND key = ? AND expires_at > ?"),
        {scope, key, nowMs});
    if (!query.isOk())
        return query.error();
    QSqlQuery &q = query.value();
    if (!q.next())
        return std::optional<IdempotencyRecord>();
    IdempotencyRecord record;
    record.scope = scope;
    record.key = key;
    record.fingerprint = q.value(0).toString();
    record.status = q.value(1).toInt();
    record.headers = headersFromJson(q.value(2).toString());
    // Bodies are stored as text: every answer of this API is JSON or plain UTF-8 text.
    record.body = q.value(3).toString().toUtf8();
    record.createdAtMs = q.value(4).toLongLong();
    record.expiresAtMs = q.value(5).toLongLong();
    return std::optional<IdempotencyRecord>(record);
}

Outcome<Done> IdempotencyStore::insert(const IdempotencyRecord &record)
{
    // An expired row would otherwise block the key until the next purge.
    auto stale = Database::exec(
        m_db,
        QStringLiteral(
            "DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND expires_at <= ?"),
        {record.scope, record.key, record.createdAtMs});
    if (!stale.isOk())
        return stale.error();
    const QString sql =
        Database::dialect(m_db) == SqlDialect::Sqlite
            ? QStringLiteral("INSERT OR IGNORE INTO idempotency_keys (scope, key, fingerprint, "
                             "status, headers, body, created_at, expires_at) VALUES (?, ?, ?, ?, "
                             "?, ?, ?, ?)")
            : QStringLiteral("INSERT INTO idempotency_keys (scope, key, fingerprint, status, "
                             "headers, body, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
                             "?) ON CONFLICT (scope, key) DO NOTHING");
    auto query = Database::exec(m_db, sql,
                                {record.scope, record.key, record.fingerprint, record.status,
                                 headersToJson(record.headers), QString::fromUtf8(record.body),
                                 record.createdAtMs, record.expiresAtMs});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<int> IdempotencyStore::purgeExpired(qint64 nowMs)
{
    auto query = Database::exec(
        m_db, QStringLiteral("DELETE FROM idempotency_keys WHERE expires_at <= ?"), {nowMs});
    if (!query.isOk())
        return query.error();
    return query.value().numRowsAffected();
}

} // namespace relaydesk
