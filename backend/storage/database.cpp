#include "storage/database.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace relaydesk {

namespace {

struct CachedStatement {
    QSqlQuery query;
    // Set while a caller reads its rows: a nested run of the same SQL gets its own statement.
    bool busy = false;
};

// Removes this thread's connections when the thread ends.
struct ThreadConnections {
    std::vector<QString> names;
    // connection name -> SQL -> prepared statement (Database::run). Emptied before the
    // connection is closed or removed, since a statement must not outlive its connection.
    std::unordered_map<QString, std::unordered_map<QString, CachedStatement>> statements;
    ~ThreadConnections();
};

// A QThread's wait() returns before the thread has run its thread_local destructors, so a
// worker can still be tearing its connections down while main() has returned and static
// destruction is freeing the SQL drivers under it. Database::prepareForProcessExit() raises
// this flag under the lock; destructors that come later leave their statements to the OS.
std::mutex g_exitMutex;
bool g_processExiting = false;

ThreadConnections::~ThreadConnections()
{
    const std::lock_guard lock(g_exitMutex);
    if (g_processExiting) {
        // Freed by the process ending; destroying them now would call into freed drivers.
        new decltype(statements)(std::move(statements));
        return;
    }
    statements.clear();
    for (const QString &name : names)
        QSqlDatabase::removeDatabase(name);
}
thread_local ThreadConnections t_connections;

QString connectionName(const DatabaseConfig &config)
{
    return QStringLiteral("relaydesk-%1-%2")
        .arg(quintptr(QThread::currentThreadId()), 0, 16)
        .arg(qHash(config.connectionKey()), 0, 16);
}

Outcome<QSqlDatabase> configureSqlite(QSqlDatabase db, const DatabaseConfig &config)
{
    // WAL lets readers run beside the single writer; synchronous=FULL makes a COMMIT durable
    // before the 202 is written, which is the promise the API makes.
    const char *pragmas[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
                             "PRAGMA temp_store=MEMORY"};
    for (const char *pragma : pragmas) {
        QSqlQuery query(db);
        if (!query.exec(QLatin1String(pragma)))
            return Error{ErrorKind::Unavailable,
                         QStringLiteral("cannot configure %1: %2")
                             .arg(config.displayName(), query.lastError().text()),
                         {},
                         1};
    }
    return db;
}

} // namespace

Outcome<QSqlDatabase> Database::connection(const DatabaseConfig &config)
{
    const QString name = connectionName(config);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
        if (db.open())
            return config.dialect == SqlDialect::Sqlite ? configureSqlite(db, config)
                                                        : Outcome<QSqlDatabase>(db);
        const QString reason = db.lastError().text();
        return Error{ErrorKind::Unavailable,
                     QStringLiteral("cannot open %1: %2").arg(config.displayName(), reason),
                     {},
                     1};
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(config.driverName(), name);
    t_connections.names.push_back(name);
    if (config.dialect == SqlDialect::Sqlite) {
        const QFileInfo info(config.sqlitePath);
        if (!QDir().mkpath(info.absolutePath()))
            return Error{ErrorKind::Unavailable,
                         QStringLiteral("cannot create directory %1").arg(info.absolutePath()),
                         {},
                         0};
        db.setDatabaseName(config.sqlitePath);
    } else {
        db.setHostName(config.host);
        db.setPort(config.port);
        db.setUserName(config.user);
        db.setPassword(config.password);
        db.setDatabaseName(config.databaseName);
        db.setConnectOptions(config.options);
    }
    if (!db.open()) {
        const QString reason = db.lastError().text();
        return Error{ErrorKind::Unavailable,
                     QStringLiteral("cannot open %1: %2").arg(config.displayName(), reason),
                     {},
                     1};
    }
    if (config.dialect == SqlDialect::Sqlite)
        return configureSqlite(db, config);
    return db;
}

void Database::prepareForProcessExit()
{
    const std::lock_guard lock(g_exitMutex);
    g_processExiting = true;
}

void Database::reset(const DatabaseConfig &config)
{
    const QString name = connectionName(config);
    if (!QSqlDatabase::contains(name))
        return;
    t_connections.statements.erase(name);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
}

SqlDialect Database::dialect(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QPSQL") ? SqlDialect::Postgresql : SqlDialect::Sqlite;
}

Outcome<QSqlQuery> Database::exec(const QSqlDatabase &db, const QString &sql,
                                  const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    // QPSQL prepares through "PREPARE ... AS", which PostgreSQL accepts only for SELECT, INSERT,
    // UPDATE, DELETE and VALUES: DDL, SAVEPOINT and SET must run unprepared. With nothing to
    // bind there is nothing to gain from preparing anyway.
    if (values.isEmpty()) {
        if (!query.exec(sql))
            return errorFrom(query, sql.left(60));
        return query;
    }
    if (!query.prepare(sql))
        return errorFrom(query, sql.left(60));
    for (const QVariant &value : values) {
        // A null QString would bind as SQL NULL; our text columns mean "empty" by it. Real NULLs
        // are passed as a QVariant without a value.
        if (!value.isNull() && value.metaType() == QMetaType::fromType<QString>() &&
            value.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(value);
    }
    if (!query.exec())
        return errorFrom(query, sql.left(60));
    return query;
}

namespace {

void bindAll(QSqlQuery &query, const QVariantList &values)
{
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        // As in exec: a null QString means "empty" for our text columns.
        if (!value.isNull() && value.metaType() == QMetaType::fromType<QString>() &&
            value.toString().isNull())
            query.bindValue(int(i), QStringLiteral(""));
        else
            query.bindValue(int(i), value);
    }
}

} // namespace

Outcome<int> Database::run(const QSqlDatabase &db, const QString &sql, const QVariantList &values,
                           const std::function<void(QSqlQuery &)> &read)
{
    // QPSQL cannot prepare statements without parameters that are not SELECT/INSERT/UPDATE/
    // DELETE/VALUES (SAVEPOINT, SET): they go as one simple query, which is one round trip.
    // PostgreSQL statements are not cached: a server restart drops every prepared statement of
    // the session, and destroying a cached QPSQL statement after its connection was lost and
    // re-opened crashed the server at thread exit (seen in bench/chaos with pg-restart + term).
    if (dialect(db) == SqlDialect::Postgresql) {
        auto query = exec(db, sql, values);
        if (!query.isOk())
            return query.error();
        if (read)
            read(query.value());
        return query.value().numRowsAffected();
    }
    auto &perConnection = t_connections.statements[db.connectionName()];
    auto found = perConnection.find(sql);
    if (found == perConnection.end() || found->second.busy) {
        const bool nested = found != perConnection.end();
        QSqlQuery query(db);
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            return errorFrom(query, sql.left(60));
        if (nested) { // a one-off beside the busy cached statement
            bindAll(query, values);
            if (!query.exec())
                return errorFrom(query, sql.left(60));
            if (read)
                read(query);
            return query.numRowsAffected();
        }
        found = perConnection.emplace(sql, CachedStatement{std::move(query), false}).first;
    }
    CachedStatement &statement = found->second;
    QSqlQuery &query = statement.query;
    bindAll(query, values);
    if (!query.exec()) {
        Error error = errorFrom(query, sql.left(60));
        perConnection.erase(found);
        return error;
    }
    const int affected = query.numRowsAffected();
    if (read) {
        statement.busy = true;
        read(query);
        statement.busy = false;
    }
    query.finish();
    return affected;
}

Error Database::errorFrom(const QSqlQuery &query, const QString &what)
{
    const QSqlError error = query.lastError();
    const bool sqlite = query.driver() && query.driver()->dbmsType() == QSqlDriver::SQLite;
    // QPSQL closes its driver when the server drops the connection; statements after that fail
    // with "database not open" and no error at all, which is an outage, not a bad statement.
    const bool closed = !query.driver() || !query.driver()->isOpen();
    if (closed || (sqlite ? isSqliteUnavailable(error) : isConnectionError(error)))
        return Error{ErrorKind::Unavailable,
                     QStringLiteral("database unavailable: %1").arg(error.text()),
                     {},
                     2};
    return Error{ErrorKind::Internal,
                 QStringLiteral("database error in \"%1\": %2").arg(what, error.text()),
                 {},
                 0};
}

bool Database::isSqliteUnavailable(const QSqlError &error)
{
    // Qt's SQLite driver labels every failed step a ConnectionError, constraint violations
    // included, so look at SQLite's own result code: busy, locked, read-only, I/O error, full,
    // cannot open.
    bool numeric = false;
    const int code = error.nativeErrorCode().toInt(&numeric) & 0xFF;
    return numeric &&
           (code == 5 || code == 6 || code == 8 || code == 10 || code == 13 || code == 14);
}

bool Database::isConnectionError(const QSqlError &error)
{
    if (error.type() == QSqlError::ConnectionError)
        return true;
    const QString text = error.databaseText() + error.driverText();
    // libpq reports a dropped server as a statement error; SQLite reports a locked file.
    return text.contains(QLatin1String("server closed the connection")) ||
           text.contains(QLatin1String("no connection to the server")) ||
           text.contains(QLatin1String("terminating connection")) ||
           text.contains(QLatin1String("could not connect")) ||
           text.contains(QLatin1String("database is locked"));
}

} // namespace relaydesk
