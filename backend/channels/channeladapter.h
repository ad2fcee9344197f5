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
    // The provider itself failed (5xx, timeout, unreachable), as opposed to refusing this one
    // message or rate limiting: counts against the account's circuit where failover is set up.
    bool accountFault = false;
    // Which of the channel's accounts sent it ("primary", "fallback"); empty without failover.
    QString account;
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

// One account of a channel with failover ([channels.<name>.fallback]).
struct AccountStatus {
    QString name; // "primary" or "fallback"
    ChannelHealth health;
    QString circuit;      // closed, open, half_open
    qint64 retryInMs = 0; // while open: time left before the account is tried again
};

struct ChannelStatus {
    QString name;
    ChannelHealth health;
    QList<AccountStatus> accounts; // empty without failover
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
    // Per-account health of a channel that fails over between accounts; empty otherwise.
    virtual QList<AccountStatus> accountStatuses() const { return {}; }

    // Inbound activity counts for health too: a poller that keeps failing is unhealthy.
    void recordResult(const SendResult &result);

private:
    ChannelHealth m_health;
};

} // namespace relaydesk
