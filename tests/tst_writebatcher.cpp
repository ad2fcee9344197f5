#include "storage/database.h"
#include "storage/writebatcher.h"
#include "testdatabase.h"

#include <QFile>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace relaydesk;

namespace {

using Insert = std::function<Outcome<int>(QSqlDatabase &)>;

bool createTables(TestDatabase &db)
{
    // The child's foreign key is checked at COMMIT, which lets a test make COMMIT itself fail.
    return db.exec(QStringLiteral("CREATE TABLE wb_items (id INTEGER PRIMARY KEY, label TEXT NOT "
                                  "NULL)")) &&
           db.exec(QStringLiteral("CREATE TABLE wb_parent (id INTEGER PRIMARY KEY)")) &&
           db.exec(QStringLiteral("CREATE TABLE wb_child (id INTEGER PRIMARY KEY, parent_id "
                                  "INTEGER NOT NULL REFERENCES wb_parent (id) DEFERRABLE "
                                  "INITIALLY DEFERRED)"));
}

Insert insertItem(int id, const QString &label)
{
    return [id, label](QSqlDatabase &db) -> Outcome<int> {
        auto query = Database::exec(
            db, QStringLiteral("INSERT INTO wb_items (id, label) VALUES (?, ?)"), {id, label});
        if (!query.isOk())
            return query.error();
        return id;
    };
}

// Holds the writer inside a batch of its own until released, so a test decides exactly which
// operations share the next transaction.
class WriterGate
{
public:
    explicit WriterGate(WriteBatcher &writer)
    {
        m_future = writer.submit<Done>([this](QSqlDatabase &) -> Outcome<Done> {
            m_entered.release();
            m_release.acquire();
            return Done{};
        });
        m_entered.acquire();
    }
    ~WriterGate() { open(); }
    void open()
    {
        if (!m_opened) {
            m_opened = true;
            m_release.release();
        }
    }
    QFuture<Outcome<Done>> future() const { return m_future; }

private:
    QSemaphore m_entered;
    QSemaphore m_release;
    bool m_opened = false;
    QFuture<Outcome<Done>> m_future;
};

QString labelOf(TestDatabase &db, int id)
{
    return db.scalar(QStringLiteral("SELECT label FROM wb_items WHERE id = ?"), {id}).toString();
}

int countItems(TestDatabase &db)
{
    return db.scalar(QStringLiteral("SELECT COUNT(*) FROM wb_items")).toInt();
}

} // namespace

class TestWriteBatcher : public QObject
{
    Q_OBJECT

private slots:
    // Many threads submit at once; each waiter, when its future resolves, already finds its row
    // from a connection of its own, i.e. the future resolved after COMMIT.
    void concurrentSubmittersResolveAfterCommit_data() { TestDatabase::addBackendRows(); }
    void concurrentSubmittersResolveAfterCommit()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{512, 2});
        writer.start();

        constexpr int kThreads = 4;
        constexpr int kPerThread = 50;
        const DatabaseConfig config = db.config();
        QSemaphore go;
        std::vector<QStringList> problems(kThreads);
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&, t] {
                go.acquire();
                std::vector<QFuture<Outcome<int>>> futures;
                for (int i = 0; i < kPerThread; ++i) {
                    const int id = t * 1000 + i;
                    futures.push_back(
                        writer.submit<int>(insertItem(id, QStringLiteral("t%1-%2").arg(t).arg(i))));
                }
                auto reader = Database::connection(config);
                if (!reader.isOk()) {
                    problems[t] << reader.error().message;
                    return;
                }
                for (int i = 0; i < kPerThread; ++i) {
                    const Outcome<int> result = futures[i].result();
                    if (!result.isOk()) {
                        problems[t] << result.error().message;
                        continue;
                    }
                    auto query = Database::exec(
                        reader.value(), QStringLiteral("SELECT label FROM wb_items WHERE id = ?"),
                        {result.value()});
                    if (!query.isOk() || !query.value().next() ||
                        query.value().value(0).toString() != QStringLiteral("t%1-%2").arg(t).arg(i))
                        problems[t] << QStringLiteral("row %1 not visible after its future "
                                                      "resolved")
                                           .arg(result.value());
                }
            }));
            threads.back()->start();
        }
        go.release(kThreads);
        for (auto &thread : threads)
            QVERIFY(thread->wait(60000));
        for (const QStringList &list : problems)
            QVERIFY2(list.isEmpty(), qPrintable(list.join(QLatin1Char('\n'))));

        QCOMPARE(countItems(db), kThreads * kPerThread);
        const WriteBatcher::Stats stats = writer.stats();
        QCOMPARE(stats.operations, quint64(kThreads * kPerThread));
        QCOMPARE(stats.failedBatches, quint64(0));
        // Group commit: submitters that arrive together share transactions.
        QVERIFY2(stats.batches < stats.operations,
                 qPrintable(QStringLiteral("%1 batches for %2 operations")
                                .arg(stats.batches)
                                .arg(stats.operations)));
        writer.stop();
    }

    // Everything queued while a transaction runs goes into the next one, up to maxBatch.
    void batchesGroupUpToTheLimit_data() { TestDatabase::addBackendRows(); }
    void batchesGroupUpToTheLimit()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{10, 2});
        writer.start();
        std::vector<QFuture<Outcome<int>>> futures;
        {
            WriterGate gate(writer);
            for (int i = 0; i < 35; ++i)
                futures.push_back(writer.submit<int>(insertItem(i, QStringLiteral("x"))));
            QCOMPARE(writer.pending(), 35);
            gate.open();
            QVERIFY(gate.future().result().isOk());
        }
        for (auto &future : futures)
            QVERIFY2(future.result().isOk(), qPrintable(future.result().error().message));
        QCOMPARE(countItems(db), 35);
        // The gate's own batch, then 10 + 10 + 10 + 5.
        QCOMPARE(writer.stats().batches, quint64(5));
        QCOMPARE(writer.stats().operations, quint64(36));
        QCOMPARE(writer.pending(), 0);
    }

    void failingOperationFailsOnlyItsWaiter_data() { TestDatabase::addBackendRows(); }
    void failingOperationFailsOnlyItsWaiter()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{512, 2});
        writer.start();

        QFuture<Outcome<int>> first, duplicate, refused, last;
        {
            WriterGate gate(writer);
            first = writer.submit<int>(insertItem(1, QStringLiteral("first")));
            // A SQL error: the primary key is taken by `first` in the same transaction.
            duplicate = writer.submit<int>(insertItem(1, QStringLiteral("duplicate")));
            // A refusal after a write: its own write must be undone with it.
            refused = writer.submit<int>([](QSqlDatabase &db) -> Outcome<int> {
                auto query = Database::exec(
                    db, QStringLiteral("INSERT INTO wb_items (id, label) VALUES (2, 'refused')"));
                if (!query.isOk())
                    return query.error();
                return Outcome<int>::failure(ErrorKind::Invalid,
                                             QStringLiteral("refused after writing"));
            });
            last = writer.submit<int>(insertItem(3, QStringLiteral("last")));
            QCOMPARE(writer.pending(), 4);
        }

        QVERIFY2(first.result().isOk(), qPrintable(first.result().error().message));
        QVERIFY(!duplicate.result().isOk());
        QCOMPARE(duplicate.result().error().kind, ErrorKind::Internal);
        QVERIFY(!refused.result().isOk());
        QCOMPARE(refused.result().error().kind, ErrorKind::Invalid);
        QCOMPARE(refused.result().error().message, QStringLiteral("refused after writing"));
        QVERIFY2(last.result().isOk(), qPrintable(last.result().error().message));

        QCOMPARE(labelOf(db, 1), QStringLiteral("first"));
        QCOMPARE(labelOf(db, 3), QStringLiteral("last"));
        QCOMPARE(countItems(db), 2);
        QCOMPARE(writer.stats().failedBatches, quint64(0));
    }

    void loneFailingOperationRollsBack_data() { TestDatabase::addBackendRows(); }
    void loneFailingOperationRollsBack()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{512, 0});
        writer.start();
        const auto failed =
            writer
                .submit<int>([](QSqlDatabase &db) -> Outcome<int> {
                    auto query =
                        Database::exec(db, QStringLiteral("INSERT INTO wb_items (id, label) "
                                                          "VALUES (10, 'half-done')"));
                    if (!query.isOk())
                        return query.error();
                    return Outcome<int>::failure(ErrorKind::Conflict, QStringLiteral("no"));
                })
                .result();
        QVERIFY(!failed.isOk());
        QCOMPARE(failed.error().kind, ErrorKind::Conflict);
        QCOMPARE(countItems(db), 0);

        const auto next = writer.submit<int>(insertItem(11, QStringLiteral("next"))).result();
        QVERIFY2(next.isOk(), qPrintable(next.error().message));
        QCOMPARE(labelOf(db, 11), QStringLiteral("next"));
    }

    // COMMIT itself fails (a deferred foreign key is only checked there): nothing of the batch
    // was stored, so every waiter of that batch hears about it.
    void failedCommitFailsEveryWaiter_data() { TestDatabase::addBackendRows(); }
    void failedCommitFailsEveryWaiter()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{512, 2});
        writer.start();

        QFuture<Outcome<int>> orphan, innocent;
        {
            WriterGate gate(writer);
            orphan = writer.submit<int>([](QSqlDatabase &db) -> Outcome<int> {
                auto query = Database::exec(
                    db, QStringLiteral("INSERT INTO wb_child (id, parent_id) VALUES (1, 42)"));
                if (!query.isOk())
                    return query.error();
                return 1;
            });
            innocent = writer.submit<int>(insertItem(7, QStringLiteral("innocent")));
            QCOMPARE(writer.pending(), 2);
        }
        QVERIFY(!orphan.result().isOk());
        QVERIFY(!innocent.result().isOk());
        QVERIFY2(innocent.result().error().message.contains(QLatin1String("commit failed")),
                 qPrintable(innocent.result().error().message));
        QCOMPARE(innocent.result().error().kind, orphan.result().error().kind);
        QCOMPARE(writer.stats().failedBatches, quint64(1));
        QCOMPARE(countItems(db), 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM wb_child")).toInt(), 0);

        // The writer recovers: the transaction was rolled back, the next batch commits.
        const auto after = writer.submit<int>(insertItem(8, QStringLiteral("after"))).result();
        QVERIFY2(after.isOk(), qPrintable(after.error().message));
        QCOMPARE(labelOf(db, 8), QStringLiteral("after"));
    }

    void stopFinishesPendingWork_data() { TestDatabase::addBackendRows(); }
    void stopFinishesPendingWork()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(createTables(db), qPrintable(db.errorString()));
        WriteBatcher writer(db.config(), WriteBatcher::Options{512, 2});
        writer.start();

        std::vector<QFuture<Outcome<int>>> futures;
        WriterGate gate(writer);
        for (int i = 0; i < 20; ++i)
            futures.push_back(writer.submit<int>(insertItem(i, QStringLiteral("pending"))));

        std::unique_ptr<QThread> stopper(QThread::create([&writer] { writer.stop(); }));
        stopper->start();
        // Once stop() has begun, new work is turned away at once, while the queued work still
        // waits behind the gate: that is the moment to let the writer go on.
        int probe = 1000;
        bool refused = false;
        for (int attempt = 0; attempt < 5000 && !refused; ++attempt) {
            auto future = writer.submit<int>(insertItem(probe, QStringLiteral("probe")));
            if (future.isFinished() && !future.result().isOk()) {
                QCOMPARE(future.result().error().kind, ErrorKind::Unavailable);
                refused = true;
            } else {
                futures.push_back(future);
                ++probe;
                QThread::usleep(200);
            }
        }
        QVERIFY(refused);
        QVERIFY(writer.pending() >= 20);
        gate.open();
        QVERIFY(stopper->wait(30000));

        for (auto &future : futures) {
            QVERIFY(future.isFinished());
            QVERIFY2(future.result().isOk(), qPrintable(future.result().error().message));
        }
        QCOMPARE(countItems(db), int(futures.size()));

        const auto late = writer.submit<int>(insertItem(5000, QStringLiteral("late")));
        QVERIFY(late.isFinished());
        QVERIFY(!late.result().isOk());
        QCOMPARE(late.result().error().kind, ErrorKind::Unavailable);
        writer.stop(); // idempotent

        // A stopped writer can be started again.
        writer.start();
        QVERIFY(writer.submit<int>(insertItem(5001, QStringLiteral("again"))).result().isOk());
        QCOMPARE(labelOf(db, 5001), QStringLiteral("again"));
    }

    void submitBeforeStartIsRefused_data() { TestDatabase::addBackendRows(); }
    void submitBeforeStartIsRefused()
    {
        RELAYDESK_TEST_DATABASE(db);
        WriteBatcher writer(db.config(), WriteBatcher::Options{});
        const auto result = writer.submit<int>(insertItem(1, QStringLiteral("x")));
        QVERIFY(result.isFinished());
        QCOMPARE(result.result().error().kind, ErrorKind::Unavailable);
    }

    void unreachableDatabaseFailsEveryWaiter_data() { TestDatabase::addBackendRows(); }
    void unreachableDatabaseFailsEveryWaiter()
    {
        RELAYDESK_TEST_DATABASE(db);
        DatabaseConfig broken = db.config();
        if (db.isPostgresql()) {
            // Port 1 is privileged and unused here: the connection is refused at once.
            broken.host = QStringLiteral("127.0.0.1");
            broken.port = 1;
        } else {
            // A directory that cannot be created because a file is in the way.
            QFile blocker(db.dataDir() + QStringLiteral("/blocker"));
            QVERIFY(blocker.open(QIODevice::WriteOnly));
            blocker.close();
            broken.sqlitePath = db.dataDir() + QStringLiteral("/blocker/sub/relaydesk.db");
        }
        WriteBatcher writer(broken, WriteBatcher::Options{512, 2});
        writer.start();
        std::vector<QFuture<Outcome<int>>> futures;
        for (int i = 0; i < 3; ++i)
            futures.push_back(writer.submit<int>(insertItem(i, QStringLiteral("x"))));
        for (auto &future : futures) {
            QVERIFY(!future.result().isOk());
            QCOMPARE(future.result().error().kind, ErrorKind::Unavailable);
        }
        QVERIFY(writer.stats().failedBatches >= 1);
        QCOMPARE(writer.stats().operations, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestWriteBatcher)
#include "tst_writebatcher.moc"
