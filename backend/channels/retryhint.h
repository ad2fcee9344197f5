#pragma once

#include <QByteArrayView>
#include <QDateTime>

namespace relaydesk {

// Turns a platform's "come back later" headers into seconds to wait, for SendResult.
class RetryHint
{
public:
    // Longer waits are capped: a broken header must not park a message for days.
    static constexpr int kMaxSeconds = 24 * 3600;

    // Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); 0 when absent or unusable.
    static int fromRetryAfter(QByteArrayView value,
                              const QDateTime &now = QDateTime::currentDateTimeUtc());
    // A reset instant in Unix seconds (X-RateLimit-Reset); at least 1 when it parses, else 0.
    static int fromResetTime(QByteArrayView value,
                             const QDateTime &now = QDateTime::currentDateTimeUtc());
};

} // namespace relaydesk
