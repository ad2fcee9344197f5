#pragma once

#include "fakes/fakeresponse.h"
#include "fakes/recordedrequest.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QQueue>
#include <QUrl>

#include <functional>
#include <memory>
#include <unordered_map>

class QTcpServer;
class QTcpSocket;

namespace relaydesk {

// A real HTTP/1.1 server on 127.0.0.1 standing in for every external HTTP API in tests, so our
// clients are exercised over the wire (keep-alive, pipelining, partial reads, dropped
// connections) rather than against mocks of our own classes.
//
// It lives on the thread that creates it and answers from that thread's event loop. The recorded
// requests, the response queue and the handler are guarded by a mutex, so a test may inspect
// them from another thread while the server runs on its own.
class FakeHttpServer : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<FakeResponse(const RecordedRequest &)>;

    explicit FakeHttpServer(QObject *parent = nullptr);
    ~FakeHttpServer() override;

    bool isListening() const;
    quint16 port() const;
    // http://127.0.0.1:<port> without a trailing slash, ready to be a client's base URL.
    QUrl url() const;
    // url() with the given path (and query, if it has one) resolved against it.
    QUrl url(const QString &pathAndQuery) const;

    // Answers every request for which no queued response is left. Default: 200 "{}" JSON.
    void setHandler(Handler handler);

    // A request whose answer comes later (a long poll held until an event or its timeout).
    // Both functions must be called on the server's thread.
    struct DeferredAnswer {
        // True while the client still waits: it has not hung up and nothing was answered yet.
        std::function<bool()> isOpen;
        // Answers once; false when the client hung up meanwhile or it was answered before.
        std::function<bool(const FakeResponse &)> send;
    };
    // Consulted for every request before the queue and the handler; returning true takes the
    // request, which must then be answered through the DeferredAnswer. Empty: no deferral.
    using Deferrer = std::function<bool(const RecordedRequest &, const DeferredAnswer &)>;
    void setDeferrer(Deferrer deferrer);
    // Scripted answers, consumed one per request in order before the handler is consulted.
    void queueResponse(const FakeResponse &response);
    int queuedResponseCount() const;

    QList<RecordedRequest> requests() const;
    int requestCount() const;
    void clearRequests();
    // Spins an event loop until at least `count` requests were recorded in total.
    bool waitForRequests(int count, int timeoutMs = 5000);

    // TCP connections accepted so far.
    int connectionCount() const;
    // Aborts every open connection, as a restarting server would.
    void closeAllConnections();

signals:
    void requestReceived(const relaydesk::RecordedRequest &request);

private:
    struct Connection;

    void acceptPending();
    void onReadyRead(QTcpSocket *socket);
    void onDisconnected(QTcpSocket *socket);
    void processBuffer(QTcpSocket *socket);
    // Parses and answers one buffered request; true if the connection is idle again.
    bool handleNextRequest(QTcpSocket *socket);
    FakeResponse nextResponse(const RecordedRequest &request);
    bool defer(QTcpSocket *socket, const RecordedRequest &request);
    void respond(QTcpSocket *socket, const FakeResponse &response);
    void sendNextChunk(QTcpSocket *socket);
    void finishResponse(QTcpSocket *socket);
    void rejectAndClose(QTcpSocket *socket, int status);
    Connection *connectionFor(QTcpSocket *socket) const;

    QTcpServer *m_server = nullptr;
    std::unordered_map<QTcpSocket *, std::unique_ptr<Connection>> m_connections;
    quint64 m_nextConnectionId = 1;
    int m_connectionCount = 0;

    mutable QMutex m_mutex;
    QList<RecordedRequest> m_requests;
    QQueue<FakeResponse> m_queue;
    Handler m_handler;
    Deferrer m_deferrer;
};

} // namespace relaydesk
