#pragma once

#include "core/conversation.h"
#include "core/message.h"

#include <QCoro/QCoroTask>
#include <QDateTime>
#include <optional>

namespace relaydesk {

struct SendResult {
    bool ok = false;
    QString externalId; // the platform's id for the sent message, when it returns one
    QString error;      // human-readable reason on failure
    bool retryable = true;
    int retryAfterSeconds = 0;
};

struct ChannelHealth {
    QDateTime lastSuccessAt;
    QDateTime lastErrorAt;
    QString lastError;
    int consecutiveFailures = 0;
};

// Everything an adapter needs to deliver one outbound message.
struct OutboundContext {
    Message message; // content already final (an operator's edit applied)
    Conversation conversation;
    // The customer's newest message in the conversation, when there is one: adapters take the
    // reply address from its metadata (chat id, channel id, e-mail Message-ID, ...).
    std::optional<Message> lastInbound;
};

struct ChannelStatus {
    QString name;
    ChannelHealth health;
};

// One platform's connection: sends outbound messages. Inbound verification and parsing join
// this interface with the platform adapters. Runs on the engine thread; send() never blocks.
class InboundSink;

class ChannelAdapter
{
public:
    virtual ~ChannelAdapter() = default;
    virtual QString name() const = 0;
    // Starts what the channel runs by itself (long polling, a gateway connection) on the engine
    // thread; inbound messages go to `sink`. Channels fed only by webhooks do nothing here.
    virtual void start(InboundSink *sink) { Q_UNUSED(sink) }
    virtual void stop() {}
    virtual bool handles(Platform platform) const = 0;
    virtual QCoro::Task<SendResult> send(OutboundContext context) = 0;

    ChannelHealth health() const { return m_health; }

    // Inbound activity counts for health too: a poller that keeps failing is unhealthy.
    void recordResult(const SendResult &result);

private:
    ChannelHealth m_health;
};

} // namespace relaydesk
