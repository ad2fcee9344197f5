#include "server/httpserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <memory>

using namespace relaydesk;

namespace {

const QByteArray Token = "test-token-0123456789abcdef";

struct Response {
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // names lower case

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct RawResponse {
    int status = 0;
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;
};

struct HookEntry {
    QString requestId;
    QString routePattern;
    QString tokenId;
    QByteArray method;
    int status = 0;
    double seconds = -1;
};

// Frames responses off a raw byte stream ourselves, so raw-socket tests do not trust the code
// under test to say where one answer ends.
bool takeRawResponse(QByteArray &buffer, RawResponse *response)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    RawResponse parsed;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    parsed.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        parsed.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    const qsizetype length = parsed.headers.value("content-length", "0").toLongLong();
    if (buffer.size() < headerEnd + 4 + length)
        return false;
    parsed.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, headerEnd + 4 + length);
    *response = parsed;
    return true;
}

QByteArray nested(int depth)
{
    return "{\"a\":" + QByteArray(depth - 1, '[') + QByteArray(depth - 1, ']') + '}';
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void servesCompactJson();
    void passesPathParametersAndQuery();
    void prefersLiteralSegmentsOverParameters();
    void answersNotFoundAsProblem();
    void answersMethodNotAllowedWithAllow();
    void servesHeadWithoutBody();
    void rejectsOversizedBodies();
    void rejectsOversizedDeclaredLengthBeforeTheBodyArrives();
    void rejectsOversizedChunkedBodies();
    void rejectsDecodedOversizeAndKeepsTheConnection();
    void rejectsWrongContentType();
    void acceptsJsonMediaTypeVariants();
    void explainsMalformedJson();
    void rejectsDeepNesting();
    void rejectsNonObjectBodies();
    void requiresBearerToken();
    void publicRoutesSkipAuth();
    void encodedPathCannotReachProtectedRouteAsPublic();
    void echoesOrGeneratesRequestId();
    void answersDeferred();
    void answersConcurrentDeferredRequestsIndependently();
    void keepsPipelinedAnswersInOrder();
    void survivesClientDisconnectBeforeDeferredAnswer();
    void answersForgottenRequestsWith500();
    void acceptsAnswersFromAnotherThread();
    void ignoresSecondAnswer();
    void replacesUnsupportedStatus();
    void closesWhenClientAsks();
    void closesHttp10ConnectionsUnlessKeptAlive();
    void answersExpectContinue();
    void reportsEveryResponseToTheHook();
    void answersAfterServerDestructionAreDropped();

    void problemJsonShape();
    void routerRejectsBadPatterns();
    void jsonContentTypeRules();

private:
    Response send(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                  bool withToken = true);
    QNetworkReply *start(const QByteArray &method, const QString &path, const QByteArray &body,
                         const QList<std::pair<QByteArray, QByteArray>> &headers, bool withToken);
    static Response collect(QNetworkReply *reply);
    QList<RawResponse> rawExchange(const QByteArray &bytes, int expected, bool *closed = nullptr,
                                   int timeoutMs = 5000);
    QUrl url(const QString &path) const;
    const HookEntry *hookEntry(const QString &requestId) const;

    HttpServer *m_server = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    QList<HookEntry> m_hookLog;
    bool m_secondAnswerAccepted = true;
    bool m_answeredAfterFirst = false;
};

void TestHttpServer::initTestCase()
{
    m_server = new HttpServer(this);
    m_server->setMaxBodyBytes(64 * 1024);
    m_server->setTokenStore(ApiTokenStore({QString::fromLatin1(Token)}));
    m_server->setResponseHook([this](const HttpRequest &request, int status, double seconds) {
        m_hookLog.append({request.requestId(), request.routePattern(), request.tokenId(),
                          request.method(), status, seconds});
    });

    Router &router = m_server->router();
    QVERIFY(router.get(QStringLiteral("/api/v1/ping"), [](const HttpRequest &, HttpResponder r) {
        r.sendJson(200, QJsonObject{{QStringLiteral("ok"), true},
                                    {QStringLiteral("nested"),
                                     QJsonObject{{QStringLiteral("a"), QJsonArray{1, 2}}}}});
    }));
    QVERIFY(router.get(
        QStringLiteral("/api/v1/conversations/{id}/messages/{messageId}"),
        [](const HttpRequest &request, HttpResponder r) {
            r.sendJson(200, QJsonObject{
                                {QStringLiteral("id"), request.pathParam(QStringLiteral("id"))},
                                {QStringLiteral("messageId"),
                                 request.pathParam(QStringLiteral("messageId"))},
                                {QStringLiteral("q"), request.queryValue(QStringLiteral("q"))},
                                {QStringLiteral("token"), request.tokenId()},
                                {QStringLiteral("pattern"), request.routePattern()},
                            });
        }));
    QVERIFY(router.get(
        QStringLiteral("/api/v1/conversations/search"), [](const HttpRequest &, HttpResponder r) {
            r.sendJson(200, QJsonObject{{QStringLiteral("route"), QStringLiteral("search")}});
        }));
    QVERIFY(router.get(QStringLiteral("/api/v1/conversations/{id}"), [](const HttpRequest &request,
                                                                        HttpResponder r) {
        r.sendJson(200,
                   QJsonObject{{QStringLiteral("route"), QStringLiteral("byId")},
                               {QStringLiteral("id"), request.pathParam(QStringLiteral("id"))}});
    }));
    QVERIFY(router.remove(QStringLiteral("/api/v1/conversations/{id}"),
                          [](const HttpRequest &, HttpResponder r) { r.sendEmpty(204); }));
    QVERIFY(router.patch(QStringLiteral("/api/v1/conversations/{id}"),
                         [](const HttpRequest &, HttpResponder r) { r.sendEmpty(204); }));
    QVERIFY(router.post(
        QStringLiteral("/api/v1/echo"), [](const HttpRequest &request, HttpResponder r) {
            Problem problem;
            const std::optional<QJsonObject> body = request.jsonObjectBody(&problem);
            if (!body) {
                r.sendProblem(problem);
                return;
            }
            r.sendJson(200, *body);
        }));
    // The deferred shape the API uses: validate now, answer when the "commit" is done.
    QVERIFY(router.post(
        QStringLiteral("/api/v1/conversations/{id}/reply"),
        [this](const HttpRequest &request, HttpResponder r) {
            Problem problem;
            const std::optional<QJsonObject> body = request.jsonObjectBody(&problem);
            if (!body) {
                r.sendProblem(problem);
                return;
            }
            const QString id = request.pathParam(QStringLiteral("id"));
            const QString text = body->value(QStringLiteral("text")).toString();
            QTimer::singleShot(request.queryValue(QStringLiteral("delay")).toInt(), m_server,
                               [r, id, text] {
                                   r.sendJson(202, QJsonObject{{QStringLiteral("id"), id},
                                                               {QStringLiteral("text"), text}});
                               });
        }));
    QVERIFY(router.get(QStringLiteral("/api/v1/slow/{ms}"),
                       [this](const HttpRequest &request, HttpResponder r) {
                           const int ms = request.pathParam(QStringLiteral("ms")).toInt();
                           QTimer::singleShot(ms, m_server, [r, ms] {
                               r.sendJson(200, QJsonObject{{QStringLiteral("ms"), ms}});
                           });
                       }));
    QVERIFY(
        router.get(QStringLiteral("/api/v1/forgotten"), [](const HttpRequest &, HttpResponder) {}));
    QVERIFY(
        router.get(QStringLiteral("/api/v1/threaded"), [](const HttpRequest &, HttpResponder r) {
            QThread *worker = QThread::create([r] {
                r.sendJson(200, QJsonObject{{QStringLiteral("thread"), QStringLiteral("worker")}});
            });
            QObject::connect(worker, &QThread::finished, worker, &QObject::deleteLater);
            worker->start();
        }));
    QVERIFY(
        router.get(QStringLiteral("/api/v1/twice"), [this](const HttpRequest &, HttpResponder r) {
            r.sendJson(200, QJsonObject{{QStringLiteral("first"), true}});
            m_answeredAfterFirst = r.isAnswered();
            m_secondAnswerAccepted = r.sendJson(201, QJsonObject{{QStringLiteral("first"), false}});
        }));
    QVERIFY(
        router.get(QStringLiteral("/api/v1/weird-status"),
                   [](const HttpRequest &, HttpResponder r) { r.sendJson(299, QJsonObject{}); }));
    QVERIFY(router.get(QStringLiteral("/health"), [](const HttpRequest &, HttpResponder r) {
        r.sendText(200, QStringLiteral("ok"));
    }));
    QVERIFY(router.post(QStringLiteral("/api/v1/webhooks/{channel}"), [](const HttpRequest &request,
                                                                         HttpResponder r) {
        r.sendJson(200, QJsonObject{{QStringLiteral("channel"),
                                     request.pathParam(QStringLiteral("channel"))}});
    }));
    // A catch-all shape a later route might have; the public-route test aims at it.
    QVERIFY(
        router.get(QStringLiteral("/api/v1/{resource}"), [](const HttpRequest &, HttpResponder r) {
            r.sendJson(200, QJsonObject{{QStringLiteral("secret"), true}});
        }));

    QString error;
    QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    QVERIFY(m_server->port() != 0);

    m_network = new QNetworkAccessManager(this);
    m_network->setProxy(QNetworkProxy::NoProxy);
}

void TestHttpServer::cleanupTestCase()
{
    delete m_network;
    delete m_server;
}

void TestHttpServer::init()
{
    // Every test starts from a quiet server: nothing in flight from the previous one.
    QTRY_COMPARE_WITH_TIMEOUT(m_server->pendingResponses(), 0, 5000);
}

QUrl TestHttpServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->port()).arg(path));
}

QNetworkReply *TestHttpServer::start(const QByteArray &method, const QString &path,
                                     const QByteArray &body,
                                     const QList<std::pair<QByteArray, QByteArray>> &headers,
                                     bool withToken)
{
    QNetworkRequest request(QUrl::fromEncoded(url(QString()).toEncoded() + path.toUtf8()));
    if (withToken)
        request.setRawHeader("Authorization", "Bearer " + Token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    if (!body.isEmpty() && !request.hasRawHeader("Content-Type"))
        request.setRawHeader("Content-Type", "application/json");
    return m_network->sendCustomRequest(request, method, body);
}

Response TestHttpServer::collect(QNetworkReply *reply)
{
    Response response;
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10000)) {
            reply->abort();
            reply->deleteLater();
            return response;
        }
    }
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.error = reply->error();
    response.body = reply->readAll();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.insert(name.toLower(), value);
    reply->deleteLater();
    return response;
}

Response TestHttpServer::send(const QByteArray &method, const QString &path, const QByteArray &body,
                              const QList<std::pair<QByteArray, QByteArray>> &headers,
                              bool withToken)
{
    return collect(start(method, path, body, headers, withToken));
}

QList<RawResponse> TestHttpServer::rawExchange(const QByteArray &bytes, int expected, bool *closed,
                                               int timeoutMs)
{
    // The server runs on this thread, so only event-loop waits: blocking socket waits would
    // starve it.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    if (!QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; },
                         timeoutMs))
        return {};
    socket.write(bytes);
    QByteArray buffer;
    QList<RawResponse> responses;
    bool disconnected = false;
    QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [&] { disconnected = true; });
    // The outcome is judged by the caller from what arrived; a timeout just ends the wait.
    const bool complete = QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            RawResponse response;
            while (takeRawResponse(buffer, &response))
                responses.append(response);
            if (closed)
                return responses.size() >= expected && disconnected;
            return responses.size() >= expected;
        },
        timeoutMs);
    if (closed)
        *closed = complete && disconnected;
    return responses;
}

const HookEntry *TestHttpServer::hookEntry(const QString &requestId) const
{
    for (const HookEntry &entry : m_hookLog) {
        if (entry.requestId == requestId)
            return &entry;
    }
    return nullptr;
}

void TestHttpServer::servesCompactJson()
{
    const Response response = send("GET", QStringLiteral("/api/v1/ping"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    // Compact: exactly Qt's compact rendering, no newline or indentation anywhere.
    QCOMPARE(response.body, QByteArray("{\"nested\":{\"a\":[1,2]},\"ok\":true}"));
    QVERIFY(!response.header("X-Request-Id").isEmpty());
    QCOMPARE(response.header("Content-Length"), QByteArray::number(response.body.size()));
}

void TestHttpServer::passesPathParametersAndQuery()
{
    const Response response =
        send("GET", QStringLiteral("/api/v1/conversations/abc%2Fdef/messages/42?q=hello%20world"));
    QCOMPARE(response.status, 200);
    const QJsonObject json = response.json();
    QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("abc/def"));
    QCOMPARE(json.value(QStringLiteral("messageId")).toString(), QStringLiteral("42"));
    QCOMPARE(json.value(QStringLiteral("q")).toString(), QStringLiteral("hello world"));
    QCOMPARE(json.value(QStringLiteral("token")).toString(), ApiTokenStore::idForToken(Token));
    QCOMPARE(json.value(QStringLiteral("pattern")).toString(),
             QStringLiteral("/api/v1/conversations/{id}/messages/{messageId}"));
}

void TestHttpServer::prefersLiteralSegmentsOverParameters()
{
    Response response = send("GET", QStringLiteral("/api/v1/conversations/search"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("route")).toString(), QStringLiteral("search"));

    response = send("GET", QStringLiteral("/api/v1/conversations/c-17"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("route")).toString(), QStringLiteral("byId"));
    QCOMPARE(response.json().value(QStringLiteral("id")).toString(), QStringLiteral("c-17"));
}

void TestHttpServer::answersNotFoundAsProblem()
{
    for (const QString &path :
         {QStringLiteral("/api/v1/nope/deeper"),
          QStringLiteral("/api/v1/conversations/c-1/messages/"), QStringLiteral("/")}) {
        const Response response = send("GET", path);
        QCOMPARE(response.status, 404);
        QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
        QVERIFY(!response.header("X-Request-Id").isEmpty());
        const QJsonObject problem = response.json();
        QCOMPARE(problem.value(QStringLiteral("type")).toString(), QStringLiteral("about:blank"));
        QCOMPARE(problem.value(QStringLiteral("title")).toString(), QStringLiteral("Not Found"));
        QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 404);
        QVERIFY(!problem.value(QStringLiteral("detail")).toString().isEmpty());
        QCOMPARE(problem.value(QStringLiteral("instance")).toString(), path);
    }
}

void TestHttpServer::answersMethodNotAllowedWithAllow()
{
    const Response response = send("POST", QStringLiteral("/api/v1/conversations/c-1"), "{}");
    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), QByteArray("DELETE, GET, HEAD, PATCH"));
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    const QJsonObject problem = response.json();
    QCOMPARE(problem.value(QStringLiteral("type")).toString(), QStringLiteral("about:blank"));
    QCOMPARE(problem.value(QStringLiteral("title")).toString(),
             QStringLiteral("Method Not Allowed"));
    QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 405);
    QVERIFY(problem.value(QStringLiteral("detail")).toString().contains(QStringLiteral("PATCH")));

    // The other methods of the same path still work.
    QCOMPARE(send("DELETE", QStringLiteral("/api/v1/conversations/c-1")).status, 204);
    QCOMPARE(send("PATCH", QStringLiteral("/api/v1/conversations/c-1"), "{}").status, 204);
}

void TestHttpServer::servesHeadWithoutBody()
{
    // A raw socket: QNAM would hide whether body bytes were sent.
    const QList<RawResponse> responses = rawExchange(
        "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n", 2);
    QCOMPARE(responses.size(), 2);
    // The HEAD answer announces the GET body's length but carries none, so the GET answer
    // starts right after its headers.
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(0).headers.value("content-length"), QByteArray("2"));
    QCOMPARE(responses.at(1).status, 200);
    QCOMPARE(responses.at(1).body, QByteArray("ok"));
}

void TestHttpServer::rejectsOversizedBodies()
{
    QByteArray big = "{\"text\":\"" + QByteArray(200 * 1024, 'x') + "\"}";
    const Response response = send("POST", QStringLiteral("/api/v1/echo"), big);
    QCOMPARE(response.status, 413);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    const QJsonObject problem = response.json();
    QCOMPARE(problem.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/payload-too-large"));
    QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 413);
    QCOMPARE(problem.value(QStringLiteral("max_bytes")).toInteger(), 64 * 1024);

    // Just under the limit is fine, and the server keeps serving afterwards.
    const QByteArray fits = "{\"text\":\"" + QByteArray(60 * 1024, 'y') + "\"}";
    const Response ok = send("POST", QStringLiteral("/api/v1/echo"), fits);
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.body, fits);
}

void TestHttpServer::rejectsOversizedDeclaredLengthBeforeTheBodyArrives()
{
    // 10 GB announced, 5 bytes sent: the answer must come from the headers alone.
    bool closed = false;
    QElapsedTimer timer;
    timer.start();
    const QList<RawResponse> responses =
        rawExchange("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: huge-upload\r\n"
                    "Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{\"a\":",
                    1, &closed);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 413);
    QCOMPARE(responses.at(0).headers.value("content-type"), QByteArray("application/problem+json"));
    QCOMPARE(responses.at(0).headers.value("x-request-id"), QByteArray("huge-upload"));
    QCOMPARE(responses.at(0).headers.value("connection"), QByteArray("close"));
    QCOMPARE(QJsonDocument::fromJson(responses.at(0).body)
                 .object()
                 .value(QStringLiteral("status"))
                 .toInt(),
             413);
    // The server waits briefly for the rest of the upload, then hangs up.
    QVERIFY(closed);
    QVERIFY(timer.elapsed() < 4000);

    const HookEntry *entry = hookEntry(QStringLiteral("huge-upload"));
    QVERIFY(entry);
    QCOMPARE(entry->status, 413);
    QCOMPARE(entry->method, QByteArray("POST"));
    QCOMPARE(send("GET", QStringLiteral("/api/v1/ping")).status, 200);
}

void TestHttpServer::rejectsOversizedChunkedBodies()
{
    QByteArray request =
        "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk(16 * 1024, 'z');
    for (int i = 0; i < 20; ++i) // 320 KiB, well past the 64 KiB limit
        request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    const QList<RawResponse> responses = rawExchange(request, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 413);
}

void TestHttpServer::rejectsDecodedOversizeAndKeepsTheConnection()
{
    // 100 KiB in chunks stays under the raw-byte guard, so Qt buffers it and the decoded size
    // is what trips the limit: an ordinary answer on a connection that stays usable.
    QByteArray request =
        "POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Authorization: Bearer " +
        Token + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    const QByteArray chunk(10 * 1024, 'z');
    for (int i = 0; i < 10; ++i)
        request += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    request += "0\r\n\r\n";
    request += "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    const QList<RawResponse> responses = rawExchange(request, 2);
    QCOMPARE(responses.size(), 2);
    QCOMPARE(responses.at(0).status, 413);
    QVERIFY(!responses.at(0).headers.contains("connection"));
    QCOMPARE(responses.at(1).status, 200);
    QCOMPARE(responses.at(1).body, QByteArray("ok"));
}

void TestHttpServer::rejectsWrongContentType()
{
    Response response =
        send("POST", QStringLiteral("/api/v1/echo"), "{\"a\":1}", {{"Content-Type", "text/plain"}});
    QCOMPARE(response.status, 415);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    QJsonObject problem = response.json();
    QCOMPARE(problem.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/unsupported-media-type"));
    QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 415);
    QVERIFY(problem.value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("application/json")));

    response = send("POST", QStringLiteral("/api/v1/echo"), "{\"a\":1}",
                    {{"Content-Type", "application/json; charset=iso-8859-1"}});
    QCOMPARE(response.status, 415);
}

void TestHttpServer::acceptsJsonMediaTypeVariants()
{
    for (const QByteArray &type : {QByteArray("application/json; charset=utf-8"),
                                   QByteArray("Application/JSON;charset=\"UTF-8\""),
                                   QByteArray("application/merge-patch+json")}) {
        const Response response =
            send("POST", QStringLiteral("/api/v1/echo"), "{\"a\":1}", {{"Content-Type", type}});
        QVERIFY2(response.status == 200, type.constData());
        QCOMPARE(response.body, QByteArray("{\"a\":1}"));
    }
}

void TestHttpServer::explainsMalformedJson()
{
    const Response response = send("POST", QStringLiteral("/api/v1/echo"), "{\"a\": 1,\n \"b\": }");
    QCOMPARE(response.status, 400);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    const QJsonObject problem = response.json();
    QCOMPARE(problem.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/malformed-json"));
    QCOMPARE(problem.value(QStringLiteral("title")).toString(), QStringLiteral("Malformed JSON"));
    QCOMPARE(problem.value(QStringLiteral("status")).toInt(), 400);
    const QString detail = problem.value(QStringLiteral("detail")).toString();
    QVERIFY2(detail.contains(QStringLiteral("line 2")), qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("offset")), qPrintable(detail));
    QCOMPARE(problem.value(QStringLiteral("line")).toInt(), 2);
    QVERIFY(problem.value(QStringLiteral("offset")).toInt() > 9);

    const Response empty =
        send("POST", QStringLiteral("/api/v1/echo"), " ", {{"Content-Type", "application/json"}});
    QCOMPARE(empty.status, 400);
}

void TestHttpServer::rejectsDeepNesting()
{
    Response response = send("POST", QStringLiteral("/api/v1/echo"), nested(33));
    QCOMPARE(response.status, 400);
    QCOMPARE(response.json().value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/json-too-deep"));
    QCOMPARE(response.json().value(QStringLiteral("max_depth")).toInt(), 32);

    // Exactly 32 levels is allowed; brackets inside strings are text, not nesting.
    response = send("POST", QStringLiteral("/api/v1/echo"), nested(32));
    QCOMPARE(response.status, 200);
    const QByteArray bracketsInString = "{\"a\":\"" + QByteArray(100, '[') + "\\\"{{\"}";
    response = send("POST", QStringLiteral("/api/v1/echo"), bracketsInString);
    QCOMPARE(response.status, 200);
}

void TestHttpServer::rejectsNonObjectBodies()
{
    const Response response = send("POST", QStringLiteral("/api/v1/echo"), "[1,2,3]");
    QCOMPARE(response.status, 400);
    QVERIFY(response.json()
                .value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("JSON object")));
}

void TestHttpServer::requiresBearerToken()
{
    Response response = send("GET", QStringLiteral("/api/v1/ping"), {}, {}, false);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.header("WWW-Authenticate"), QByteArray("Bearer realm=\"relaydesk\""));
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    QCOMPARE(response.json().value(QStringLiteral("status")).toInt(), 401);
    QCOMPARE(response.json().value(QStringLiteral("title")).toString(),
             QStringLiteral("Unauthorized"));
    QVERIFY(!response.header("X-Request-Id").isEmpty());

    response = send("GET", QStringLiteral("/api/v1/ping"), {},
                    {{"Authorization", "Bearer " + Token + "x"}}, false);
    QCOMPARE(response.status, 401);
    QCOMPARE(response.header("WWW-Authenticate"),
             QByteArray("Bearer realm=\"relaydesk\", error=\"invalid_token\""));

    response = send("GET", QStringLiteral("/api/v1/ping"), {},
                    {{"Authorization", "Bearer " + Token.left(Token.size() - 1)}}, false);
    QCOMPARE(response.status, 401);

    response = send("GET", QStringLiteral("/api/v1/ping"), {},
                    {{"Authorization", "Basic " + Token.toBase64()}}, false);
    QCOMPARE(response.status, 401);

    // Unknown paths do not reveal themselves to anonymous clients.
    QCOMPARE(send("GET", QStringLiteral("/api/v1/nope/deeper"), {}, {}, false).status, 401);

    // The scheme is case-insensitive.
    response = send("GET", QStringLiteral("/api/v1/ping"), {},
                    {{"Authorization", "bearer " + Token}}, false);
    QCOMPARE(response.status, 200);
}

void TestHttpServer::publicRoutesSkipAuth()
{
    Response response = send("GET", QStringLiteral("/health"), {}, {}, false);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("ok"));
    QCOMPARE(response.header("Content-Type"), QByteArray("text/plain; charset=utf-8"));

    response = send("POST", QStringLiteral("/api/v1/webhooks/telegram"), "{}", {}, false);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("channel")).toString(),
             QStringLiteral("telegram"));
}

void TestHttpServer::encodedPathCannotReachProtectedRouteAsPublic()
{
    // Decoded, this path starts with /api/v1/webhooks/, but it routes to /api/v1/{resource}.
    const Response response =
        send("GET", QStringLiteral("/api/v1/webhooks%2Ftelegram"), {}, {}, false);
    QCOMPARE(response.status, 401);
    QVERIFY(!response.body.contains("secret"));
}

void TestHttpServer::echoesOrGeneratesRequestId()
{
    Response response =
        send("GET", QStringLiteral("/api/v1/ping"), {}, {{"X-Request-Id", "client-id_1.2:3"}});
    QCOMPARE(response.header("X-Request-Id"), QByteArray("client-id_1.2:3"));
    QVERIFY(hookEntry(QStringLiteral("client-id_1.2:3")));

    const QByteArray longest(128, 'a');
    response = send("GET", QStringLiteral("/api/v1/ping"), {}, {{"X-Request-Id", longest}});
    QCOMPARE(response.header("X-Request-Id"), longest);

    for (const QByteArray &bad : {QByteArray(129, 'a'), QByteArray("has space"),
                                  QByteArray("semi;colon"), QByteArray("quote\"")}) {
        response = send("GET", QStringLiteral("/api/v1/ping"), {}, {{"X-Request-Id", bad}});
        const QByteArray generated = response.header("X-Request-Id");
        QVERIFY(generated != bad);
        QCOMPARE(generated.size(), 36); // a UUID
    }

    const QByteArray first = send("GET", QStringLiteral("/api/v1/ping")).header("X-Request-Id");
    const QByteArray second = send("GET", QStringLiteral("/api/v1/ping")).header("X-Request-Id");
    QCOMPARE(first.size(), 36);
    QVERIFY(first != second);
}

void TestHttpServer::answersDeferred()
{
    QElapsedTimer timer;
    timer.start();
    const Response response =
        send("POST", QStringLiteral("/api/v1/conversations/c-9/reply?delay=300"),
             "{\"text\":\"hello\"}");
    QCOMPARE(response.status, 202);
    QVERIFY(timer.elapsed() >= 250);
    QCOMPARE(response.body, QByteArray("{\"id\":\"c-9\",\"text\":\"hello\"}"));
    QVERIFY(!response.header("X-Request-Id").isEmpty());
}

void TestHttpServer::answersConcurrentDeferredRequestsIndependently()
{
    // Ten requests, each held 500 ms. One at a time that is 5 s; handled concurrently (QNAM
    // opens six connections per host) it is about two rounds.
    constexpr int count = 10;
    QList<QNetworkReply *> replies;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < count; ++i) {
        replies.append(start(
            "POST",
            QStringLiteral("/api/v1/conversations/c-%1/reply?delay=%2").arg(i).arg(500 - i * 10),
            QStringLiteral("{\"text\":\"message %1\"}").arg(i).toUtf8(), {}, true));
    }
    for (int i = 0; i < count; ++i) {
        const Response response = collect(replies.at(i));
        QCOMPARE(response.status, 202);
        const QJsonObject json = response.json();
        QCOMPARE(json.value(QStringLiteral("id")).toString(), QStringLiteral("c-%1").arg(i));
        QCOMPARE(json.value(QStringLiteral("text")).toString(),
                 QStringLiteral("message %1").arg(i));
    }
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void TestHttpServer::keepsPipelinedAnswersInOrder()
{
    // Both requests in one write on one connection; the second is answered first internally,
    // but HTTP/1.1 needs the answers in request order.
    const QList<RawResponse> responses = rawExchange(
        "GET /api/v1/slow/400 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Token +
            "\r\n\r\nGET /api/v1/slow/10 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Token +
            "\r\n\r\n",
        2);
    QCOMPARE(responses.size(), 2);
    QCOMPARE(responses.at(0).body, QByteArray("{\"ms\":400}"));
    QCOMPARE(responses.at(1).body, QByteArray("{\"ms\":10}"));
}

void TestHttpServer::survivesClientDisconnectBeforeDeferredAnswer()
{
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }));
        socket.write("GET /api/v1/slow/300 HTTP/1.1\r\nHost: x\r\nX-Request-Id: gone-early\r\n"
                     "Authorization: Bearer " +
                     Token + "\r\n\r\n");
        QTRY_COMPARE(m_server->pendingResponses(), 1);
        socket.abort();
    }
    // The answer comes after the socket is gone: it is dropped, the hook still hears of it.
    QTRY_VERIFY_WITH_TIMEOUT(hookEntry(QStringLiteral("gone-early")), 3000);
    QCOMPARE(hookEntry(QStringLiteral("gone-early"))->status, 200);
    QCOMPARE(m_server->pendingResponses(), 0);
    QCOMPARE(send("GET", QStringLiteral("/api/v1/ping")).status, 200);
}

void TestHttpServer::answersForgottenRequestsWith500()
{
    const Response response = send("GET", QStringLiteral("/api/v1/forgotten"));
    QCOMPARE(response.status, 500);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/problem+json"));
    QCOMPARE(response.json().value(QStringLiteral("status")).toInt(), 500);
}

void TestHttpServer::acceptsAnswersFromAnotherThread()
{
    const Response response = send("GET", QStringLiteral("/api/v1/threaded"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("{\"thread\":\"worker\"}"));
}

void TestHttpServer::ignoresSecondAnswer()
{
    const Response response = send("GET", QStringLiteral("/api/v1/twice"));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, QByteArray("{\"first\":true}"));
    QVERIFY(m_answeredAfterFirst);
    QVERIFY(!m_secondAnswerAccepted);
}

void TestHttpServer::replacesUnsupportedStatus()
{
    QCOMPARE(send("GET", QStringLiteral("/api/v1/weird-status")).status, 500);
}

void TestHttpServer::closesWhenClientAsks()
{
    bool closed = false;
    const QList<RawResponse> responses =
        rawExchange("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 1, &closed);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(0).headers.value("connection"), QByteArray("close"));
    QVERIFY(closed);
}

void TestHttpServer::closesHttp10ConnectionsUnlessKeptAlive()
{
    bool closed = false;
    QList<RawResponse> responses = rawExchange("GET /health HTTP/1.0\r\n\r\n", 1, &closed);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).body, QByteArray("ok"));
    QVERIFY(closed);

    responses = rawExchange("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                            "GET /health HTTP/1.0\r\n\r\n",
                            2, &closed);
    QCOMPARE(responses.size(), 2);
    QVERIFY(!responses.at(0).headers.contains("connection"));
    QCOMPARE(responses.at(1).headers.value("connection"), QByteArray("close"));
    QVERIFY(closed);
}

void TestHttpServer::answersExpectContinue()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server->port());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }));
    const QByteArray body = "{\"text\":\"" + QByteArray(2000, 'e') + "\"}";
    socket.write("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Token +
                 "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                 "Content-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n");
    QByteArray buffer;
    // A client waits for the interim answer before sending the body.
    QVERIFY(QTest::qWaitFor([&] {
        buffer += socket.readAll();
        return buffer.contains("\r\n\r\n");
    }));
    QCOMPARE(buffer, QByteArray("HTTP/1.1 100 Continue\r\n\r\n"));
    buffer.clear();
    socket.write(body);
    RawResponse response;
    QVERIFY(QTest::qWaitFor([&] {
        buffer += socket.readAll();
        return takeRawResponse(buffer, &response);
    }));
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body, body);
}

void TestHttpServer::reportsEveryResponseToTheHook()
{
    m_hookLog.clear();
    const Response ok = send("GET", QStringLiteral("/api/v1/conversations/c-3"));
    const Response denied = send("GET", QStringLiteral("/api/v1/ping"), {}, {}, false);
    const Response missing = send("GET", QStringLiteral("/api/v1/a/b/c"));
    QCOMPARE(m_hookLog.size(), 3);

    const HookEntry *entry = hookEntry(QString::fromLatin1(ok.header("X-Request-Id")));
    QVERIFY(entry);
    QCOMPARE(entry->status, 200);
    QCOMPARE(entry->routePattern, QStringLiteral("/api/v1/conversations/{id}"));
    QCOMPARE(entry->tokenId, ApiTokenStore::idForToken(Token));
    QVERIFY(entry->seconds >= 0 && entry->seconds < 5);

    entry = hookEntry(QString::fromLatin1(denied.header("X-Request-Id")));
    QVERIFY(entry);
    QCOMPARE(entry->status, 401);
    QCOMPARE(entry->routePattern, QStringLiteral("/api/v1/ping"));
    QVERIFY(entry->tokenId.isEmpty());

    entry = hookEntry(QString::fromLatin1(missing.header("X-Request-Id")));
    QVERIFY(entry);
    QCOMPARE(entry->status, 404);
    QVERIFY(entry->routePattern.isEmpty());
}

void TestHttpServer::answersAfterServerDestructionAreDropped()
{
    auto server = std::make_unique<HttpServer>();
    server->setTokenStore(ApiTokenStore({QString::fromLatin1(Token)}));
    QList<HttpResponder> held;
    server->router().get(QStringLiteral("/hold"),
                         [&held](const HttpRequest &, HttpResponder r) { held.append(r); });
    QVERIFY(server->listen(QHostAddress::LocalHost, 0));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server->port());
    QVERIFY(QTest::qWaitFor([&] { return socket.state() == QAbstractSocket::ConnectedState; }));
    socket.write("GET /hold HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Token +
                 "\r\n\r\n"
                 "GET /hold HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                 Token + "\r\n\r\n");
    QTRY_COMPARE(held.size(), 2);
    QCOMPARE(server->pendingResponses(), 2);

    server.reset();
    QTRY_VERIFY(socket.state() != QAbstractSocket::ConnectedState);

    // The engine may still hold responders when the server goes away, on any thread.
    QVERIFY(held.at(0).sendJson(200, QJsonObject{}));
    QThread *worker =
        QThread::create([r = held.at(1)] { r.sendText(200, QStringLiteral("late")); });
    worker->start();
    QVERIFY(worker->wait(5000));
    delete worker;
    QVERIFY(held.at(1).isAnswered());
    held.clear();
    QCoreApplication::processEvents();
}

void TestHttpServer::problemJsonShape()
{
    Problem problem =
        Problem::unprocessable({{QStringLiteral("text"), QStringLiteral("must not be empty")},
                                {QStringLiteral("platform"), QStringLiteral("unknown platform")}});
    problem.setInstance(QStringLiteral("/api/v1/messages"));
    const QJsonObject json = problem.toJson();
    QCOMPARE(json.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/validation-failed"));
    QCOMPARE(json.value(QStringLiteral("status")).toInt(), 422);
    QCOMPARE(json.value(QStringLiteral("instance")).toString(), QStringLiteral("/api/v1/messages"));
    const QJsonArray errors = json.value(QStringLiteral("errors")).toArray();
    QCOMPARE(errors.size(), 2);
    QCOMPARE(errors.at(0).toObject().value(QStringLiteral("field")).toString(),
             QStringLiteral("text"));
    QCOMPARE(errors.at(1).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("unknown platform"));

    // Extensions cannot overwrite the standard members.
    problem.setExtension(QStringLiteral("status"), 200);
    QCOMPARE(problem.toJson().value(QStringLiteral("status")).toInt(), 422);

    const Problem busy = Problem::serviceUnavailable(7);
    QCOMPARE(busy.status(), 503);
    QCOMPARE(busy.toJson().value(QStringLiteral("retry_after")).toInt(), 7);
    QVERIFY(busy.headers().contains(std::pair(QByteArray("Retry-After"), QByteArray("7"))));

    const Problem limited = Problem::tooManyRequests(3);
    QCOMPARE(limited.status(), 429);
    QVERIFY(limited.headers().contains(std::pair(QByteArray("Retry-After"), QByteArray("3"))));

    Error error{ErrorKind::Unavailable, QStringLiteral("database down"), {}, 5};
    QCOMPARE(Problem::fromError(error).status(), 503);
    QCOMPARE(Problem::fromError(error).toJson().value(QStringLiteral("retry_after")).toInt(), 5);
    error = Error{
        ErrorKind::Invalid, QStringLiteral("bad"), {{QStringLiteral("x"), QStringLiteral("y")}}, 0};
    QCOMPARE(Problem::fromError(error).status(), 422);
    error = Error{ErrorKind::NotFound, QStringLiteral("no such conversation"), {}, 0};
    QCOMPARE(Problem::fromError(error).status(), 404);
    error = Error{ErrorKind::Conflict, QStringLiteral("duplicate"), {}, 0};
    QCOMPARE(Problem::fromError(error).status(), 409);
    error = Error{ErrorKind::Internal, QStringLiteral("SELECT failed on /var/lib/x.db"), {}, 0};
    QCOMPARE(Problem::fromError(error).status(), 500);
    QVERIFY(!Problem::fromError(error).detail().contains(QStringLiteral("/var/lib")));
}

void TestHttpServer::routerRejectsBadPatterns()
{
    Router router;
    const Router::Handler handler = [](const HttpRequest &, HttpResponder) {};
    QVERIFY(!router.get(QStringLiteral("no-leading-slash"), handler));
    QVERIFY(!router.get(QStringLiteral("/a//b"), handler));
    QVERIFY(!router.get(QStringLiteral("/a/{}"), handler));
    QVERIFY(!router.get(QStringLiteral("/a/{id}/{id}"), handler));
    QVERIFY(!router.get(QStringLiteral("/a/x{id}"), handler));
    QVERIFY(!router.get(QStringLiteral("/a"), Router::Handler()));
    QVERIFY(router.get(QStringLiteral("/a/{id}"), handler));
    QVERIFY(!router.get(QStringLiteral("/a/{id}"), handler)); // duplicate
    QCOMPARE(router.routeCount(), 1);

    QCOMPARE(router.match("GET", QStringLiteral("/a/1")).result, Router::Match::Result::Found);
    QCOMPARE(router.match("head", QStringLiteral("/a/1")).result, Router::Match::Result::Found);
    QCOMPARE(router.match("GET", QStringLiteral("/a/1/")).result, Router::Match::Result::NotFound);
    QCOMPARE(router.match("GET", QStringLiteral("/a")).result, Router::Match::Result::NotFound);
    const Router::Match wrongMethod = router.match("PUT", QStringLiteral("/a/1"));
    QCOMPARE(wrongMethod.result, Router::Match::Result::MethodNotAllowed);
    QCOMPARE(wrongMethod.allowedMethods,
             QStringList({QStringLiteral("GET"), QStringLiteral("HEAD")}));
}

void TestHttpServer::jsonContentTypeRules()
{
    QVERIFY(HttpRequest::isJsonContentType("application/json"));
    QVERIFY(HttpRequest::isJsonContentType("application/problem+json"));
    QVERIFY(HttpRequest::isJsonContentType("application/json;charset=utf8"));
    QVERIFY(!HttpRequest::isJsonContentType(""));
    QVERIFY(!HttpRequest::isJsonContentType("text/json"));
    QVERIFY(!HttpRequest::isJsonContentType("application/+json"));
    QVERIFY(!HttpRequest::isJsonContentType("application/jsonx"));
    QVERIFY(!HttpRequest::isJsonContentType("application/json; charset=utf-16"));

    QCOMPARE(HttpRequest::jsonNestingDepth("{}", 32), 1);
    QCOMPARE(HttpRequest::jsonNestingDepth("{\"a\":[{\"b\":[]}]}", 32), 4);
    QCOMPARE(HttpRequest::jsonNestingDepth("{\"a\":\"[[[\\\"[[\"}", 32), 1);
    QCOMPARE(HttpRequest::jsonNestingDepth(QByteArray(1000, '['), 32), 33); // stops early

    HttpRequest request;
    request.setHeaders({{"content-type", "application/json"}, {"X-Other", "1"}});
    QCOMPARE(request.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(request.header("x-other"), QByteArray("1"));
    QVERIFY(!request.hasHeader("Authorization"));
    request.setBody("{\"k\":\"v\"}");
    Problem problem;
    const std::optional<QJsonObject> body = request.jsonObjectBody(&problem);
    QVERIFY(body.has_value());
    QCOMPARE(body->value(QStringLiteral("k")).toString(), QStringLiteral("v"));
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
