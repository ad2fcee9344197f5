#pragma once

#include "storage/databaseconfig.h"

#include <QSqlDatabase>
#include <QString>
#include <QTemporaryDir>
#include <QVariant>
#include <QVariantList>

namespace relaydesk {

// One isolated database per test case, so storage tests run unchanged against SQLite (a file
// in a temporary directory) and PostgreSQL (a fresh schema in the database named by
// RELAYDESK_TEST_PG_URL, selected through the connection's search_path and dropped at the end).
// Both are reachable as a DatabaseConfig (for our own classes) and as a database url (for
// Settings::databaseUrl), which resolve to the same connection.
class TestDatabase
{
public:
    static constexpr const char *kPgUrlVariable = "RELAYDESK_TEST_PG_URL";

    // Adds the "backend" column with one row per backend; call from a test's _data() function.
    static void addBackendRows();
    // Adds only the column, for _data() functions that build their own rows with backend().
    static void addBackendColumn();
    static QStringList backends();

    explicit TestDatabase(const QString &backend);
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    // PostgreSQL was asked for but RELAYDESK_TEST_PG_URL is not set.
    bool isSkipped() const { return m_skipped; }
    QString skipReason() const;
    bool isReady() const { return m_ready; }
    QString errorString() const { return m_error; }

    QString backend() const { return m_backend; }
    SqlDialect dialect() const { return m_config.dialect; }
    bool isPostgresql() const { return m_config.dialect == SqlDialect::Postgresql; }
    const DatabaseConfig &config() const { return m_config; }
    // A url DatabaseConfig::fromUrl turns back into config().
    QString url() const { return m_url; }
    // A scratch directory private to this test case (the SQLite file lives here).
    QString dataDir() const { return m_dir.path(); }

    // The calling thread's connection (Database::connection); invalid when it cannot open.
    QSqlDatabase connection() const;
    // Applies the embedded migrations; false (with errorString()) on failure.
    bool migrate();
    // Runs one statement on the calling thread's connection; false (with errorString()).
    bool exec(const QString &sql, const QVariantList &values = {});
    // The first column of the first row, or an invalid QVariant (with errorString()).
    QVariant scalar(const QString &sql, const QVariantList &values = {});
    // Tables of this test's database (or schema), sorted, for "was anything created" checks.
    QStringList tables();

private:
    bool createSchema(const QString &baseUrl);
    void dropSchema();

    QString m_backend;
    QTemporaryDir m_dir;
    DatabaseConfig m_config;
    QString m_url;
    QString m_schema;
    QString m_adminConnection;
    bool m_skipped = false;
    bool m_ready = false;
    QString m_error;
};

} // namespace relaydesk

// Opens `var` for the current row's backend: skips the row when PostgreSQL is not configured and
// fails the test when the database cannot be prepared.
#define RELAYDESK_TEST_DATABASE(var)                                                               \
    QFETCH(QString, backend);                                                                      \
    relaydesk::TestDatabase var(backend);                                                          \
    if (var.isSkipped())                                                                           \
        QSKIP(qPrintable(var.skipReason()));                                                       \
    QVERIFY2(var.isReady(), qPrintable(var.errorString()))
