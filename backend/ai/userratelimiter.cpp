#include "ai/userratelimiter.h"

#include <QElapsedTimer>

namespace relaydesk {

namespace {

constexpr int kForgetAbove = 10000;

qint64 monotonicMs()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

} // namespace

UserRateLimiter::UserRateLimiter(int perMinute, std::function<qint64()> clock)
    : m_perMinute(perMinute)
    , m_clock(clock ? std::move(clock) : std::function<qint64()>(monotonicMs))
{}

QString UserRateLimiter::keyFor(const QString &platform, const QString &userId)
{
    return platform + QLatin1Char('\x1f') + userId;
}

bool UserRateLimiter::allow(const QString &key)
{
    if (m_perMinute <= 0)
        return true;
    const qint64 now = m_clock();
    const double capacity = m_perMinute;
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= kForgetAbove)
            forgetIdle(now);
        it = m_buckets.insert(key, Bucket{capacity, now});
    } else {
        const double refill = double(now - it->updatedAt) * capacity / 60000.0;
        it->tokens = std::min(capacity, it->tokens + refill);
        it->updatedAt = now;
    }
    if (it->tokens < 1.0)
        return false;
    it->tokens -= 1.0;
    return true;
}

void UserRateLimiter::forgetIdle(qint64 now)
{
    // A bucket that has refilled completely is indistinguishable from a new one.
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (double(now - it->updatedAt) * m_perMinute / 60000.0 + it->tokens >= m_perMinute)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

} // namespace relaydesk
