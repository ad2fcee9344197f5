#pragma once

#include "core/outcome.h"

#include <QString>

namespace relaydesk {

enum class SqlDialect { Sqlite, Postgresql };

// Where the database lives, parsed once from `sqlite:///path` or `postgresql://user:pass@host:port/db`.
struct DatabaseConfig {
    SqlDialect dialect = SqlDialect::Sqlite;
    QString sqlitePath;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;
    QString options; // extra QPSQL connect options, e.g. connect_timeout=5

    // An empty url selects `<dataDir>/relaydesk.db`.
    static Outcome<DatabaseConfig> fromUrl(const QString &url, const QString &dataDir);
    QString driverName() const;
    // The url with the password masked, safe for logs and error messages.
    QString displayName() const;
    // Distinguishes connections to different databases opened by the same thread.
    QString connectionKey() const;
};

} // namespace relaydesk
