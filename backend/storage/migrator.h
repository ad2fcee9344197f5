#pragma once

#include "core/outcome.h"
#include "storage/databaseconfig.h"

#include <QSqlDatabase>
#include <QString>

namespace relaydesk {

struct Migration {
    int version = 0;
    QString name;
    QString sql;
};

// Applies the embedded migrations of the connection's dialect (resources/migrations/<dialect>/
// NNN_name.sql) in order, each in its own transaction, recording them in schema_migrations.
// A database that already holds a version this binary does not know is refused untouched: an
// older binary must not run against a schema it cannot read correctly.
class Migrator
{
public:
    explicit Migrator(QSqlDatabase db);

    // Returns the schema version after migrating.
    Outcome<int> migrate();
    Outcome<int> currentVersion();
    int latestKnownVersion() const;

    static QList<Migration> embeddedMigrations(SqlDialect dialect);
    static QStringList splitStatements(const QString &sql);

private:
    Outcome<Done> ensureTable();
    QSqlDatabase m_db;
    QList<Migration> m_migrations;
};

} // namespace relaydesk
