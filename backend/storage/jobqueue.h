#pragma once

#include "core/enums.h"
#include "core/outcome.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <optional>

namespace relaydesk {

struct Job {
    QString id;
    QString kind;
    QString messageId;
    QJsonObject payload;
    Priority priority = Priority::Normal;
    QString state; // ready, running, done, dead
    int attempts = 0;
    int maxAttempts = 3;
    QDateTime runAt;
    QDateTime leaseUntil;
    QString lastError;
    QDateTime createdAt;
};

struct QueueCounts {
    // state -> priority -> count
    QMap<QString, QMap<Priority, int>> byState;
    int total(const QString &state) const;
};

struct RetryPolicy {
    int baseMs = 1000;
    int maxMs = 5 * 60 * 1000;
};

// The persistent job queue. Claims take the highest priority, then the oldest ready job, and
// lease it; a worker that dies leaves its lease to expire and be reclaimed. On PostgreSQL
// claims use FOR UPDATE SKIP LOCKED so many instances share one queue; on SQLite the single
// writer serialises them.
class JobQueue
{
public:
    explicit JobQueue(QSqlDatabase db);

    Outcome<QString> enqueue(const QString &kind, const QString &messageId,
                             const QJsonObject &payload, Priority priority, int maxAttempts,
                             const QDateTime &runAt = {});
    Outcome<QList<Job>> claim(int limit, const QString &owner, int leaseSeconds);
    Outcome<Done> complete(const QString &jobId);
    // Completes a batch in a few statements instead of one per job (queue burn-down, a
    // worker finishing a claimed batch).
    Outcome<Done> completeMany(const QStringList &jobIds);
    // Schedules a retry with exponential backoff and jitter; returns true when the job had no
    // attempts left and was dead-lettered instead.
    // `notBeforeMs` is the wait the remote side asked for (Retry-After); the backoff never
    // schedules the retry earlier than that.
    Outcome<bool> fail(const QString &jobId, const QString &error, const RetryPolicy &policy,
                       qint64 notBeforeMs = 0);
    // Gives a running job back untouched (graceful shutdown): the attempt does not count.
    Outcome<Done> release(const QString &jobId);
    // Gives back every job still leased to `owner` at shutdown, also those whose outcome could
    // not be recorded (the database was down when they finished); their attempt counts. Returns
    // how many.
    Outcome<int> releaseOwner(const QString &owner);
    // Expired leases return to ready; returns how many. `all` also takes back unexpired ones:
    // at start-up on SQLite no other process can hold them, so they belong to a crashed run.
    Outcome<int> reclaimExpired(bool all = false);
    // A dead letter back to ready with fresh attempts.
    Outcome<Job> retry(const QString &jobId);
    // Deletes a dead letter for good (an operator gave up on it) and returns it as it was;
    // only dead jobs: a ready or running one may still succeed.
    Outcome<Job> discard(const QString &jobId);
    Outcome<Job> get(const QString &jobId);
    Outcome<QList<Job>> dead(int limit);
    // The newest dead letter about `messageId` (its send job, or for a customer message its
    // draft job), so a console can offer to retry what failed; empty when nothing is dead.
    Outcome<std::optional<Job>> deadFor(const QString &messageId);
    Outcome<int> countReady();
    Outcome<QueueCounts> counts();

    static qint64 backoffMs(int attempts, const RetryPolicy &policy);

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
