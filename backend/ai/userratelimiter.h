#pragma once

#include <QHash>
#include <QString>

#include <functional>

namespace relaydesk {

// [ai] rate_limit_per_user_per_minute: a token bucket per end user (platform + user id), so one
// chatty or scripted customer cannot run up the AI bill or starve everyone else's drafts. Lives
// on the engine thread and is not synchronised; in memory only, like any rate limit that only
// needs to be roughly right across restarts.
class UserRateLimiter
{
public:
    // perMinute <= 0 disables the limit. `clock` returns monotonic milliseconds.
    explicit UserRateLimiter(int perMinute, std::function<qint64()> clock = {});

    // Takes one token for `key`; false when its bucket is empty.
    bool allow(const QString &key);
    int perMinute() const { return m_perMinute; }
    int trackedKeys() const { return int(m_buckets.size()); }
    static QString keyFor(const QString &platform, const QString &userId);

private:
    struct Bucket {
        double tokens;
        qint64 updatedAt;
    };
    void forgetIdle(qint64 now);

    int m_perMinute;
    std::function<qint64()> m_clock;
    QHash<QString, Bucket> m_buckets;
};

} // namespace relaydesk
