#include "core/clock.h"
#include "storage/database.h"
#include "storage/jobqueue.h"
#include "testdatabase.h"

#include <QSemaphore>
#include <QSet>
#include <QSqlError>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace relaydesk;

namespace {

constexpr qint64 kSecond = 1000;

QString enqueueOrFail(JobQueue &queue, const QString &kind, Priority priority,
                      const QDateTime &runAt = {}, int maxAttempts = 3)
{
    auto id = queue.enqueue(kind, QStringLiteral("msg-") + kind,
                            QJsonObject{{QStringLiteral("k"), kind}}, priority, maxAttempts, runAt);
    return id.isOk() ? id.value() : QString();
}

QStringList kindsOf(const QList<Job> &jobs)
{
    QStringList kinds;
    for (const Job &job : jobs)
        kinds << job.kind;
    return kinds;
}

} // namespace

class TestJobQueue : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }

    void enqueueAndGet_data() { TestDatabase::addBackendRows(); }
    void enqueueAndGet()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QDateTime before = Clock::now();
        auto id =
            queue.enqueue(QStringLiteral("send"), QStringLiteral("m1"),
                          QJsonObject{{QStringLiteral("conversation_id"), QStringLiteral("c1")}},
                          Priority::High, 5);
        QVERIFY2(id.isOk(), qPrintable(id.error().message));
        auto job = queue.get(id.value());
        QVERIFY(job.isOk());
        QCOMPARE(job.value().kind, QStringLiteral("send"));
        QCOMPARE(job.value().messageId, QStringLiteral("m1"));
        QCOMPARE(job.value().payload.value(QStringLiteral("conversation_id")).toString(),
                 QStringLiteral("c1"));
        QCOMPARE(toString(job.value().priority), toString(Priority::High));
        QCOMPARE(job.value().state, QStringLiteral("ready"));
        QCOMPARE(job.value().attempts, 0);
        QCOMPARE(job.value().maxAttempts, 5);
        QVERIFY(job.value().runAt >= before.addMSecs(-1));
        QVERIFY(!job.value().leaseUntil.isValid());

        auto missing = queue.get(QStringLiteral("no-such-job"));
        QVERIFY(!missing.isOk());
        QCOMPARE(missing.error().kind, ErrorKind::NotFound);
    }

    void priorityThenAge_data() { TestDatabase::addBackendRows(); }
    void priorityThenAge()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QDateTime now = Clock::now();
        // Enqueued in an order that is neither priority nor age order.
        QVERIFY(!enqueueOrFail(queue, QStringLiteral("low"), Priority::Low, now.addSecs(-50))
                     .isEmpty());
        QVERIFY(
            !enqueueOrFail(queue, QStringLiteral("normal-new"), Priority::Normal, now.addSecs(-10))
                 .isEmpty());
        QVERIFY(!enqueueOrFail(queue, QStringLiteral("urgent"), Priority::Urgent, now.addSecs(-1))
                     .isEmpty());
        QVERIFY(
            !enqueueOrFail(queue, QStringLiteral("normal-old"), Priority::Normal, now.addSecs(-40))
                 .isEmpty());
        QVERIFY(!enqueueOrFail(queue, QStringLiteral("high"), Priority::High, now.addSecs(-5))
                     .isEmpty());
        QVERIFY(!enqueueOrFail(queue, QStringLiteral("future-urgent"), Priority::Urgent,
                               now.addSecs(60))
                     .isEmpty());

        // One at a time proves the database picks the order, not the sort after RETURNING.
        QStringList order;
        for (int i = 0; i < 6; ++i) {
            auto claimed = queue.claim(1, QStringLiteral("worker"), 30);
            QVERIFY2(claimed.isOk(), qPrintable(claimed.error().message));
            if (claimed.value().isEmpty())
                break;
            QCOMPARE(claimed.value().size(), 1);
            order << claimed.value().first().kind;
        }
        QCOMPARE(order, (QStringList{QStringLiteral("urgent"), QStringLiteral("high"),
                                     QStringLiteral("normal-old"), QStringLiteral("normal-new"),
                                     QStringLiteral("low")}));

        // The job scheduled for later is claimable once its time has come.
        Clock::setOffsetForTesting(61 * kSecond);
        auto later = queue.claim(5, QStringLiteral("worker"), 30);
        QVERIFY(later.isOk());
        QCOMPARE(kindsOf(later.value()), QStringList{QStringLiteral("future-urgent")});
    }

    void batchClaimIsOrdered_data() { TestDatabase::addBackendRows(); }
    void batchClaimIsOrdered()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QDateTime now = Clock::now();
        enqueueOrFail(queue, QStringLiteral("c"), Priority::Normal, now.addSecs(-3));
        enqueueOrFail(queue, QStringLiteral("a"), Priority::Urgent, now.addSecs(-1));
        enqueueOrFail(queue, QStringLiteral("d"), Priority::Low, now.addSecs(-9));
        enqueueOrFail(queue, QStringLiteral("b"), Priority::Normal, now.addSecs(-7));
        auto claimed = queue.claim(3, QStringLiteral("worker"), 30);
        QVERIFY(claimed.isOk());
        QCOMPARE(kindsOf(claimed.value()),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    }

    void claimLeases_data() { TestDatabase::addBackendRows(); }
    void claimLeases()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QString id = enqueueOrFail(queue, QStringLiteral("draft"), Priority::Normal);
        QVERIFY(!id.isEmpty());

        const QDateTime before = Clock::now();
        auto claimed = queue.claim(10, QStringLiteral("worker-a"), 45);
        QVERIFY(claimed.isOk());
        QCOMPARE(claimed.value().size(), 1);
        const Job job = claimed.value().first();
        QCOMPARE(job.id, id);
        QCOMPARE(job.state, QStringLiteral("running"));
        QCOMPARE(job.attempts, 1);
        QVERIFY(job.leaseUntil >= before.addSecs(45).addMSecs(-1));
        QVERIFY(job.leaseUntil <= Clock::now().addSecs(45));
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT lease_owner FROM jobs WHERE id = ?"), {id}).toString(),
            QStringLiteral("worker-a"));

        // A leased job belongs to its worker until the lease ends.
        auto again = queue.claim(10, QStringLiteral("worker-b"), 45);
        QVERIFY(again.isOk());
        QVERIFY(again.value().isEmpty());
        QCOMPARE(queue.countReady().value(), 0);

        QVERIFY(queue.complete(id).isOk());
        auto done = queue.get(id);
        QCOMPARE(done.value().state, QStringLiteral("done"));
        QVERIFY(!done.value().leaseUntil.isValid());
        QVERIFY(queue.claim(10, QStringLiteral("worker-b"), 45).value().isEmpty());
    }

    void backoffGrowsWithJitter()
    {
        const RetryPolicy policy{100, 5000};
        for (int attempts = 1; attempts <= 10; ++attempts) {
            const qint64 full = std::min<qint64>(qint64(100) << (attempts - 1), 5000);
            QSet<qint64> seen;
            for (int sample = 0; sample < 200; ++sample) {
                const qint64 delay = JobQueue::backoffMs(attempts, policy);
                QVERIFY2(delay >= full / 2 && delay <= full,
                         qPrintable(QStringLiteral("attempt %1: %2 not in [%3, %4]")
                                        .arg(attempts)
                                        .arg(delay)
                                        .arg(full / 2)
                                        .arg(full)));
                seen.insert(delay);
            }
            // Jitter: a burst of failures must not all retry at the same instant.
            QVERIFY2(seen.size() > 10, qPrintable(QString::number(seen.size())));
        }
        // Exponential: the smallest possible delay of attempt n+1 is the largest of attempt n.
        QVERIFY(JobQueue::backoffMs(4, policy) >= 400);
        QVERIFY(JobQueue::backoffMs(3, policy) <= 400);
        // Attempt counts beyond anything reasonable stay capped instead of overflowing.
        const qint64 huge = JobQueue::backoffMs(5000, policy);
        QVERIFY(huge >= 2500 && huge <= 5000);
        const qint64 zero = JobQueue::backoffMs(0, policy);
        QVERIFY(zero >= 50 && zero <= 100);
    }

    void failSchedulesRetry_data() { TestDatabase::addBackendRows(); }
    void failSchedulesRetry()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const RetryPolicy policy{10 * int(kSecond), 60 * int(kSecond)};
        const QString id = enqueueOrFail(queue, QStringLiteral("send"), Priority::Normal, {}, 5);
        QVERIFY(queue.claim(1, QStringLiteral("w"), 30).value().size() == 1);

        const qint64 before = Clock::now().toMSecsSinceEpoch();
        auto dead = queue.fail(id, QStringLiteral("HTTP 503"), policy);
        QVERIFY(dead.isOk());
        QVERIFY(!dead.value());
        Job job = queue.get(id).value();
        QCOMPARE(job.state, QStringLiteral("ready"));
        QCOMPARE(job.lastError, QStringLiteral("HTTP 503"));
        QCOMPARE(job.attempts, 1);
        QVERIFY(!job.leaseUntil.isValid());
        const qint64 delay = job.runAt.toMSecsSinceEpoch() - before;
        QVERIFY2(delay >= 5 * kSecond && delay <= 10 * kSecond + 50,
                 qPrintable(QString::number(delay)));

        // Not before its time...
        QVERIFY(queue.claim(1, QStringLiteral("w"), 30).value().isEmpty());
        // ...then the second failure waits about twice as long.
        Clock::setOffsetForTesting(11 * kSecond);
        QCOMPARE(queue.claim(1, QStringLiteral("w"), 30).value().size(), 1);
        const qint64 secondFailure = Clock::now().toMSecsSinceEpoch();
        QVERIFY(!queue.fail(id, QStringLiteral("HTTP 502"), policy).value());
        job = queue.get(id).value();
        QCOMPARE(job.attempts, 2);
        const qint64 secondDelay = job.runAt.toMSecsSinceEpoch() - secondFailure;
        QVERIFY2(secondDelay >= 10 * kSecond && secondDelay <= 20 * kSecond + 50,
                 qPrintable(QString::number(secondDelay)));
    }

    void deadLetterAfterMaxAttempts_data() { TestDatabase::addBackendRows(); }
    void deadLetterAfterMaxAttempts()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const RetryPolicy policy{1000, 1000};
        const QString id = enqueueOrFail(queue, QStringLiteral("send"), Priority::High, {}, 3);
        for (int attempt = 1; attempt <= 3; ++attempt) {
            Clock::setOffsetForTesting(attempt * 2 * kSecond);
            auto claimed = queue.claim(1, QStringLiteral("w"), 30);
            QVERIFY(claimed.isOk());
            QCOMPARE(claimed.value().size(), 1);
            QCOMPARE(claimed.value().first().attempts, attempt);
            auto dead = queue.fail(id, QStringLiteral("failure %1").arg(attempt), policy);
            QVERIFY(dead.isOk());
            QCOMPARE(dead.value(), attempt == 3);
        }
        const Job job = queue.get(id).value();
        QCOMPARE(job.state, QStringLiteral("dead"));
        QCOMPARE(job.attempts, 3);
        QCOMPARE(job.lastError, QStringLiteral("failure 3"));

        Clock::setOffsetForTesting(3600 * kSecond);
        QVERIFY(queue.claim(10, QStringLiteral("w"), 30).value().isEmpty());
        auto dead = queue.dead(10);
        QVERIFY(dead.isOk());
        QCOMPARE(dead.value().size(), 1);
        QCOMPARE(dead.value().first().id, id);
        QCOMPARE(queue.counts().value().total(QStringLiteral("dead")), 1);
    }

    void retryDeadJob_data() { TestDatabase::addBackendRows(); }
    void retryDeadJob()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QString id = enqueueOrFail(queue, QStringLiteral("send"), Priority::Normal, {}, 1);
        QCOMPARE(queue.claim(1, QStringLiteral("w"), 30).value().size(), 1);

        // Only dead jobs can be retried: a running one is refused.
        auto early = queue.retry(id);
        QVERIFY(!early.isOk());
        QCOMPARE(early.error().kind, ErrorKind::Conflict);

        QVERIFY(queue.fail(id, QStringLiteral("HTTP 400"), RetryPolicy{}).value());
        auto retried = queue.retry(id);
        QVERIFY2(retried.isOk(), qPrintable(retried.error().message));
        QCOMPARE(retried.value().state, QStringLiteral("ready"));
        QCOMPARE(retried.value().attempts, 0);
        QVERIFY(queue.dead(10).value().isEmpty());

        auto claimed = queue.claim(1, QStringLiteral("w"), 30);
        QCOMPARE(claimed.value().size(), 1);
        QCOMPARE(claimed.value().first().id, id);
        QCOMPARE(claimed.value().first().attempts, 1);

        auto missing = queue.retry(QStringLiteral("no-such-job"));
        QVERIFY(!missing.isOk());
        QCOMPARE(missing.error().kind, ErrorKind::NotFound);
    }

    void releaseGivesBackTheAttempt_data() { TestDatabase::addBackendRows(); }
    void releaseGivesBackTheAttempt()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QString id = enqueueOrFail(queue, QStringLiteral("draft"), Priority::Normal);
        QCOMPARE(queue.claim(1, QStringLiteral("w"), 300).value().size(), 1);
        QVERIFY(queue.release(id).isOk());
        Job job = queue.get(id).value();
        QCOMPARE(job.state, QStringLiteral("ready"));
        QCOMPARE(job.attempts, 0);
        QVERIFY(!job.leaseUntil.isValid());

        // Claimable again straight away, by anyone.
        auto claimed = queue.claim(1, QStringLiteral("other"), 300);
        QCOMPARE(claimed.value().size(), 1);
        QCOMPARE(claimed.value().first().attempts, 1);

        // Releasing a job that is not running changes nothing.
        QVERIFY(queue.complete(id).isOk());
        QVERIFY(queue.release(id).isOk());
        QCOMPARE(queue.get(id).value().state, QStringLiteral("done"));
    }

    void reclaimAfterCrash_data() { TestDatabase::addBackendRows(); }
    void reclaimAfterCrash()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QString crashed = enqueueOrFail(queue, QStringLiteral("send"), Priority::Normal);
        QCOMPARE(queue.claim(1, QStringLiteral("crashed-worker"), 5).value().size(), 1);
        const QString alive = enqueueOrFail(queue, QStringLiteral("draft"), Priority::Normal);
        QCOMPARE(queue.claim(1, QStringLiteral("live-worker"), 600).value().size(), 1);

        // The worker "crashes": nothing completes or releases its job. Within the lease nothing
        // is reclaimed.
        QCOMPARE(queue.reclaimExpired().value(), 0);
        Clock::setOffsetForTesting(6 * kSecond);
        QCOMPARE(queue.reclaimExpired().value(), 1);
        Job job = queue.get(crashed).value();
        QCOMPARE(job.state, QStringLiteral("ready"));
        QVERIFY(!job.leaseUntil.isValid());
        QVERIFY(job.lastError.contains(QLatin1String("lease expired")));
        QCOMPARE(queue.get(alive).value().state, QStringLiteral("running"));

        // The reclaimed attempt counts: the next claim is attempt 2.
        auto claimed = queue.claim(5, QStringLiteral("new-worker"), 30);
        QCOMPARE(claimed.value().size(), 1);
        QCOMPARE(claimed.value().first().id, crashed);
        QCOMPARE(claimed.value().first().attempts, 2);

        // At a single-process start-up every lease is stale, expired or not.
        QCOMPARE(queue.reclaimExpired(true).value(), 2);
        QCOMPARE(queue.countReady().value(), 2);
    }

    void counts_data() { TestDatabase::addBackendRows(); }
    void counts()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        QCOMPARE(queue.counts().value().byState.size(), 0);
        QCOMPARE(queue.countReady().value(), 0);

        const QDateTime now = Clock::now();
        const QString urgent =
            enqueueOrFail(queue, QStringLiteral("u"), Priority::Urgent, now.addSecs(-9));
        enqueueOrFail(queue, QStringLiteral("h1"), Priority::High, now.addSecs(-8));
        enqueueOrFail(queue, QStringLiteral("h2"), Priority::High, now.addSecs(-7));
        enqueueOrFail(queue, QStringLiteral("n1"), Priority::Normal, now.addSecs(-6));
        enqueueOrFail(queue, QStringLiteral("n2"), Priority::Normal, now.addSecs(-5));
        enqueueOrFail(queue, QStringLiteral("l1"), Priority::Low, now.addSecs(-4));
        const QString dying =
            enqueueOrFail(queue, QStringLiteral("d"), Priority::Low, now.addSecs(3600), 1);

        // urgent and one high run; urgent completes.
        QCOMPARE(queue.claim(2, QStringLiteral("w"), 30).value().size(), 2);
        QVERIFY(queue.complete(urgent).isOk());
        // The low job scheduled later is claimed with the clock moved and dies.
        Clock::setOffsetForTesting(3601 * kSecond);
        const auto rest = queue.claim(10, QStringLiteral("w"), 30).value();
        QCOMPARE(rest.size(), 5);
        for (const Job &job : rest) {
            if (job.id == dying)
                QVERIFY(queue.fail(job.id, QStringLiteral("bad"), RetryPolicy{}).value());
            else
                QVERIFY(queue.release(job.id).isOk());
        }

        auto counts = queue.counts();
        QVERIFY2(counts.isOk(), qPrintable(counts.error().message));
        const QueueCounts &c = counts.value();
        QCOMPARE(c.total(QStringLiteral("done")), 1);
        QCOMPARE(c.byState.value(QStringLiteral("done")).value(Priority::Urgent), 1);
        QCOMPARE(c.total(QStringLiteral("running")), 1);
        QCOMPARE(c.byState.value(QStringLiteral("running")).value(Priority::High), 1);
        QCOMPARE(c.total(QStringLiteral("ready")), 4);
        QCOMPARE(c.byState.value(QStringLiteral("ready")).value(Priority::High), 1);
        QCOMPARE(c.byState.value(QStringLiteral("ready")).value(Priority::Normal), 2);
        QCOMPARE(c.byState.value(QStringLiteral("ready")).value(Priority::Low), 1);
        QCOMPARE(c.total(QStringLiteral("dead")), 1);
        QCOMPARE(c.byState.value(QStringLiteral("dead")).value(Priority::Low), 1);
        QCOMPARE(c.total(QStringLiteral("nonsense")), 0);
        QCOMPARE(queue.countReady().value(), 4);
    }

    // A claim inside an open transaction holds its rows; a second instance claiming at the same
    // moment skips them instead of waiting or taking them too (FOR UPDATE SKIP LOCKED).
    void concurrentClaimSkipsLockedRows()
    {
        TestDatabase db(QStringLiteral("postgresql"));
        if (db.isSkipped())
            QSKIP(qPrintable(db.skipReason()));
        QVERIFY2(db.isReady(), qPrintable(db.errorString()));
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue first(db.connection());
        const QDateTime now = Clock::now();
        QStringList ids;
        for (int i = 0; i < 4; ++i)
            ids << enqueueOrFail(first, QStringLiteral("job%1").arg(i), Priority::Normal,
                                 now.addSecs(i - 10));

        const QString otherName = QStringLiteral("relaydesk-test-second-instance");
        {
            QSqlDatabase other = QSqlDatabase::cloneDatabase(db.connection(), otherName);
            QVERIFY2(other.open(), qPrintable(other.lastError().text()));
            QSqlDatabase mine = db.connection();
            QVERIFY(mine.transaction());
            auto held = first.claim(2, QStringLiteral("instance-a"), 30);
            QVERIFY2(held.isOk(), qPrintable(held.error().message));
            QCOMPARE(kindsOf(held.value()),
                     (QStringList{QStringLiteral("job0"), QStringLiteral("job1")}));

            // Still uncommitted: instance B neither blocks nor sees job0/job1 as claimable.
            auto taken = JobQueue(other).claim(4, QStringLiteral("instance-b"), 30);
            QVERIFY2(taken.isOk(), qPrintable(taken.error().message));
            QCOMPARE(kindsOf(taken.value()),
                     (QStringList{QStringLiteral("job2"), QStringLiteral("job3")}));
            QVERIFY(mine.commit());
            QVERIFY(JobQueue(other).claim(4, QStringLiteral("instance-b"), 30).value().isEmpty());
            other.close();
        }
        QSqlDatabase::removeDatabase(otherName);
    }

    // Several workers hammering one queue: every job is handed out exactly once.
    void completeManyCompletesEveryChunk_data() { TestDatabase::addBackendRows(); }
    void completeManyCompletesEveryChunk()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        // 301 = 2 x 128 + 32 + 8 + 5 x 1: every chunk size completeMany uses, plus one job it
        // must leave alone.
        constexpr int kJobs = 301;
        QSqlDatabase conn = db.connection();
        JobQueue queue(conn);
        QVERIFY(conn.transaction());
        for (int i = 0; i < kJobs; ++i)
            QVERIFY(!enqueueOrFail(queue, QStringLiteral("j"), Priority(i % 4)).isEmpty());
        QVERIFY(conn.commit());
        auto claimed = queue.claim(kJobs, QStringLiteral("worker"), 30);
        QVERIFY2(claimed.isOk(), qPrintable(claimed.error().message));
        QCOMPARE(int(claimed.value().size()), kJobs);
        QStringList ids;
        for (const Job &job : claimed.value())
            ids << job.id;
        const QString untouched = ids.takeLast();
        auto done = queue.completeMany(ids);
        QVERIFY2(done.isOk(), qPrintable(done.error().message));
        auto counts = queue.counts();
        QVERIFY(counts.isOk());
        QCOMPARE(counts.value().total(QStringLiteral("done")), kJobs - 1);
        QCOMPARE(counts.value().total(QStringLiteral("running")), 1);
        QCOMPARE(queue.get(untouched).value().state, QStringLiteral("running"));
        QVERIFY(!queue.get(ids.first()).value().leaseUntil.isValid());
        QVERIFY(queue.completeMany({}).isOk());
    }

    // Database::run keeps prepared statements per connection: a nested run of the same SQL
    // while the first still reads its rows must get its own statement, and a reset connection
    // must not be left with statements of the closed one.
    void cachedStatementsNestAndSurviveReset_data() { TestDatabase::addBackendRows(); }
    void cachedStatementsNestAndSurviveReset()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        const QString a = enqueueOrFail(queue, QStringLiteral("a"), Priority::Normal);
        const QString b = enqueueOrFail(queue, QStringLiteral("b"), Priority::Normal);
        const QString sql = QStringLiteral("SELECT kind FROM jobs WHERE id = ?");
        QStringList seen;
        auto outer = Database::run(db.connection(), sql, {a}, [&](QSqlQuery &q) {
            QVERIFY(q.next());
            auto inner = Database::run(db.connection(), sql, {b}, [&](QSqlQuery &n) {
                QVERIFY(n.next());
                seen << n.value(0).toString();
            });
            QVERIFY(inner.isOk());
            seen << q.value(0).toString();
        });
        QVERIFY2(outer.isOk(), qPrintable(outer.error().message));
        QCOMPARE(seen, (QStringList{QStringLiteral("b"), QStringLiteral("a")}));

        Database::reset(db.config());
        QString kind;
        auto again = Database::run(db.connection(), sql, {b}, [&](QSqlQuery &q) {
            if (q.next())
                kind = q.value(0).toString();
        });
        QVERIFY2(again.isOk(), qPrintable(again.error().message));
        QCOMPARE(kind, QStringLiteral("b"));
    }

    void concurrentClaimersNeverShareAJob_data() { TestDatabase::addBackendRows(); }
    void concurrentClaimersNeverShareAJob()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        constexpr int kJobs = 120;
        constexpr int kWorkers = 4;
        {
            QSqlDatabase conn = db.connection();
            QVERIFY(conn.transaction());
            JobQueue queue(conn);
            for (int i = 0; i < kJobs; ++i)
                QVERIFY(!enqueueOrFail(queue, QStringLiteral("j"), Priority(i % 4)).isEmpty());
            QVERIFY(conn.commit());
        }

        const DatabaseConfig config = db.config();
        QSemaphore ready;
        QSemaphore go;
        std::vector<QStringList> claimedBy(kWorkers);
        std::vector<QString> errors(kWorkers);
        std::vector<std::unique_ptr<QThread>> threads;
        for (int w = 0; w < kWorkers; ++w) {
            threads.emplace_back(QThread::create([&, w] {
                auto connection = Database::connection(config);
                ready.release();
                go.acquire();
                if (!connection.isOk()) {
                    errors[w] = connection.error().message;
                    return;
                }
                JobQueue queue(connection.value());
                for (;;) {
                    auto claimed = queue.claim(3, QStringLiteral("worker-%1").arg(w), 30);
                    if (!claimed.isOk()) {
                        errors[w] = claimed.error().message;
                        return;
                    }
                    if (claimed.value().isEmpty())
                        return;
                    for (const Job &job : claimed.value()) {
                        claimedBy[w] << job.id;
                        if (auto done = queue.complete(job.id); !done.isOk()) {
                            errors[w] = done.error().message;
                            return;
                        }
                    }
                }
            }));
            threads.back()->start();
        }
        ready.acquire(kWorkers);
        go.release(kWorkers);
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));

        QSet<QString> all;
        int total = 0;
        for (int w = 0; w < kWorkers; ++w) {
            QVERIFY2(errors[w].isEmpty(), qPrintable(errors[w]));
            total += int(claimedBy[w].size());
            for (const QString &id : claimedBy[w])
                all.insert(id);
        }
        QCOMPARE(total, kJobs);
        QCOMPARE(int(all.size()), kJobs);
        QCOMPARE(JobQueue(db.connection()).counts().value().total(QStringLiteral("done")), kJobs);
    }
};

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_jobqueue.moc"
