#pragma once

#include "server/problem.h"

#include <QHash>
#include <QString>

namespace relaydesk {

// Token buckets keyed by client (an API token id, a peer address): each holds up to `requests`
// tokens and refills at requests/period, so a client may burst to the full quota and then
// sustain the average rate. Headers follow the IETF ratelimit-headers draft in its
// structured-field form:
//   RateLimit-Policy: "default";q=100;w=60
//   RateLimit: "default";r=42;t=12
// Not thread-safe: lives on the HTTP thread like the server that asks it.
class RateLimiter
{
public:
    struct Decision {
        bool allowed = true;
        int remaining = 0;
        // Seconds until the bucket is full again; when refused, until one request is allowed.
        int resetSeconds = 0;
    };

    RateLimiter(int requests, int periodSeconds,
                const QString &policyName = QStringLiteral("default"));

    // Takes one token from `key`'s bucket when there is one.
    Decision take(const QString &key, qint64 nowMs);
    HttpHeaderList headers(const Decision &decision) const;
    // The 429 answer for a refused decision: Retry-After plus the headers above.
    Problem refusal(const Decision &decision) const;

    int requests() const { return m_requests; }
    int periodSeconds() const { return m_periodSeconds; }
    int bucketCount() const { return int(m_buckets.size()); }

private:
    struct Bucket {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    void refill(Bucket &bucket, qint64 nowMs) const;
    void prune(qint64 nowMs);

    int m_requests;
    int m_periodSeconds;
    QByteArray m_policyName;
    double m_tokensPerMs;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastPruneMs = 0;
};

} // namespace relaydesk
