#include "server/ratelimiter.h"

#include <cmath>

namespace relaydesk {

namespace {

// Buckets that have refilled completely carry no information; dropping them bounds memory
// when many addresses each send a few requests.
constexpr int PruneThreshold = 10000;

} // namespace

RateLimiter::RateLimiter(int requests, int periodSeconds, const QString &policyName)
    : m_requests(qMax(1, requests))
    , m_periodSeconds(qMax(1, periodSeconds))
    , m_policyName(policyName.toLatin1())
    , m_tokensPerMs(double(m_requests) / (double(m_periodSeconds) * 1000.0))
{}

void RateLimiter::refill(Bucket &bucket, qint64 nowMs) const
{
    const qint64 elapsed = qMax<qint64>(0, nowMs - bucket.updatedMs);
    bucket.tokens = qMin(double(m_requests), bucket.tokens + double(elapsed) * m_tokensPerMs);
    bucket.updatedMs = nowMs;
}

void RateLimiter::prune(qint64 nowMs)
{
    if (m_buckets.size() < PruneThreshold || nowMs - m_lastPruneMs < 1000)
        return;
    m_lastPruneMs = nowMs;
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        refill(it.value(), nowMs);
        if (it.value().tokens >= m_requests)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

RateLimiter::Decision RateLimiter::take(const QString &key, qint64 nowMs)
{
    prune(nowMs);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{double(m_requests), nowMs});
    Bucket &bucket = it.value();
    refill(bucket, nowMs);

    Decision decision;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        decision.allowed = true;
        decision.remaining = int(std::floor(bucket.tokens));
        decision.resetSeconds =
            int(std::ceil((double(m_requests) - bucket.tokens) / m_tokensPerMs / 1000.0));
    } else {
        decision.allowed = false;
        decision.remaining = 0;
        decision.resetSeconds =
            qMax(1, int(std::ceil((1.0 - bucket.tokens) / m_tokensPerMs / 1000.0)));
    }
    return decision;
}

HttpHeaderList RateLimiter::headers(const Decision &decision) const
{
    const QByteArray name = '"' + m_policyName + '"';
    return {
        {QByteArrayLiteral("RateLimit-Policy"), name + ";q=" + QByteArray::number(m_requests) +
                                                    ";w=" + QByteArray::number(m_periodSeconds)},
        {QByteArrayLiteral("RateLimit"), name + ";r=" + QByteArray::number(decision.remaining) +
                                             ";t=" + QByteArray::number(decision.resetSeconds)}};
}

Problem RateLimiter::refusal(const Decision &decision) const
{
    Problem problem = Problem::tooManyRequests(
        decision.resetSeconds,
        QStringLiteral("Rate limit of %1 requests per %2 s exceeded; retry in %3 s.")
            .arg(m_requests)
            .arg(m_periodSeconds)
            .arg(decision.resetSeconds));
    for (const auto &[name, value] : headers(decision))
        problem.addHeader(name, value);
    return problem;
}

} // namespace relaydesk
