#include "observability/logger.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace relaydesk;

class TstLogger : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void jsonShape();
    void levelNames();
    void defaultCategory();
    void jsonEscaping();
    void levelFiltering_data();
    void levelFiltering();
    void unknownLevelFallsBackToInfo();
    void requestIdScope();
    void requestIdIsPerThread();
    void mask_data();
    void mask();
    void noPiiSurvives();
    void linesFromManyThreadsStayWhole();
    void loggingFromInsideTheSinkDoesNotDeadlock();

private:
    QList<QJsonObject> objects() const;

    mutable QMutex m_mutex;
    QList<QByteArray> m_lines;
};

void TstLogger::init()
{
    {
        QMutexLocker locker(&m_mutex);
        m_lines.clear();
    }
    Logger::setSinkForTesting([this](const QByteArray &line) {
        QMutexLocker locker(&m_mutex);
        m_lines.append(line);
    });
    QVERIFY(Logger::install(QStringLiteral("debug")));
}

void TstLogger::cleanup()
{
    Logger::setSinkForTesting({});
}

QList<QJsonObject> TstLogger::objects() const
{
    QMutexLocker locker(&m_mutex);
    QList<QJsonObject> result;
    for (const QByteArray &line : m_lines) {
        if (line.contains('\n'))
            qFatal("log line contains a raw newline: %s", line.constData());
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qFatal("log line is not a JSON object: %s", line.constData());
        result.append(doc.object());
    }
    return result;
}

void TstLogger::jsonShape()
{
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    qCInfo(lcEngine) << "pipeline started";
    const QDateTime after = QDateTime::currentDateTimeUtc().addMSecs(1);

    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 1);
    const QJsonObject o = logged.constFirst();
    QCOMPARE(o.keys(), (QStringList{QStringLiteral("category"), QStringLiteral("level"),
                                    QStringLiteral("msg"), QStringLiteral("ts")}));
    QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
    QCOMPARE(o.value(QStringLiteral("category")).toString(), QStringLiteral("relaydesk.engine"));
    QCOMPARE(o.value(QStringLiteral("msg")).toString(), QStringLiteral("pipeline started"));

    const QString ts = o.value(QStringLiteral("ts")).toString();
    QVERIFY2(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"))
                 .match(ts)
                 .hasMatch(),
             qPrintable(ts));
    const QDateTime parsed = QDateTime::fromString(ts, Qt::ISODateWithMs);
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.timeSpec(), Qt::UTC);
    QVERIFY(parsed >= before.addMSecs(-1) && parsed <= after);

    // Compact: one line, no spaces between tokens, keys in a fixed human-friendly order.
    QMutexLocker locker(&m_mutex);
    QVERIFY(m_lines.constFirst().startsWith("{\"ts\":\""));
    QVERIFY(m_lines.constFirst().endsWith(
        "\"level\":\"info\",\"category\":\"relaydesk.engine\",\"msg\":\"pipeline started\"}"));
}

void TstLogger::levelNames()
{
    qCDebug(lcStorage, "d");
    qCInfo(lcServer, "i");
    qCWarning(lcChannels, "w");
    qCCritical(lcAi, "c");
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 4);
    const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                             QStringLiteral("warning"), QStringLiteral("error")};
    const QStringList categories{
        QStringLiteral("relaydesk.storage"), QStringLiteral("relaydesk.server"),
        QStringLiteral("relaydesk.channels"), QStringLiteral("relaydesk.ai")};
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(logged.at(i).value(QStringLiteral("level")).toString(), levels.at(i));
        QCOMPARE(logged.at(i).value(QStringLiteral("category")).toString(), categories.at(i));
    }
    QCOMPARE(lcApp().categoryName(), "relaydesk.app");
    QCOMPARE(lcUi().categoryName(), "relaydesk.ui");
}

void TstLogger::defaultCategory()
{
    qInfo("plain qInfo");
    qDebug("plain qDebug");
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 2);
    QCOMPARE(logged.at(0).value(QStringLiteral("category")).toString(), QStringLiteral("default"));
    QCOMPARE(logged.at(1).value(QStringLiteral("level")).toString(), QStringLiteral("debug"));
}

void TstLogger::jsonEscaping()
{
    const QString tricky = QStringLiteral("quote \" backslash \\ newline \n tab \t cr \r "
                                          "bell \x07 unicode caf\u00e9 \u2713 \U0001F600");
    qCWarning(lcApp).noquote() << tricky;
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 1);
    QCOMPARE(logged.constFirst().value(QStringLiteral("msg")).toString(), tricky);
}

void TstLogger::levelFiltering_data()
{
    QTest::addColumn<QString>("level");
    QTest::addColumn<QStringList>("expected");
    const QString d = QStringLiteral("debug"), i = QStringLiteral("info"),
                  w = QStringLiteral("warning"), e = QStringLiteral("error");
    QTest::newRow("debug") << d << QStringList{d, i, w, e};
    QTest::newRow("info") << i << QStringList{i, w, e};
    QTest::newRow("empty means info") << QString() << QStringList{i, w, e};
    QTest::newRow("warning") << w << QStringList{w, e};
    QTest::newRow("warn alias, any case") << QStringLiteral(" WARN ") << QStringList{w, e};
    QTest::newRow("error") << e << QStringList{e};
}

void TstLogger::levelFiltering()
{
    QFETCH(QString, level);
    QFETCH(QStringList, expected);
    QVERIFY(Logger::install(level));
    qCDebug(lcEngine, "d");
    qCInfo(lcEngine, "i");
    qCWarning(lcEngine, "w");
    qCCritical(lcEngine, "c");
    QStringList seen;
    for (const QJsonObject &o : objects())
        seen.append(o.value(QStringLiteral("level")).toString());
    QCOMPARE(seen, expected);
    QCOMPARE(lcEngine().isDebugEnabled(), expected.contains(QStringLiteral("debug")));
    // Qt's own chatter stays off even at debug.
    QLoggingCategory qtCategory("qt.network.ssl");
    QVERIFY(!qtCategory.isDebugEnabled());
}

void TstLogger::unknownLevelFallsBackToInfo()
{
    QVERIFY(!Logger::install(QStringLiteral("verbose")));
    qCDebug(lcEngine, "hidden");
    qCInfo(lcEngine, "shown");
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 2);
    QCOMPARE(logged.at(0).value(QStringLiteral("level")).toString(), QStringLiteral("warning"));
    QVERIFY(
        logged.at(0).value(QStringLiteral("msg")).toString().contains(QStringLiteral("verbose")));
    QCOMPARE(logged.at(1).value(QStringLiteral("msg")).toString(), QStringLiteral("shown"));
}

void TstLogger::requestIdScope()
{
    QVERIFY(Logger::currentRequestId().isEmpty());
    qCInfo(lcServer, "before");
    {
        Logger::RequestScope outer(QStringLiteral("req-outer"));
        QCOMPARE(Logger::currentRequestId(), QStringLiteral("req-outer"));
        qCInfo(lcServer, "outer");
        {
            Logger::RequestScope inner(QStringLiteral("req-\"inner\""));
            QCOMPARE(Logger::currentRequestId(), QStringLiteral("req-\"inner\""));
            qCInfo(lcServer, "inner");
        }
        QCOMPARE(Logger::currentRequestId(), QStringLiteral("req-outer"));
        qCInfo(lcServer, "outer again");
    }
    QVERIFY(Logger::currentRequestId().isEmpty());
    qCInfo(lcServer, "after");

    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 5);
    QVERIFY(!logged.at(0).contains(QStringLiteral("request_id")));
    QCOMPARE(logged.at(1).value(QStringLiteral("request_id")).toString(),
             QStringLiteral("req-outer"));
    QCOMPARE(logged.at(2).value(QStringLiteral("request_id")).toString(),
             QStringLiteral("req-\"inner\""));
    QCOMPARE(logged.at(3).value(QStringLiteral("request_id")).toString(),
             QStringLiteral("req-outer"));
    QVERIFY(!logged.at(4).contains(QStringLiteral("request_id")));
}

void TstLogger::requestIdIsPerThread()
{
    Logger::RequestScope scope(QStringLiteral("main-thread-request"));
    QString seenInThread = QStringLiteral("unset");
    std::unique_ptr<QThread> thread(QThread::create([&seenInThread] {
        seenInThread = Logger::currentRequestId();
        Logger::RequestScope worker(QStringLiteral("worker-request"));
        qCInfo(lcStorage, "from worker");
    }));
    thread->start();
    QVERIFY(thread->wait(30000));
    QVERIFY(seenInThread.isEmpty());
    QCOMPARE(Logger::currentRequestId(), QStringLiteral("main-thread-request"));
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), 1);
    QCOMPARE(logged.constFirst().value(QStringLiteral("request_id")).toString(),
             QStringLiteral("worker-request"));
}

void TstLogger::mask_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    auto row = [](const char *name, const char *input, const char *expected) {
        QTest::newRow(name) << QString::fromUtf8(input) << QString::fromUtf8(expected);
    };
    row("empty", "", "");
    row("nothing to mask", "queued 3 jobs in 12 ms", "queued 3 jobs in 12 ms");
    row("e164", "sms from +15551234567 accepted", "sms from +*********67 accepted");
    row("e164 in json", "{\"from\":\"+447911123456\"}", "{\"from\":\"+**********56\"}");
    row("e164 with separators", "call +1 (555) 123-4567 now", "call +* (***) ***-**67 now");
    row("e164 short number untouched", "+12345 offset", "+12345 offset");
    row("whatsapp prefix", "whatsapp:+15551234567", "whatsapp:+*********67");
    row("bare 10 digits", "user 5551234567 wrote", "user ********67 wrote");
    row("bare 15 digits", "chat_id=123456789012345", "chat_id=*************45");
    row("nine digits untouched", "id 123456789", "id 123456789");
    row("digits inside word untouched", "build abc1234567890def", "build abc1234567890def");
    row("uuid untouched", "msg 0192f3a4-5b6c-7d8e-9f00-112233445566",
        "msg 0192f3a4-5b6c-7d8e-9f00-112233445566");
    row("national format", "phone (555) 123-4567.", "phone (***) ***-**67.");
    row("email", "reply to john.doe@example.com please", "reply to j***@example.com please");
    row("email subdomain", "<a@mail.example.co.uk>", "<a***@mail.example.co.uk>");
    row("email plus tag", "jane+news@sub-domain.io", "j***@sub-domain.io");
    row("bearer", "Authorization: Bearer abc.def-ghi_123", "Authorization: Bearer ***");
    row("bearer lower case", "header bearer xyz", "header bearer ***");
    row("basic", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic ***");
    row("openai key", "key sk-proj-AbCdEf123456_xyz used", "key sk-*** used");
    row("anthropic key", "ANTHROPIC_API_KEY sk-ant-api03-abcdefGHIJ", "ANTHROPIC_API_KEY sk-***");
    row("words ending in sk untouched", "task-manager risk-free", "task-manager risk-free");
    row("slack bot token", "xoxb-1234567890-ABCDEFGHIJ", "xoxb-***");
    row("slack user token", "using xoxp-99-abc", "using xoxp-***");
    row("github token", "ghp_abcdefghijklmnopqrstu1234", "ghp_***");
    row("jwt", "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_x", "jwt eyJ***");
    row("telegram token in url",
        "GET https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getUpdates",
        "GET https://api.telegram.org/bot***/getUpdates");
    row("token query", "callback?token=4f9a8b7c6d5e4f3a2b1c&x=1", "callback?token=***&x=1");
    row("key query", "url?key=QUJDREVGR0hJSktMTU5PUA==&y=2", "url?key=***&y=2");
    row("secret assignment", "webhook secret=deadbeefcafebabe0123456789abcdef",
        "webhook secret=***");
    row("access_token", "access_token=ya29.a0Af-xyz", "access_token=***");
    row("api key header", "X-Api-Key: abc123def456", "X-Api-Key: ***");
    row("json secret", "{\"client_secret\":\"s3cr3t!\",\"n\":1}",
        "{\"client_secret\":\"***\",\"n\":1}");
    row("password", "password=hunter2 user=bob", "password=*** user=bob");
    row("max_tokens untouched", "max_tokens: 1024", "max_tokens: 1024");
    row("url password", "connecting to postgresql://relay:s3cret@db.internal:5432/relaydesk",
        "connecting to postgresql://relay:***@db.internal:5432/relaydesk");
    row("several at once", "from +15551234567 <bob@example.org> auth Bearer t0k3n",
        "from +*********67 <b***@example.org> auth Bearer ***");
}

void TstLogger::mask()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(Logger::mask(input), expected);
    // Masking is idempotent, so re-masking already masked text changes nothing.
    QCOMPARE(Logger::mask(expected), expected);
}

void TstLogger::noPiiSurvives()
{
    const QStringList secrets{
        QStringLiteral("+15551234567"),
        QStringLiteral("5551234567"),
        QStringLiteral("john.doe@example.com"),
        QStringLiteral("abc.def-ghi_123"),
        QStringLiteral("sk-ant-api03-abcdefGHIJ"),
        QStringLiteral("xoxb-1234567890-ABCDEFGHIJ"),
        QStringLiteral("4f9a8b7c6d5e4f3a2b1c"),
        QStringLiteral("deadbeefcafebabe"),
        QStringLiteral("s3cret"),
        QStringLiteral("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
    };
    Logger::RequestScope scope(QStringLiteral("req-1"));
    qCWarning(lcChannels).noquote()
        << "inbound sms from" << secrets.at(0) << "alt" << secrets.at(1) << "mail" << secrets.at(2)
        << "Authorization: Bearer" << secrets.at(3) << "key" << secrets.at(4) << "slack"
        << secrets.at(5) << QString(QLatin1String("url?token=") + secrets.at(6))
        << QString(QLatin1String("secret=") + secrets.at(7))
        << QString(QLatin1String("postgresql://u:") + secrets.at(8) + QLatin1String("@db/x"))
        << QString(QLatin1String("https://api.telegram.org/bot123456789:") + secrets.at(9) +
                   QLatin1String("/sendMessage"));
    qCInfo(lcAi) << "quoted too:" << secrets.at(2) << secrets.at(0);

    QMutexLocker locker(&m_mutex);
    QCOMPARE(m_lines.size(), 2);
    for (const QByteArray &line : std::as_const(m_lines)) {
        for (const QString &secret : secrets)
            QVERIFY2(!line.contains(secret.toUtf8()), line.constData());
        QVERIFY(line.contains("\"request_id\":\"req-1\""));
    }
    QVERIFY(m_lines.at(0).contains("+*********67"));
    QVERIFY(m_lines.at(0).contains("j***@example.com"));
    QVERIFY(m_lines.at(1).contains("j***@example.com"));
}

void TstLogger::linesFromManyThreadsStayWhole()
{
    constexpr int threadCount = 4;
    constexpr int perThread = 200;
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < threadCount; ++t) {
        threads.emplace_back(QThread::create([t] {
            Logger::RequestScope scope(QStringLiteral("thread-%1").arg(t));
            for (int i = 0; i < perThread; ++i)
                qCInfo(lcEngine, "message %d from thread %d", i, t);
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(60000));
    const QList<QJsonObject> logged = objects();
    QCOMPARE(logged.size(), threadCount * perThread);
    for (const QJsonObject &o : logged) {
        const QString id = o.value(QStringLiteral("request_id")).toString();
        QVERIFY(o.value(QStringLiteral("msg")).toString().endsWith(id.mid(7)));
    }
}

void TstLogger::loggingFromInsideTheSinkDoesNotDeadlock()
{
    int calls = 0;
    Logger::setSinkForTesting([&calls](const QByteArray &) {
        ++calls;
        qCWarning(lcApp, "nested message from the sink");
    });
    qCInfo(lcApp, "outer");
    qCInfo(lcApp, "second");
    // Qt diverts the nested messages to its default output; only the outer lines arrive.
    QCOMPARE(calls, 2);
}

QTEST_GUILESS_MAIN(TstLogger)
#include "tst_logger.moc"
