#include "testdatabase.h"

#include "storage/database.h"
#include "storage/migrator.h"

#include <QDir>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

namespace relaydesk {

namespace {

const QString kSqlite = QStringLiteral("sqlite");
const QString kPostgresql = QStringLiteral("postgresql");

} // namespace

void TestDatabase::addBackendColumn()
{
    QTest::addColumn<QString>("backend");
}

void TestDatabase::addBackendRows()
{
    addBackendColumn();
    for (const QString &backend : backends())
        QTest::newRow(qPrintable(backend)) << backend;
}

QStringList TestDatabase::backends()
{
    return {kSqlite, kPostgresql};
}

TestDatabase::TestDatabase(const QString &backend)
    : m_backend(backend)
{
    if (!m_dir.isValid()) {
        m_error =
            QStringLiteral("cannot create a temporary directory: %1").arg(m_dir.errorString());
        return;
    }
    if (backend == kSqlite) {
        m_url = QStringLiteral("sqlite://") +
                QDir(m_dir.path()).filePath(QStringLiteral("relaydesk.db"));
    } else if (backend == kPostgresql) {
        const QString baseUrl = qEnvironmentVariable(kPgUrlVariable);
        if (baseUrl.isEmpty()) {
            m_skipped = true;
            return;
        }
        if (!createSchema(baseUrl))
            return;
    } else {
        m_error = QStringLiteral("unknown backend \"%1\"").arg(backend);
        return;
    }
    auto config = DatabaseConfig::fromUrl(m_url, m_dir.path());
    if (!config.isOk()) {
        m_error = config.error().message;
        return;
    }
    m_config = config.value();
    auto db = Database::connection(m_config);
    if (!db.isOk()) {
        m_error = db.error().message;
        return;
    }
    // Proves the search_path reached the server: a mistake here would silently share tables
    // between test cases.
    if (isPostgresql()) {
        const QVariant schema = scalar(QStringLiteral("SELECT current_schema()"));
        if (schema.toString() != m_schema) {
            m_error = QStringLiteral("connection uses schema \"%1\", expected \"%2\"")
                          .arg(schema.toString(), m_schema);
            return;
        }
    }
    m_ready = true;
}

TestDatabase::~TestDatabase()
{
    if (!m_config.sqlitePath.isEmpty() || isPostgresql())
        Database::reset(m_config);
    dropSchema();
}

QString TestDatabase::skipReason() const
{
    return QStringLiteral("PostgreSQL not configured: set %1=postgresql://user@host:port/db "
                          "(scripts/relaydesk test starts one)")
        .arg(QLatin1String(kPgUrlVariable));
}

bool TestDatabase::createSchema(const QString &baseUrl)
{
    auto base = DatabaseConfig::fromUrl(baseUrl, m_dir.path());
    if (!base.isOk() || base.value().dialect != SqlDialect::Postgresql) {
        m_error =
            QStringLiteral("%1 is not a postgresql:// url").arg(QLatin1String(kPgUrlVariable));
        return false;
    }
    m_schema = QStringLiteral("t_%1").arg(QRandomGenerator::global()->generate64(), 16, 16,
                                          QLatin1Char('0'));
    m_adminConnection = QStringLiteral("relaydesk-test-admin-") + m_schema;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_adminConnection);
        admin.setHostName(base.value().host);
        admin.setPort(base.value().port);
        admin.setUserName(base.value().user);
        admin.setPassword(base.value().password);
        admin.setDatabaseName(base.value().databaseName);
        admin.setConnectOptions(base.value().options);
        if (!admin.open()) {
            m_error = QStringLiteral("cannot connect to %1: %2")
                          .arg(base.value().displayName(), admin.lastError().text());
            return false;
        }
        QSqlQuery query(admin);
        // DROP SCHEMA ... CASCADE would list every table it drops on stderr otherwise.
        query.exec(QStringLiteral("SET client_min_messages = warning"));
        if (!query.exec(QStringLiteral("CREATE SCHEMA ") + m_schema)) {
            m_error = QStringLiteral("cannot create schema: %1").arg(query.lastError().text());
            return false;
        }
    }
    // libpq's `options` carries server settings; quoted because the value holds a space.
    QUrl url(baseUrl);
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("options"),
                       QStringLiteral("'-c search_path=%1 -c client_min_messages=error'")
                           .arg(m_schema)
                           .replace(QLatin1Char(' '), QLatin1String("%20"))
                           .replace(QLatin1Char('='), QLatin1String("%3D")));
    url.setQuery(query);
    m_url = url.toString(QUrl::FullyEncoded);
    return true;
}

void TestDatabase::dropSchema()
{
    if (m_adminConnection.isEmpty())
        return;
    {
        QSqlDatabase admin = QSqlDatabase::database(m_adminConnection, false);
        if (admin.isOpen() && !m_schema.isEmpty()) {
            QSqlQuery query(admin);
            if (!query.exec(QStringLiteral("DROP SCHEMA ") + m_schema + QStringLiteral(" CASCADE")))
                qWarning("cannot drop test schema %s: %s", qPrintable(m_schema),
                         qPrintable(query.lastError().text()));
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(m_adminConnection);
}

QSqlDatabase TestDatabase::connection() const
{
    auto db = Database::connection(m_config);
    return db.isOk() ? db.value() : QSqlDatabase();
}

bool TestDatabase::migrate()
{
    auto db = Database::connection(m_config);
    if (!db.isOk()) {
        m_error = db.error().message;
        return false;
    }
    Migrator migrator(db.value());
    auto version = migrator.migrate();
    if (!version.isOk()) {
        m_error = version.error().message;
        return false;
    }
    return true;
}

bool TestDatabase::exec(const QString &sql, const QVariantList &values)
{
    auto db = Database::connection(m_config);
    if (!db.isOk()) {
        m_error = db.error().message;
        return false;
    }
    auto query = Database::exec(db.value(), sql, values);
    if (!query.isOk()) {
        m_error = query.error().message;
        return false;
    }
    return true;
}

QVariant TestDatabase::scalar(const QString &sql, const QVariantList &values)
{
    auto db = Database::connection(m_config);
    if (!db.isOk()) {
        m_error = db.error().message;
        return {};
    }
    auto query = Database::exec(db.value(), sql, values);
    if (!query.isOk()) {
        m_error = query.error().message;
        return {};
    }
    if (!query.value().next()) {
        m_error = QStringLiteral("no row: %1").arg(sql);
        return {};
    }
    return query.value().value(0);
}

QStringList TestDatabase::tables()
{
    auto db = Database::connection(m_config);
    if (!db.isOk()) {
        m_error = db.error().message;
        return {};
    }
    const QString sql =
        isPostgresql()
            ? QStringLiteral("SELECT table_name FROM information_schema.tables WHERE "
                             "table_schema = current_schema() ORDER BY table_name")
            : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                             "LIKE 'sqlite_%' ORDER BY name");
    auto query = Database::exec(db.value(), sql);
    QStringList names;
    if (!query.isOk()) {
        m_error = query.error().message;
        return names;
    }
    while (query.value().next())
        names << query.value().value(0).toString();
    return names;
}

} // namespace relaydesk
