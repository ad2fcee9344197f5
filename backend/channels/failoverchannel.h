#pragma once

#include "ai/circuitbreaker.h"
#include "channels/channeladapter.h"

#include <array>
#include <functional>
#include <memory>

namespace relaydesk {

// Two accounts of one provider behind one channel ([channels.<name>.fallback], e.g. two Twilio
// accounts or two SendGrid API keys), each with its own circuit breaker.
//
// A send goes through the primary unless its circuit is open, else through the fallback. When
// an account fails as a provider (SendResult::accountFault: 5xx, timeout, unreachable) the same
// message goes on to the other account at once, so one message is not held back by an outage it
// could route around; those failures open the account's circuit after failure_threshold in a
// row, and after cooldown_s one probe send tries the primary again. A refused message (invalid
// number, 4xx) is answered by the provider, so it is returned as is and counts as the account
// working. The result names the account that answered, for the `sent` event.
class FailoverChannel : public ChannelAdapter
{
public:
    static constexpr const char *Primary = "primary";
    static constexpr const char *Fallback = "fallback";

    // `clock` returns monotonic milliseconds for the breakers; tests may pass their own.
    FailoverChannel(std::unique_ptr<ChannelAdapter> primary,
                    std::unique_ptr<ChannelAdapter> fallback, CircuitBreaker::Options breaker,
                    std::function<qint64()> clock = {});

    QString name() const override;
    // Polling and gateways belong to the primary account; fallbacks only send.
    void start(InboundSink *sink) override;
    void stop() override;
    bool handles(Platform platform) const override;
    QCoro::Task<SendResult> send(OutboundContext context) override;
    QList<AccountStatus> accountStatuses() const override;

    // 0 = primary, 1 = fallback.
    CircuitBreaker &breaker(int account) const;

private:
    struct Account {
        QString name;
        std::unique_ptr<ChannelAdapter> channel;
        std::unique_ptr<CircuitBreaker> breaker;
    };

    void settle(Account &account, const SendResult &result);
    SendResult allOpen() const;

    std::array<Account, 2> m_accounts;
};

} // namespace relaydesk
