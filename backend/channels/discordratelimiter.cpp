#include "channels/discordratelimiter.h"

#include <algorithm>
#include <cmath>

namespace relaydesk {

QString DiscordRateLimiter::bucketKey(const QString &route, const QString &majorParameter) const
{
    // Until Discord names the bucket, the route itself is the best guess of one.
    const QString bucket = m_routeBuckets.value(route, route);
    return bucket + QLatin1Char('|') + majorParameter;
}

qint64 DiscordRateLimiter::delayFor(const QString &route, const QString &majorParameter,
                                    qint64 nowMs) const
{
    qint64 delay = std::max<qint64>(0, m_globalUntilMs - nowMs);
    const auto it = m_buckets.constFind(bucketKey(route, majorParameter));
    if (it != m_buckets.cend() && it->remaining <= 0)
        delay = std::max(delay, it->resetAtMs - nowMs);
    return std::max<qint64>(0, delay);
}

void DiscordRateLimiter::consume(const QString &route, const QString &majorParameter, qint64 nowMs)
{
    const auto it = m_buckets.find(bucketKey(route, majorParameter));
    if (it != m_buckets.end() && it->resetAtMs > nowMs && it->remaining > 0)
        --it->remaining;
}

void DiscordRateLimiter::update(const QString &route, const QString &majorParameter,
                                const Headers &headers, qint64 nowMs)
{
    if (!headers.bucket.isEmpty())
        m_routeBuckets.insert(route, QString::fromLatin1(headers.bucket));
    bool remainingOk = false;
    const int remaining = headers.remaining.trimmed().toInt(&remainingOk);
    bool resetOk = false;
    const double resetAfter = headers.resetAfter.trimmed().toDouble(&resetOk);
    if (!remainingOk || !resetOk || remaining < 0 || !std::isfinite(resetAfter) || resetAfter < 0)
        return;
    Bucket &bucket = m_buckets[bucketKey(route, majorParameter)];
    bucket.remaining = remaining;
    bucket.resetAtMs = nowMs + qint64(std::ceil(resetAfter * 1000.0));
}

void DiscordRateLimiter::block(const QString &route, const QString &majorParameter, qint64 untilMs)
{
    Bucket &bucket = m_buckets[bucketKey(route, majorParameter)];
    bucket.remaining = 0;
    bucket.resetAtMs = std::max(bucket.resetAtMs, untilMs);
}

void DiscordRateLimiter::blockGlobally(qint64 untilMs)
{
    m_globalUntilMs = std::max(m_globalUntilMs, untilMs);
}

} // namespace relaydesk
