// The Discord Gateway client against a fake gateway that speaks the real protocol on
// 127.0.0.1: handshake, heartbeat timing, zombie detection, resume, invalid sessions, close
// codes and reconnect backoff. Intervals are shortened so the timing is observable quickly.
#include "channels/discordgateway.h"
#include "fakes/fakediscordgateway.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace relaydesk;

namespace {

const QString kToken = QStringLiteral("MTAzMDExODcyNzQxODY0NjYyOQ.fake.token-for-tests");

DiscordGateway::Options fastOptions()
{
    DiscordGateway::Options options;
    options.backoffBaseMs = 50;
    options.backoffMaxMs = 400;
    options.helloTimeoutMs = 2000;
    return options;
}

QJsonObject dataOf(const FakeDiscordGateway::Received &received)
{
    return received.payload.value(QStringLiteral("d")).toObject();
}

} // namespace

class TestDiscordGateway : public QObject
{
    Q_OBJECT

private slots:
    void fakeServesTheRecordedShapes();
    void identifiesAndHeartbeatsWithJitter();
    void answersAHeartbeatRequestAtOnce();
    void missingAckResumesWithSessionAndSequence();
    void droppedConnectionResumesAndReplays();
    void reconnectOpcodeResumes();
    void invalidSessionReidentifiesAfterOneToFiveSeconds();
    void resumableInvalidSessionResumes();
    void authenticationFailureStopsForGood();
    void closeCodesDecideBetweenResumeAndIdentify();
    void backoffGrowsWithJitter();
    void storedSessionIsResumedOnStart();
    void silentServerTimesOutWaitingForHello();
    void unreachableGatewayIsRetried();
    void sessionCodecAndUrls();
};

void TestDiscordGateway::fakeServesTheRecordedShapes()
{
    // The fake's frames must be the recorded ones, changed only where a test needs it.
    const QJsonObject hello =
        FakeDiscordGateway::fixture(QStringLiteral("gateway_hello_op10_recorded.json"));
    QVERIFY2(!hello.isEmpty(), "fixture discord/gateway_hello_op10_recorded.json missing");
    QCOMPARE(hello.value(QStringLiteral("op")).toInt(), 10);
    QCOMPARE(hello.value(QStringLiteral("d"))
                 .toObject()
                 .value(QStringLiteral("heartbeat_interval"))
                 .toInt(),
             41250);
    const QJsonObject recordedReady =
        FakeDiscordGateway::fixture(QStringLiteral("gateway_ready_recorded.json"));
    QCOMPARE(recordedReady.value(QStringLiteral("t")).toString(), QStringLiteral("READY"));
    QCOMPARE(FakeDiscordGateway::firstSessionId(),
             QStringLiteral("bf8eb88e4939e52df093261f3abbc638"));
    QCOMPARE(FakeDiscordGateway::botUserId(), QStringLiteral("1030118727418646629"));

    FakeDiscordGateway fake(kToken);
    QVERIFY(fake.isListening());
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    gateway.start();
    QVERIFY(ready.wait(5000));
    QCOMPARE(gateway.heartbeatIntervalMs(), 5000);
    QCOMPARE(gateway.selfUserId(), FakeDiscordGateway::botUserId());
    QCOMPARE(gateway.session().id, FakeDiscordGateway::firstSessionId());
    QCOMPARE(QUrl(gateway.session().resumeUrl).host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(gateway.session().sequence, 1);

    QSignalSpy dispatched(&gateway, &DiscordGateway::dispatched);
    QCOMPARE(fake.dispatchMessageCreate(), 2);
    QVERIFY(dispatched.wait(5000));
    QCOMPARE(dispatched.first().at(0).toString(), QStringLiteral("MESSAGE_CREATE"));
    const QJsonObject message = dispatched.first().at(1).toJsonObject();
    const QJsonObject recorded =
        FakeDiscordGateway::fixture(QStringLiteral("gateway_message_create_dispatch.json"))
            .value(QStringLiteral("d"))
            .toObject();
    QCOMPARE(message.keys(), recorded.keys());
    QCOMPARE(message.value(QStringLiteral("content")), recorded.value(QStringLiteral("content")));
    QVERIFY(message.value(QStringLiteral("id")) != recorded.value(QStringLiteral("id")));
    QCOMPARE(dispatched.first().at(2).toLongLong(), 2);
    gateway.stop();
}

void TestDiscordGateway::identifiesAndHeartbeatsWithJitter()
{
    const int interval = 300;
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(interval);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    gateway.start();
    QVERIFY(fake.waitForOp(2, 1));
    const QJsonObject identify = dataOf(fake.received(2).first());
    QCOMPARE(identify.value(QStringLiteral("token")).toString(), kToken);
    QCOMPARE(identify.value(QStringLiteral("intents")).toInt(), (1 << 9) | (1 << 12) | (1 << 15));
    QCOMPARE(identify.value(QStringLiteral("intents")).toInt(), 37376);
    const QJsonObject properties = identify.value(QStringLiteral("properties")).toObject();
    QVERIFY(!properties.value(QStringLiteral("os")).toString().isEmpty());
    QCOMPARE(properties.value(QStringLiteral("browser")).toString(), QStringLiteral("relaydesk"));
    QCOMPARE(properties.value(QStringLiteral("device")).toString(), QStringLiteral("relaydesk"));

    QVERIFY(fake.waitForOp(1, 4, 5000));
    const QList<FakeDiscordGateway::Received> beats = fake.received(1);
    // The first beat waits interval * jitter, jitter uniform in [0, 1).
    const qint64 first = beats.at(0).atMs - fake.helloSentAtMs(1);
    QVERIFY2(first >= 0 && first <= interval + 60, qPrintable(QString::number(first)));
    // Then one per interval.
    for (int i = 1; i < beats.size(); ++i) {
        const qint64 gap = beats.at(i).atMs - beats.at(i - 1).atMs;
        QVERIFY2(gap >= interval - 30 && gap <= interval + 120, qPrintable(QString::number(gap)));
    }
    // Each beat carries the last sequence seen (READY was 1).
    QCOMPARE(beats.last().payload.value(QStringLiteral("d")).toInt(), 1);
    QCOMPARE(fake.connectionCount(), 1);
    QCOMPARE(fake.received(2).size(), 1); // acknowledged beats never cause a re-identify
    gateway.stop();
}

void TestDiscordGateway::answersAHeartbeatRequestAtOnce()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(60000); // the scheduled beats are far apart
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    gateway.start();
    QVERIFY(ready.wait(5000));
    fake.dispatch(QStringLiteral("TYPING_START"), QJsonObject{}); // sequence 2
    QTest::qWait(50);
    const int before = fake.received(1).size();
    const qint64 askedAt = fake.clockMs();
    fake.requestHeartbeat();
    QVERIFY(fake.waitForOp(1, before + 1, 2000));
    const FakeDiscordGateway::Received beat = fake.received(1).last();
    QVERIFY(beat.atMs - askedAt < 200);
    QCOMPARE(beat.payload.value(QStringLiteral("d")).toInt(), 2);
    QCOMPARE(fake.connectionCount(), 1);
    gateway.stop();
}

void TestDiscordGateway::missingAckResumesWithSessionAndSequence()
{
    const int interval = 200;
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(interval);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    QSignalSpy dispatched(&gateway, &DiscordGateway::dispatched);
    gateway.start();
    QVERIFY(ready.wait(5000));
    fake.dispatchMessageCreate();
    QVERIFY(dispatched.wait(5000));

    fake.setAckHeartbeats(false);
    const int beatsBefore = fake.received(1).size();
    QVERIFY(fake.waitForOp(6, 1, 5000));
    // One unacknowledged beat, then the next due beat finds no ACK and resumes instead.
    QVERIFY(fake.received(1).size() >= beatsBefore + 1);
    QCOMPARE(lost.size(), 1);
    QVERIFY(lost.first().at(0).toString().contains(QStringLiteral("heartbeat not acknowledged")));
    QCOMPARE(fake.connectionCount(), 2);
    const FakeDiscordGateway::Received resume = fake.received(6).first();
    QCOMPARE(resume.connection, 2);
    QCOMPARE(dataOf(resume).value(QStringLiteral("session_id")).toString(),
             FakeDiscordGateway::firstSessionId());
    QCOMPARE(dataOf(resume).value(QStringLiteral("seq")).toInt(), 2);
    QCOMPARE(dataOf(resume).value(QStringLiteral("token")).toString(), kToken);

    fake.setAckHeartbeats(true);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QCOMPARE(ready.last().at(1).toBool(), true); // RESUMED, not a new session
    QCOMPARE(fake.received(2).size(), 1);        // never identified again
    // Healthy again: beats keep flowing on the new connection without another reconnect.
    QTest::qWait(interval * 3);
    QCOMPARE(fake.connectionCount(), 2);
    gateway.stop();
}

void TestDiscordGateway::droppedConnectionResumesAndReplays()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy dispatched(&gateway, &DiscordGateway::dispatched);
    gateway.start();
    QVERIFY(ready.wait(5000));
    fake.dispatchMessageCreate(
        QJsonObject{{QStringLiteral("content"), QStringLiteral("before the drop")}});
    QVERIFY(dispatched.wait(5000));

    fake.dropConnection(); // TCP gone, no close frame
    // Sent while the client is away: Discord keeps it and replays it on RESUME.
    fake.dispatchMessageCreate(
        QJsonObject{{QStringLiteral("content"), QStringLiteral("while away")}});
    QVERIFY(fake.waitForOp(6, 1, 5000));
    QCOMPARE(dataOf(fake.received(6).first()).value(QStringLiteral("seq")).toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(dispatched.size(), 2, 5000);
    QCOMPARE(dispatched.last().at(1).toJsonObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("while away"));
    QCOMPARE(dispatched.last().at(2).toLongLong(), 3);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QCOMPARE(gateway.session().sequence, 4); // RESUMED carries the next sequence
    QCOMPARE(fake.received(2).size(), 1);
    gateway.stop();
}

void TestDiscordGateway::reconnectOpcodeResumes()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    gateway.start();
    QVERIFY(ready.wait(5000));
    fake.sendReconnect();
    QVERIFY(fake.waitForOp(6, 1, 5000));
    QCOMPARE(fake.received(6).first().connection, 2);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QVERIFY(ready.last().at(1).toBool());
    QCOMPARE(lost.size(), 0); // a requested reconnect is routine, not a failure
    gateway.stop();
}

void TestDiscordGateway::invalidSessionReidentifiesAfterOneToFiveSeconds()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway::Options options = fastOptions();
    options.invalidSessionMinDelayMs = 1000;
    options.invalidSessionMaxDelayMs = 5000;
    DiscordGateway gateway(kToken, fake.url(), options);
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy sessionChanged(&gateway, &DiscordGateway::sessionChanged);
    gateway.start();
    QVERIFY(ready.wait(5000));
    const int changesBefore = sessionChanged.size();
    const qint64 sentAt = fake.clockMs();
    fake.sendInvalidSession(false);
    QVERIFY(fake.waitForOp(2, 2, 8000));
    const qint64 waited = fake.connectedAtMs(2) - sentAt;
    QVERIFY2(waited >= 950 && waited <= 5500, qPrintable(QString::number(waited)));
    QCOMPARE(fake.received(6).size(), 0); // no resume of a dead session
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QVERIFY(!ready.last().at(1).toBool());
    QVERIFY(gateway.session().id != FakeDiscordGateway::firstSessionId());
    // Cleared, then the new READY: the owner persists both.
    QVERIFY(sessionChanged.size() >= changesBefore + 2);
    gateway.stop();
}

void TestDiscordGateway::resumableInvalidSessionResumes()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    gateway.start();
    QVERIFY(ready.wait(5000));
    fake.sendInvalidSession(true);
    QVERIFY(fake.waitForOp(6, 1, 5000));
    QCOMPARE(dataOf(fake.received(6).first()).value(QStringLiteral("session_id")).toString(),
             FakeDiscordGateway::firstSessionId());
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QCOMPARE(fake.received(2).size(), 1);
    gateway.stop();
}

void TestDiscordGateway::authenticationFailureStopsForGood()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(QStringLiteral("not-the-token"), fake.url(), fastOptions());
    QSignalSpy failed(&gateway, &DiscordGateway::failed);
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    gateway.start();
    QVERIFY(failed.wait(5000));
    QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("4004")));
    QVERIFY(!gateway.isRunning());
    QTest::qWait(500); // well past any backoff
    QCOMPARE(fake.connectionCount(), 1);
    QCOMPARE(ready.size(), 0);
}

void TestDiscordGateway::closeCodesDecideBetweenResumeAndIdentify()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway gateway(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    gateway.start();
    QVERIFY(ready.wait(5000));

    // 4000 Unknown error: reconnect and resume.
    fake.closeConnection(4000, QStringLiteral("Unknown error."));
    QVERIFY(fake.waitForOp(6, 1, 5000));
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QVERIFY(lost.last().at(0).toString().contains(QStringLiteral("4000")));

    // 4009 Session timed out: reconnect, but identify a new session.
    fake.closeConnection(4009, QStringLiteral("Session timed out."));
    QVERIFY(fake.waitForOp(2, 2, 5000));
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 3, 5000);
    QVERIFY(!ready.last().at(1).toBool());
    QCOMPARE(fake.received(6).size(), 1);

    // 4014 Disallowed intents: stop, retrying cannot help.
    QSignalSpy failed(&gateway, &DiscordGateway::failed);
    const int connections = fake.connectionCount();
    fake.closeConnection(4014, QStringLiteral("Disallowed intent(s)."));
    QVERIFY(failed.wait(5000));
    QVERIFY(failed.first().at(0).toString().contains(QStringLiteral("Message Content")));
    QTest::qWait(300);
    QCOMPARE(fake.connectionCount(), connections);
}

void TestDiscordGateway::backoffGrowsWithJitter()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    fake.rejectNextConnections(4);
    DiscordGateway::Options options = fastOptions(); // base 50 ms, cap 400 ms
    DiscordGateway gateway(kToken, fake.url(), options);
    QSignalSpy ready(&gateway, &DiscordGateway::ready);
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    gateway.start();
    QVERIFY(ready.wait(10000));
    QCOMPARE(fake.connectionCount(), 5);
    QCOMPARE(lost.size(), 4);
    // Attempt n waits between half and all of min(base * 2^(n-1), cap).
    for (int attempt = 1; attempt <= 4; ++attempt) {
        const qint64 gap = fake.connectedAtMs(attempt + 1) - fake.connectedAtMs(attempt);
        const qint64 step =
            std::min<qint64>(qint64(options.backoffBaseMs) << (attempt - 1), options.backoffMaxMs);
        QVERIFY2(gap >= step / 2 - 5 && gap <= step + 150,
                 qPrintable(QStringLiteral("attempt %1 waited %2 ms, step %3")
                                .arg(attempt)
                                .arg(gap)
                                .arg(step)));
    }
    // Success resets the backoff: the next loss reconnects at the first step again.
    const qint64 droppedAt = fake.clockMs();
    fake.dropConnection();
    QVERIFY(fake.waitForConnections(6, 5000));
    const qint64 after = fake.connectedAtMs(6) - droppedAt;
    QVERIFY2(after <= options.backoffBaseMs + 150, qPrintable(QString::number(after)));
    QVERIFY(fake.waitForOp(6, 1, 5000));
    gateway.stop();
}

void TestDiscordGateway::storedSessionIsResumedOnStart()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    QString stored;
    {
        DiscordGateway first(kToken, fake.url(), fastOptions());
        QSignalSpy ready(&first, &DiscordGateway::ready);
        QSignalSpy dispatched(&first, &DiscordGateway::dispatched);
        first.start();
        QVERIFY(ready.wait(5000));
        fake.dispatchMessageCreate();
        QVERIFY(dispatched.wait(5000));
        stored = DiscordGateway::encodeSession(first.session());
        first.stop();
    }
    QVERIFY(fake.waitForDisconnect(5000));
    fake.dispatchMessageCreate(); // missed while we were down

    DiscordGateway second(kToken, fake.url(), fastOptions());
    QSignalSpy ready(&second, &DiscordGateway::ready);
    QSignalSpy dispatched(&second, &DiscordGateway::dispatched);
    second.start(DiscordGateway::decodeSession(stored));
    QVERIFY(ready.wait(5000));
    QVERIFY(ready.first().at(1).toBool());
    QCOMPARE(fake.received(2).size(), 1);
    QCOMPARE(fake.received(6).size(), 1);
    QCOMPARE(dataOf(fake.received(6).first()).value(QStringLiteral("seq")).toInt(), 2);
    QCOMPARE(dispatched.size(), 1); // the missed message was replayed
    QCOMPARE(dispatched.first().at(2).toLongLong(), 3);
    second.stop();
}

void TestDiscordGateway::silentServerTimesOutWaitingForHello()
{
    FakeDiscordGateway fake(kToken);
    fake.setHeartbeatIntervalMs(5000);
    DiscordGateway::Options options = fastOptions();
    options.helloTimeoutMs = 200;
    // A plain TCP listener accepts but never completes the WebSocket handshake.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    DiscordGateway gateway(
        kToken,
        QUrl(QStringLiteral("ws://127.0.0.1:%1/?v=10&encoding=json").arg(silent.serverPort())),
        options);
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    gateway.start();
    QVERIFY(lost.wait(3000));
    QVERIFY(lost.first().at(0).toString().contains(QStringLiteral("HELLO")));
    QVERIFY(gateway.isRunning()); // it keeps trying
    gateway.stop();
}

void TestDiscordGateway::unreachableGatewayIsRetried()
{
    quint16 port = 0;
    {
        QTcpServer probe; // a port that was free a moment ago and has no listener now
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    DiscordGateway gateway(kToken,
                           QUrl(QStringLiteral("ws://127.0.0.1:%1/?v=10&encoding=json").arg(port)),
                           fastOptions());
    QSignalSpy lost(&gateway, &DiscordGateway::connectionLost);
    gateway.start();
    QTRY_VERIFY_WITH_TIMEOUT(lost.size() >= 3, 5000);
    QVERIFY(gateway.isRunning());
    gateway.stop();
    const int after = lost.size();
    QTest::qWait(500);
    QCOMPARE(lost.size(), after); // stop() ends the retries
}

void TestDiscordGateway::sessionCodecAndUrls()
{
    DiscordGateway::Session session;
    session.id = QStringLiteral("bf8eb88e4939e52df093261f3abbc638");
    session.resumeUrl = QStringLiteral("wss://gateway-us-east1-c.discord.gg");
    session.sequence = 130;
    const DiscordGateway::Session decoded =
        DiscordGateway::decodeSession(DiscordGateway::encodeSession(session));
    QCOMPARE(decoded.id, session.id);
    QCOMPARE(decoded.resumeUrl, session.resumeUrl);
    QCOMPARE(decoded.sequence, 130);
    QVERIFY(!DiscordGateway::decodeSession(QString()).isValid());
    QVERIFY(!DiscordGateway::decodeSession(QStringLiteral("{not json")).isValid());
    QCOMPARE(DiscordGateway::encodeSession(DiscordGateway::Session{}), QString());

    const QUrl configured(QStringLiteral("wss://gateway.discord.gg/?v=10&encoding=json"));
    QCOMPARE(DiscordGateway::resumeUrlFor(session.resumeUrl, configured).toString(),
             QStringLiteral("wss://gateway-us-east1-c.discord.gg/?v=10&encoding=json"));
    QCOMPARE(DiscordGateway::resumeUrlFor(QStringLiteral("garbage"), configured), configured);

    const QJsonObject resume = DiscordGateway::resumePayload(kToken, session);
    QCOMPARE(resume.value(QStringLiteral("op")).toInt(), 6);
    QCOMPARE(resume.value(QStringLiteral("d")).toObject().value(QStringLiteral("seq")).toInt(),
             130);
    session.sequence = -1;
    QVERIFY(DiscordGateway::resumePayload(kToken, session)
                .value(QStringLiteral("d"))
                .toObject()
                .value(QStringLiteral("seq"))
                .isNull());
}

QTEST_GUILESS_MAIN(TestDiscordGateway)
#include "tst_discordgateway.moc"
