#include "storage/migrator.h"

#include "storage/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <algorithm>

namespace relaydesk {

Migrator::Migrator(QSqlDatabase db)
    : m_db(std::move(db))
    , m_migrations(embeddedMigrations(Database::dialect(m_db)))
{}

QList<Migration> Migrator::embeddedMigrations(SqlDialect dialect)
{
    const QString folder = dialect == SqlDialect::Sqlite
                               ? QStringLiteral(":/relaydesk/migrations/sqlite")
                               : QStringLiteral(":/relaydesk/migrations/postgresql");
    static const QRegularExpression pattern(QStringLiteral("^(\\d+)_(\\w+)\\.sql$"));
    QList<Migration> migrations;
    const auto entries = QDir(folder).entryList(QDir::Files, QDir::Name);
    for (const QString &entry : entries) {
        const auto match = pattern.match(entry);
        if (!match.hasMatch())
            continue;
        QFile file(QDir(folder).filePath(entry));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        migrations.append(Migration{match.captured(1).toInt(), match.captured(2),
                                    QString::fromUtf8(file.readAll())});
    }
    std::sort(migrations.begin(), migrations.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return migrations;
}

QStringList Migrator::splitStatements(const QString &sql)
{
    // Statements end with ';' at the end of a line, except inside a trigger body, which ends
    // with a line "END;".
    QStringList statements;
    QString current;
    bool inTrigger = false;
    const auto lines = sql.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith(QLatin1String("--"))))
            continue;
        current += line + QLatin1Char('\n');
        if (trimmed.startsWith(QLatin1String("CREATE TRIGGER"), Qt::CaseInsensitive))
            inTrigger = true;
        const bool ends = inTrigger
                              ? trimmed.compare(QLatin1String("END;"), Qt::CaseInsensitive) == 0
                              : trimmed.endsWith(QLatin1Char(';'));
        if (ends) {
            statements << current.trimmed();
            current.clear();
            inTrigger = false;
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

int Migrator::latestKnownVersion() const
{
    return m_migrations.isEmpty() ? 0 : m_migrations.last().version;
}

Outcome<Done> Migrator::ensureTable()
{
    // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin on PostgreSQL (both pass
    // the check, one fails on the catalog's unique index), so instances starting together take
    // the migration lock for it too.
    if (Database::dialect(m_db) == SqlDialect::Postgresql) {
        if (!m_db.transaction())
            return Error{ErrorKind::Unavailable,
                         QStringLiteral("cannot begin migration: %1").arg(m_db.lastError().text()),
                         {},
                         1};
        auto lock = Database::exec(m_db, QStringLiteral("SELECT pg_advisory_xact_lock(7306)"));
        if (!lock.isOk()) {
            m_db.rollback();
            return lock.error();
        }
    }
    const QString sql = Database::dialect(m_db) == SqlDialect::Sqlite
                            ? QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                             "applied_at INTEGER NOT NULL)")
                            : QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                             "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                             "applied_at BIGINT NOT NULL)");
    auto result = Database::exec(m_db, sql);
    if (Database::dialect(m_db) == SqlDialect::Postgresql) {
        if (!result.isOk()) {
            m_db.rollback();
            return result.error();
        }
        if (!m_db.commit())
            return Error{
                ErrorKind::Unavailable,
                QStringLiteral("cannot create schema_migrations: %1").arg(m_db.lastError().text()),
                {},
                1};
        return Done{};
    }
    if (!result.isOk())
        return result.error();
    return Done{};
}

Outcome<int> Migrator::currentVersion()
{
    if (auto ok = ensureTable(); !ok.isOk())
        return ok.error();
    auto query = Database::exec(m_db, QStringLiteral("SELECT MAX(version) FROM schema_migrations"));
    if (!query.isOk())
        return query.error();
    return query.value().next() ? query.value().value(0).toInt() : 0;
}

Outcome<int> Migrator::migrate()
{
    const bool postgres = Database::dialect(m_db) == SqlDialect::Postgresql;
    if (auto ok = ensureTable(); !ok.isOk())
        return ok.error();

    for (const Migration &migration : std::as_const(m_migrations)) {
        // On SQLite the write lock is taken up front (IMMEDIATE) so a second process starting
        // beside us waits its turn (busy_timeout) instead of failing when its read snapshot
        // turns stale at the first CREATE.
        const bool begun = postgres
                               ? m_db.transaction()
                               : Database::exec(m_db, QStringLiteral("BEGIN IMMEDIATE")).isOk();
        if (!begun)
            return Error{ErrorKind::Unavailable,
                         QStringLiteral("cannot begin migration: %1").arg(m_db.lastError().text()),
                         {},
                         1};
        auto rollback = [this](Error error) {
            m_db.rollback();
            return Outcome<int>(std::move(error));
        };
        // Several instances may start together against one PostgreSQL: serialise them.
        if (postgres) {
            auto lock = Database::exec(m_db, QStringLiteral("SELECT pg_advisory_xact_lock(7306)"));
            if (!lock.isOk())
                return rollback(lock.error());
        }
        auto applied = Database::exec(
            m_db, QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
        if (!applied.isOk())
            return rollback(applied.error());
        const int current = applied.value().next() ? applied.value().value(0).toInt() : 0;
        if (current > latestKnownVersion()) {
            return rollback(Error{
                ErrorKind::Conflict,
                QStringLiteral("the database schema is at version %1 but this Relaydesk only "
                               "knows up to version %2; upgrade Relaydesk (the database was not "
                               "modified)")
                    .arg(current)
                    .arg(latestKnownVersion()),
                {},
                0});
        }
        if (current >= migration.version) {
            m_db.commit();
            continue;
        }
        const QStringList statements = splitStatements(migration.sql);
        for (const QString &statement : statements) {
            auto result = Database::exec(m_db, statement);
            if (!result.isOk()) {
                Error error = result.error();
                error.message = QStringLiteral("migration %1_%2 failed: %3")
                                    .arg(migration.version)
                                    .arg(migration.name, error.message);
                return rollback(error);
            }
        }
        auto record = Database::exec(
            m_db,
            QStringLiteral(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
            {migration.version, migration.name, QDateTime::currentMSecsSinceEpoch()});
        if (!record.isOk())
            return rollback(record.error());
        if (!m_db.commit())
            return rollback(Error{ErrorKind::Internal,
                                  QStringLiteral("cannot commit migration %1: %2")
                                      .arg(migration.version)
                                      .arg(m_db.lastError().text()),
                                  {},
                                  0});
    }
    // Re-check so a newer schema is refused even when nothing was left to apply.
    auto version = currentVersion();
    if (version.isOk() && version.value() > latestKnownVersion())
        return Error{ErrorKind::Conflict,
                     QStringLiteral("the database schema is at version %1 but this Relaydesk only "
                                    "knows up to version %2; upgrade Relaydesk (the database was "
                                    "not modified)")
                         .arg(version.value())
                         .arg(latestKnownVersion()),
                     {},
                     0};
    return version;
}

} // namespace relaydesk
