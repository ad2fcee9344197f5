#include "channels/webhookchannel.h"
#include "channels/webhooksigner.h"
#include "fakes/fakehttpserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTest>

using namespace relaydesk;

namespace {

const QString kSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

QJsonObject fixture(const QString &relativePath)
{
    const QString dir = qEnvironmentVariable("RELAYDESK_FIXTURES_DIR");
    QFile file(QDir(dir).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

Message outbound()
{
    Message m;
    m.id = QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    m.conversationId = QStringLiteral("conv-1");
    m.direction = Direction::Outbound;
    m.platform = Platform::Telegram;
    m.authorKind = AuthorKind::Ai;
    m.userId = QStringLiteral("customer-7");
    m.content = QStringLiteral("Your parcel ships today.");
    m.state = QStringLiteral("approved");
    m.createdAt = QDateTime::fromMSecsSinceEpoch(1700000000000, Qt::UTC);
    return m;
}

Conversation conversation()
{
    Conversation c;
    c.id = QStringLiteral("conv-1");
    c.platform = Platform::Telegram;
    c.participants = {QStringLiteral("customer-7")};
    return c;
}

} // namespace

class TestWebhookChannel : public QObject
{
    Q_OBJECT

    SendResult send(WebhookChannel &channel, const Message &message = outbound())
    {
        return QCoro::waitFor(channel.send(OutboundContext{message, conversation(), std::nullopt}));
    }

private slots:
    void signatureMatchesTheStandardVector()
    {
        const QJsonObject vector =
            fixture(QStringLiteral("standard_webhooks/sign_test_vector.json"));
        QVERIFY2(!vector.isEmpty(), "fixture standard_webhooks/sign_test_vector.json not found");
        const WebhookSigner signer(vector.value(QStringLiteral("secret")).toString());
        QVERIFY(signer.isValid());
        const QByteArray id = vector.value(QStringLiteral("webhook-id")).toString().toUtf8();
        const QByteArray timestamp =
            vector.value(QStringLiteral("webhook-timestamp")).toString().toUtf8();
        const QByteArray payload = vector.value(QStringLiteral("payload")).toString().toUtf8();
        const QByteArray expected =
            vector.value(QStringLiteral("expected_webhook-signature")).toString().toUtf8();

        QCOMPARE(signer.sign(id, timestamp.toLongLong(), payload), expected);

        const QDateTime then = QDateTime::fromSecsSinceEpoch(timestamp.toLongLong(), Qt::UTC);
        QVERIFY(signer.verify(id, timestamp, payload, expected, 300, then));
        // Several signatures (key rotation, other schemes as in the spec's example): any v1 match.
        QVERIFY(signer.verify(
            id, timestamp, payload,
            "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1a,hnO3f9T8Ytu9Hw== " + expected, 300,
            then));
        QVERIFY(!signer.verify(id, timestamp, payload + ' ', expected, 300, then));
        QVERIFY(!signer.verify(id + 'x', timestamp, payload, expected, 300, then));
        QVERIFY(!signer.verify(id, timestamp, payload,
                               "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", 300, then));
        QVERIFY(!signer.verify(id, timestamp, payload, QByteArray(), 300, then));
        // Replays outside the tolerance window fail even with a correct signature.
        QVERIFY(signer.verify(id, timestamp, payload, expected, 300, then.addSecs(300)));
        QVERIFY(!signer.verify(id, timestamp, payload, expected, 300, then.addSecs(301)));
        QVERIFY(!signer.verify(id, timestamp, payload, expected, 300, then.addSecs(-301)));
        QVERIFY(!signer.verify(id, "16142653x0", payload, expected, 300, then));

        QVERIFY(!WebhookSigner(QString()).isValid());
        QVERIFY(!WebhookSigner(QString()).verify(id, timestamp, payload, expected, 300, then));
        // A secret that is not base64 is used as raw bytes rather than refused.
        QVERIFY(WebhookSigner(QStringLiteral("not base64!")).isValid());
    }

    void sendsSignedJson()
    {
        FakeHttpServer server;
        server.setHandler(
            [](const RecordedRequest &) { return FakeResponse::json(200, R"({"id":"ext-123"})"); });
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/hooks/outbound")), kSecret,
                               5000);
        QCOMPARE(channel.name(), QStringLiteral("webhook"));
        QVERIFY(channel.handles(Platform::Sms));
        QVERIFY(channel.handles(Platform::Webhook));

        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const SendResult result = send(channel);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.externalId, QStringLiteral("ext-123"));

        QCOMPARE(server.requestCount(), 1);
        const RecordedRequest request = server.requests().first();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QStringLiteral("/hooks/outbound"));
        QVERIFY(request.header("content-type").startsWith("application/json"));
        QVERIFY(request.header("user-agent").startsWith("Relaydesk/"));
        const QByteArray id = outbound().id.toUtf8();
        QCOMPARE(request.header("idempotency-key"), id);
        QCOMPARE(request.header("webhook-id"), id);
        const QByteArray timestamp = request.header("webhook-timestamp");
        QVERIFY(timestamp.toLongLong() >= before);
        QVERIFY(timestamp.toLongLong() <= QDateTime::currentSecsSinceEpoch());
        const WebhookSigner signer(kSecret);
        QCOMPARE(request.header("webhook-signature"),
                 signer.sign(id, timestamp.toLongLong(), request.body));
        QVERIFY(
            signer.verify(id, timestamp, request.body, request.header("webhook-signature"), 60));

        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value(QStringLiteral("type")).toString(), QStringLiteral("message.outbound"));
        QCOMPARE(body.value(QStringLiteral("id")).toString(), outbound().id);
        QCOMPARE(body.value(QStringLiteral("content")).toString(), outbound().content);
        QCOMPARE(body.value(QStringLiteral("platform")).toString(), QStringLiteral("telegram"));
        QCOMPARE(body.value(QStringLiteral("conversation_id")).toString(),
                 QStringLiteral("conv-1"));
        QCOMPARE(body.value(QStringLiteral("participants")).toArray(),
                 QJsonArray{QStringLiteral("customer-7")});
        QVERIFY(!body.contains(QStringLiteral("status")));
        QCOMPARE(request.body, WebhookChannel::payloadFor(outbound(), conversation()));
    }

    void unsignedWithoutSecret()
    {
        FakeHttpServer server;
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/in")), QString(), 5000);
        const SendResult result = send(channel);
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(server.requestCount(), 1);
        const RecordedRequest request = server.requests().first();
        QVERIFY(!request.headers.contains("webhook-signature"));
        QCOMPARE(request.header("webhook-id"), outbound().id.toUtf8());
        QCOMPARE(request.header("idempotency-key"), outbound().id.toUtf8());
    }

    void statusClassification_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("200") << 200 << true << false;
        QTest::newRow("201") << 201 << true << false;
        QTest::newRow("204") << 204 << true << false;
        QTest::newRow("500") << 500 << false << true;
        QTest::newRow("502") << 502 << false << true;
        QTest::newRow("503") << 503 << false << true;
        QTest::newRow("504") << 504 << false << true;
        QTest::newRow("408 timeout") << 408 << false << true;
        QTest::newRow("409 conflict") << 409 << false << true;
        QTest::newRow("429 rate limited") << 429 << false << true;
        QTest::newRow("400") << 400 << false << false;
        QTest::newRow("401") << 401 << false << false;
        QTest::newRow("403") << 403 << false << false;
        QTest::newRow("404") << 404 << false << false;
        QTest::newRow("410") << 410 << false << false;
        QTest::newRow("422") << 422 << false << false;
    }
    void statusClassification()
    {
        QFETCH(int, status);
        QFETCH(bool, ok);
        QFETCH(bool, retryable);
        FakeHttpServer server;
        server.queueResponse(status == 204 ? FakeResponse::text(204, QByteArray())
                                           : FakeResponse::json(status, R"({"error":"x"})"));
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/out")), kSecret, 5000);
        const SendResult result = send(channel);
        QCOMPARE(result.ok, ok);
        if (!ok) {
            QCOMPARE(result.retryable, retryable);
            QVERIFY2(result.error.contains(QString::number(status)), qPrintable(result.error));
            QVERIFY2(result.error.contains(QLatin1String("127.0.0.1")), qPrintable(result.error));
            QCOMPARE(channel.health().consecutiveFailures, 1);
            QCOMPARE(channel.health().lastError, result.error);
        } else {
            QVERIFY(result.externalId.isEmpty());
            QCOMPARE(channel.health().consecutiveFailures, 0);
            QVERIFY(channel.health().lastSuccessAt.isValid());
        }
    }

    void retryAfterIsParsed_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("seconds");
        QTest::newRow("503 with seconds") << 503 << QByteArray("7") << 7;
        QTest::newRow("429 with seconds") << 429 << QByteArray("120") << 120;
        QTest::newRow("no header") << 503 << QByteArray() << 0;
        QTest::newRow("garbage") << 503 << QByteArray("soon") << 0;
    }
    void retryAfterIsParsed()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, header);
        QFETCH(int, seconds);
        FakeHttpServer server;
        FakeResponse response = FakeResponse::json(status, "{}");
        if (!header.isEmpty())
            response = response.withHeader("Retry-After", header);
        server.queueResponse(response);
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/out")), kSecret, 5000);
        const SendResult result = send(channel);
        QVERIFY(!result.ok);
        QVERIFY(result.retryable);
        QCOMPARE(result.retryAfterSeconds, seconds);
    }

    void connectionRefusedIsRetryable()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        QNetworkAccessManager network;
        WebhookChannel channel(&network, QUrl(QStringLiteral("http://127.0.0.1:%1/out").arg(port)),
                               kSecret, 5000);
        const SendResult result = send(channel);
        QVERIFY(!result.ok);
        QVERIFY(result.retryable);
        QVERIFY2(result.error.contains(QStringLiteral("127.0.0.1:%1").arg(port)),
                 qPrintable(result.error));
        QCOMPARE(channel.health().consecutiveFailures, 1);
    }

    void slowReceiverTimesOut()
    {
        FakeHttpServer server;
        server.queueResponse(FakeResponse::json(200, "{}").withDelay(3000));
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/out")), kSecret, 200);
        QElapsedTimer timer;
        timer.start();
        const SendResult result = send(channel);
        QVERIFY(!result.ok);
        QVERIFY(result.retryable);
        QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
    }

    void healthTracksConsecutiveFailures()
    {
        FakeHttpServer server;
        server.queueResponse(FakeResponse::json(503, "{}"));
        server.queueResponse(FakeResponse::json(502, "{}"));
        QNetworkAccessManager network;
        WebhookChannel channel(&network, server.url(QStringLiteral("/out")), kSecret, 5000);
        QVERIFY(!send(channel).ok);
        QVERIFY(!send(channel).ok);
        QCOMPARE(channel.health().consecutiveFailures, 2);
        QVERIFY(channel.health().lastError.contains(QLatin1String("502")));
        QVERIFY(channel.health().lastErrorAt.isValid());
        QVERIFY(send(channel).ok);
        QCOMPARE(channel.health().consecutiveFailures, 0);
        QVERIFY(channel.health().lastSuccessAt.isValid());
        QCOMPARE(server.requestCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestWebhookChannel)
#include "tst_webhookchannel.moc"
