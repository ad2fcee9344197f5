#include "server/httpserver.h"

#include "observability/logger.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QMetaEnum>
#include <QMutex>
#include <QPointer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <deque>
#include <limits>
#include <optional>

namespace relaydesk {

namespace {

// Qt's parser has its own header limit (80 KiB); ours must stay below it to be the one that
// answers.
constexpr qint64 MaxHeaderBytesCeiling = 64 * 1024;
// After a 413 the rest of the upload is read and discarded for this long so the client can
// read the answer before the connection closes (closing with unread data sends RST, and the
// client may lose the response).
constexpr int DrainTimeoutMs = 2000;

// Accepts connections itself so the size guard sees every socket's readyRead before
// QAbstractHttpServer buffers the body.
class GuardedTcpServer : public QTcpServer
{
public:
    GuardedTcpServer(std::function<void(QTcpSocket *)> onAccepted,
                     std::optional<QSslConfiguration> tls, QObject *parent)
        : QTcpServer(parent)
        , m_onAccepted(std::move(onAccepted))
        , m_tls(std::move(tls))
    {}

protected:
    void incomingConnection(qintptr descriptor) override
    {
        QTcpSocket *socket = nullptr;
        if (m_tls) {
            // QSslSocket only signals readyRead for decrypted bytes, so the guard and Qt's
            // parser above it see plain HTTP.
            auto *ssl = new QSslSocket(this);
            ssl->setSslConfiguration(*m_tls);
            // A failed handshake (plain HTTP on this port, an untrusting client) would otherwise
            // leave the connection open until the idle timeout.
            connect(ssl, &QAbstractSocket::errorOccurred, ssl,
                    [ssl](QAbstractSocket::SocketError error) {
                        if (error == QAbstractSocket::SslHandshakeFailedError ||
                            error == QAbstractSocket::SslInternalError ||
                            error == QAbstractSocket::SslInvalidUserDataError)
                            QMetaObject::invokeMethod(ssl, &QAbstractSocket::abort,
                                                      Qt::QueuedConnection);
                    });
            socket = ssl;
        } else {
            socket = new QTcpSocket(this);
        }
        if (!socket->setSocketDescriptor(descriptor)) {
            qWarning("HttpServer: cannot adopt an accepted connection: %ls",
                     qUtf16Printable(socket->errorString()));
            delete socket;
            return;
        }
        m_onAccepted(socket);
        if (m_tls)
            static_cast<QSslSocket *>(socket)->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    std::function<void(QTcpSocket *)> m_onAccepted;
    std::optional<QSslConfiguration> m_tls;
};

bool isRateLimitExempt(const QString &routePattern)
{
    return routePattern == QLatin1String("/health") || routePattern == QLatin1String("/ready") ||
           routePattern == QLatin1String("/metrics");
}

// A responder that adds `extra` to whatever the handler answers through it.
HttpResponder withHeaders(const HttpResponder &inner, const HttpRequest &request,
                          HttpHeaderList extra)
{
    return HttpResponder(request.requestId(), request.encodedPath(),
                         [inner, extra = std::move(extra)](HttpResponder::Reply reply) {
                             reply.headers.append(extra);
                             inner.sendReply(reply);
                         });
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect:
        return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

bool hasToken(const QByteArray &headerValue, QByteArrayView token)
{
    const QList<QByteArray> parts = headerValue.split(',');
    for (const QByteArray &part : parts) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool bodyAllowed(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

bool isSafeHeader(const std::pair<QByteArray, QByteArray> &header)
{
    // A CR or LF from handler-supplied text would let it inject headers or a second response.
    const auto clean = [](const QByteArray &text) {
        return !text.contains('\r') && !text.contains('\n');
    };
    return !header.first.isEmpty() && clean(header.first) && clean(header.second) &&
           !header.first.contains(':');
}

} // namespace

// One accepted socket: its answers in request order, plus the size guard's view of the
// request currently arriving.
struct HttpServer::Connection {
    QPointer<QTcpSocket> socket;
    QPointer<QTimer> idleTimer; // child of the socket
    std::deque<std::shared_ptr<Pending>> queue;
    bool closeAfterFlush = false;

    QByteArray head;
    bool headComplete = false;
    qint64 headBytes = 0;
    qint64 received = 0;
    bool rejected = false;
    bool drainLengthKnown = false; // else drain until the deadline
    qint64 drainRemaining = 0;

    void resetGuard()
    {
        head.clear();
        headComplete = false;
        headBytes = 0;
        received = 0;
    }
};

struct HttpServer::Pending {
    std::optional<QHttpServerResponder> responder; // empty: written raw (guard rejections)
    HttpRequest request;
    QElapsedTimer timer;
    std::weak_ptr<Connection> connection;
    bool headOnly = false;
    bool closeConnection = false;
    bool ready = false;
    bool finished = false;
    HttpResponder::Reply reply;
};

// Lets a responder on another thread post its answer to the server without racing the
// server's destruction: the destructor clears `server` under the mutex.
struct HttpServer::Gate {
    QMutex mutex;
    HttpServer *server = nullptr;
};

HttpServer::HttpServer(QObject *parent)
    : QAbstractHttpServer(parent)
    , m_isPublicRoute(&HttpServer::isDefaultPublicRoute)
    , m_gate(std::make_shared<Gate>())
{
    m_gate->server = this;
}

HttpServer::~HttpServer()
{
    {
        QMutexLocker lock(&m_gate->mutex);
        m_gate->server = nullptr;
    }
    // Sockets die with their QTcpServer; deleting the servers while our members still exist
    // lets the sockets' destroyed handlers run against a whole object.
    const QList<QTcpServer *> listeners = servers();
    qDeleteAll(listeners);
    m_connections.clear();
}

void HttpServer::setMaxBodyBytes(qint64 bytes)
{
    m_maxBodyBytes = qMax<qint64>(0, bytes);
}

void HttpServer::setMaxHeaderBytes(qint64 bytes)
{
    m_maxHeaderBytes = qBound<qint64>(256, bytes, MaxHeaderBytesCeiling);
}

void HttpServer::setIdleTimeoutMs(int milliseconds)
{
    m_idleTimeoutMs = qMax(1, milliseconds);
}

void HttpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
}

void HttpServer::setPublicRoutePredicate(PublicRoutePredicate predicate)
{
    m_isPublicRoute = predicate ? std::move(predicate) : &HttpServer::isDefaultPublicRoute;
}

bool HttpServer::isDefaultPublicRoute(const QString &routePattern)
{
    return routePattern == QLatin1String("/health") || routePattern == QLatin1String("/ready") ||
           routePattern.startsWith(QLatin1String("/api/v1/webhooks/"));
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    auto *listener =
        new GuardedTcpServer([this](QTcpSocket *socket) { attachSocket(socket); }, m_tls, this);
    if (!listener->listen(address, port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(listener->errorString());
        delete listener;
        return false;
    }
    bind(listener);
    return true;
}

quint16 HttpServer::port() const
{
    const QList<QTcpServer *> listeners = servers();
    for (const QTcpServer *listener : listeners) {
        if (listener->isListening())
            return listener->serverPort();
    }
    return 0;
}

void HttpServer::attachSocket(QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = connectionFor(socket);
    auto *timer = new QTimer(socket);
    timer->setSingleShot(true);
    timer->setInterval(m_idleTimeoutMs);
    const std::weak_ptr<Connection> weak = connection;
    connect(timer, &QTimer::timeout, this, [this, weak] {
        if (const std::shared_ptr<Connection> alive = weak.lock())
            onIdle(alive);
    });
    connection->idleTimer = timer;
    timer->start();
    // Connected before QAbstractHttpServer connects its own handler, so this runs first.
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { onReadyRead(socket); });
}

std::shared_ptr<HttpServer::Connection> HttpServer::connectionFor(QTcpSocket *socket)
{
    auto found = m_connections.constFind(socket);
    if (found != m_connections.constEnd())
        return found.value();

    auto connection = std::make_shared<Connection>();
    connection->socket = socket;
    m_connections.insert(socket, connection);
    connect(socket, &QObject::destroyed, this, [this, socket] {
        const std::shared_ptr<Connection> gone = m_connections.take(socket);
        if (!gone)
            return;
        // Answers already given but stuck behind an unanswered one are dropped now; the
        // others are dropped when their handler answers.
        for (const std::shared_ptr<Pending> &pending : gone->queue) {
            if (pending->ready)
                finish(*pending);
        }
        gone->queue.clear();
    });
    return connection;
}

void HttpServer::onReadyRead(QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = m_connections.value(socket);
    if (!connection)
        return;
    if (connection->rejected) {
        drain(connection);
        return;
    }

    // Qt's handler reads everything on each readyRead, so what is available now is exactly
    // what arrived since.
    const qint64 available = socket->bytesAvailable();
    if (available <= 0)
        return;
    connection->received += available;

    if (!connection->headComplete) {
        connection->head.append(
            socket->peek(qMin<qint64>(available, m_maxHeaderBytes - connection->head.size())));
        const qsizetype end = connection->head.indexOf("\r\n\r\n");
        if (end >= 0) {
            connection->headComplete = true;
            connection->headBytes = end + 4;
            connection->head.truncate(end + 4);
            bool ok = false;
            const qint64 declared = rawHeader(connection->head, "Content-Length").toLongLong(&ok);
            const qint64 bodySoFar = connection->received - connection->headBytes;
            if (ok && declared > m_maxBodyBytes) {
                rejectOversized(connection, declared - bodySoFar);
                return;
            }
            // Qt 6.4 never sends 100 Continue, so curl and friends would sit out their expect
            // timeout before uploading. Only when nothing is queued ahead of it: an interim
            // answer must not land between earlier responses.
            if (ok && declared > 0 && bodySoFar == 0 && connection->queue.empty() &&
                requestLine(connection->head).endsWith("HTTP/1.1") &&
                hasToken(rawHeader(connection->head, "Expect"), "100-continue"))
                socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        } else if (connection->head.size() >= m_maxHeaderBytes) {
            reject(connection, std::nullopt,
                   Problem(431, QStringLiteral("Request header fields too large"),
                           QStringLiteral("The request line and headers exceed the limit of %1 "
                                          "bytes.")
                               .arg(m_maxHeaderBytes),
                           QStringLiteral("headers-too-large")));
            return;
        }
    }

    // Chunked bodies have no Content-Length; cap the raw bytes instead (generous, since chunk
    // framing adds overhead; the decoded size is checked again in handleRequest).
    const qint64 rawCap = 2 * m_maxBodyBytes + 128 * 1024;
    if (connection->received - connection->headBytes > rawCap)
        rejectOversized(connection, std::nullopt);
}

void HttpServer::rejectOversized(const std::shared_ptr<Connection> &connection,
                                 std::optional<qint64> remainingBody)
{
    reject(connection, remainingBody, Problem::payloadTooLarge(m_maxBodyBytes));
}

void HttpServer::onIdle(const std::shared_ptr<Connection> &connection)
{
    QTcpSocket *socket = connection->socket;
    if (!socket || connection->rejected)
        return;
    if (!connection->queue.empty())
        return; // answers pending: flush() restarts the clock once they are written
    // After a WebSocket upgrade Qt owns the socket and handleRequest() never saw the request.
    if (connection->headComplete &&
        rawHeader(connection->head, "Upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
        return;
    if (connection->received > 0) {
        reject(connection, std::nullopt,
               Problem(408, QStringLiteral("Request timeout"),
                       QStringLiteral("The request did not arrive completely within %1 ms.")
                           .arg(m_idleTimeoutMs),
                       QStringLiteral("request-timeout")));
        return;
    }
    socket->disconnectFromHost();
}

void HttpServer::reject(const std::shared_ptr<Connection> &connection,
                        std::optional<qint64> remainingBody, const Problem &problem)
{
    QTcpSocket *socket = connection->socket;
    if (!socket)
        return;
    connection->rejected = true;
    connection->drainLengthKnown = remainingBody.has_value();
    connection->drainRemaining = remainingBody.value_or(0);
    // From here on this connection carries no more requests: keep Qt's parser from buffering
    // the upload, and throw away what it held of it.
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());

    HttpRequest request = connection->headComplete && connection->headBytes > 0
                              ? fromRawHead(connection->head, socket->peerAddress())
                              : HttpRequest();
    if (request.requestId().isEmpty())
        request.setRequestId(HttpRequest::generateRequestId());
    const std::shared_ptr<Pending> pending = enqueue(connection, request);
    pending->closeConnection = true;
    responderFor(pending).sendProblem(problem);

    QTimer::singleShot(DrainTimeoutMs, socket, [socket] { socket->disconnectFromHost(); });
}

void HttpServer::drain(const std::shared_ptr<Connection> &connection)
{
    QTcpSocket *socket = connection->socket;
    if (!socket)
        return;
    const qint64 discarded = socket->skip(socket->bytesAvailable());
    if (!connection->drainLengthKnown)
        return;
    connection->drainRemaining -= qMax<qint64>(0, discarded);
    if (connection->drainRemaining <= 0 && connection->queue.empty())
        socket->disconnectFromHost();
}

HttpRequest HttpServer::fromQt(const QHttpServerRequest &request)
{
    HttpRequest result;
    result.setMethod(methodName(request.method()));
    result.setUrl(request.url());
    HttpHeaderList headers;
    const auto qtHeaders = request.headers();
    for (const auto &header : qtHeaders)
        headers.append({header.first, header.second});
    result.setHeaders(headers);
    result.setBody(request.body());
    result.setRemoteAddress(request.remoteAddress());
    result.setRequestId(result.requestIdFromHeaders());
    return result;
}

QByteArray HttpServer::requestLine(const QByteArray &head)
{
    const qsizetype end = head.indexOf("\r\n");
    return (end < 0 ? head : head.left(end)).trimmed();
}

QByteArray HttpServer::rawHeader(const QByteArray &head, QByteArrayView name)
{
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

HttpRequest HttpServer::fromRawHead(const QByteArray &head, const QHostAddress &peer)
{
    HttpRequest result;
    result.setRemoteAddress(peer);
    const QList<QByteArray> lines = head.split('\n');
    if (lines.isEmpty())
        return result;
    const QList<QByteArray> parts = lines.first().trimmed().split(' ');
    result.setMethod(parts.value(0).toUpper());
    result.setUrl(QUrl::fromEncoded(parts.value(1)));
    HttpHeaderList headers;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    result.setHeaders(headers);
    result.setRequestId(result.requestIdFromHeaders());
    return result;
}

std::shared_ptr<HttpServer::Pending>
HttpServer::enqueue(const std::shared_ptr<Connection> &connection, const HttpRequest &request)
{
    auto pending = std::make_shared<Pending>();
    pending->timer.start();
    pending->request = request;
    pending->connection = connection;
    pending->headOnly = request.method() == "HEAD";
    pending->closeConnection = hasToken(request.header("Connection"), "close");
    connection->queue.push_back(pending);
    ++m_pendingCount;
    return pending;
}

HttpResponder HttpServer::responderFor(const std::shared_ptr<Pending> &pending)
{
    const std::shared_ptr<Gate> gate = m_gate;
    return HttpResponder(pending->request.requestId(), pending->request.encodedPath(),
                         [gate, pending](HttpResponder::Reply reply) {
                             QMutexLocker lock(&gate->mutex);
                             HttpServer *server = gate->server;
                             if (!server)
                                 return;
                             if (QThread::currentThread() == server->thread()) {
                                 lock.unlock();
                                 server->complete(pending, std::move(reply));
                                 return;
                             }
                             // Posting is thread-safe, and the mutex keeps the server alive until
                             // it is queued; Qt discards the event if the server is destroyed
                             // before it runs.
                             QMetaObject::invokeMethod(
                                 server,
                                 [server, pending, reply = std::move(reply)]() mutable {
                                     server->complete(pending, std::move(reply));
                                 },
                                 Qt::QueuedConnection);
                         });
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const std::shared_ptr<Connection> connection = connectionFor(socket);
    if (connection->idleTimer)
        connection->idleTimer->stop();
    // QHttpServerRequest does not expose the HTTP version; the guard saw the request line.
    // HTTP/1.0 clients (ab, old proxies) expect the close unless they asked for keep-alive.
    const bool http10 =
        connection->headComplete && requestLine(connection->head).endsWith("HTTP/1.0");
    connection->resetGuard();
    const std::shared_ptr<Pending> pending = enqueue(connection, fromQt(request));
    if (http10 && !hasToken(pending->request.header("Connection"), "keep-alive"))
        pending->closeConnection = true;
    pending->responder.emplace(makeResponder(request, socket));
    if (pending->closeConnection)
        connection->closeAfterFlush = true;
    process(pending, responderFor(pending));
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest() never declines, so Qt only gets here for a request it could not route
    // itself; answer in the same format rather than leaving the client waiting.
    const std::shared_ptr<Connection> connection = connectionFor(socket);
    const std::shared_ptr<Pending> pending = enqueue(connection, fromQt(request));
    pending->responder.emplace(makeResponder(request, socket));
    responderFor(pending).sendProblem(Problem::notFound());
}

void HttpServer::process(const std::shared_ptr<Pending> &pending, const HttpResponder &responder)
{
    const HttpRequest &request = pending->request;

    bool declaredOk = false;
    const qint64 declared = request.header("Content-Length").trimmed().toLongLong(&declaredOk);
    if ((declaredOk && declared > m_maxBodyBytes) || request.body().size() > m_maxBodyBytes) {
        responder.sendProblem(Problem::payloadTooLarge(m_maxBodyBytes));
        return;
    }
    if (request.method() == "UNKNOWN") {
        responder.sendProblem(
            Problem(501, {}, QStringLiteral("This HTTP method is not supported.")));
        return;
    }

    const Router::Match match = m_router.match(request.method(), request.encodedPath());
    pending->request.setRoutePattern(match.pattern);
    pending->request.setPathParams(match.params);
    const bool publicRoute =
        match.result == Router::Match::Result::Found && m_isPublicRoute(match.pattern);
    const bool limited = m_rateLimiter && !isRateLimitExempt(match.pattern);
    RateLimiter::Decision tightest;
    tightest.remaining = std::numeric_limits<int>::max();
    // The address bucket is checked before authentication so guessing tokens is throttled too.
    if (limited &&
        rateLimited(pending, QStringLiteral("address:") + request.remoteAddress().toString(),
                    &tightest, responder))
        return;
    if (!publicRoute && !authenticate(pending, responder))
        return;
    if (limited && !pending->request.tokenId().isEmpty() &&
        rateLimited(pending, QStringLiteral("token:") + pending->request.tokenId(), &tightest,
                    responder))
        return;
    const HttpResponder answer =
        limited ? withHeaders(responder, pending->request, m_rateLimiter->headers(tightest))
                : responder;

    // The handler gets its own copy: answering synchronously may release `pending`.
    if (!m_interceptor) {
        Router::run(match, pending->request, answer);
        return;
    }
    // The caller keeps `pending` alive for this call; the interceptor copies what it keeps.
    m_interceptor(pending->request, answer,
                  [match](const HttpRequest &intercepted, const HttpResponder &through) {
                      Router::run(match, intercepted, through);
                  });
}

bool HttpServer::rateLimited(const std::shared_ptr<Pending> &pending, const QString &key,
                             RateLimiter::Decision *tightest, const HttpResponder &responder)
{
    const RateLimiter::Decision decision =
        m_rateLimiter->take(key, QDateTime::currentMSecsSinceEpoch());
    if (!decision.allowed) {
        qCInfo(lcServer, "rate limit: %s %s refused per %s", pending->request.method().constData(),
               qPrintable(pending->request.routePattern()),
               qPrintable(key.section(QLatin1Char(':'), 0, 0)));
        responder.sendProblem(m_rateLimiter->refusal(decision));
        return true;
    }
    if (decision.remaining < tightest->remaining)
        *tightest = decision;
    return false;
}

bool HttpServer::authenticate(const std::shared_ptr<Pending> &pending,
                              const HttpResponder &responder)
{
    const QByteArray authorization = pending->request.header("Authorization").trimmed();
    if (authorization.isEmpty()) {
        responder.sendProblem(Problem::unauthorized(
            QStringLiteral("This endpoint needs an API token: Authorization: Bearer <token>."),
            false));
        return false;
    }
    const qsizetype space = authorization.indexOf(' ');
    const QByteArray scheme = space < 0 ? authorization : authorization.left(space);
    const QByteArray token = space < 0 ? QByteArray() : authorization.mid(space + 1).trimmed();
    if (scheme.compare("Bearer", Qt::CaseInsensitive) != 0 || token.isEmpty()) {
        responder.sendProblem(Problem::unauthorized(
            QStringLiteral("The Authorization header must use the Bearer scheme."), false));
        return false;
    }
    const std::optional<QString> tokenId = m_tokens.tokenId(token);
    if (!tokenId) {
        responder.sendProblem(
            Problem::unauthorized(QStringLiteral("The API token is not valid."), true));
        return false;
    }
    pending->request.setTokenId(*tokenId);
    return true;
}

void HttpServer::complete(const std::shared_ptr<Pending> &pending, HttpResponder::Reply reply)
{
    if (pending->ready)
        return;
    pending->reply = std::move(reply);
    pending->ready = true;
    const std::shared_ptr<Connection> connection = pending->connection.lock();
    if (!connection || !connection->socket) {
        finish(*pending);
        return;
    }
    flush(connection);
}

void HttpServer::flush(const std::shared_ptr<Connection> &connection)
{
    while (!connection->queue.empty() && connection->queue.front()->ready) {
        const std::shared_ptr<Pending> pending = connection->queue.front();
        connection->queue.pop_front();
        write(*connection, *pending);
        finish(*pending);
    }
    QTcpSocket *socket = connection->socket;
    if (!socket || !connection->queue.empty())
        return;
    if (connection->idleTimer && !connection->rejected && !connection->closeAfterFlush)
        connection->idleTimer->start();
    if (connection->rejected) {
        if (connection->drainLengthKnown && connection->drainRemaining <= 0)
            socket->disconnectFromHost();
    } else if (connection->closeAfterFlush) {
        socket->disconnectFromHost();
    }
}

void HttpServer::write(Connection &connection, Pending &pending)
{
    QTcpSocket *socket = connection.socket;
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;

    int status = pending.reply.status;
    static const QMetaEnum statusCodes = QMetaEnum::fromType<QHttpServerResponder::StatusCode>();
    if (status < 100 || status > 599 || !statusCodes.valueToKey(status)) {
        // QHttpServerResponder has no reason phrase for other codes (and would throw).
        qWarning("HttpServer: handler answered with unsupported status %d; sending 500", status);
        status = 500;
    }
    pending.reply.status = status;

    HttpHeaderList headers;
    for (const auto &header : std::as_const(pending.reply.headers)) {
        if (isSafeHeader(header))
            headers.append(header);
        else
            qWarning("HttpServer: dropping a response header with control characters");
    }
    const QByteArray &body = pending.reply.body;
    const bool withBody = bodyAllowed(status);
    if (withBody)
        headers.append({QByteArrayLiteral("Content-Length"), QByteArray::number(body.size())});
    if (pending.closeConnection)
        headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("close")});
    const bool sendBody = withBody && !pending.headOnly && !body.isEmpty();

    if (pending.responder) {
        QHttpServerResponder &responder = *pending.responder;
        responder.writeStatusLine(QHttpServerResponder::StatusCode(status));
        for (const auto &[name, value] : std::as_const(headers))
            responder.writeHeader(name, value);
        // writeBody() also ends the header block, so it is called even without a body.
        if (sendBody)
            responder.writeBody(body);
        else
            responder.writeBody("", 0);
        pending.responder.reset();
        return;
    }

    QByteArray raw = "HTTP/1.1 " + QByteArray::number(status) + ' ' +
                     Problem::reasonPhrase(status).toLatin1() + "\r\n";
    for (const auto &[name, value] : std::as_const(headers))
        raw += name + ": " + value + "\r\n";
    raw += "\r\n";
    if (sendBody)
        raw += body;
    socket->write(raw);
}

void HttpServer::finish(Pending &pending)
{
    if (pending.finished)
        return;
    pending.finished = true;
    pending.responder.reset();
    --m_pendingCount;
    if (m_hook)
        m_hook(pending.request, pending.reply.status, pending.timer.nsecsElapsed() / 1e9);
}

} // namespace relaydesk
