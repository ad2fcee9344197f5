#pragma once

#include "core/outcome.h"
#include "storage/databaseconfig.h"

#include <QFuture>
#include <QMutex>
#include <QPromise>
#include <QSqlDatabase>
#include <QWaitCondition>
#include <deque>
#include <functional>
#include <memory>

class QThread;

namespace relaydesk {

// The only writing connection. Callers submit write operations from any thread; the writer
// thread runs everything pending in one transaction (group commit, bounded by a count and a
// short window), so one bad write fails only its own caller (a batch with a failed operation
// is rolled back and run again with a savepoint around each operation), and resolves every caller's
// future only after COMMIT returned. If the COMMIT itself fails, every operation of that batch
// fails.
class WriteBatcher
{
public:
    struct Options {
        int maxBatch = 512;
        int windowMs = 2;
    };
    struct Stats {
        quint64 batches = 0;
        quint64 operations = 0;
        quint64 failedBatches = 0;
    };

    WriteBatcher(DatabaseConfig config, Options options);
    ~WriteBatcher();

    void start();
    // Finishes every operation already submitted, then stops the thread. Later submissions
    // fail with ErrorKind::Unavailable.
    void stop();

    template <typename T>
    QFuture<Outcome<T>> submit(std::function<Outcome<T>(QSqlDatabase &)> operation);

    Stats stats() const;
    int pending() const;

private:
    struct Operation {
        // Runs inside the transaction; returns the error that rolls its savepoint back, if any.
        std::function<std::optional<Error>(QSqlDatabase &)> apply;
        // Called after COMMIT (committed = true) or when the batch failed.
        std::function<void(const std::optional<Error> &failure)> settle;
    };

    void enqueue(Operation operation);
    void run();
    void runBatch(std::vector<Operation> &batch);

    DatabaseConfig m_config;
    Options m_options;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<Operation> m_queue;
    bool m_stopping = false;
    bool m_running = false;
    Stats m_stats;
    std::unique_ptr<QThread> m_thread;
};

template <typename T>
QFuture<Outcome<T>> WriteBatcher::submit(std::function<Outcome<T>(QSqlDatabase &)> operation)
{
    auto promise = std::make_shared<QPromise<Outcome<T>>>();
    auto result = std::make_shared<std::optional<Outcome<T>>>();
    QFuture<Outcome<T>> future = promise->future();
    promise->start();
    enqueue(Operation{
        [operation = std::move(operation), result](QSqlDatabase &db) -> std::optional<Error> {
            *result = operation(db);
            if ((*result)->isOk())
                return std::nullopt;
            return (*result)->error();
        },
        [promise, result](const std::optional<Error> &failure) {
            if (failure)
                promise->addResult(Outcome<T>(*failure));
            else
                promise->addResult(std::move(**result));
            promise->finish();
        }});
    return future;
}

} // namespace relaydesk
