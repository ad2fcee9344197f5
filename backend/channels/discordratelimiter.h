#pragma once

#include <QHash>
#include <QString>

namespace relaydesk {

// Discord's REST rate limits as the response headers describe them: every route maps to a
// bucket (X-RateLimit-Bucket) that is shared per major parameter (the channel id), with
// X-RateLimit-Remaining requests left until X-RateLimit-Reset-After seconds from now; a 429 can
// also block one route or, with "global": true, everything. Times are milliseconds on a clock
// the caller supplies, so the limiter is deterministic under test.
class DiscordRateLimiter
{
public:
    struct Headers {
        QByteArray bucket;     // X-RateLimit-Bucket
        QByteArray remaining;  // X-RateLimit-Remaining
        QByteArray resetAfter; // X-RateLimit-Reset-After (seconds, fractional)
    };

    // How long to wait before `route` (e.g. "POST /channels/123/messages") may be called.
    qint64 delayFor(const QString &route, const QString &majorParameter, qint64 nowMs) const;
    // Counts a request about to go out, so concurrent sends do not all spend the last one.
    void consume(const QString &route, const QString &majorParameter, qint64 nowMs);
    // Learns from a response's headers; absent headers change nothing.
    void update(const QString &route, const QString &majorParameter, const Headers &headers,
                qint64 nowMs);
    // A 429 for this route: nothing goes out on it until `untilMs`.
    void block(const QString &route, const QString &majorParameter, qint64 untilMs);
    void blockGlobally(qint64 untilMs);

private:
    struct Bucket {
        int remaining = 1;
        qint64 resetAtMs = 0;
    };
    QString bucketKey(const QString &route, const QString &majorParameter) const;

    QHash<QString, QString> m_routeBuckets; // route -> bucket hash Discord reported
    QHash<QString, Bucket> m_buckets;       // bucket hash (or route) + major parameter
    qint64 m_globalUntilMs = 0;
};

} // namespace relaydesk
