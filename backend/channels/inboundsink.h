#pragma once

#include "core/enums.h"
#include "core/ingestresult.h"
#include "core/message.h"
#include "core/outcome.h"

#include <QFuture>
#include <QJsonObject>
#include <optional>

namespace relaydesk {

struct WebhookLogEntry;

// What a channel may ask of the engine: accept a customer message, remember small state across
// restarts, de-duplicate platform events and record delivery receipts. Implemented by the
// engine; every method is thread-safe and resolves after the write is committed.
class InboundSink
{
public:
    virtual ~InboundSink() = default;

    // Durable before the future resolves. Set Message::clientMessageId to
    // "<platform>:<platform message id>" so a redelivered message is recognised.
    virtual QFuture<Outcome<IngestResult>> deliverInbound(Message message) = 0;
    virtual QFuture<Outcome<std::optional<QString>>> loadState(const QString &channel,
                                                               const QString &key) = 0;
    virtual QFuture<Outcome<Done>> saveState(const QString &channel, const QString &key,
                                             const QString &value) = 0;
    // True the first time `key` is seen, false for a duplicate delivery.
    virtual QFuture<Outcome<bool>> claimReceipt(const QString &key) = 0;
    // True when the external id belonged to a message we sent.
    virtual QFuture<Outcome<bool>> recordDeliveryStatus(Platform platform,
                                                        const QString &externalId, EventType type,
                                                        const QString &detail) = 0;
    virtual void logWebhook(const WebhookLogEntry &entry) = 0;
};

} // namespace relaydesk
