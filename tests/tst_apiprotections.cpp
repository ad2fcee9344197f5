// API protections over real sockets: Idempotency-Key, client_message_id replays, rate limits
// with their headers, request limits (body, headers, JSON depth, string lengths, idle and slow
// connections), HTTPS with a certificate made by openssl at test time, and replay protection
// of Standard Webhooks. A real engine on a real SQLite file behind the real server.
#include "channels/webhooksigner.h"
#include "core/messagecodec.h"
#include "engine/engine.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "server/httpserver.h"
#include "server/idempotency.h"
#include "storage/idempotencystore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace relaydesk;

namespace {

const QByteArray kToken = "protections-token-0123456789";
const QByteArray kOtherToken = "protections-other-0123456789";
const QString kWebhookSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QMap<QByteArray, QByteArray> headers;
    bool closed = false; // the server closed the connection (raw requests)
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

using Headers = QList<std::pair<QByteArray, QByteArray>>;

QJsonObject inbound(const QString &userId, const QString &content)
{
    return QJsonObject{{QStringLiteral("user_id"), userId},
                       {QStringLiteral("platform"), QStringLiteral("discord")},
                       {QStringLiteral("content"), content}};
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Parses one HTTP/1.1 response from `data`; false while it is incomplete.
bool parseResponse(const QByteArray &data, Response *response)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = data.left(end).split('\n');
    response->status = lines.value(0).split(' ').value(1).toInt();
    response->headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            response->headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                     lines.at(i).mid(colon + 1).trimmed());
    }
    const qsizetype length = response->header("Content-Length").toLongLong();
    if (data.size() < end + 4 + length)
        return false;
    response->body = data.mid(end + 4, length);
    response->json = QJsonDocument::fromJson(response->body).object();
    return true;
}

} // namespace

class TestApiProtections : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void idempotentPostIsReplayed();
    void keyedMessageIsNotDuplicatedWhenTheStoredAnswerIsLost();
    void idempotencyKeyWithAnotherPayloadIs422();
    void idempotencyKeysAreScopedPerToken();
    void idempotencyKeyInFlightIs409();
    void invalidIdempotencyKeyIs400();
    void expiredIdempotencyKeysArePurged();
    void clientMessageIdReplaysTheOriginalAcceptance();
    void rateLimitHeadersAndRefusal();
    void rateLimitIsPerTokenAndPerAddress();
    void oversizedBodiesAre413();
    void oversizedHeadersAre431();
    void deepJsonIs400AndLongStringsAre422();
    void idleConnectionsAreClosed();
    void slowSendersGet408AndAreClosed();
    void httpsWithAConfiguredCertificate();
    void tlsStartFailsClearlyOnBadFiles();
    void standardWebhookReplaysAreNotProcessedTwice();

private:
    void startStack();
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const Headers &headers = {}, const QByteArray &token = kToken);
    Response post(const QString &path, const QJsonObject &body, const Headers &headers = {},
                  const QByteArray &token = kToken)
    {
        return request("POST", path, compact(body), headers, token);
    }
    // Sends `raw` on a fresh connection (from `from`) and reads one answer or the close.
    Response raw(const QByteArray &raw, const QHostAddress &from = QHostAddress::LocalHost);
    int messageCount();
    bool makeCertificate(const QString &certificate, const QString &key);

    std::unique_ptr<QTemporaryDir> m_dir;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    QString m_scheme = QStringLiteral("http");
    std::optional<QSslConfiguration> m_clientTls;
    quint16 m_port = 0;
};

void TestApiProtections::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken), QString::fromLatin1(kOtherToken)};
    m_settings.maxBodyBytes = 64 * 1024;
    m_settings.defaultAiMode = AiMode::Manual; // no drafts: the tests count messages
    m_settings.webhookSourceSecrets = {{QStringLiteral("crm"), kWebhookSecret}};
    m_scheme = QStringLiteral("http");
    m_clientTls.reset();
}

void TestApiProtections::cleanup()
{
    stopStack();
    m_network.clearConnectionCache();
    m_dir.reset();
}

void TestApiProtections::startStack()
{
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestApiProtections::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestApiProtections::request(const QByteArray &method, const QString &path,
                                     const QByteArray &body, const Headers &headers,
                                     const QByteArray &token)
{
    QNetworkRequest request(
        QUrl(QStringLiteral("%1://127.0.0.1:%2%3").arg(m_scheme).arg(m_port).arg(path)));
    if (m_clientTls)
        request.setSslConfiguration(*m_clientTls);
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(20000);
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.json = QJsonDocument::fromJson(response.body).object();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.insert(name.toLower(), value);
    return response;
}

Response TestApiProtections::raw(const QByteArray &raw, const QHostAddress &from)
{
    // The server runs on its own thread, so blocking waits here do not stall it.
    QTcpSocket socket;
    Response response;
    if (from != QHostAddress::LocalHost && !socket.bind(from)) {
        qWarning() << "cannot bind to" << from.toString() << socket.errorString();
        return response;
    }
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(10000))
        return response;
    socket.write(raw);
    QByteArray data;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        if (parseResponse(data, &response))
            return response;
        if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0) {
            response.closed = true;
            return response;
        }
        if (socket.waitForReadyRead(200))
            data += socket.readAll();
    }
    return response;
}

int TestApiProtections::messageCount()
{
    return int(request("GET", QStringLiteral("/api/v1/messages?limit=500"))
                   .json.value(QStringLiteral("data"))
                   .toArray()
                   .size());
}

bool TestApiProtections::makeCertificate(const QString &certificate, const QString &key)
{
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        return false;
    QProcess process;
    process.start(openssl,
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   key, QStringLiteral("-out"), certificate, QStringLiteral("-days"),
                   QStringLiteral("1"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1")});
    return process.waitForFinished(60000) && process.exitCode() == 0;
}

void TestApiProtections::idempotentPostIsReplayed()
{
    startStack();
    const Headers key{{"Idempotency-Key", "\"order-7f3a\""}};
    const QJsonObject body = inbound(QStringLiteral("user-1"), QStringLiteral("Where is it?"));
    const Response first = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(first.status, 202);
    QVERIFY(!first.headers.contains("idempotent-replayed"));

    const Response again = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(again.status, 202);
    QCOMPARE(again.body, first.body);
    QCOMPARE(again.header("Location"), first.header("Location"));
    QCOMPARE(again.header("Content-Type"), first.header("Content-Type"));
    QCOMPARE(again.header("Idempotent-Replayed"), QByteArray("true"));
    // Each exchange keeps its own request id.
    QVERIFY(!again.header("X-Request-Id").isEmpty());
    QVERIFY(again.header("X-Request-Id") != first.header("X-Request-Id"));
    QCOMPARE(messageCount(), 1);

    // The key survives a restart: it is in the database, not in memory.
    stopStack();
    startStack();
    const Response afterRestart = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(afterRestart.status, 202);
    QCOMPARE(afterRestart.body, first.body);
    QCOMPARE(messageCount(), 1);

    // Without the key, the same body is a new message.
    QCOMPARE(post(QStringLiteral("/api/v1/messages"), body).status, 202);
    QCOMPARE(messageCount(), 2);
}

void TestApiProtections::keyedMessageIsNotDuplicatedWhenTheStoredAnswerIsLost()
{
    startStack();
    const Headers key{{"Idempotency-Key", "crash-window"}};
    const QJsonObject body = inbound(QStringLiteral("user-1"), QStringLiteral("exactly once"));
    const Response first = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(first.status, 202);
    // As if the server died after the message committed but before the answer was stored.
    auto wiped = m_engine->writer()
                     .submit<int>([](QSqlDatabase &db) -> Outcome<int> {
                         QSqlQuery query(db);
                         if (!query.exec(QStringLiteral("DELETE FROM idempotency_keys")))
                             return Error{ErrorKind::Internal, query.lastError().text(), {}, 0};
                         return query.numRowsAffected();
                     })
                     .result();
    QVERIFY(wiped.isOk());
    QCOMPARE(wiped.value(), 1);
    // The key travelled with the message in its own transaction: the retry finds it.
    const Response retry = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(retry.status, 202);
    QCOMPARE(retry.body, first.body);
    QCOMPARE(retry.header("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(messageCount(), 1);
}

void TestApiProtections::idempotencyKeyWithAnotherPayloadIs422()
{
    startStack();
    const Headers key{{"Idempotency-Key", "reused-key-1"}};
    QCOMPARE(post(QStringLiteral("/api/v1/messages"),
                  inbound(QStringLiteral("user-1"), QStringLiteral("first")), key)
                 .status,
             202);
    const Response reused = post(QStringLiteral("/api/v1/messages"),
                                 inbound(QStringLiteral("user-1"), QStringLiteral("second")), key);
    QCOMPARE(reused.status, 422);
    QCOMPARE(reused.header("Content-Type"), QByteArray("application/problem+json"));
    QCOMPARE(reused.json.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/idempotency-key-reused"));
    // Another path with the same key and body is another request too.
    QCOMPARE(post(QStringLiteral("/message"),
                  inbound(QStringLiteral("user-1"), QStringLiteral("first")), key)
                 .status,
             422);
    QCOMPARE(messageCount(), 1);
}

void TestApiProtections::idempotencyKeysAreScopedPerToken()
{
    startStack();
    const Headers key{{"Idempotency-Key", "shared-key"}};
    const Response mine = post(QStringLiteral("/api/v1/messages"),
                               inbound(QStringLiteral("user-1"), QStringLiteral("mine")), key);
    const Response theirs =
        post(QStringLiteral("/api/v1/messages"),
             inbound(QStringLiteral("user-2"), QStringLiteral("theirs")), key, kOtherToken);
    QCOMPARE(mine.status, 202);
    QCOMPARE(theirs.status, 202);
    QVERIFY(mine.body != theirs.body);
    QVERIFY(!theirs.headers.contains("idempotent-replayed"));
    QCOMPARE(messageCount(), 2);
}

void TestApiProtections::idempotencyKeyInFlightIs409()
{
    // A handler that answers only when told: the first request stays in flight for as long as
    // the test needs, without any timing assumptions.
    Engine engine(m_settings);
    auto started = engine.start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    HttpServer server;
    server.setTokenStore(ApiTokenStore({QString::fromLatin1(kToken)}));
    QList<HttpResponder> held;
    server.router().post(
        QStringLiteral("/slow"),
        [&held](const HttpRequest &, HttpResponder responder) { held.append(responder); });
    IdempotencyGuard guard(&engine);
    guard.install(server);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    m_port = server.port();

    auto send = [this](const QByteArray &body) {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/slow").arg(m_port)));
        request.setRawHeader("Content-Type", "application/json");
        request.setRawHeader("Authorization", "Bearer " + kToken);
        request.setRawHeader("Idempotency-Key", "slow-key");
        return std::unique_ptr<QNetworkReply>(m_network.post(request, body));
    };
    auto status = [](QNetworkReply *reply) {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };

    const std::unique_ptr<QNetworkReply> first = send("{\"n\":1}");
    QTRY_COMPARE_WITH_TIMEOUT(held.size(), 1, 20000);

    const std::unique_ptr<QNetworkReply> concurrent = send("{\"n\":1}");
    QTRY_VERIFY_WITH_TIMEOUT(concurrent->isFinished(), 20000);
    QCOMPARE(status(concurrent.get()), 409);
    QVERIFY(concurrent->readAll().contains("idempotency-key-in-flight"));
    const std::unique_ptr<QNetworkReply> other = send("{\"n\":2}");
    QTRY_VERIFY_WITH_TIMEOUT(other->isFinished(), 20000);
    QCOMPARE(status(other.get()), 422);
    QCOMPARE(held.size(), 1); // neither reached the handler

    held.first().sendJson(201, QJsonObject{{QStringLiteral("created"), 1}});
    QTRY_VERIFY_WITH_TIMEOUT(first->isFinished(), 20000);
    QCOMPARE(status(first.get()), 201);
    QCOMPARE(first->readAll(), QByteArray("{\"created\":1}"));

    const std::unique_ptr<QNetworkReply> retry = send("{\"n\":1}");
    QTRY_VERIFY_WITH_TIMEOUT(retry->isFinished(), 20000);
    QCOMPARE(status(retry.get()), 201);
    QCOMPARE(retry->rawHeader("Idempotent-Replayed"), QByteArray("true"));
    QCOMPARE(retry->readAll(), QByteArray("{\"created\":1}"));
    QCOMPARE(held.size(), 1);
    engine.stop();
}

void TestApiProtections::invalidIdempotencyKeyIs400()
{
    startStack();
    const QJsonObject body = inbound(QStringLiteral("user-1"), QStringLiteral("hi"));
    for (const QByteArray &bad : {QByteArray("\"\""), QByteArray(300, 'k'), QByteArray("has space"),
                                  QByteArray("\"quote\"inside\"")}) {
        const Response refused =
            post(QStringLiteral("/api/v1/messages"), body, {{"Idempotency-Key", bad}});
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json.value(QStringLiteral("type")).toString(),
                 QStringLiteral("https://relaydesk.dev/problems/invalid-idempotency-key"));
    }
    QCOMPARE(messageCount(), 0);
}

void TestApiProtections::expiredIdempotencyKeysArePurged()
{
    startStack();
    const QJsonObject body = inbound(QStringLiteral("user-1"), QStringLiteral("hello"));
    const Headers key{{"Idempotency-Key", "old-key"}};
    // A day-old answer to the same request, as if stored 25 hours ago.
    IdempotencyRecord stale;
    stale.scope = ApiTokenStore::idForToken(kToken);
    stale.key = QStringLiteral("old-key");
    stale.fingerprint = QStringLiteral("not-this-request");
    stale.status = 202;
    stale.body = "{\"id\":\"stale\"}";
    stale.createdAtMs = QDateTime::currentMSecsSinceEpoch() - 25LL * 3600 * 1000;
    stale.expiresAtMs = stale.createdAtMs + IdempotencyStore::DefaultLifetimeMs;
    auto inserted =
        m_engine->writer()
            .submit<Done>([stale](QSqlDatabase &db) { return IdempotencyStore(db).insert(stale); })
            .result();
    QVERIFY(inserted.isOk());

    // Expired: neither replayed nor a mismatch; the request runs and takes the key over.
    const Response fresh = post(QStringLiteral("/api/v1/messages"), body, key);
    QCOMPARE(fresh.status, 202);
    QVERIFY(fresh.json.value(QStringLiteral("id")).toString() != QLatin1String("stale"));
    QCOMPARE(post(QStringLiteral("/api/v1/messages"), body, key).body, fresh.body);

    // The purge removes only expired rows.
    stale.key = QStringLiteral("another-old-key");
    QVERIFY(
        m_engine->writer()
            .submit<Done>([stale](QSqlDatabase &db) { return IdempotencyStore(db).insert(stale); })
            .result()
            .isOk());
    auto purged =
        m_engine->writer()
            .submit<int>([](QSqlDatabase &db) {
                return IdempotencyStore(db).purgeExpired(QDateTime::currentMSecsSinceEpoch());
            })
            .result();
    QVERIFY(purged.isOk());
    QCOMPARE(purged.value(), 1);
    QCOMPARE(post(QStringLiteral("/api/v1/messages"), body, key).body, fresh.body);
}

void TestApiProtections::clientMessageIdReplaysTheOriginalAcceptance()
{
    startStack();
    QJsonObject body = inbound(QStringLiteral("user-1"), QStringLiteral("once"));
    body.insert(QStringLiteral("client_message_id"), QStringLiteral("bot-msg-1"));
    const Response first = post(QStringLiteral("/api/v1/messages"), body);
    QCOMPARE(first.status, 202);
    QVERIFY(!first.headers.contains("idempotent-replayed"));
    const Response again = post(QStringLiteral("/api/v1/messages"), body);
    QCOMPARE(again.status, 202);
    QCOMPARE(again.body, first.body);
    QCOMPARE(again.header("Location"), first.header("Location"));
    QCOMPARE(again.header("Idempotent-Replayed"), QByteArray("true"));

    body.insert(QStringLiteral("content"), QStringLiteral("something else"));
    const Response conflicting = post(QStringLiteral("/api/v1/messages"), body);
    QCOMPARE(conflicting.status, 422);
    QCOMPARE(conflicting.json.value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("field"))
                 .toString(),
             QStringLiteral("client_message_id"));
    QCOMPARE(messageCount(), 1);

    // Outbound sends de-duplicate the same way.
    const QJsonObject send{{QStringLiteral("from"), QStringLiteral("+15550001111")},
                           {QStringLiteral("to"), QStringLiteral("+15550002222")},
                           {QStringLiteral("type"), QStringLiteral("sms")},
                           {QStringLiteral("body"), QStringLiteral("Your order shipped")},
                           {QStringLiteral("client_message_id"), QStringLiteral("bot-send-1")}};
    const Response sent = post(QStringLiteral("/api/v1/messages/send"), send);
    QCOMPARE(sent.status, 202);
    const Response resent = post(QStringLiteral("/api/v1/messages/send"), send);
    QCOMPARE(resent.status, 202);
    QCOMPARE(resent.body, sent.body);
    QCOMPARE(resent.header("Idempotent-Replayed"), QByteArray("true"));
}

void TestApiProtections::rateLimitHeadersAndRefusal()
{
    m_settings.rateLimitEnabled = true;
    m_settings.rateLimitRequests = 3;
    m_settings.rateLimitPeriodSeconds = 60;
    startStack();
    for (int remaining = 2; remaining >= 0; --remaining) {
        const Response allowed = request("GET", QStringLiteral("/api/v1/conversations"));
        QCOMPARE(allowed.status, 200);
        QCOMPARE(allowed.header("RateLimit-Policy"), QByteArray("\"default\";q=3;w=60"));
        const QByteArray limit = allowed.header("RateLimit");
        const QByteArray expected = "\"default\";r=" + QByteArray::number(remaining) + ";t=";
        QVERIFY2(limit.startsWith(expected), limit.constData());
        const int reset = limit.mid(limit.indexOf(";t=") + 3).toInt();
        QVERIFY2(reset >= 1 && reset <= 60, limit.constData());
    }
    const Response refused = request("GET", QStringLiteral("/api/v1/conversations"));
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.header("Content-Type"), QByteArray("application/problem+json"));
    QCOMPARE(refused.json.value(QStringLiteral("status")).toInt(), 429);
    const int retryAfter = refused.header("Retry-After").toInt();
    // One request comes back every 60 / 3 = 20 seconds.
    QVERIFY2(retryAfter >= 1 && retryAfter <= 20, refused.header("Retry-After").constData());
    QCOMPARE(refused.header("RateLimit-Policy"), QByteArray("\"default\";q=3;w=60"));
    const QByteArray limit = "\"default\";r=0;t=" + QByteArray::number(retryAfter);
    QCOMPARE(refused.header("RateLimit"), limit);
    // POSTs count the same.
    QCOMPARE(post(QStringLiteral("/api/v1/messages"),
                  inbound(QStringLiteral("user-1"), QStringLiteral("hi")))
                 .status,
             429);

    // Probes and scrapes are never limited and carry no quota.
    for (int i = 0; i < 10; ++i) {
        for (const QString &path :
             {QStringLiteral("/health"), QStringLiteral("/ready"), QStringLiteral("/metrics")}) {
            // /metrics needs the token, which is spent anyway: exempt routes take nothing.
            const Response exempt = request(
                "GET", path, {}, {}, path == QLatin1String("/metrics") ? kToken : QByteArray());
            QCOMPARE(exempt.status, 200);
            QVERIFY(!exempt.headers.contains("ratelimit"));
        }
    }
}

void TestApiProtections::rateLimitIsPerTokenAndPerAddress()
{
    m_settings.rateLimitEnabled = true;
    m_settings.rateLimitRequests = 2;
    m_settings.rateLimitPeriodSeconds = 3600;
    startStack();
    auto get = [](const QByteArray &token) -> QByteArray {
        QByteArray text = "GET /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        if (!token.isEmpty())
            text += "Authorization: Bearer " + token + "\r\n";
        return text + "Connection: close\r\n\r\n";
    };
    const QHostAddress first(QStringLiteral("127.0.0.1"));
    const QHostAddress second(QStringLiteral("127.0.0.2"));
    const QHostAddress third(QStringLiteral("127.0.0.3"));
    const QHostAddress fourth(QStringLiteral("127.0.0.4"));

    // The token's bucket empties from one address...
    QCOMPARE(raw(get(kToken), first).status, 200);
    QCOMPARE(raw(get(kToken), first).status, 200);
    // ...and stays empty from another.
    const Response tokenLimited = raw(get(kToken), second);
    QCOMPARE(tokenLimited.status, 429);
    QVERIFY(tokenLimited.header("RateLimit").startsWith("\"default\";r=0;"));
    // Another token from that second address is fine (its address bucket has room).
    QCOMPARE(raw(get(kOtherToken), second).status, 200);

    // Without a valid token the address bucket still counts: guessing is throttled.
    QCOMPARE(raw(get("wrong-token-0123456789"), third).status, 401);
    QCOMPARE(raw(get(QByteArray()), third).status, 401);
    const Response addressLimited = raw(get(kOtherToken), third);
    QCOMPARE(addressLimited.status, 429);
    QVERIFY(!addressLimited.header("Retry-After").isEmpty());
    // The refusal by address did not spend the token: from a fresh address it has one left.
    QCOMPARE(raw(get(kOtherToken), fourth).status, 200);
    QCOMPARE(raw(get(kOtherToken), fourth).status, 429);
}

void TestApiProtections::oversizedBodiesAre413()
{
    startStack();
    const QByteArray head = "POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Authorization: Bearer " +
                            kToken + "\r\nContent-Type: application/json\r\n";
    // Declared too large: refused before the body is read.
    const Response declared =
        raw(head + "Content-Length: " + QByteArray::number(m_settings.maxBodyBytes + 1) +
            "\r\n\r\n" + QByteArray(m_settings.maxBodyBytes + 1, 'x'));
    QCOMPARE(declared.status, 413);
    QCOMPARE(declared.json.value(QStringLiteral("max_bytes")).toInteger(), m_settings.maxBodyBytes);

    // Chunked, so no length is declared: slightly over the limit (caught once decoded) and far
    // over it (caught while still arriving).
    for (const qint64 total : {m_settings.maxBodyBytes + 1024, 8 * m_settings.maxBodyBytes}) {
        QByteArray chunked = head + "Transfer-Encoding: chunked\r\n\r\n";
        const QByteArray chunk(4096, 'y');
        for (qint64 sent = 0; sent < total; sent += chunk.size())
            chunked += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
        chunked += "0\r\n\r\n";
        const Response refused = raw(chunked);
        QCOMPARE(refused.status, 413);
        QCOMPARE(refused.header("Content-Type"), QByteArray("application/problem+json"));
    }
    QCOMPARE(messageCount(), 0);
    QCOMPARE(request("GET", QStringLiteral("/health")).status, 200);
}

void TestApiProtections::oversizedHeadersAre431()
{
    m_settings.maxHeaderBytes = 4096;
    startStack();
    const Response refused = raw("GET /api/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 "X-Padding: " +
                                 QByteArray(8000, 'p') + "\r\n\r\n");
    QCOMPARE(refused.status, 431);
    QCOMPARE(refused.header("Content-Type"), QByteArray("application/problem+json"));
    QVERIFY(
        refused.json.value(QStringLiteral("detail")).toString().contains(QStringLiteral("4096")));
    // Just under the limit is fine.
    const Response fine =
        raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + QByteArray(3000, 'p') +
            "\r\nConnection: close\r\n\r\n");
    QCOMPARE(fine.status, 200);
}

void TestApiProtections::deepJsonIs400AndLongStringsAre422()
{
    startStack();
    QByteArray deep = "{\"user_id\":\"u\",\"platform\":\"discord\",\"content\":\"c\",\"metadata\":";
    deep += QByteArray(100, '[') + QByteArray(100, ']') + "}";
    const Response tooDeep = request("POST", QStringLiteral("/api/v1/messages"), deep);
    QCOMPARE(tooDeep.status, 400);
    QCOMPARE(tooDeep.json.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/json-too-deep"));
    QVERIFY(tooDeep.json.value(QStringLiteral("detail"))
                .toString()
                .contains(QString::number(HttpRequest::MaxJsonDepth)));

    const Response longId = post(
        QStringLiteral("/api/v1/messages"),
        inbound(QString(MessageCodec::kMaxIdLength + 1, QLatin1Char('u')), QStringLiteral("hi")));
    QCOMPARE(longId.status, 422);
    const QJsonObject error =
        longId.json.value(QStringLiteral("errors")).toArray().first().toObject();
    QCOMPARE(error.value(QStringLiteral("field")).toString(), QStringLiteral("user_id"));
    QVERIFY(error.value(QStringLiteral("message"))
                .toString()
                .contains(QString::number(MessageCodec::kMaxIdLength)));
    QCOMPARE(messageCount(), 0);
}

void TestApiProtections::idleConnectionsAreClosed()
{
    m_settings.idleTimeoutSeconds = 1;
    startStack();
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(idle.waitForConnected(10000));
    // Nothing sent: the server hangs up on its own.
    QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QAbstractSocket::UnconnectedState, 20000);
    QCOMPARE(idle.readAll(), QByteArray());

    // A keep-alive connection is closed after its last answer once it stays quiet.
    QTcpSocket keepAlive;
    keepAlive.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(keepAlive.waitForConnected(10000));
    keepAlive.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray data;
    Response answer;
    QTRY_VERIFY_WITH_TIMEOUT((data += keepAlive.readAll(), parseResponse(data, &answer)), 20000);
    QCOMPARE(answer.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(keepAlive.state(), QAbstractSocket::UnconnectedState, 20000);
}

void TestApiProtections::slowSendersGet408AndAreClosed()
{
    m_settings.idleTimeoutSeconds = 1;
    startStack();
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, m_port);
    QVERIFY(slow.waitForConnected(10000));
    slow.write("POST /api/v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    // Slowloris: a header byte every 100 ms keeps the connection busy but never finishes.
    QTimer trickle;
    connect(&trickle, &QTimer::timeout, &slow, [&slow] {
        if (slow.state() == QAbstractSocket::ConnectedState)
            slow.write("X");
    });
    trickle.start(100);
    QByteArray data;
    QTRY_COMPARE_WITH_TIMEOUT((data += slow.readAll(), slow.state()),
                              QAbstractSocket::UnconnectedState, 20000);
    data += slow.readAll();
    Response answer;
    QVERIFY2(parseResponse(data, &answer), data.constData());
    QCOMPARE(answer.status, 408);
    QCOMPARE(answer.header("Content-Type"), QByteArray("application/problem+json"));
}

void TestApiProtections::httpsWithAConfiguredCertificate()
{
    const QString certificate = m_dir->filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir->filePath(QStringLiteral("key.pem"));
    if (!makeCertificate(certificate, key))
        QSKIP("the openssl command is not available to make a test certificate");
    m_settings.tlsCertificateFile = certificate;
    m_settings.tlsKeyFile = key;
    startStack();

    QFile file(certificate);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QSslConfiguration trust = QSslConfiguration::defaultConfiguration();
    trust.setCaCertificates(QSslCertificate::fromData(file.readAll()));
    m_clientTls = trust;
    m_scheme = QStringLiteral("https");
    // Verified against the test certificate (name 127.0.0.1): no errors ignored.
    const Response health = request("GET", QStringLiteral("/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    const Response accepted = post(QStringLiteral("/api/v1/messages"),
                                   inbound(QStringLiteral("user-1"), QStringLiteral("secure")),
                                   {{"Idempotency-Key", "tls-1"}});
    QCOMPARE(accepted.status, 202);

    // Plain HTTP on the TLS port gets no answer and no hang: the handshake fails and the
    // connection closes.
    const Response plain = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QCOMPARE(plain.status, 0);
    QVERIFY(plain.closed);
}

void TestApiProtections::tlsStartFailsClearlyOnBadFiles()
{
    const QString garbage = m_dir->filePath(QStringLiteral("garbage.pem"));
    QFile file(garbage);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a certificate\n");
    file.close();
    const QString missing = m_dir->filePath(QStringLiteral("missing.pem"));

    struct Case {
        QString certificate;
        QString key;
        QString mentions;
    };
    const QList<Case> cases{{missing, garbage, missing},
                            {garbage, garbage, QStringLiteral("no PEM certificate")},
                            {garbage, QString(), QStringLiteral("tls_key")}};
    m_engine = std::make_unique<Engine>(m_settings);
    QVERIFY(m_engine->start().isOk());
    for (const Case &c : cases) {
        Settings settings = m_settings;
        settings.tlsCertificateFile = c.certificate;
        settings.tlsKeyFile = c.key;
        ApiServer api(m_engine.get(), &MetricsRegistry::instance());
        const auto port = api.start(settings);
        QVERIFY(!port.isOk());
        QVERIFY2(port.error().message.contains(c.mentions), qPrintable(port.error().message));
    }

    // A real certificate with a key that is not PEM names the key file.
    const QString certificate = m_dir->filePath(QStringLiteral("cert.pem"));
    const QString key = m_dir->filePath(QStringLiteral("key.pem"));
    if (!makeCertificate(certificate, key))
        QSKIP("the openssl command is not available to make a test certificate");
    Settings settings = m_settings;
    settings.tlsCertificateFile = certificate;
    settings.tlsKeyFile = garbage;
    ApiServer api(m_engine.get(), &MetricsRegistry::instance());
    const auto port = api.start(settings);
    QVERIFY(!port.isOk());
    QVERIFY2(port.error().message.contains(garbage), qPrintable(port.error().message));
}

void TestApiProtections::standardWebhookReplaysAreNotProcessedTwice()
{
    startStack();
    const WebhookSigner signer(kWebhookSecret);
    const QByteArray body = compact(inbound(QStringLiteral("crm-user"), QStringLiteral("ticket")));
    auto deliver = [&](const QByteArray &id, qint64 timestamp) {
        return request("POST", QStringLiteral("/api/v1/webhooks/generic/crm"), body,
                       {{"webhook-id", id},
                        {"webhook-timestamp", QByteArray::number(timestamp)},
                        {"webhook-signature", signer.sign(id, timestamp, body)}},
                       QByteArray());
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const Response first = deliver("msg_replay_1", now);
    QCOMPARE(first.status, 202);
    QCOMPARE(first.json.value(QStringLiteral("duplicate")).toBool(), false);
    // Replayed verbatim within the tolerance: acknowledged, processed once.
    const Response replay = deliver("msg_replay_1", now);
    QCOMPARE(replay.status, 202);
    QCOMPARE(replay.json.value(QStringLiteral("duplicate")).toBool(), true);
    QCOMPARE(replay.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QCOMPARE(messageCount(), 1);

    // Validly signed, but older or newer than the tolerance.
    const int tolerance = m_settings.webhookToleranceSeconds;
    QCOMPARE(deliver("msg_replay_2", now - tolerance - 5).status, 401);
    QCOMPARE(deliver("msg_replay_3", now + tolerance + 5).status, 401);
    QCOMPARE(messageCount(), 1);
}

QTEST_GUILESS_MAIN(TestApiProtections)
#include "tst_apiprotections.moc"
