#include "channels/failoverchannel.h"

#include "observability/logger.h"

#include <algorithm>

namespace relaydesk {

FailoverChannel::FailoverChannel(std::unique_ptr<ChannelAdapter> primary,
                                 std::unique_ptr<ChannelAdapter> fallback,
                                 CircuitBreaker::Options breaker, std::function<qint64()> clock)
{
    m_accounts[0] = Account{QLatin1String(Primary), std::move(primary),
                            std::make_unique<CircuitBreaker>(breaker, clock)};
    m_accounts[1] = Account{QLatin1String(Fallback), std::move(fallback),
                            std::make_unique<CircuitBreaker>(breaker, clock)};
}

QString FailoverChannel::name() const
{
    return m_accounts[0].channel->name();
}

void FailoverChannel::start(InboundSink *sink)
{
    m_accounts[0].channel->start(sink);
}

void FailoverChannel::stop()
{
    m_accounts[0].channel->stop();
}

bool FailoverChannel::handles(Platform platform) const
{
    return m_accounts[0].channel->handles(platform);
}

CircuitBreaker &FailoverChannel::breaker(int account) const
{
    return *m_accounts[std::clamp(account, 0, 1)].breaker;
}

QList<AccountStatus> FailoverChannel::accountStatuses() const
{
    QList<AccountStatus> statuses;
    for (const Account &account : m_accounts) {
        const CircuitBreaker::Snapshot snapshot = account.breaker->snapshot();
        statuses.append(AccountStatus{account.name, account.channel->health(),
                                      CircuitBreaker::toString(snapshot.state),
                                      snapshot.retryInMs});
    }
    return statuses;
}

void FailoverChannel::settle(Account &account, const SendResult &result)
{
    if (result.accountFault) {
        account.breaker->recordFailure();
        qCWarning(lcChannels).noquote()
            << name() << account.name << "account failed:" << result.error << "- circuit"
            << CircuitBreaker::toString(account.breaker->state());
    } else {
        account.breaker->recordSuccess();
    }
}

SendResult FailoverChannel::allOpen() const
{
    qint64 waitMs = 0;
    for (const Account &account : m_accounts) {
        const qint64 left = account.breaker->snapshot().retryInMs;
        waitMs = waitMs == 0 ? left : std::min(waitMs, left);
    }
    SendResult result;
    result.error = QStringLiteral("%1: the circuits of both accounts are open after repeated "
                                  "provider failures; retrying when one cools down")
                       .arg(name());
    result.retryable = true;
    result.accountFault = true;
    result.retryAfterSeconds = int(std::max<qint64>(1, (waitMs + 999) / 1000));
    return result;
}

// GCC 12 destroys some temporaries in coroutine bodies twice: only named locals are awaited.
QCoro::Task<SendResult> FailoverChannel::send(OutboundContext context)
{
    SendResult last;
    bool attempted = false;
    for (Account &account : m_accounts) {
        const bool admitted = account.breaker->tryAcquire();
        if (!admitted)
            continue;
        QCoro::Task<SendResult> pending = account.channel->send(context);
        SendResult result = co_await pending;
        result.account = account.name;
        settle(account, result);
        if (result.ok || !result.accountFault) {
            recordResult(result);
            co_return result;
        }
        last = result;
        attempted = true;
    }
    if (!attempted)
        last = allOpen();
    recordResult(last);
    co_return last;
}

} // namespace relaydesk
