#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QWebSocket;
class QWebSocketServer;

namespace relaydesk {

// The Discord Gateway (v10, JSON, uncompressed) on ws://127.0.0.1:<port>: HELLO on connect,
// IDENTIFY -> READY (the recorded READY with our session id and our own URL as
// resume_gateway_url), RESUME -> replay of the missed dispatches + RESUMED (or op 9 when the
// session is gone), heartbeat ACKs (which a test can stop), close 4004 for a wrong token and
// 4005 for a second IDENTIFY. Tests push MESSAGE_CREATE dispatches (the recorded one with fresh
// ids), op 7, op 9, close codes and dropped TCP connections. Dispatches sent while the client is
// away are kept and replayed on RESUME, as Discord does.
class FakeDiscordGateway : public QObject
{
    Q_OBJECT

public:
    struct Received {
        int connection = 0; // 1-based, in accept order
        int op = -1;
        QJsonObject payload;
        qint64 atMs = 0; // on clock()
    };

    explicit FakeDiscordGateway(QString token, QObject *parent = nullptr);
    ~FakeDiscordGateway() override;

    bool isListening() const;
    // ws://127.0.0.1:<port>/?v=10&encoding=json, what [channels.discord] gateway_url would be.
    QUrl url() const;
    // The fixture's first session id; later sessions get random ones.
    static QString firstSessionId();
    static QString botUserId();

    void setHeartbeatIntervalMs(int intervalMs) { m_heartbeatIntervalMs = intervalMs; }
    void setAckHeartbeats(bool ack) { m_ackHeartbeats = ack; }
    // The next `count` connections are aborted right after the WebSocket handshake.
    void rejectNextConnections(int count) { m_rejectConnections = count; }

    // Sends (or keeps for replay) a MESSAGE_CREATE built on the recorded dispatch, with a fresh
    // message id and the given fields replacing the recorded ones. Returns its sequence, or -1
    // when no session exists yet.
    qint64 dispatchMessageCreate(const QJsonObject &overrides = {});
    qint64 dispatch(const QString &event, const QJsonObject &data);
    // op 1 from the server: the client must beat at once.
    void requestHeartbeat();
    void sendReconnect();
    void sendInvalidSession(bool resumable);
    void closeConnection(int code, const QString &reason = {});
    void dropConnection();
    // Every known session becomes unknown: a RESUME then gets op 9 false.
    void invalidateSessions();

    QList<Received> received() const { return m_received; }
    QList<Received> received(int op) const;
    int connectionCount() const { return m_connectionCount; }
    bool isClientConnected() const;
    QString currentSessionId() const { return m_connectionSession; }
    qint64 helloSentAtMs(int connection) const { return m_helloSentAt.value(connection, -1); }
    qint64 connectedAtMs(int connection) const { return m_connectedAt.value(connection, -1); }
    qint64 clockMs() const { return m_clock.elapsed(); }

    bool waitForOp(int op, int count, int timeoutMs = 5000);
    bool waitForConnections(int count, int timeoutMs = 5000);
    bool waitForDisconnect(int timeoutMs = 5000);

    // The recorded fixtures the fake builds on (discord/<name> under RELAYDESK_FIXTURES_DIR).
    static QJsonObject fixture(const QString &name);

Q_SIGNALS:
    void payloadReceived(int op);
    void connectionAccepted(int connection);
    void clientDisconnected();

private:
    struct SessionState {
        qint64 sequence = 0;
        QList<QJsonObject> events; // every dispatch with its "s", for replay
        bool valid = true;
    };

    void onNewConnection();
    void onText(QWebSocket *socket, int connection, const QString &text);
    void handleIdentify(QWebSocket *socket, const QJsonObject &data);
    void handleResume(QWebSocket *socket, const QJsonObject &data);
    qint64 sendDispatch(const QString &sessionId, const QString &event, const QJsonObject &data);
    void send(QWebSocket *socket, const QJsonObject &payload);
    bool waitFor(const std::function<bool()> &condition, int timeoutMs);

    QString m_token;
    QWebSocketServer *m_server;
    QPointer<QWebSocket> m_client;
    int m_clientConnection = 0;
    QString m_connectionSession; // session bound to the current connection (READY or RESUMED)
    QString m_lastSession;
    QHash<QString, SessionState> m_sessions;
    int m_heartbeatIntervalMs = 41250;
    bool m_ackHeartbeats = true;
    int m_rejectConnections = 0;
    int m_connectionCount = 0;
    qint64 m_nextMessageId = 0;
    QList<Received> m_received;
    QHash<int, qint64> m_helloSentAt;
    QHash<int, qint64> m_connectedAt;
    QElapsedTimer m_clock;
};

} // namespace relaydesk
