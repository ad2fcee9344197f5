#include "fakes/fakehttpserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <memory>

using namespace relaydesk;

namespace {

struct RawResponse {
    int status = 0;
    QMap<QByteArray, QByteArray> headers;
    QByteArray body;
};

bool waitForFinished(QNetworkReply *reply, int timeoutMs = 5000)
{
    if (reply->isFinished())
        return true;
    QSignalSpy spy(reply, &QNetworkReply::finished);
    return spy.wait(timeoutMs);
}

QNetworkRequest jsonRequest(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    return request;
}

int statusOf(QNetworkReply *reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// Our own minimal response reader, so the raw-socket tests do not depend on the code under test
// to frame what comes back.
bool takeResponse(QByteArray &buffer, RawResponse &response)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    RawResponse parsed;
    parsed.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        parsed.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
    }
    const qsizetype length = parsed.headers.value("content-length", "0").toLongLong();
    if (buffer.size() < headerEnd + 4 + length)
        return false;
    parsed.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, headerEnd + 4 + length);
    response = parsed;
    return true;
}

QList<RawResponse> readResponses(QTcpSocket &socket, QByteArray &buffer, int count,
                                 int timeoutMs = 5000)
{
    QList<RawResponse> responses;
    QElapsedTimer timer;
    timer.start();
    while (responses.size() < count && timer.elapsed() < timeoutMs) {
        RawResponse response;
        while (responses.size() < count && takeResponse(buffer, response))
            responses.append(response);
        // The server shares this thread, so wait by spinning the event loop, never by blocking.
        if (responses.size() < count) {
            QTest::qWait(5);
            buffer += socket.readAll();
        }
    }
    return responses;
}

QByteArray readFixture(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace

class TestFakeHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void listensOnLoopback();
    void defaultResponseRecordsRequest();
    void postBodyGoesToHandler();
    void scriptedSequenceThenHandler();
    void delayHoldsTheResponse();
    void dropClosesWithoutAnswer();
    void keepAliveConnectionIsReused();
    void connectionCloseIsHonoured();
    void pipelinedRequestsWithPartialReads();
    void manyPipelinedRequestsStayInOrder();
    void chunkedRequestBodyWithExpectContinue();
    void malformedRequestsGet400();
    void http10ClosesAfterResponse();
    void headHasNoBody();
    void servesFixtureWithRecordedHeaders();
    void fixtureStatusOverrideAndMissingFile();
    void streamsChunkedResponse();
    void waitForRequestsTimesOut();
    void runsOnAnotherThread();
};

void TestFakeHttpServer::listensOnLoopback()
{
    FakeHttpServer server;
    QVERIFY(server.isListening());
    QVERIFY(server.port() > 0);
    QCOMPARE(server.url().host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(server.url().port(), int(server.port()));
    const QUrl withQuery = server.url(QStringLiteral("/bot123:abc/getUpdates?offset=7"));
    QCOMPARE(withQuery.path(), QStringLiteral("/bot123:abc/getUpdates"));
    QCOMPARE(withQuery.query(), QStringLiteral("offset=7"));
    QCOMPARE(withQuery.port(), int(server.port()));
    QCOMPARE(server.url().toString(),
             QString(QStringLiteral("http://127.0.0.1:") + QString::number(server.port())));
    QCOMPARE(server.url(QStringLiteral("v1/messages")).path(), QStringLiteral("/v1/messages"));
}

void TestFakeHttpServer::defaultResponseRecordsRequest()
{
    FakeHttpServer server;
    QSignalSpy received(&server, &FakeHttpServer::requestReceived);
    QNetworkAccessManager nam;
    QNetworkRequest request(server.url(QStringLiteral("/v1/items?limit=5&q=a%20b")));
    request.setRawHeader("X-Custom-Header", "Value 1");
    request.setRawHeader("Authorization", "Bearer secret");
    const QDateTime before = QDateTime::currentDateTimeUtc();
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QVERIFY(waitForFinished(reply.get()));

    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(statusOf(reply.get()), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/json"));
    QCOMPARE(reply->readAll(), QByteArray("{}"));

    QCOMPARE(received.size(), 1);
    const auto fromSignal = received.at(0).at(0).value<RecordedRequest>();
    QCOMPARE(fromSignal.path, QStringLiteral("/v1/items"));

    const QList<RecordedRequest> requests = server.requests();
    QCOMPARE(requests.size(), 1);
    const RecordedRequest &recorded = requests.first();
    QCOMPARE(recorded.method, QByteArray("GET"));
    QCOMPARE(recorded.path, QStringLiteral("/v1/items"));
    QCOMPARE(recorded.query.queryItemValue(QStringLiteral("limit")), QStringLiteral("5"));
    QCOMPARE(recorded.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded),
             QStringLiteral("a b"));
    QCOMPARE(recorded.headers.value("x-custom-header"), QByteArray("Value 1"));
    QCOMPARE(recorded.header("X-CUSTOM-HEADER"), QByteArray("Value 1"));
    QCOMPARE(recorded.header("authorization"), QByteArray("Bearer secret"));
    QCOMPARE(recorded.header("host"), "127.0.0.1:" + QByteArray::number(server.port()));
    QVERIFY(recorded.body.isEmpty());
    QCOMPARE(recorded.receivedAt.timeSpec(), Qt::UTC);
    QVERIFY(recorded.receivedAt >= before.addSecs(-1));
    QVERIFY(recorded.connectionId > 0);

    server.clearRequests();
    QCOMPARE(server.requestCount(), 0);
}

void TestFakeHttpServer::postBodyGoesToHandler()
{
    FakeHttpServer server;
    server.setHandler([](const RecordedRequest &request) {
        FakeResponse response = FakeResponse::json(201, "{\"echo\":" + request.body + '}');
        response.headers.insert("X-Request-Id", "req_1");
        return response;
    });
    QNetworkAccessManager nam;
    QNetworkRequest request(server.url(QStringLiteral("/v1/messages")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QByteArray payload = R"({"text":"héllo","n":1})";
    std::unique_ptr<QNetworkReply> reply(nam.post(request, payload));
    QVERIFY(waitForFinished(reply.get()));

    QCOMPARE(statusOf(reply.get()), 201);
    QCOMPARE(reply->rawHeader("x-request-id"), QByteArray("req_1"));
    QCOMPARE(reply->readAll(), "{\"echo\":" + payload + '}');

    const RecordedRequest recorded = server.requests().value(0);
    QCOMPARE(recorded.method, QByteArray("POST"));
    QCOMPARE(recorded.body, payload);
    QCOMPARE(recorded.header("content-type"), QByteArray("application/json"));
    QCOMPARE(recorded.header("content-length"), QByteArray::number(payload.size()));
}

void TestFakeHttpServer::scriptedSequenceThenHandler()
{
    FakeHttpServer server;
    server.queueResponse(FakeResponse::json(500, R"({"error":"one"})"));
    server.queueResponse(FakeResponse::text(503, "busy").withHeader("Retry-After", "1"));
    server.queueResponse(FakeResponse::json(200, R"({"ok":true})"));
    QCOMPARE(server.queuedResponseCount(), 3);

    QNetworkAccessManager nam;
    const QList<int> expectedStatus{500, 503, 200, 200};
    const QList<QByteArray> expectedBody{R"({"error":"one"})", "busy", R"({"ok":true})", "{}"};
    for (int i = 0; i < expectedStatus.size(); ++i) {
        std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
        QVERIFY(waitForFinished(reply.get()));
        QCOMPARE(statusOf(reply.get()), expectedStatus.at(i));
        QCOMPARE(reply->readAll(), expectedBody.at(i));
        if (i == 1)
            QCOMPARE(reply->rawHeader("Retry-After"), QByteArray("1"));
    }
    QCOMPARE(server.queuedResponseCount(), 0);
    QCOMPARE(server.requestCount(), 4);
}

void TestFakeHttpServer::delayHoldsTheResponse()
{
    FakeHttpServer server;
    server.queueResponse(FakeResponse::text(200, "late").withDelay(400));
    QNetworkAccessManager nam;
    QElapsedTimer timer;
    timer.start();
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));

    // The request is recorded on arrival, long before its answer goes out.
    QVERIFY(server.waitForRequests(1, 5000));
    QVERIFY(!reply->isFinished());
    QVERIFY(waitForFinished(reply.get()));
    QVERIFY2(timer.elapsed() >= 390, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(reply->readAll(), QByteArray("late"));
}

void TestFakeHttpServer::dropClosesWithoutAnswer()
{
    FakeHttpServer server;
    // Every request drops: Qt retries a request once when a connection dies before any response
    // byte, and that retry must fail too.
    server.setHandler([](const RecordedRequest &) { return FakeResponse::dropped(); });
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(reply->error(), QNetworkReply::RemoteHostClosedError);
    QCOMPARE(statusOf(reply.get()), 0);
    QVERIFY(server.requestCount() >= 1);

    // The listener survives dropped connections.
    server.setHandler({});
    std::unique_ptr<QNetworkReply> next(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(next.get()));
    QCOMPARE(statusOf(next.get()), 200);
}

void TestFakeHttpServer::keepAliveConnectionIsReused()
{
    FakeHttpServer server;
    QNetworkAccessManager nam;
    for (int i = 0; i < 3; ++i) {
        std::unique_ptr<QNetworkReply> reply(
            nam.post(jsonRequest(server.url(QStringLiteral("/n"))), QByteArray::number(i)));
        QVERIFY(waitForFinished(reply.get()));
        QCOMPARE(reply->rawHeader("Connection"), QByteArray("keep-alive"));
    }
    const QList<RecordedRequest> requests = server.requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(server.connectionCount(), 1);
    QCOMPARE(requests.at(1).connectionId, requests.at(0).connectionId);
    QCOMPARE(requests.at(2).connectionId, requests.at(0).connectionId);
    QCOMPARE(requests.at(2).body, QByteArray("2"));

    // After the server drops idle connections the client has to open a new one.
    server.closeAllConnections();
    QTest::qWait(50);
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 200);
    QCOMPARE(server.connectionCount(), 2);
}

void TestFakeHttpServer::connectionCloseIsHonoured()
{
    FakeHttpServer server;
    server.queueResponse(FakeResponse::text(200, "bye").withHeader("Connection", "close"));
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> first(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(first.get()));
    QCOMPARE(first->rawHeader("Connection"), QByteArray("close"));
    QCOMPARE(first->readAll(), QByteArray("bye"));

    std::unique_ptr<QNetworkReply> second(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(second.get()));
    QCOMPARE(statusOf(second.get()), 200);
    QCOMPARE(server.connectionCount(), 2);
}

void TestFakeHttpServer::pipelinedRequestsWithPartialReads()
{
    FakeHttpServer server;
    // The first answer is slow: the second must still come after it, in request order.
    server.queueResponse(FakeResponse::text(200, "first").withDelay(150));
    server.queueResponse(FakeResponse::text(200, "second"));
    server.queueResponse(FakeResponse::text(200, "third"));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    const QList<QByteArray> pieces{
        "POST /a?x=1 HTTP/1.1\r\nHost: fake\r\nContent-Le",
        "ngth: 5\r\n\r\nhel",
        "lo\r\nGET /b HTTP/1.1\r\nHost: fake\r\n\r\nGET /c HTTP/1.1\r\nHo",
    };
    for (const QByteArray &piece : pieces) {
        socket.write(piece);
        QVERIFY(socket.waitForBytesWritten(5000));
        // Let the server read each piece separately.
        QTest::qWait(30);
    }
    QByteArray buffer;
    QList<RawResponse> responses = readResponses(socket, buffer, 2);
    QCOMPARE(responses.size(), 2);
    QCOMPARE(responses.at(0).body, QByteArray("first"));
    QCOMPARE(responses.at(1).body, QByteArray("second"));
    QCOMPARE(server.requestCount(), 2);

    socket.write("st: fake\r\n\r\n");
    responses = readResponses(socket, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).body, QByteArray("third"));

    const QList<RecordedRequest> requests = server.requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(0).method, QByteArray("POST"));
    QCOMPARE(requests.at(0).path, QStringLiteral("/a"));
    QCOMPARE(requests.at(0).query.queryItemValue(QStringLiteral("x")), QStringLiteral("1"));
    QCOMPARE(requests.at(0).body, QByteArray("hello"));
    QCOMPARE(requests.at(1).path, QStringLiteral("/b"));
    QCOMPARE(requests.at(2).path, QStringLiteral("/c"));
    QCOMPARE(server.connectionCount(), 1);
}

void TestFakeHttpServer::manyPipelinedRequestsStayInOrder()
{
    FakeHttpServer server;
    server.setHandler([](const RecordedRequest &request) {
        return FakeResponse::text(200, request.query.queryItemValue(QStringLiteral("i")).toUtf8());
    });
    constexpr int Count = 2000;
    QByteArray burst;
    for (int i = 0; i < Count; ++i)
        burst += "GET /p?i=" + QByteArray::number(i) + " HTTP/1.1\r\nHost: fake\r\n\r\n";
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(burst);
    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, Count, 20000);
    QCOMPARE(responses.size(), Count);
    for (int i = 0; i < Count; ++i)
        QCOMPARE(responses.at(i).body, QByteArray::number(i));
    QCOMPARE(server.connectionCount(), 1);
}

void TestFakeHttpServer::chunkedRequestBodyWithExpectContinue()
{
    FakeHttpServer server;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /upload HTTP/1.1\r\nHost: fake\r\nTransfer-Encoding: chunked\r\n"
                 "Expect: 100-continue\r\n\r\n");
    QByteArray buffer;
    QElapsedTimer timer;
    timer.start();
    while (!buffer.contains("\r\n\r\n") && timer.elapsed() < 5000) {
        QTest::qWait(5);
        buffer += socket.readAll();
    }
    QVERIFY(buffer.startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    buffer.remove(0, qsizetype(qstrlen("HTTP/1.1 100 Continue\r\n\r\n")));
    QCOMPARE(server.requestCount(), 0);

    socket.write("5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
    const QList<RawResponse> responses = readResponses(socket, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(server.requests().value(0).body, QByteArray("hello world"));
}

void TestFakeHttpServer::malformedRequestsGet400()
{
    FakeHttpServer server;
    const QList<QByteArray> badRequests{
        "GARBAGE\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
    };
    for (const QByteArray &bad : badRequests) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(bad);
        QByteArray buffer;
        const QList<RawResponse> responses = readResponses(socket, buffer, 1);
        QVERIFY2(responses.size() == 1, bad.constData());
        QCOMPARE(responses.at(0).status, 400);
        QCOMPARE(responses.at(0).headers.value("connection"), QByteArray("close"));
        QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    }

    QTcpSocket huge;
    huge.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(huge.waitForConnected(5000));
    huge.write("GET / HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a'));
    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(huge, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 431);

    QCOMPARE(server.requestCount(), 0);
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 200);
}

void TestFakeHttpServer::http10ClosesAfterResponse()
{
    FakeHttpServer server;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /old HTTP/1.0\r\n\r\n");
    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).body, QByteArray("{}"));
    QCOMPARE(responses.at(0).headers.value("connection"), QByteArray("close"));
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
}

void TestFakeHttpServer::headHasNoBody()
{
    FakeHttpServer server;
    server.setHandler(
        [](const RecordedRequest &) { return FakeResponse::text(200, "twelve bytes"); });
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> head(nam.head(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(head.get()));
    QCOMPARE(statusOf(head.get()), 200);
    QCOMPARE(head->rawHeader("Content-Length"), QByteArray("12"));
    QVERIFY(head->readAll().isEmpty());

    // If body bytes had leaked after the HEAD response, this reply would be corrupted.
    std::unique_ptr<QNetworkReply> get(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(get.get()));
    QCOMPARE(get->readAll(), QByteArray("twelve bytes"));
    QCOMPARE(server.connectionCount(), 1);
    QCOMPARE(server.requests().value(0).method, QByteArray("HEAD"));
}

void TestFakeHttpServer::servesFixtureWithRecordedHeaders()
{
    const QByteArray expected = readFixture(QStringLiteral("openai/vcr_chat_completion_200.json"));
    QVERIFY(!expected.isEmpty());
    const FakeResponse fixture =
        FakeResponse::fromFile(QStringLiteral("openai/vcr_chat_completion_200.json"));
    QCOMPARE(fixture.status, 200);
    QVERIFY(!fixture.headers.contains("transfer-encoding"));

    FakeHttpServer server;
    server.queueResponse(fixture);
    server.queueResponse(FakeResponse::fromFile(
        QStringLiteral("x_twitter/recorded_post_dm_with_participant_201.json")));
    QNetworkAccessManager nam;

    std::unique_ptr<QNetworkReply> reply(
        nam.post(jsonRequest(server.url(QStringLiteral("/v1/chat/completions"))), "{}"));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 200);
    QCOMPARE(reply->rawHeader("x-request-id"), QByteArray("req_eaf6d4f88e5349c7aebbca3c58a00d61"));
    QCOMPARE(reply->rawHeader("content-type"), QByteArray("application/json"));
    QCOMPARE(reply->readAll(), expected);

    // The recording was gzip-encoded with four Set-Cookie lines; the file holds the decoded body.
    std::unique_ptr<QNetworkReply> dm(nam.post(
        jsonRequest(server.url(QStringLiteral("/2/dm_conversations/with/1/messages"))), "{}"));
    QVERIFY(waitForFinished(dm.get()));
    QCOMPARE(dm->error(), QNetworkReply::NoError);
    QCOMPARE(statusOf(dm.get()), 201);
    QCOMPARE(dm->readAll(),
             readFixture(QStringLiteral("x_twitter/recorded_post_dm_with_participant_201.json")));
    const auto cookies =
        dm->header(QNetworkRequest::SetCookieHeader).value<QList<QNetworkCookie>>();
    QCOMPARE(cookies.size(), 4);
}

void TestFakeHttpServer::fixtureStatusOverrideAndMissingFile()
{
    // This recording keeps its status outside the headers file, so the test states it.
    const FakeResponse rateLimited =
        FakeResponse::fromFile(QStringLiteral("anthropic/error_rate_limit_429.json"), 429);
    QCOMPARE(rateLimited.status, 429);
    QCOMPARE(rateLimited.headers.value("x-should-retry"), QByteArray("true"));
    QVERIFY(!rateLimited.headers.contains("content-length"));

    const FakeResponse sse =
        FakeResponse::fromFile(QStringLiteral("anthropic/messages_stream_basic.sse"));
    QCOMPARE(sse.headers.value("content-type"), QByteArray("text/event-stream"));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no_such_fixture")));
    const FakeResponse missing =
        FakeResponse::fromFile(QStringLiteral("nope/no_such_fixture.json"));
    QCOMPARE(missing.status, 500);
    QVERIFY(missing.body.contains("no_such_fixture.json"));

    FakeHttpServer server;
    server.queueResponse(rateLimited);
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(statusOf(reply.get()), 429);
    QCOMPARE(reply->rawHeader("x-should-retry"), QByteArray("true"));
    QCOMPARE(reply->readAll(), readFixture(QStringLiteral("anthropic/error_rate_limit_429.json")));
}

void TestFakeHttpServer::streamsChunkedResponse()
{
    const QByteArray sse = readFixture(QStringLiteral("anthropic/messages_stream_basic.sse"));
    QVERIFY(sse.size() > 200);
    FakeHttpServer server;
    server.queueResponse(
        FakeResponse::fromFile(QStringLiteral("anthropic/messages_stream_basic.sse"))
            .streamed(64, 5));

    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server.url())));
    QByteArray received;
    int reads = 0;
    connect(reply.get(), &QNetworkReply::readyRead, this, [&] {
        ++reads;
        received += reply->readAll();
    });
    QVERIFY(waitForFinished(reply.get()));
    received += reply->readAll();
    QCOMPARE(reply->rawHeader("Transfer-Encoding"), QByteArray("chunked"));
    QCOMPARE(received, sse);
    QVERIFY2(reads > 1, qPrintable(QString::number(reads)));

    // The connection stays usable after the terminating chunk.
    std::unique_ptr<QNetworkReply> next(nam.get(QNetworkRequest(server.url())));
    QVERIFY(waitForFinished(next.get()));
    QCOMPARE(next->readAll(), QByteArray("{}"));
    QCOMPARE(server.connectionCount(), 1);
}

void TestFakeHttpServer::waitForRequestsTimesOut()
{
    FakeHttpServer server;
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!server.waitForRequests(1, 100));
    QVERIFY(timer.elapsed() >= 90);
    QVERIFY(server.waitForRequests(0, 100));
}

void TestFakeHttpServer::runsOnAnotherThread()
{
    QThread thread;
    thread.start();
    // Anything queued to this object runs on the worker thread.
    auto *anchor = new QObject;
    anchor->moveToThread(&thread);
    FakeHttpServer *server = nullptr;
    QMetaObject::invokeMethod(
        anchor, [&server] { server = new FakeHttpServer; }, Qt::BlockingQueuedConnection);
    QVERIFY(server);
    QCOMPARE(server->thread(), &thread);
    server->queueResponse(FakeResponse::text(200, "from worker"));

    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(server->url())));
    QVERIFY(server->waitForRequests(1, 5000));
    QVERIFY(waitForFinished(reply.get()));
    QCOMPARE(reply->readAll(), QByteArray("from worker"));
    QCOMPARE(server->requests().value(0).path, QStringLiteral("/"));

    QMetaObject::invokeMethod(
        anchor,
        [server, anchor] {
            delete server;
            anchor->deleteLater();
        },
        Qt::BlockingQueuedConnection);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

QTEST_GUILESS_MAIN(TestFakeHttpServer)
#include "tst_fakehttpserver.moc"
