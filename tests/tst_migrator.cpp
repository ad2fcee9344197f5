#include "storage/database.h"
#include "storage/migrator.h"
#include "testdatabase.h"

#include <QRegularExpression>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace relaydesk;

namespace {

const QStringList kSchemaTables = {
    QStringLiteral("conversation_aliases"), QStringLiteral("conversation_participants"),
    QStringLiteral("conversations"),        QStringLiteral("jobs"),
    QStringLiteral("message_events"),       QStringLiteral("messages"),
    QStringLiteral("schema_migrations")};

// What a migration run could have changed: the tables and the recorded versions.
struct Snapshot {
    QStringList tables;
    QStringList versions;
    bool operator==(const Snapshot &) const = default;
};

Snapshot snapshot(TestDatabase &db)
{
    Snapshot result;
    result.tables = db.tables();
    auto query =
        Database::exec(db.connection(), QStringLiteral("SELECT version, name, applied_at FROM "
                                                       "schema_migrations ORDER BY version"));
    if (query.isOk()) {
        while (query.value().next())
            result.versions << QStringLiteral("%1 %2 %3")
                                   .arg(query.value().value(0).toString(),
                                        query.value().value(1).toString(),
                                        query.value().value(2).toString());
    }
    return result;
}

} // namespace

class TestMigrator : public QObject
{
    Q_OBJECT

private slots:
    void freshDatabase_data() { TestDatabase::addBackendRows(); }
    void freshDatabase()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY(db.tables().isEmpty());

        Migrator migrator(db.connection());
        QVERIFY(migrator.latestKnownVersion() >= 1);
        auto before = migrator.currentVersion();
        QVERIFY2(before.isOk(), qPrintable(before.error().message));
        QCOMPARE(before.value(), 0);

        auto version = migrator.migrate();
        QVERIFY2(version.isOk(), qPrintable(version.error().message));
        QCOMPARE(version.value(), migrator.latestKnownVersion());
        QCOMPARE(migrator.currentVersion().value(), migrator.latestKnownVersion());

        const QStringList tables = db.tables();
        for (const QString &table : kSchemaTables)
            QVERIFY2(tables.contains(table), qPrintable(table + QStringLiteral(" missing")));
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
                 Migrator::embeddedMigrations(db.dialect()).size());

        // The schema works, including full-text search (FTS5 trigger or generated tsvector).
        QVERIFY2(db.exec(QStringLiteral("INSERT INTO conversations (id, platform, thread_key, "
                                        "last_activity_at, created_at) VALUES "
                                        "('c1', 'webhook', 'k', 1, 1)")),
                 qPrintable(db.errorString()));
        QVERIFY2(db.exec(QStringLiteral("INSERT INTO messages (id, conversation_id, direction, "
                                        "platform, author_kind, content, created_at) VALUES "
                                        "('m1', 'c1', 'inbound', 'webhook', 'customer', "
                                        "'where is my parcel', 1)")),
                 qPrintable(db.errorString()));
        const QString search =
            db.isPostgresql()
                ? QStringLiteral("SELECT COUNT(*) FROM messages WHERE search @@ "
                                 "plainto_tsquery('simple', 'parcel')")
                : QStringLiteral("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH "
                                 "'parcel'");
        QCOMPARE(db.scalar(search).toInt(), 1);
    }

    void repeatRunIsNoOp_data() { TestDatabase::addBackendRows(); }
    void repeatRunIsNoOp()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY2(db.exec(QStringLiteral("INSERT INTO conversations (id, platform, thread_key, "
                                        "last_activity_at, created_at) VALUES "
                                        "('keep', 'sms', 'k', 1, 1)")),
                 qPrintable(db.errorString()));
        const Snapshot before = snapshot(db);

        for (int run = 0; run < 2; ++run) {
            auto version = Migrator(db.connection()).migrate();
            QVERIFY2(version.isOk(), qPrintable(version.error().message));
            QCOMPARE(version.value(), Migrator(db.connection()).latestKnownVersion());
        }
        QCOMPARE(snapshot(db), before);
        QCOMPARE(db.scalar(QStringLiteral("SELECT platform FROM conversations WHERE id = 'keep'"))
                     .toString(),
                 QStringLiteral("sms"));
    }

    void newerSchemaIsRefused_data() { TestDatabase::addBackendRows(); }
    void newerSchemaIsRefused()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) "
                                       "VALUES (999, 'from_the_future', 42)")));
        const Snapshot before = snapshot(db);

        Migrator migrator(db.connection());
        auto version = migrator.migrate();
        QVERIFY(!version.isOk());
        QCOMPARE(version.error().kind, ErrorKind::Conflict);
        const QString message = version.error().message;
        QVERIFY2(message.contains(QLatin1String("999")), qPrintable(message));
        QVERIFY2(message.contains(QString::number(migrator.latestKnownVersion())),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("upgrade Relaydesk")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("not modified")), qPrintable(message));
        QCOMPARE(snapshot(db), before);
        QCOMPARE(migrator.currentVersion().value(), 999);
    }

    // A database created by a newer release that this one has never seen: nothing of ours may
    // be created in it, not even the first migration.
    void newerEmptySchemaGetsNoTables_data() { TestDatabase::addBackendRows(); }
    void newerEmptySchemaGetsNoTables()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY(db.exec(QStringLiteral("CREATE TABLE schema_migrations (version INTEGER PRIMARY "
                                       "KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")));
        QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_migrations VALUES (999, 'future', 1)")));

        auto version = Migrator(db.connection()).migrate();
        QVERIFY(!version.isOk());
        QCOMPARE(version.error().kind, ErrorKind::Conflict);
        QCOMPARE(db.tables(), QStringList{QStringLiteral("schema_migrations")});
    }

    // Several instances starting together against one database all end up on the same version,
    // each migration applied once.
    void concurrentStartsMigrateOnce_data() { TestDatabase::addBackendRows(); }
    void concurrentStartsMigrateOnce()
    {
        RELAYDESK_TEST_DATABASE(db);
        constexpr int kInstances = 4;
        QSemaphore ready;
        QSemaphore go;
        std::vector<Outcome<int>> results(kInstances, Outcome<int>(0));
        std::vector<std::unique_ptr<QThread>> threads;
        const DatabaseConfig config = db.config();
        for (int i = 0; i < kInstances; ++i) {
            threads.emplace_back(QThread::create([&, i] {
                auto connection = Database::connection(config);
                ready.release();
                go.acquire();
                if (!connection.isOk()) {
                    results[i] = connection.error();
                    return;
                }
                results[i] = Migrator(connection.value()).migrate();
            }));
            threads.back()->start();
        }
        ready.acquire(kInstances);
        go.release(kInstances);
        for (auto &thread : threads)
            QVERIFY(thread->wait(30000));
        const int latest = Migrator(db.connection()).latestKnownVersion();
        for (const auto &result : results) {
            QVERIFY2(result.isOk(), qPrintable(result.error().message));
            QCOMPARE(result.value(), latest);
        }
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
                 Migrator::embeddedMigrations(db.dialect()).size());
    }

    void embeddedMigrationsMatchAcrossDialects()
    {
        const auto sqlite = Migrator::embeddedMigrations(SqlDialect::Sqlite);
        const auto postgres = Migrator::embeddedMigrations(SqlDialect::Postgresql);
        QVERIFY(!sqlite.isEmpty());
        QCOMPARE(sqlite.size(), postgres.size());
        for (qsizetype i = 0; i < sqlite.size(); ++i) {
            QCOMPARE(sqlite[i].version, postgres[i].version);
            QCOMPARE(sqlite[i].name, postgres[i].name);
            QVERIFY(!sqlite[i].sql.trimmed().isEmpty());
            if (i > 0)
                QVERIFY(sqlite[i].version > sqlite[i - 1].version);
        }
    }

    void splitStatements_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("empty") << QString() << QStringList();
        QTest::newRow("only comments and blank lines")
            << QStringLiteral("-- nothing here\n\n   \n-- still nothing\n") << QStringList();
        QTest::newRow("one per line")
            << QStringLiteral("CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER);\n")
            << QStringList{QStringLiteral("CREATE TABLE a (x INTEGER);"),
                           QStringLiteral("CREATE TABLE b (y INTEGER);")};
        QTest::newRow("multi-line with leading comment")
            << QStringLiteral("-- the table\nCREATE TABLE a (\n    x INTEGER,\n    y TEXT\n);\n")
            << QStringList{QStringLiteral("CREATE TABLE a (\n    x INTEGER,\n    y TEXT\n);")};
        QTest::newRow("trigger body keeps its semicolons")
            << QStringLiteral("CREATE TABLE t (x);\n"
                              "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
                              "    INSERT INTO log VALUES (new.x);\n"
                              "    UPDATE counter SET n = n + 1;\n"
                              "END;\n"
                              "CREATE INDEX t_x ON t (x);\n")
            << QStringList{QStringLiteral("CREATE TABLE t (x);"),
                           QStringLiteral("CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
                                          "    INSERT INTO log VALUES (new.x);\n"
                                          "    UPDATE counter SET n = n + 1;\n"
                                          "END;"),
                           QStringLiteral("CREATE INDEX t_x ON t (x);")};
        QTest::newRow("lower-case trigger")
            << QStringLiteral("create trigger tr after delete on t begin\n"
                              "    delete from u where id = old.id;\n"
                              "end;\n")
            << QStringList{QStringLiteral("create trigger tr after delete on t begin\n"
                                          "    delete from u where id = old.id;\n"
                                          "end;")};
        QTest::newRow("last statement without semicolon")
            << QStringLiteral("CREATE TABLE a (x);\nCREATE TABLE b (y)")
            << QStringList{QStringLiteral("CREATE TABLE a (x);"),
                           QStringLiteral("CREATE TABLE b (y)")};
        QTest::newRow("comment inside a statement")
            << QStringLiteral("CREATE TABLE a (\n    -- why x\n    x INTEGER\n);\n")
            << QStringList{QStringLiteral("CREATE TABLE a (\n    -- why x\n    x INTEGER\n);")};
    }
    void splitStatements()
    {
        QFETCH(QString, sql);
        QFETCH(QStringList, expected);
        QCOMPARE(Migrator::splitStatements(sql), expected);
    }

    // The shipped migrations split into whole statements: each starts with a statement keyword
    // and ends with ';' (a mis-split trigger would leave fragments such as "END;" or the bare
    // INSERT of its body).
    void shippedMigrationsSplitCleanly()
    {
        static const QRegularExpression statementStart(
            QStringLiteral("^(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\\b"),
            QRegularExpression::CaseInsensitiveOption);
        for (SqlDialect dialect : {SqlDialect::Sqlite, SqlDialect::Postgresql}) {
            for (const Migration &migration : Migrator::embeddedMigrations(dialect)) {
                const QStringList statements = Migrator::splitStatements(migration.sql);
                QVERIFY(!statements.isEmpty());
                for (const QString &statement : statements) {
                    QVERIFY2(statementStart.match(statement).hasMatch(), qPrintable(statement));
                    QVERIFY2(statement.endsWith(QLatin1Char(';')), qPrintable(statement));
                    QVERIFY2(!statement.startsWith(QLatin1String("INSERT INTO messages_fts")),
                             qPrintable(statement));
                }
            }
        }
        const QStringList sqlite =
            Migrator::splitStatements(Migrator::embeddedMigrations(SqlDialect::Sqlite).first().sql);
        const auto trigger = std::find_if(sqlite.cbegin(), sqlite.cend(), [](const QString &s) {
            return s.startsWith(QLatin1String("CREATE TRIGGER"));
        });
        QVERIFY(trigger != sqlite.cend());
        QVERIFY(trigger->contains(QLatin1String("INSERT INTO messages_fts")));
        QVERIFY(trigger->endsWith(QLatin1String("END;")));
    }
};

QTEST_GUILESS_MAIN(TestMigrator)
#include "tst_migrator.moc"
