#pragma once

#include "server/apitokenstore.h"
#include "server/httprequest.h"
#include "server/httpresponder.h"
#include "server/ratelimiter.h"
#include "server/router.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>
#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;

namespace relaydesk {

// The HTTP front door, on QAbstractHttpServer rather than QHttpServer: handlers get an
// HttpResponder they may keep and answer after a database commit, many requests can wait for
// their answers at once, errors are RFC 9457 problems, and JSON is compact.
//
// Per request: 413 when the body is over the limit (the declared Content-Length is checked as
// soon as the headers arrive, before Qt buffers the body), 431 when the head is over its limit,
// then the rate limit of the client address, bearer auth unless the matched route is public,
// the rate limit of the token, the interceptor (Idempotency-Key), then the route's handler
// (404/405 problems otherwise). Connections that deliver no complete request within the idle
// timeout are closed (408 when a request had started). Optionally HTTPS (QSslSocket).
//
// Answers on one keep-alive connection go out in request order even when a later request is
// answered first (HTTP/1.1 pipelining). Connections close after the answer when the client sent
// "Connection: close" or spoke HTTP/1.0 without keep-alive; "Expect: 100-continue" is honoured.
// Lives on one thread; see HttpResponder for answering from others.
//
// WebSocket upgrades never reach handleRequest() in Qt 6.4 (QAbstractHttpServer hands them to
// newWebSocketConnection directly), so they are not authenticated here.
class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    // Called once per request when its answer has been written, or dropped because the client
    // left first (status is then the one that would have been sent). seconds runs from the
    // complete request to the write.
    using ResponseHook = std::function<void(const HttpRequest &, int status, double seconds)>;
    // Receives the matched route pattern ("/api/v1/webhooks/{channel}"), not the raw path, so
    // percent-encoding tricks in a URL cannot make a protected handler look public.
    using PublicRoutePredicate = std::function<bool(const QString &routePattern)>;
    // Runs after authentication and rate limiting, before the route's handler: calls
    // `proceed` (now or later, on this thread) with the responder the handler should answer
    // through, or answers the request itself. Used for Idempotency-Key.
    using Proceed = std::function<void(const HttpRequest &, const HttpResponder &)>;
    using Interceptor =
        std::function<void(const HttpRequest &, const HttpResponder &, const Proceed &)>;

    static constexpr qint64 DefaultMaxBodyBytes = 1024 * 1024;
    static constexpr qint64 DefaultMaxHeaderBytes = 16 * 1024;
    static constexpr int DefaultIdleTimeoutMs = 60 * 1000;

    explicit HttpServer(QObject *parent = nullptr);
    ~HttpServer() override;

    Router &router() { return m_router; }
    const Router &router() const { return m_router; }

    void setMaxBodyBytes(qint64 bytes);
    qint64 maxBodyBytes() const { return m_maxBodyBytes; }
    // Request line plus headers; a longer head is answered 431 and the connection closed.
    void setMaxHeaderBytes(qint64 bytes);
    // A connection must deliver a complete request within this time of being accepted or of
    // its previous answer (slow senders included); otherwise it is closed, with a 408 when a
    // request had started.
    void setIdleTimeoutMs(int milliseconds);
    // Token buckets per API token and per client address; /health, /ready and /metrics are
    // exempt. Null switches rate limiting off.
    void setRateLimiter(std::shared_ptr<RateLimiter> limiter)
    {
        m_rateLimiter = std::move(limiter);
    }
    void setInterceptor(Interceptor interceptor) { m_interceptor = std::move(interceptor); }
    // Listeners created after this speak HTTPS with this configuration.
    void setTlsConfiguration(const QSslConfiguration &configuration);

    void setPublicRoutePredicate(PublicRoutePredicate predicate);
    // /health, /ready and /api/v1/webhooks/* (webhooks verify their own signatures).
    static bool isDefaultPublicRoute(const QString &routePattern);

    // With an empty store every protected route answers 401: failing closed.
    void setTokenStore(const ApiTokenStore &store) { m_tokens = store; }
    const ApiTokenStore &tokenStore() const { return m_tokens; }

    void setResponseHook(ResponseHook hook) { m_hook = std::move(hook); }

    // May be called more than once to listen on several addresses.
    bool listen(const QHostAddress &address, quint16 port, QString *error = nullptr);
    // The first listening port (useful after listening on port 0); 0 when not listening.
    quint16 port() const;
    // Requests whose answer has not been written or dropped yet.
    int pendingResponses() const { return m_pendingCount; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Connection;
    struct Pending;
    struct Gate;

    void attachSocket(QTcpSocket *socket);
    std::shared_ptr<Connection> connectionFor(QTcpSocket *socket);
    void onReadyRead(QTcpSocket *socket);
    void rejectOversized(const std::shared_ptr<Connection> &connection,
                         std::optional<qint64> remainingBody);
    void reject(const std::shared_ptr<Connection> &connection, std::optional<qint64> remainingBody,
                const Problem &problem);
    void onIdle(const std::shared_ptr<Connection> &connection);
    bool rateLimited(const std::shared_ptr<Pending> &pending, const QString &key,
                     RateLimiter::Decision *tightest, const HttpResponder &responder);
    void drain(const std::shared_ptr<Connection> &connection);

    std::shared_ptr<Pending> enqueue(const std::shared_ptr<Connection> &connection,
                                     const HttpRequest &request);
    HttpResponder responderFor(const std::shared_ptr<Pending> &pending);
    void process(const std::shared_ptr<Pending> &pending, const HttpResponder &responder);
    bool authenticate(const std::shared_ptr<Pending> &pending, const HttpResponder &responder);
    void complete(const std::shared_ptr<Pending> &pending, HttpResponder::Reply reply);
    void flush(const std::shared_ptr<Connection> &connection);
    void write(Connection &connection, Pending &pending);
    void finish(Pending &pending);

    static HttpRequest fromQt(const QHttpServerRequest &request);
    static QByteArray requestLine(const QByteArray &head);
    static QByteArray rawHeader(const QByteArray &head, QByteArrayView name);
    static HttpRequest fromRawHead(const QByteArray &head, const QHostAddress &peer);

    Router m_router;
    ApiTokenStore m_tokens;
    qint64 m_maxBodyBytes = DefaultMaxBodyBytes;
    qint64 m_maxHeaderBytes = DefaultMaxHeaderBytes;
    int m_idleTimeoutMs = DefaultIdleTimeoutMs;
    std::shared_ptr<RateLimiter> m_rateLimiter;
    Interceptor m_interceptor;
    std::optional<QSslConfiguration> m_tls;
    PublicRoutePredicate m_isPublicRoute;
    ResponseHook m_hook;
    QHash<QTcpSocket *, std::shared_ptr<Connection>> m_connections;
    std::shared_ptr<Gate> m_gate;
    int m_pendingCount = 0;
};

} // namespace relaydesk
