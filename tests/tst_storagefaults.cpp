// SQLite under hostile conditions: a full disk, a file locked by another process and a
// connection that went away. Each must surface as ErrorKind::Unavailable (HTTP 503 with
// Retry-After), never as an internal error (500), and leave the file intact.
#include "storage/database.h"
#include "storage/writebatcher.h"
#include "testdatabase.h"

#include <QFileInfo>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

using namespace relaydesk;

namespace {

Outcome<int> insertBlob(QSqlDatabase &db, int id, int bytes)
{
    auto query = Database::exec(db, QStringLiteral("INSERT INTO sf_blobs (id, data) VALUES (?, ?)"),
                                {id, QByteArray(bytes, char('a' + id % 26))});
    if (!query.isOk())
        return query.error();
    return id;
}

// Caps the size of every file this process writes, like a disk about to fill up. SIGXFSZ is
// ignored while it lasts so the write fails with EFBIG instead of killing the test.
class FileSizeLimit
{
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &m_saved);
        m_savedHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = m_saved;
        limit.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_savedHandler);
    }

private:
    rlimit m_saved{};
    void (*m_savedHandler)(int) = SIG_DFL;
};

qint64 largestFile(const QString &databasePath)
{
    qint64 largest = 0;
    for (const char *suffix : {"", "-wal", "-shm"})
        largest = std::max(largest, QFileInfo(databasePath + QLatin1String(suffix)).size());
    return largest;
}

} // namespace

class TestStorageFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closedConnectionIsUnavailable();
    void fullDiskIsUnavailableAndRecovers();
    void lockedFileIsUnavailableAndRecovers();
};

void TestStorageFaults::closedConnectionIsUnavailable()
{
    TestDatabase database(QStringLiteral("sqlite"));
    QVERIFY2(database.isReady(), qPrintable(database.errorString()));
    QSqlDatabase db = database.connection();
    QVERIFY(db.isOpen());
    db.close();
    // Qt refuses the statement without recording any error ("database not open"); that is an
    // outage to retry, not a bug to report as 500.
    const auto query = Database::exec(db, QStringLiteral("SELECT 1"));
    QVERIFY(!query.isOk());
    QCOMPARE(query.error().kind, ErrorKind::Unavailable);
    const auto prepared = Database::exec(db, QStringLiteral("SELECT ?"), {1});
    QVERIFY(!prepared.isOk());
    QCOMPARE(prepared.error().kind, ErrorKind::Unavailable);
    Database::reset(database.config());
}

void TestStorageFaults::fullDiskIsUnavailableAndRecovers()
{
    TestDatabase database(QStringLiteral("sqlite"));
    QVERIFY2(database.isReady(), qPrintable(database.errorString()));
    QVERIFY2(database.exec(QStringLiteral("CREATE TABLE sf_blobs (id INTEGER PRIMARY KEY, data "
                                          "BLOB NOT NULL)")),
             qPrintable(database.errorString()));
    const QString path = database.config().sqlitePath;

    WriteBatcher writer(database.config(), WriteBatcher::Options{});
    writer.start();
    int committed = 0;
    for (int id = 0; id < 4; ++id) {
        auto done = writer.submit<int>([id](QSqlDatabase &db) { return insertBlob(db, id, 4096); });
        done.waitForFinished();
        QVERIFY(done.result().isOk());
        ++committed;
    }

    int nextId = 100;
    bool sawSingle = false;
    bool sawBatch = false;
    {
        const FileSizeLimit limit(rlim_t(largestFile(path) + 64 * 1024));
        // Alone (the statement fails) and in batches (the COMMIT fails), until both were seen.
        for (int round = 0; round < 200 && !(sawSingle && sawBatch); ++round) {
            const int width = round % 2 == 0 ? 1 : 8;
            QList<QFuture<Outcome<int>>> futures;
            for (int i = 0; i < width; ++i) {
                const int id = nextId++;
                futures.append(writer.submit<int>(
                    [id](QSqlDatabase &db) { return insertBlob(db, id, 16384); }));
            }
            for (auto &future : futures) {
                future.waitForFinished();
                const Outcome<int> outcome = future.result();
                if (outcome.isOk()) {
                    ++committed;
                    continue;
                }
                QVERIFY2(outcome.error().kind == ErrorKind::Unavailable,
                         qPrintable(outcome.error().message));
                QVERIFY(outcome.error().retryAfterSeconds > 0);
                (width == 1 ? sawSingle : sawBatch) = true;
            }
        }
    }
    QVERIFY2(sawSingle || sawBatch, "the file size limit was never reached");

    // Space is back: the same writer carries on, and everything it acknowledged is there.
    auto after = writer.submit<int>([](QSqlDatabase &db) { return insertBlob(db, 99999, 16); });
    after.waitForFinished();
    QVERIFY2(after.result().isOk(), qPrintable(after.result().error().message));
    ++committed;
    writer.stop();
    QCOMPARE(database.scalar(QStringLiteral("SELECT COUNT(*) FROM sf_blobs")).toInt(), committed);
    QCOMPARE(database.scalar(QStringLiteral("PRAGMA integrity_check")).toString(),
             QStringLiteral("ok"));
}

void TestStorageFaults::lockedFileIsUnavailableAndRecovers()
{
    TestDatabase database(QStringLiteral("sqlite"));
    QVERIFY2(database.isReady(), qPrintable(database.errorString()));
    QVERIFY(database.exec(
        QStringLiteral("CREATE TABLE sf_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)")));

    // Another process's connection: its own handle on the file, holding the write lock.
    const QString lockName = QStringLiteral("sf-locker");
    {
        QSqlDatabase locker = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), lockName);
        locker.setDatabaseName(database.config().sqlitePath);
        QVERIFY(locker.open());
        QSqlQuery begin(locker);
        QVERIFY(begin.exec(QStringLiteral("BEGIN EXCLUSIVE")));

        WriteBatcher writer(database.config(), WriteBatcher::Options{});
        writer.start();
        // Waits out the connection's busy timeout (10 s), then gives up with SQLITE_BUSY.
        auto blocked = writer.submit<int>([](QSqlDatabase &db) { return insertBlob(db, 1, 16); });
        blocked.waitForFinished();
        QVERIFY(!blocked.result().isOk());
        QCOMPARE(blocked.result().error().kind, ErrorKind::Unavailable);

        QSqlQuery rollback(locker);
        QVERIFY(rollback.exec(QStringLiteral("ROLLBACK")));
        auto freed = writer.submit<int>([](QSqlDatabase &db) { return insertBlob(db, 2, 16); });
        freed.waitForFinished();
        QVERIFY2(freed.result().isOk(), qPrintable(freed.result().error().message));
        writer.stop();
        locker.close();
    }
    QSqlDatabase::removeDatabase(lockName);
    QCOMPARE(database.scalar(QStringLiteral("SELECT COUNT(*) FROM sf_blobs")).toInt(), 1);
    QCOMPARE(database.scalar(QStringLiteral("PRAGMA integrity_check")).toString(),
             QStringLiteral("ok"));
}

QTEST_GUILESS_MAIN(TestStorageFaults)
#include "tst_storagefaults.moc"
