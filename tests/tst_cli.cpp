// The relaydesk binary end to end: options, configuration errors, the headless server over
// HTTP, SIGTERM shutdown and restart, and refusal of a database from a newer release.
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void versionAndHelp();
    void configErrorsAreReported();
    void headlessServesSignalStopsAndRestartKeepsData();
    void newerSchemaIsRefused();

private:
    QProcess *startServer(const QString &dataDir, quint16 port, const QStringList &extra = {});
    int httpStatus(const QByteArray &method, quint16 port, const QString &path,
                   const QByteArray &body = {}, QJsonObject *json = nullptr);
    static quint16 freePort();

    QString m_binary;
    QNetworkAccessManager m_network;
};

void TestCli::initTestCase()
{
    m_binary = qEnvironmentVariable("RELAYDESK_BINARY");
    QVERIFY2(QFile::exists(m_binary), "RELAYDESK_BINARY must point at the built relaydesk");
}

quint16 TestCli::freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

QProcess *TestCli::startServer(const QString &dataDir, quint16 port, const QStringList &extra)
{
    auto *process = new QProcess(this);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("RELAYDESK_API_TOKEN"),
                       QStringLiteral("cli-test-token-0123456789"));
    environment.remove(QStringLiteral("DATABASE_URL"));
    environment.remove(QStringLiteral("PORT"));
    process->setProcessEnvironment(environment);
    process->start(m_binary, QStringList{QStringLiteral("--headless"), QStringLiteral("--data-dir"),
                                         dataDir, QStringLiteral("--listen"),
                                         QStringLiteral("127.0.0.1:%1").arg(port)} +
                                 extra);
    return process;
}

int TestCli::httpStatus(const QByteArray &method, quint16 port, const QString &path,
                        const QByteArray &body, QJsonObject *json)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    request.setRawHeader("Authorization", "Bearer cli-test-token-0123456789");
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(5000);
    if (json)
        *json = QJsonDocument::fromJson(reply->readAll()).object();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestCli::versionAndHelp()
{
    QProcess version;
    version.start(m_binary, {QStringLiteral("--version")});
    QVERIFY(version.waitForFinished(10000));
    QCOMPARE(version.exitCode(), 0);
    QVERIFY(version.readAllStandardOutput().contains(RELAYDESK_VERSION));

    QProcess help;
    help.start(m_binary, {QStringLiteral("--help")});
    QVERIFY(help.waitForFinished(10000));
    QCOMPARE(help.exitCode(), 0);
    const QByteArray text = help.readAllStandardOutput();
    for (const char *expected :
         {"--headless", "--config", "--database-url", "--listen", "--data-dir", "DATABASE_URL",
          "RELAYDESK_API_TOKEN", "RELAYDESK_LOG", "session_hours"})
        QVERIFY2(text.contains(expected), expected);

    QProcess unknown;
    unknown.start(m_binary, {QStringLiteral("--headless"), QStringLiteral("--no-such-option")});
    QVERIFY(unknown.waitForFinished(10000));
    QCOMPARE(unknown.exitCode(), 2);
    QVERIFY(unknown.readAllStandardError().contains("no-such-option"));
}

void TestCli::configErrorsAreReported()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.toml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("[queue]\nsize = -5\n[nonsense]\nkey = 1\n");
    file.close();
    QProcess process;
    process.start(m_binary, {QStringLiteral("--headless"), QStringLiteral("--config"), path,
                             QStringLiteral("--data-dir"), dir.path()});
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 2);
    const QByteArray error = process.readAllStandardError();
    QVERIFY2(error.contains("bad.toml:2") && error.contains("queue.size"), error.constData());
    QVERIFY2(error.contains("nonsense"), error.constData());
}

void TestCli::headlessServesSignalStopsAndRestartKeepsData()
{
    QTemporaryDir dir;
    const quint16 port = freePort();
    QProcess *server = startServer(dir.path(), port);
    QTRY_VERIFY_WITH_TIMEOUT(httpStatus("GET", port, QStringLiteral("/health")) == 200, 15000);
    QCOMPARE(httpStatus("GET", port, QStringLiteral("/ready")), 200);

    QJsonObject accepted;
    QCOMPARE(
        httpStatus("POST", port, QStringLiteral("/message"),
                   R"({"user_id":"cli","platform":"Telegram","content":"hello from the cli test"})",
                   &accepted),
        202);
    const QString id = accepted.value(QStringLiteral("id")).toString();

    ::kill(pid_t(server->processId()), SIGTERM);
    QVERIFY(server->waitForFinished(15000));
    QCOMPARE(server->exitStatus(), QProcess::NormalExit);
    QCOMPARE(server->exitCode(), 0);
    const QByteArray log = server->readAllStandardError();
    // Logs are JSON lines with masked secrets.
    const QList<QByteArray> lines = log.trimmed().split('\n');
    QVERIFY(!lines.isEmpty());
    for (const QByteArray &line : lines)
        QVERIFY2(QJsonDocument::fromJson(line).isObject(), line.constData());
    QVERIFY(!log.contains("cli-test-token-0123456789"));

    QProcess *restarted = startServer(dir.path(), port);
    QTRY_VERIFY_WITH_TIMEOUT(httpStatus("GET", port, QStringLiteral("/health")) == 200, 15000);
    QJsonObject stored;
    QCOMPARE(httpStatus("GET", port, QStringLiteral("/api/v1/messages/") + id, {}, &stored), 200);
    QCOMPARE(stored.value(QStringLiteral("content")).toString(),
             QStringLiteral("hello from the cli test"));
    ::kill(pid_t(restarted->processId()), SIGINT);
    QVERIFY(restarted->waitForFinished(15000));
    QCOMPARE(restarted->exitCode(), 0);
}

void TestCli::newerSchemaIsRefused()
{
    QTemporaryDir dir;
    {
        // Let a current server create the schema, then pretend a newer release touched it.
        const quint16 port = freePort();
        QProcess *server = startServer(dir.path(), port);
        QTRY_VERIFY_WITH_TIMEOUT(httpStatus("GET", port, QStringLiteral("/health")) == 200, 15000);
        ::kill(pid_t(server->processId()), SIGTERM);
        QVERIFY(server->waitForFinished(15000));
    }
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("probe"));
        db.setDatabaseName(dir.filePath(QStringLiteral("relaydesk.db")));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("INSERT INTO schema_migrations (version, name, "
                                          "applied_at) VALUES (999, 'future', 0)")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("probe"));
    const QByteArray before = [&] {
        QFile file(dir.filePath(QStringLiteral("relaydesk.db")));
        file.open(QIODevice::ReadOnly);
        return file.readAll();
    }();

    QProcess *server = startServer(dir.path(), freePort());
    QVERIFY(server->waitForFinished(15000));
    QCOMPARE(server->exitCode(), 1);
    const QByteArray error = server->readAllStandardError();
    QVERIFY2(error.contains("999") && error.contains("upgrade Relaydesk"), error.constData());
    QFile file(dir.filePath(QStringLiteral("relaydesk.db")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
