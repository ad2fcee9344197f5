#pragma once

#include "core/outcome.h"
#include "storage/databaseconfig.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <functional>

namespace relaydesk {

// Hands out the calling thread's own connection (QtSql connections must not cross threads).
// Connections are named after the thread and database, opened lazily, and removed when the
// thread ends, so callers never keep a QSqlDatabase as a member.
class Database
{
public:
    static Outcome<QSqlDatabase> connection(const DatabaseConfig &config);
    // Drops the calling thread's connection so the next call reconnects (after an outage).
    static void reset(const DatabaseConfig &config);
    // Called by main() before the application object (and with it every connection) is gone:
    // threads still ending after this leave their connections to the process exit.
    static void prepareForProcessExit();

    static SqlDialect dialect(const QSqlDatabase &db);
    // Runs a prepared statement, binding values positionally; the error names the statement.
    static Outcome<QSqlQuery> exec(const QSqlDatabase &db, const QString &sql,
                                   const QVariantList &values = {});
    // Like exec, through a statement prepared once per connection and thread and kept: the hot
    // path (ingest, claims, completions) runs the same few statements tens of thousands of
    // times a second, and preparing costs more than running them (on PostgreSQL it is also a
    // PREPARE and a DEALLOCATE round trip). `read` sees the result rows; the statement is reset
    // afterwards so it holds no read snapshot. Returns the number of rows affected.
    static Outcome<int> run(const QSqlDatabase &db, const QString &sql,
                            const QVariantList &values = {},
                            const std::function<void(QSqlQuery &)> &read = {});
    static Error errorFrom(const QSqlQuery &query, const QString &what);
    // A connection-level failure (server gone) as opposed to a bad statement.
    static bool isConnectionError(const QSqlError &error);
    // SQLite's equivalent: the file is busy, read-only, full or gone, not the statement wrong.
    static bool isSqliteUnavailable(const QSqlError &error);
};

} // namespace relaydesk
