#include "storage/jobqueue.h"

#include "core/clock.h"
#include "core/uuid7.h"
#include "storage/database.h"
#include "storage/sqlcodec.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <algorithm>
#include <cmath>
#include <limits>

namespace relaydesk {

namespace {

const QString kColumns = QStringLiteral(
    "id, kind, message_id, payload, priority, state, attempts, max_attempts, run_at, "
    "lease_until, last_error, created_at");

Job fromRow(const QSqlQuery &q)
{
    Job job;
    job.id = q.value(0).toString();
    job.kind = q.value(1).toString();
    job.messageId = q.value(2).toString();
    job.payload = QJsonDocument::fromJson(q.value(3).toString().toUtf8()).object();
    job.priority = Priority(std::clamp(q.value(4).toInt(), 0, 3));
    job.state = q.value(5).toString();
    job.attempts = q.value(6).toInt();
    job.maxAttempts = q.value(7).toInt();
    job.runAt = SqlCodec::dateTime(q.value(8));
    if (!q.value(9).isNull())
        job.leaseUntil = SqlCodec::dateTime(q.value(9));
    job.lastError = q.value(10).toString();
    job.createdAt = SqlCodec::dateTime(q.value(11));
    return job;
}

} // namespace

int QueueCounts::total(const QString &state) const
{
    int sum = 0;
    for (int count : byState.value(state))
        sum += count;
    return sum;
}

JobQueue::JobQueue(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<QString> JobQueue::enqueue(const QString &kind, const QString &messageId,
                                   const QJsonObject &payload, Priority priority, int maxAttempts,
                                   const QDateTime &runAt)
{
    const QString id = Uuid7::generate();
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    auto query = Database::run(
        m_db,
        QStringLiteral("INSERT INTO jobs (id, kind, message_id, payload, priority, state, "
                       "attempts, max_attempts, run_at, created_at, updated_at) VALUES "
                       "(?, ?, ?, ?, ?, 'ready', 0, ?, ?, ?, ?)"),
        {id, kind, messageId,
         QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)), int(priority),
         std::max(1, maxAttempts), runAt.isValid() ? runAt.toMSecsSinceEpoch() : now, now, now});
    if (!query.isOk())
        return query.error();
    return id;
}

Outcome<QList<Job>> JobQueue::claim(int limit, const QString &owner, int leaseSeconds)
{
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    const qint64 leaseUntil = now + qint64(leaseSeconds) * 1000;
    const bool postgres = Database::dialect(m_db) == SqlDialect::Postgresql;
    // Without statistics SQLite's planner picks jobs_state (state = ?) and sorts every ready
    // job for each claim, which is O(backlog): with 10,000 drafts waiting a claim took 10 ms
    // instead of 30 us. jobs_ready already holds the claim order, so it is named explicitly.
    const QString sql =
        QStringLiteral("UPDATE jobs SET state = 'running', attempts = attempts + 1, "
                       "lease_until = ?, lease_owner = ?, updated_at = ? WHERE id IN (SELECT id "
                       "FROM jobs ") +
        (postgres ? QString() : QStringLiteral("INDEXED BY jobs_ready ")) +
        QStringLiteral("WHERE state = 'ready' AND run_at <= ? ORDER BY priority DESC, "
                       "run_at, id LIMIT ?") +
        (postgres ? QStringLiteral(" FOR UPDATE SKIP LOCKED") : QString()) +
        QStringLiteral(") RETURNING ") + kColumns;
    QList<Job> jobs;
    auto query = Database::run(m_db, sql, {leaseUntil, owner, now, now, std::max(1, limit)},
                               [&jobs](QSqlQuery &q) {
                                   while (q.next())
                                       jobs.append(fromRow(q));
                               });
    if (!query.isOk())
        return query.error();
    // RETURNING does not promise an order; hand jobs out the way they were chosen.
    std::sort(jobs.begin(), jobs.end(), [](const Job &a, const Job &b) {
        if (a.priority != b.priority)
            return a.priority > b.priority;
        if (a.runAt != b.runAt)
            return a.runAt < b.runAt;
        return a.id < b.id;
    });
    return jobs;
}

Outcome<Done> JobQueue::complete(const QString &jobId)
{
    auto query = Database::run(
        m_db,
        QStringLiteral("UPDATE jobs SET state = 'done', lease_until = NULL, lease_owner = NULL, "
                       "updated_at = ? WHERE id = ?"),
        {Clock::now().toMSecsSinceEpoch(), jobId});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<Done> JobQueue::completeMany(const QStringList &jobIds)
{
    // Chunk sizes are fixed so only a handful of distinct statements exist to prepare and
    // cache, whatever the batch size.
    static constexpr int kChunks[] = {128, 32, 8, 1};
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    qsizetype next = 0;
    for (const int chunk : kChunks) {
        while (jobIds.size() - next >= chunk) {
            QString sql = QStringLiteral("UPDATE jobs SET state = 'done', lease_until = NULL, "
                                         "lease_owner = NULL, updated_at = ? WHERE id IN (?");
            sql.reserve(sql.size() + 2 * chunk + 1);
            for (int i = 1; i < chunk; ++i)
                sql += QLatin1String(",?");
            sql += QLatin1Char(')');
            QVariantList values;
            values.reserve(chunk + 1);
            values.append(now);
            for (int i = 0; i < chunk; ++i)
                values.append(jobIds.at(next + i));
            auto query = Database::run(m_db, sql, values);
            if (!query.isOk())
                return query.error();
            next += chunk;
        }
    }
    return Done{};
}

qint64 JobQueue::backoffMs(int attempts, const RetryPolicy &policy)
{
    const double exponential = double(policy.baseMs) * std::pow(2.0, std::max(0, attempts - 1));
    const double capped = std::min(exponential, double(policy.maxMs));
    // Equal jitter: half fixed, half random, so retries of a burst spread out but never fire
    // sooner than half the backoff.
    return qint64(capped / 2 + QRandomGenerator::global()->bounded(capped / 2 + 1));
}

Outcome<bool> JobQueue::fail(const QString &jobId, const QString &error, const RetryPolicy &policy,
                             qint64 notBeforeMs)
{
    auto current = get(jobId);
    if (!current.isOk())
        return current.error();
    const Job &job = current.value();
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    const bool dead = job.attempts >= job.maxAttempts;
    auto query = Database::exec(
        m_db,
        QStringLiteral("UPDATE jobs SET state = ?, run_at = ?, lease_until = NULL, lease_owner = "
                       "NULL, last_error = ?, updated_at = ? WHERE id = ?"),
        {dead ? QStringLiteral("dead") : QStringLiteral("ready"),
         dead ? job.runAt.toMSecsSinceEpoch()
              : now + std::max(backoffMs(job.attempts, policy), notBeforeMs),
         error.left(2000), now, jobId});
    if (!query.isOk())
        return query.error();
    return dead;
}

Outcome<Done> JobQueue::release(const QString &jobId)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("UPDATE jobs SET state = 'ready', attempts = MAX(attempts - 1, 0), "
                       "lease_until = NULL, lease_owner = NULL, updated_at = ? WHERE id = ? AND "
                       "state = 'running'")
            .replace(QLatin1String("MAX("), Database::dialect(m_db) == SqlDialect::Postgresql
                                                ? QLatin1String("GREATEST(")
                                                : QLatin1String("MAX(")),
        {Clock::now().toMSecsSinceEpoch(), jobId});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<int> JobQueue::releaseOwner(const QString &owner)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("UPDATE jobs SET state = 'ready', lease_until = NULL, lease_owner = NULL, "
                       "last_error = 'released at shutdown', updated_at = ? WHERE state = "
                       "'running' AND lease_owner = ?"),
        {Clock::now().toMSecsSinceEpoch(), owner});
    if (!query.isOk())
        return query.error();
    return query.value().numRowsAffected();
}

Outcome<int> JobQueue::reclaimExpired(bool all)
{
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    const qint64 cutoff = all ? std::numeric_limits<qint64>::max() : now;
    auto query = Database::exec(
        m_db,
        QStringLiteral("UPDATE jobs SET state = 'ready', lease_until = NULL, lease_owner = NULL, "
                       "last_error = 'lease expired (worker stopped)', updated_at = ? WHERE "
                       "state = 'running' AND lease_until < ?"),
        {now, cutoff});
    if (!query.isOk())
        return query.error();
    return query.value().numRowsAffected();
}

Outcome<Job> JobQueue::retry(const QString &jobId)
{
    auto current = get(jobId);
    if (!current.isOk())
        return current;
    if (current.value().state != QLatin1String("dead"))
        return Outcome<Job>::failure(ErrorKind::Conflict,
                                     QStringLiteral("job %1 is %2, only dead jobs can be retried")
                                         .arg(jobId, current.value().state));
    const qint64 now = Clock::now().toMSecsSinceEpoch();
    auto query = Database::exec(
        m_db,
        QStringLiteral("UPDATE jobs SET state = 'ready', attempts = 0, run_at = ?, updated_at = ? "
                       "WHERE id = ? AND state = 'dead'"),
        {now, now, jobId});
    if (!query.isOk())
        return query.error();
    return get(jobId);
}

Outcome<Job> JobQueue::discard(const QString &jobId)
{
    auto current = get(jobId);
    if (!current.isOk())
        return current;
    if (current.value().state != QLatin1String("dead"))
        return Outcome<Job>::failure(ErrorKind::Conflict,
                                     QStringLiteral("job %1 is %2, only dead jobs can be discarded")
                                         .arg(jobId, current.value().state));
    auto query = Database::exec(
        m_db, QStringLiteral("DELETE FROM jobs WHERE id = ? AND state = 'dead'"), {jobId});
    if (!query.isOk())
        return query.error();
    return current;
}

Outcome<Job> JobQueue::get(const QString &jobId)
{
    auto query = Database::exec(
        m_db, QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM jobs WHERE id = ?"),
        {jobId});
    if (!query.isOk())
        return query.error();
    if (!query.value().next())
        return Outcome<Job>::failure(ErrorKind::NotFound,
                                     QStringLiteral("job %1 not found").arg(jobId));
    return fromRow(query.value());
}

Outcome<QList<Job>> JobQueue::dead(int limit)
{
    auto query =
        Database::exec(m_db, QStringLiteral("SELECT ") + kColumns +
                                 QStringLiteral(" FROM jobs WHERE state = 'dead' ORDER BY id "
                                                "DESC LIMIT ") +
                                 QString::number(std::clamp(limit, 1, 1000)));
    if (!query.isOk())
        return query.error();
    QList<Job> jobs;
    while (query.value().next())
        jobs.append(fromRow(query.value()));
    return jobs;
}

Outcome<std::optional<Job>> JobQueue::deadFor(const QString &messageId)
{
    // state first: the jobs_state index narrows the search to dead letters.
    auto query = Database::exec(m_db,
                                QStringLiteral("SELECT ") + kColumns +
                                    QStringLiteral(" FROM jobs WHERE state = 'dead' AND "
                                                   "message_id = ? ORDER BY id DESC LIMIT 1"),
                                {messageId});
    if (!query.isOk())
        return query.error();
    if (!query.value().next())
        return std::optional<Job>();
    return std::optional<Job>(fromRow(query.value()));
}

Outcome<int> JobQueue::countReady()
{
    auto query =
        Database::exec(m_db, QStringLiteral("SELECT COUNT(*) FROM jobs WHERE state = 'ready'"));
    if (!query.isOk())
        return query.error();
    return query.value().next() ? query.value().value(0).toInt() : 0;
}

Outcome<QueueCounts> JobQueue::counts()
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT state, priority, COUNT(*) FROM jobs GROUP BY state, priority"));
    if (!query.isOk())
        return query.error();
    QueueCounts counts;
    while (query.value().next()) {
        counts.byState[query.value().value(0).toString()]
                      [Priority(std::clamp(query.value().value(1).toInt(), 0, 3))] =
            query.value().value(2).toInt();
    }
    return counts;
}

} // namespace relaydesk
