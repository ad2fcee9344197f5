#pragma once

#include "core/enums.h"
#include "core/outcome.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <optional>

namespace relaydesk {

struct WebhookLogEntry {
    QString channel;
    QString requestId;
    QString path;
    QJsonObject headers; // secrets already stripped by the caller
    qint64 bodyBytes = 0;
    int status = 0;
    bool verified = false;
    QString outcome; // "accepted", "duplicate", "invalid signature", ...
    qint64 durationMs = 0;
    QDateTime receivedAt;
};

// What channels keep in the database besides messages: processed-event receipts, per-channel
// state that survives restarts, the webhook audit log, and the platform ids of sent messages.
class ChannelStore
{
public:
    explicit ChannelStore(QSqlDatabase db);

    // True when `key` is new (and is now recorded); false when it was processed before.
    Outcome<bool> claimReceipt(const QString &key);
    Outcome<std::optional<QString>> state(const QString &channel, const QString &key);
    Outcome<Done> setState(const QString &channel, const QString &key, const QString &value);
    Outcome<Done> log(const WebhookLogEntry &entry);
    Outcome<QList<WebhookLogEntry>> recentLogs(const QString &channel, int limit);
    Outcome<Done> recordExternalId(Platform platform, const QString &externalId,
                                   const QString &messageId);
    Outcome<std::optional<QString>> messageForExternalId(Platform platform,
                                                         const QString &externalId);

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
