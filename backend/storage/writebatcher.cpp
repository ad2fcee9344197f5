#include "storage/writebatcher.h"

#include "storage/database.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QThread>

namespace relaydesk {

WriteBatcher::WriteBatcher(DatabaseConfig config, Options options)
    : m_config(std::move(config))
    , m_options(options)
{}

WriteBatcher::~WriteBatcher()
{
    stop();
}

void WriteBatcher::start()
{
    QMutexLocker lock(&m_mutex);
    if (m_running)
        return;
    m_running = true;
    m_stopping = false;
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("storage-writer"));
    m_thread->start();
}

void WriteBatcher::stop()
{
    {
        QMutexLocker lock(&m_mutex);
        if (!m_running)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    m_thread->wait();
    m_thread.reset();
    QMutexLocker lock(&m_mutex);
    m_running = false;
}

WriteBatcher::Stats WriteBatcher::stats() const
{
    QMutexLocker lock(&m_mutex);
    return m_stats;
}

int WriteBatcher::pending() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size());
}

void WriteBatcher::enqueue(Operation operation)
{
    QMutexLocker lock(&m_mutex);
    if (!m_running || m_stopping) {
        lock.unlock();
        operation.settle(Error{
            ErrorKind::Unavailable, QStringLiteral("the storage writer is shutting down"), {}, 1});
        return;
    }
    m_queue.push_back(std::move(operation));
    if (m_queue.size() == 1 || int(m_queue.size()) >= m_options.maxBatch)
        m_wake.wakeOne();
}

void WriteBatcher::run()
{
    std::vector<Operation> batch;
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            while (m_queue.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_queue.empty() && m_stopping)
                break;
            // A short window lets concurrent writers join this transaction; a full batch or
            // shutdown cuts it short.
            if (m_options.windowMs > 0 && !m_stopping) {
                QDeadlineTimer deadline(m_options.windowMs);
                while (int(m_queue.size()) < m_options.maxBatch && !m_stopping) {
                    if (!m_wake.wait(&m_mutex, deadline))
                        break;
                }
            }
            const std::size_t take = std::min<std::size_t>(m_queue.size(), m_options.maxBatch);
            batch.reserve(take);
            for (std::size_t i = 0; i < take; ++i) {
                batch.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
            }
        }
        runBatch(batch);
        batch.clear();
    }
}

namespace {

bool commit(QSqlDatabase &db, QSqlError *error)
{
    if (Database::dialect(db) != SqlDialect::Sqlite) {
        const bool committed = db.commit();
        *error = db.lastError();
        return committed;
    }
    // QSQLITE's commit() drops SQLite's result code, and only that code tells a full disk or a
    // locked file (retry later) from a constraint checked at COMMIT (the caller's fault).
    QSqlQuery query(db);
    const bool committed = query.exec(QStringLiteral("COMMIT"));
    *error = query.lastError();
    return committed;
}

} // namespace

void WriteBatcher::runBatch(std::vector<Operation> &batch)
{
    // Stats are counted before any waiter is released, so whoever learns of the outcome also
    // finds it in stats().
    auto failAll = [&](const Error &error) {
        {
            QMutexLocker lock(&m_mutex);
            ++m_stats.failedBatches;
        }
        for (Operation &operation : batch)
            operation.settle(error);
    };

    auto connection = Database::connection(m_config);
    if (!connection.isOk()) {
        failAll(connection.error());
        return;
    }
    QSqlDatabase &db = connection.value();
    if (!db.transaction()) {
        const QSqlError sqlError = db.lastError();
        Database::reset(m_config);
        failAll(Error{ErrorKind::Unavailable,
                      QStringLiteral("database unavailable: %1").arg(sqlError.text()),
                      {},
                      2});
        return;
    }

    std::vector<std::optional<Error>> outcomes(batch.size());
    const bool single = batch.size() == 1;
    // Optimistic first: operations almost never fail, and a savepoint around each one costs
    // two statements plus, with the FTS5 table, a flush of its pending index data per
    // operation. If one fails, the whole batch is rolled back and run again with a savepoint
    // around each operation, so only the failing one loses its writes. Operations are pure
    // database work (their results are only read after settle), so running one twice is safe.
    bool failed = false;
    for (std::size_t i = 0; i < batch.size() && !failed; ++i) {
        outcomes[i] = batch[i].apply(db);
        failed = outcomes[i].has_value();
    }
    if (failed && !single) {
        db.rollback();
        if (!db.transaction()) {
            const QSqlError sqlError = db.lastError();
            Database::reset(m_config);
            failAll(Error{ErrorKind::Unavailable,
                          QStringLiteral("database unavailable: %1").arg(sqlError.text()),
                          {},
                          2});
            return;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            Database::run(db, QStringLiteral("SAVEPOINT op"));
            outcomes[i] = batch[i].apply(db);
            if (outcomes[i])
                Database::run(db, QStringLiteral("ROLLBACK TO SAVEPOINT op"));
            Database::run(db, QStringLiteral("RELEASE SAVEPOINT op"));
        }
    }

    const bool allFailed = single && outcomes[0].has_value();
    if (allFailed) {
        db.rollback();
    } else if (QSqlError sqlError; !commit(db, &sqlError)) {
        // A connection the driver closed mid-batch fails the COMMIT without any error text; a
        // full disk or a locked file fails it with SQLite's own code. Neither is the caller's
        // fault: answer 503 so clients retry.
        const bool lost = !db.isOpen() || (Database::dialect(db) == SqlDialect::Sqlite
                                               ? Database::isSqliteUnavailable(sqlError)
                                               : Database::isConnectionError(sqlError));
        db.rollback();
        if (lost)
            Database::reset(m_config);
        failAll(Error{lost ? ErrorKind::Unavailable : ErrorKind::Internal,
                      QStringLiteral("commit failed: %1").arg(sqlError.text()),
                      {},
                      1});
        return;
    }
    {
        QMutexLocker lock(&m_mutex);
        ++m_stats.batches;
        m_stats.operations += batch.size();
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        // A connection lost mid-batch surfaces as errors on operations; reconnect next time.
        if (outcomes[i] && outcomes[i]->kind == ErrorKind::Unavailable)
            Database::reset(m_config);
        batch[i].settle(outcomes[i]);
    }
}

} // namespace relaydesk
