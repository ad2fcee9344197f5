#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QTimer;
class QWebSocket;

namespace relaydesk {

// One bot connection to the Discord Gateway (v10, JSON encoding, no compression): HELLO,
// IDENTIFY or RESUME, heartbeats with jitter and ACK tracking, RECONNECT / INVALID_SESSION and
// close-code handling, reconnects with exponential backoff and jitter. It knows nothing about
// messages: dispatches go out as signals, and the session is exposed so the owner can persist
// it and hand it back after a restart. Lives on the thread that creates it.
class DiscordGateway : public QObject
{
    Q_OBJECT

public:
    // GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT
    static constexpr int Intents = (1 << 9) | (1 << 12) | (1 << 15);

    struct Options {
        int backoffBaseMs = 1000;
        int backoffMaxMs = 60000;
        // Discord asks for a random 1-5 s pause before identifying after a non-resumable
        // INVALID_SESSION, so that a fleet of clients does not stampede.
        int invalidSessionMinDelayMs = 1000;
        int invalidSessionMaxDelayMs = 5000;
        // A connection that never says HELLO is as dead as one that stops acknowledging.
        int helloTimeoutMs = 20000;
    };

    struct Session {
        QString id;
        QString resumeUrl;
        qint64 sequence = -1; // -1: no dispatch seen yet (sent as null)
        bool isValid() const { return !id.isEmpty(); }
    };

    DiscordGateway(QString token, QUrl gatewayUrl, Options options, QObject *parent = nullptr);
    ~DiscordGateway() override;

    // Connects; resumes `session` when it is valid, else identifies.
    void start(const Session &session);
    void start() { start(Session()); }
    // Closes with a non-1000 code so Discord keeps the session resumable for the next start.
    void stop();
    bool isRunning() const { return m_running; }
    bool isConnected() const;

    Session session() const { return m_session; }
    QString selfUserId() const { return m_selfUserId; }
    int heartbeatIntervalMs() const { return m_heartbeatIntervalMs; }

    static QString encodeSession(const Session &session);
    static Session decodeSession(const QString &text);
    // The resume URL Discord hands out has no query; it needs the same v/encoding parameters as
    // the configured one.
    static QUrl resumeUrlFor(const QString &resumeUrl, const QUrl &configured);
    static QJsonObject identifyPayload(const QString &token);
    static QJsonObject resumePayload(const QString &token, const Session &session);
    static QString closeCodeDescription(int code);

Q_SIGNALS:
    // A new session (READY) or a resumed one (RESUMED): the connection is usable.
    void ready(const QString &sessionId, bool resumed);
    // The session id, resume URL or sequence to persist changed meaningfully (READY, cleared).
    void sessionChanged();
    // Every op 0 dispatch other than READY and RESUMED.
    void dispatched(const QString &event, const QJsonObject &data, qint64 sequence);
    // An unplanned loss of the connection; a reconnect is already scheduled.
    void connectionLost(const QString &reason);
    // Discord refused us for good (bad token, bad intents...): no more reconnects.
    void failed(const QString &reason);

private:
    void connectNow();
    void onText(QWebSocket *socket, const QString &text);
    void onSocketGone(QWebSocket *socket);
    void handleHello(const QJsonObject &data);
    void handleDispatch(const QString &event, const QJsonObject &data);
    void handleInvalidSession(bool resumable);
    void beat();
    void sendHeartbeat();
    void send(const QJsonObject &payload);
    // Detaches and closes the current socket; timers stop. `code` keeps the session resumable
    // unless it is 1000.
    void dropSocket(int code, const QString &reason);
    void scheduleReconnect(int delayMs);
    int nextBackoffMs(bool immediateAllowed);
    void clearSession();

    QString m_token;
    QUrl m_gatewayUrl;
    Options m_options;
    Session m_session;
    QString m_selfUserId;
    QPointer<QWebSocket> m_socket;
    QTimer *m_heartbeatTimer;
    QTimer *m_helloTimer;
    QTimer *m_reconnectTimer;
    int m_heartbeatIntervalMs = 0;
    bool m_awaitingAck = false;
    bool m_running = false;
    int m_attempts = 0;
};

} // namespace relaydesk
