#include "fakes/fakehttpserver.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace relaydesk {

namespace {

// Generous for tests, small enough that a garbage stream cannot exhaust memory.
constexpr qsizetype MaxHeaderBytes = 64 * 1024;
constexpr qsizetype MaxBodyBytes = 64 * 1024 * 1024;

enum class ParseStatus { Incomplete, Complete, Invalid, HeadersTooLarge, BodyTooLarge };

struct ParseResult {
    ParseStatus status = ParseStatus::Incomplete;
    qsizetype consumed = 0;
    RecordedRequest request;
    bool keepAlive = true;
    // Headers are complete but the body is not, and the client waits for our go-ahead.
    bool wantsContinue = false;
};

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(const QByteArray &value)
{
    if (value.isEmpty())
        return false;
    for (const char c : value) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool headerHasToken(const QByteArray &value, const QByteArray &token)
{
    const QList<QByteArray> parts = value.split(',');
    for (const QByteArray &part : parts) {
        if (part.trimmed().toLower() == token)
            return true;
    }
    return false;
}

// Reads one line starting at `pos`; tolerates bare LF line ends as RFC 9112 permits.
bool readLine(const QByteArray &buffer, qsizetype &pos, QByteArray &line)
{
    const qsizetype newline = buffer.indexOf('\n', pos);
    if (newline < 0)
        return false;
    line = buffer.mid(pos, newline - pos);
    if (line.endsWith('\r'))
        line.chop(1);
    pos = newline + 1;
    return true;
}

enum class ChunkStatus { Incomplete, Complete, Invalid, TooLarge };

ChunkStatus decodeChunked(const QByteArray &buffer, qsizetype &pos, QByteArray &body)
{
    for (;;) {
        QByteArray sizeLine;
        if (!readLine(buffer, pos, sizeLine))
            return buffer.size() - pos > MaxHeaderBytes ? ChunkStatus::Invalid
                                                        : ChunkStatus::Incomplete;
        const qsizetype semicolon = sizeLine.indexOf(';');
        const QByteArray hex = (semicolon >= 0 ? sizeLine.left(semicolon) : sizeLine).trimmed();
        bool ok = false;
        const qlonglong size = hex.toLongLong(&ok, 16);
        if (!ok || hex.isEmpty() || size < 0)
            return ChunkStatus::Invalid;
        if (size > MaxBodyBytes || body.size() + size > MaxBodyBytes)
            return ChunkStatus::TooLarge;
        if (size == 0) {
            // Trailer fields end with an empty line; we accept and ignore them.
            for (;;) {
                QByteArray trailer;
                if (!readLine(buffer, pos, trailer))
                    return ChunkStatus::Incomplete;
                if (trailer.isEmpty())
                    return ChunkStatus::Complete;
            }
        }
        if (buffer.size() - pos < size)
            return ChunkStatus::Incomplete;
        body += buffer.mid(pos, size);
        pos += size;
        QByteArray terminator;
        if (!readLine(buffer, pos, terminator))
            return ChunkStatus::Incomplete;
        if (!terminator.isEmpty())
            return ChunkStatus::Invalid;
    }
}

bool parseTarget(const QByteArray &target, RecordedRequest &request)
{
    if (target == "*") {
        request.path = QStringLiteral("*");
        return true;
    }
    // Prefixing origin-form keeps a path such as "//x" from being read as an authority.
    const QUrl url = target.startsWith('/') ? QUrl::fromEncoded("http://fake" + target)
                                            : QUrl::fromEncoded(target);
    if (!url.isValid() || url.scheme().isEmpty())
        return false;
    request.path = url.path(QUrl::FullyDecoded);
    if (request.path.isEmpty())
        request.path = QStringLiteral("/");
    request.query = QUrlQuery(url);
    return true;
}

// Stateless over the buffer: re-reading the header block on each partial read is cheap at test
// sizes and keeps the parser free of resumable state.
ParseResult parseRequest(const QByteArray &buffer)
{
    ParseResult result;
    qsizetype pos = 0;
    QByteArray line;

    // Clients may send stray CRLFs between requests (RFC 9112 section 2.2).
    do {
        if (!readLine(buffer, pos, line)) {
            if (buffer.size() > MaxHeaderBytes)
                result.status = ParseStatus::HeadersTooLarge;
            return result;
        }
    } while (line.isEmpty());

    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty()) {
        result.status = ParseStatus::Invalid;
        return result;
    }
    const QByteArray &version = parts.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        result.status = ParseStatus::Invalid;
        return result;
    }
    RecordedRequest &request = result.request;
    request.method = parts.at(0);
    if (!parseTarget(parts.at(1), request)) {
        result.status = ParseStatus::Invalid;
        return result;
    }

    for (;;) {
        if (!readLine(buffer, pos, line)) {
            if (buffer.size() > MaxHeaderBytes)
                result.status = ParseStatus::HeadersTooLarge;
            return result;
        }
        if (pos > MaxHeaderBytes) {
            result.status = ParseStatus::HeadersTooLarge;
            return result;
        }
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        // Obsolete line folding and whitespace before the colon are request-smuggling vectors;
        // RFC 9112 says reject them.
        if (colon <= 0 || line.startsWith(' ') || line.startsWith('\t') ||
            !isToken(line.left(colon))) {
            result.status = ParseStatus::Invalid;
            return result;
        }
        const QByteArray name = line.left(colon).toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        auto it = request.headers.find(name);
        if (it == request.headers.end())
            request.headers.insert(name, value);
        else
            it.value() += ", " + value;
    }

    const QByteArray connection = request.headers.value("connection");
    result.keepAlive = version == "HTTP/1.1" ? !headerHasToken(connection, "close")
                                             : headerHasToken(connection, "keep-alive");

    if (request.headers.contains("transfer-encoding")) {
        const QList<QByteArray> codings = request.headers.value("transfer-encoding").split(',');
        if (codings.last().trimmed().toLower() != "chunked") {
            result.status = ParseStatus::Invalid;
            return result;
        }
        switch (decodeChunked(buffer, pos, request.body)) {
        case ChunkStatus::Incomplete:
            result.wantsContinue = headerHasToken(request.headers.value("expect"), "100-continue");
            return result;
        case ChunkStatus::Invalid:
            result.status = ParseStatus::Invalid;
            return result;
        case ChunkStatus::TooLarge:
            result.status = ParseStatus::BodyTooLarge;
            return result;
        case ChunkStatus::Complete:
            break;
        }
    } else if (request.headers.contains("content-length")) {
        // Repeated Content-Length headers are only acceptable when they agree.
        const QList<QByteArray> values = request.headers.value("content-length").split(',');
        qlonglong length = -1;
        for (const QByteArray &raw : values) {
            const QByteArray trimmed = raw.trimmed();
            bool ok = !trimmed.isEmpty();
            for (const char c : trimmed)
                ok = ok && c >= '0' && c <= '9';
            const qlonglong value = ok ? trimmed.toLongLong(&ok) : -1;
            if (!ok || (length >= 0 && value != length)) {
                result.status = ParseStatus::Invalid;
                return result;
            }
            length = value;
        }
        if (length > MaxBodyBytes) {
            result.status = ParseStatus::BodyTooLarge;
            return result;
        }
        if (buffer.size() - pos < length) {
            result.wantsContinue = headerHasToken(request.headers.value("expect"), "100-continue");
            return result;
        }
        request.body = buffer.mid(pos, length);
        pos += length;
    }

    result.status = ParseStatus::Complete;
    result.consumed = pos;
    return result;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

bool statusAllowsBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

} // namespace

struct FakeHttpServer::Connection {
    quint64 id = 0;
    QByteArray buffer;
    // A response is being delayed or streamed; later pipelined requests wait so answers keep
    // request order.
    bool busy = false;
    bool continueSent = false;
    // processBuffer's loop is running for this connection.
    bool processing = false;
    // Set once we decided to close; later bytes from the client are discarded.
    bool closing = false;
    bool closeAfterResponse = false;
    // HEAD gets the headers a GET would get, without the body bytes.
    bool headRequest = false;
    // Remaining body of a chunked streaming response.
    QByteArray pendingBody;
    int chunkSize = 0;
    int chunkIntervalMs = 0;
};

FakeHttpServer::FakeHttpServer(QObject *parent)
    : QObject(parent)
    , m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &FakeHttpServer::acceptPending);
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        qWarning("FakeHttpServer: cannot listen on 127.0.0.1: %s",
                 qUtf8Printable(m_server->errorString()));
}

FakeHttpServer::~FakeHttpServer()
{
    m_server->close();
    // Detach first so aborting a socket cannot call back into a half-destroyed server.
    for (auto &entry : m_connections) {
        entry.first->disconnect(this);
        entry.first->abort();
    }
    m_connections.clear();
}

bool FakeHttpServer::isListening() const
{
    return m_server->isListening();
}

quint16 FakeHttpServer::port() const
{
    return m_server->serverPort();
}

QUrl FakeHttpServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port());
    return url;
}

QUrl FakeHttpServer::url(const QString &pathAndQuery) const
{
    return url().resolved(QUrl(pathAndQuery));
}

void FakeHttpServer::setHandler(Handler handler)
{
    QMutexLocker locker(&m_mutex);
    m_handler = std::move(handler);
}

void FakeHttpServer::setDeferrer(Deferrer deferrer)
{
    QMutexLocker locker(&m_mutex);
    m_deferrer = std::move(deferrer);
}

void FakeHttpServer::queueResponse(const FakeResponse &response)
{
    QMutexLocker locker(&m_mutex);
    m_queue.enqueue(response);
}

int FakeHttpServer::queuedResponseCount() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_queue.size());
}

QList<RecordedRequest> FakeHttpServer::requests() const
{
    QMutexLocker locker(&m_mutex);
    return m_requests;
}

int FakeHttpServer::requestCount() const
{
    QMutexLocker locker(&m_mutex);
    return int(m_requests.size());
}

void FakeHttpServer::clearRequests()
{
    QMutexLocker locker(&m_mutex);
    m_requests.clear();
}

bool FakeHttpServer::waitForRequests(int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (requestCount() < count) {
        const qint64 remaining = deadline.remainingTime();
        if (remaining <= 0)
            return false;
        QEventLoop loop;
        // Queued when the server runs on another thread, so the wake-up cannot be missed.
        connect(this, &FakeHttpServer::requestReceived, &loop, &QEventLoop::quit);
        QTimer::singleShot(int(remaining), &loop, &QEventLoop::quit);
        if (requestCount() >= count)
            return true;
        loop.exec();
    }
    return true;
}

int FakeHttpServer::connectionCount() const
{
    QMutexLocker locker(&m_mutex);
    return m_connectionCount;
}

void FakeHttpServer::closeAllConnections()
{
    QList<QTcpSocket *> sockets;
    for (const auto &entry : m_connections)
        sockets.append(entry.first);
    for (QTcpSocket *socket : sockets) {
        if (connectionFor(socket))
            socket->abort();
    }
}

void FakeHttpServer::acceptPending()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        auto connection = std::make_unique<Connection>();
        connection->id = m_nextConnectionId++;
        m_connections.emplace(socket, std::move(connection));
        {
            QMutexLocker locker(&m_mutex);
            ++m_connectionCount;
        }
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this,
                [this, socket] { onDisconnected(socket); });
        // Bytes may already be buffered before the readyRead connection existed.
        if (socket->bytesAvailable() > 0)
            onReadyRead(socket);
    }
}

FakeHttpServer::Connection *FakeHttpServer::connectionFor(QTcpSocket *socket) const
{
    const auto it = m_connections.find(socket);
    return it == m_connections.end() ? nullptr : it->second.get();
}

void FakeHttpServer::onReadyRead(QTcpSocket *socket)
{
    Connection *connection = connectionFor(socket);
    if (!connection)
        return;
    const QByteArray data = socket->readAll();
    if (connection->closing)
        return;
    connection->buffer += data;
    processBuffer(socket);
}

void FakeHttpServer::onDisconnected(QTcpSocket *socket)
{
    m_connections.erase(socket);
    socket->deleteLater();
}

void FakeHttpServer::processBuffer(QTcpSocket *socket)
{
    Connection *connection = connectionFor(socket);
    // Re-entered from finishResponse while the loop below runs; the loop takes the next request,
    // which keeps the stack flat however many requests a client pipelines.
    if (!connection || connection->processing)
        return;
    connection->processing = true;
    while (handleNextRequest(socket)) {
    }
    if (Connection *stillOpen = connectionFor(socket))
        stillOpen->processing = false;
}

bool FakeHttpServer::handleNextRequest(QTcpSocket *socket)
{
    Connection *connection = connectionFor(socket);
    if (!connection || connection->busy || connection->buffer.isEmpty())
        return false;

    ParseResult parsed = parseRequest(connection->buffer);
    switch (parsed.status) {
    case ParseStatus::Incomplete:
        if (parsed.wantsContinue && !connection->continueSent) {
            connection->continueSent = true;
            socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        }
        return false;
    case ParseStatus::Invalid:
        rejectAndClose(socket, 400);
        return false;
    case ParseStatus::HeadersTooLarge:
        rejectAndClose(socket, 431);
        return false;
    case ParseStatus::BodyTooLarge:
        rejectAndClose(socket, 413);
        return false;
    case ParseStatus::Complete:
        break;
    }

    connection->buffer.remove(0, parsed.consumed);
    connection->continueSent = false;
    connection->busy = true;
    connection->closeAfterResponse = !parsed.keepAlive;
    connection->headRequest = parsed.request.method == "HEAD";

    RecordedRequest &request = parsed.request;
    request.receivedAt = QDateTime::currentDateTimeUtc();
    request.connectionId = connection->id;
    {
        QMutexLocker locker(&m_mutex);
        m_requests.append(request);
    }
    emit requestReceived(request);

    // A slot connected to requestReceived may have closed the connection.
    if (!connectionFor(socket))
        return false;

    if (defer(socket, request))
        return false;
    const FakeResponse response = nextResponse(request);
    if (response.delayMs > 0) {
        QTimer::singleShot(response.delayMs, socket, [this, socket, response] {
            if (connectionFor(socket))
                respond(socket, response);
        });
        return false;
    }
    respond(socket, response);
    const Connection *after = connectionFor(socket);
    return after && !after->busy;
}

bool FakeHttpServer::defer(QTcpSocket *socket, const RecordedRequest &request)
{
    Deferrer deferrer;
    {
        QMutexLocker locker(&m_mutex);
        deferrer = m_deferrer;
    }
    if (!deferrer)
        return false;
    // Guards by object and connection id: the socket may be gone, and a new connection may reuse
    // its address, by the time the answer comes. One shared state keeps both functions in step.
    struct Pending {
        QPointer<FakeHttpServer> server;
        QPointer<QTcpSocket> socket;
        quint64 connectionId = 0;
        bool answered = false;
    };
    auto pending = std::make_shared<Pending>();
    pending->server = this;
    pending->socket = socket;
    pending->connectionId = connectionFor(socket)->id;
    DeferredAnswer answer;
    answer.isOpen = [pending] {
        if (pending->answered || !pending->server || !pending->socket)
            return false;
        const Connection *connection = pending->server->connectionFor(pending->socket.data());
        return connection && connection->id == pending->connectionId && !connection->closing;
    };
    answer.send = [pending, isOpen = answer.isOpen](const FakeResponse &response) {
        if (!isOpen())
            return false;
        pending->answered = true;
        pending->server->respond(pending->socket.data(), response);
        return true;
    };
    return deferrer(request, answer);
}

FakeResponse FakeHttpServer::nextResponse(const RecordedRequest &request)
{
    Handler handler;
    {
        QMutexLocker locker(&m_mutex);
        if (!m_queue.isEmpty())
            return m_queue.dequeue();
        handler = m_handler;
    }
    if (handler)
        return handler(request);
    return FakeResponse::json(200, QByteArrayLiteral("{}"));
}

void FakeHttpServer::respond(QTcpSocket *socket, const FakeResponse &response)
{
    Connection *connection = connectionFor(socket);
    if (!connection)
        return;
    if (response.dropConnection) {
        socket->abort();
        return;
    }

    const int status = response.status >= 100 && response.status <= 999 ? response.status : 500;

    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (auto it = response.headers.cbegin(); it != response.headers.cend(); ++it) {
        const QByteArray name = it.key().toLower();
        if (name == "connection" && headerHasToken(it.value(), "close"))
            connection->closeAfterResponse = true;
        if (name == "content-length" || name == "transfer-encoding" || name == "connection")
            continue;
        const QList<QByteArray> values = it.value().split('\n');
        for (const QByteArray &value : values)
            head += it.key() + ": " + value.trimmed() + "\r\n";
    }

    const bool withBody = statusAllowsBody(status);
    const bool streamed = withBody && !connection->headRequest && response.chunkSize > 0;
    if (streamed)
        head += "Transfer-Encoding: chunked\r\n";
    else if (withBody)
        head += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    head += connection->closeAfterResponse ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    head += "\r\n";
    socket->write(head);

    if (streamed) {
        connection->pendingBody = response.body;
        connection->chunkSize = response.chunkSize;
        connection->chunkIntervalMs = response.chunkIntervalMs;
        sendNextChunk(socket);
        return;
    }
    if (withBody && !connection->headRequest)
        socket->write(response.body);
    finishResponse(socket);
}

void FakeHttpServer::sendNextChunk(QTcpSocket *socket)
{
    Connection *connection = connectionFor(socket);
    if (!connection)
        return;
    if (connection->pendingBody.isEmpty()) {
        socket->write("0\r\n\r\n");
        finishResponse(socket);
        return;
    }
    const QByteArray chunk = connection->pendingBody.left(connection->chunkSize);
    connection->pendingBody.remove(0, chunk.size());
    socket->write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
    // Flushing now makes each chunk its own read on the client side, which is the point.
    socket->flush();
    QTimer::singleShot(qMax(0, connection->chunkIntervalMs), socket,
                       [this, socket] { sendNextChunk(socket); });
}

void FakeHttpServer::finishResponse(QTcpSocket *socket)
{
    Connection *connection = connectionFor(socket);
    if (!connection)
        return;
    connection->busy = false;
    if (connection->closeAfterResponse) {
        connection->closing = true;
        // Flushes what was written, then closes; may emit disconnected synchronously.
        socket->disconnectFromHost();
        return;
    }
    processBuffer(socket);
}

void FakeHttpServer::rejectAndClose(QTcpSocket *socket, int status)
{
    Connection *connection = connectionFor(socket);
    if (!connection)
        return;
    // The stream cannot be resynchronised after a framing error, so nothing more is read.
    connection->busy = true;
    connection->closing = true;
    connection->buffer.clear();
    const QByteArray body = reasonPhrase(status);
    socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                  "\r\nContent-Type: text/plain\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

} // namespace relaydesk
