#pragma once

#include "core/outcome.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>
#include <utility>

namespace relaydesk {

// One remembered answer to a POST sent with an Idempotency-Key.
struct IdempotencyRecord {
    QString scope;       // who may replay it: the API token id (or "anonymous" on public routes)
    QString key;         // the client's Idempotency-Key
    QString fingerprint; // hex SHA-256 of method, path and body
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers; // replayed as sent, minus framing
    QByteArray body;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0;
};

// The idempotency_keys table (migration 004).
class IdempotencyStore
{
public:
    static constexpr qint64 DefaultLifetimeMs = 24LL * 60 * 60 * 1000;

    explicit IdempotencyStore(QSqlDatabase db);

    // The unexpired record of (scope, key), if any.
    Outcome<std::optional<IdempotencyRecord>> find(const QString &scope, const QString &key,
                                                   qint64 nowMs);
    // Keeps the first answer when two instances race on one key (the later insert is ignored);
    // an expired row of the same key is replaced.
    Outcome<Done> insert(const IdempotencyRecord &record);
    // Deletes expired rows; returns how many.
    Outcome<int> purgeExpired(qint64 nowMs);

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
