#pragma once

#include <QByteArray>
#include <QDateTime>

#include <functional>

namespace relaydesk {

// When to call a provider again after a retryable failure.
class RetryTiming
{
public:
    // retry-after-ms (milliseconds, may be fractional) wins over retry-after (seconds or an
    // HTTP date, RFC 9110 §10.2.3); -1 when neither is usable.
    static qint64 retryAfterMs(const QByteArray &retryAfterMsHeader,
                               const QByteArray &retryAfterHeader,
                               const QDateTime &now = QDateTime::currentDateTimeUtc());
    // Exponential backoff without a server hint: 0.5 s doubling per retry up to 8 s, minus up
    // to 25 % jitter so a fleet of clients does not retry in lock step. `retry` counts from 0;
    // `random` is in [0, 1).
    static qint64 backoffMs(int retry, double random);
};

} // namespace relaydesk
