// Queue burn-down for bench/run: fills the jobs table of a fresh database with N ready jobs,
// then W worker threads, each with its own connection, claim batches through JobQueue::claim
// (FOR UPDATE SKIP LOCKED on PostgreSQL) and complete each batch with JobQueue::completeMany,
// one transaction per claim and one per completion, as a worker that does the job in between
// would. Prints one JSON line: {"jobs":..,"seconds":..,"jobs_per_s":..,"claims":..}.
//
// Usage: bench_burndown DATABASE_URL JOBS WORKERS BATCH

#include "storage/database.h"
#include "storage/databaseconfig.h"
#include "storage/jobqueue.h"
#include "storage/migrator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QThread>
#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

using namespace relaydesk;

namespace {

bool fail(const QString &what)
{
    std::fprintf(stderr, "bench_burndown: %s\n", qPrintable(what));
    return false;
}

bool seed(QSqlDatabase &db, SqlDialect dialect, qint64 jobs)
{
    if (!Database::exec(db, QStringLiteral("DELETE FROM jobs")).isOk())
        return fail(QStringLiteral("cannot empty jobs"));
    // Server-side generation: the fill is set-up, not what is measured. Ids keep UUIDv7's
    // time order (a fixed prefix and a zero-padded counter) so the ready index sees the same
    // ordering it does in production.
    const QString sql =
        dialect == SqlDialect::Postgresql
            ? QStringLiteral(
                  "INSERT INTO jobs (id, kind, message_id, payload, priority, state, attempts, "
                  "max_attempts, run_at, created_at, updated_at) SELECT 'bench-' || "
                  "lpad(g::text, 10, '0'), 'draft', NULL, '{}', (g % 4)::int, 'ready', 0, 3, 0, "
                  "0, 0 FROM generate_series(1, %1) AS g")
            : QStringLiteral(
                  "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %1) "
                  "INSERT INTO jobs (id, kind, message_id, payload, priority, state, attempts, "
                  "max_attempts, run_at, created_at, updated_at) SELECT 'bench-' || "
                  "printf('%010d', n), 'draft', NULL, '{}', n % 4, 'ready', 0, 3, 0, 0, 0 FROM g");
    if (!db.transaction())
        return fail(db.lastError().text());
    auto filled = Database::exec(db, sql.arg(jobs));
    if (!filled.isOk())
        return fail(filled.error().message);
    if (!db.commit())
        return fail(db.lastError().text());
    if (dialect == SqlDialect::Postgresql)
        Database::exec(db, QStringLiteral("ANALYZE jobs"));
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 5) {
        std::fprintf(stderr, "usage: bench_burndown DATABASE_URL JOBS WORKERS BATCH\n");
        return 2;
    }
    auto config = DatabaseConfig::fromUrl(QString::fromLocal8Bit(argv[1]), QString());
    if (!config.isOk())
        return fail(config.error().message), 2;
    const qint64 jobs = QByteArray(argv[2]).toLongLong();
    const int workers = std::max(1, QByteArray(argv[3]).toInt());
    const int batch = std::max(1, QByteArray(argv[4]).toInt());

    {
        auto connection = Database::connection(config.value());
        if (!connection.isOk())
            return fail(connection.error().message), 1;
        QSqlDatabase &db = connection.value();
        auto migrated = Migrator(db).migrate();
        if (!migrated.isOk())
            return fail(migrated.error().message), 1;
        if (!seed(db, config.value().dialect, jobs))
            return 1;
    }

    std::atomic<qint64> done{0};
    std::atomic<qint64> claims{0};
    std::atomic<bool> failed{false};
    std::vector<std::unique_ptr<QThread>> threads;
    QElapsedTimer timer;
    timer.start();
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back(QThread::create([&, w] {
            auto connection = Database::connection(config.value());
            if (!connection.isOk()) {
                failed = !fail(connection.error().message);
                return;
            }
            QSqlDatabase &db = connection.value();
            JobQueue queue(db);
            const QString owner = QStringLiteral("bench-%1").arg(w);
            for (;;) {
                db.transaction();
                auto claimed = queue.claim(batch, owner, 60);
                if (!claimed.isOk() || !db.commit()) {
                    db.rollback();
                    failed =
                        !fail(claimed.isOk() ? db.lastError().text() : claimed.error().message);
                    return;
                }
                if (claimed.value().isEmpty())
                    return;
                claims.fetch_add(1);
                QStringList ids;
                ids.reserve(claimed.value().size());
                for (const Job &job : claimed.value())
                    ids.append(job.id);
                db.transaction();
                auto completed = queue.completeMany(ids);
                if (!completed.isOk() || !db.commit()) {
                    db.rollback();
                    failed =
                        !fail(completed.isOk() ? db.lastError().text() : completed.error().message);
                    return;
                }
                done.fetch_add(ids.size());
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        thread->wait();
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    threads.clear();

    qint64 remaining = -1;
    {
        auto connection = Database::connection(config.value());
        if (connection.isOk()) {
            auto left =
                Database::exec(connection.value(),
                               QStringLiteral("SELECT COUNT(*) FROM jobs WHERE state <> 'done'"));
            if (left.isOk() && left.value().next())
                remaining = left.value().value(0).toLongLong();
        }
    }
    std::printf("{\"jobs\":%lld,\"completed\":%lld,\"not_done\":%lld,\"seconds\":%.3f,"
                "\"jobs_per_s\":%.0f,\"claims\":%lld,\"workers\":%d,\"batch\":%d}\n",
                jobs, qint64(done.load()), remaining, seconds, double(done.load()) / seconds,
                qint64(claims.load()), workers, batch);
    return failed || remaining != 0 ? 1 : 0;
}
