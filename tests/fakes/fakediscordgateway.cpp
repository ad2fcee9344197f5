#include "fakes/fakediscordgateway.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace relaydesk {

namespace {

QString randomSessionId()
{
    QByteArray bytes(16, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = char(QRandomGenerator::global()->bounded(256));
    return QString::fromLatin1(bytes.toHex());
}

} // namespace

FakeDiscordGateway::FakeDiscordGateway(QString token, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
    , m_server(new QWebSocketServer(QStringLiteral("fake-discord-gateway"),
                                    QWebSocketServer::NonSecureMode, this))
{
    m_clock.start();
    const QJsonObject recorded = fixture(QStringLiteral("gateway_message_create_dispatch.json"));
    m_nextMessageId = recorded.value(QStringLiteral("d"))
                          .toObject()
                          .value(QStringLiteral("id"))
                          .toString()
                          .toLongLong() +
                      1;
    connect(m_server, &QWebSocketServer::newConnection, this, &FakeDiscordGateway::onNewConnection);
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        qWarning("FakeDiscordGateway: cannot listen: %s", qUtf8Printable(m_server->errorString()));
}

FakeDiscordGateway::~FakeDiscordGateway()
{
    if (m_client) {
        m_client->disconnect(this);
        m_client->abort();
    }
    m_server->close();
}

bool FakeDiscordGateway::isListening() const
{
    return m_server->isListening();
}

QUrl FakeDiscordGateway::url() const
{
    return QUrl(
        QStringLiteral("ws://127.0.0.1:%1/?v=10&encoding=json").arg(m_server->serverPort()));
}

QJsonObject FakeDiscordGateway::fixture(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR"))
                   .filePath(QStringLiteral("discord/") + name));
    if (!file.open(QIODevice::ReadOnly)) {
        qWarning("FakeDiscordGateway: fixture %s not readable", qUtf8Printable(file.fileName()));
        return {};
    }
    return QJsonDocument::fromJson(file.readAll()).object();
}

QString FakeDiscordGateway::firstSessionId()
{
    return fixture(QStringLiteral("gateway_ready_recorded.json"))
        .value(QStringLiteral("d"))
        .toObject()
        .value(QStringLiteral("session_id"))
        .toString();
}

QString FakeDiscordGateway::botUserId()
{
    return fixture(QStringLiteral("gateway_ready_recorded.json"))
        .value(QStringLiteral("d"))
        .toObject()
        .value(QStringLiteral("user"))
        .toObject()
        .value(QStringLiteral("id"))
        .toString();
}

void FakeDiscordGateway::onNewConnection()
{
    while (QWebSocket *socket = m_server->nextPendingConnection()) {
        const int connection = ++m_connectionCount;
        m_connectedAt.insert(connection, m_clock.elapsed());
        if (m_rejectConnections > 0) {
            --m_rejectConnections;
            socket->abort();
            socket->deleteLater();
            Q_EMIT connectionAccepted(connection);
            continue;
        }
        // One bot connection at a time, like a single shard: a newcomer replaces the old one.
        if (m_client) {
            m_client->disconnect(this);
            m_client->abort();
            m_client->deleteLater();
        }
        m_client = socket;
        m_clientConnection = connection;
        m_connectionSession.clear();
        connect(
            socket, &QWebSocket::textMessageReceived, this,
            [this, socket, connection](const QString &text) { onText(socket, connection, text); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            if (socket == m_client) {
                m_client = nullptr;
                m_connectionSession.clear();
                Q_EMIT clientDisconnected();
            }
            socket->deleteLater();
        });
        QJsonObject hello = fixture(QStringLiteral("gateway_hello_op10_recorded.json"));
        QJsonObject data = hello.value(QStringLiteral("d")).toObject();
        data.insert(QStringLiteral("heartbeat_interval"), m_heartbeatIntervalMs);
        hello.insert(QStringLiteral("d"), data);
        send(socket, hello);
        m_helloSentAt.insert(connection, m_clock.elapsed());
        Q_EMIT connectionAccepted(connection);
    }
}

void FakeDiscordGateway::onText(QWebSocket *socket, int connection, const QString &text)
{
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    if (!document.isObject()) {
        socket->close(QWebSocketProtocol::CloseCode(4002),
                      QStringLiteral("Error while decoding payload."));
        return;
    }
    const QJsonObject payload = document.object();
    const int op = payload.value(QStringLiteral("op")).toInt(-1);
    m_received.append(Received{connection, op, payload, m_clock.elapsed()});
    switch (op) {
    case 1:
        if (m_ackHeartbeats)
            send(socket, QJsonObject{{QStringLiteral("op"), 11}});
        break;
    case 2:
        handleIdentify(socket, payload.value(QStringLiteral("d")).toObject());
        break;
    case 6:
        handleResume(socket, payload.value(QStringLiteral("d")).toObject());
        break;
    default:
        socket->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("Unknown opcode."));
        break;
    }
    Q_EMIT payloadReceived(op);
}

void FakeDiscordGateway::handleIdentify(QWebSocket *socket, const QJsonObject &data)
{
    if (socket != m_client)
        return;
    if (!m_connectionSession.isEmpty()) {
        socket->close(QWebSocketProtocol::CloseCode(4005),
                      QStringLiteral("Already authenticated."));
        return;
    }
    if (data.value(QStringLiteral("token")).toString() != m_token) {
        socket->close(QWebSocketProtocol::CloseCode(4004),
                      QStringLiteral("Authentication failed."));
        return;
    }
    if (!data.value(QStringLiteral("intents")).isDouble()) {
        socket->close(QWebSocketProtocol::CloseCode(4013), QStringLiteral("Invalid intent(s)."));
        return;
    }
    const QString sessionId =
        m_sessions.contains(firstSessionId()) ? randomSessionId() : firstSessionId();
    m_sessions.insert(sessionId, SessionState{});
    m_connectionSession = sessionId;
    m_lastSession = sessionId;
    QJsonObject ready = fixture(QStringLiteral("gateway_ready_recorded.json"));
    QJsonObject readyData = ready.value(QStringLiteral("d")).toObject();
    readyData.insert(QStringLiteral("session_id"), sessionId);
    // Resuming must come back here, not to the recorded production host.
    readyData.insert(QStringLiteral("resume_gateway_url"),
                     QStringLiteral("ws://127.0.0.1:%1").arg(m_server->serverPort()));
    sendDispatch(sessionId, QStringLiteral("READY"), readyData);
}

void FakeDiscordGateway::handleResume(QWebSocket *socket, const QJsonObject &data)
{
    if (socket != m_client)
        return;
    if (data.value(QStringLiteral("token")).toString() != m_token) {
        socket->close(QWebSocketProtocol::CloseCode(4004),
                      QStringLiteral("Authentication failed."));
        return;
    }
    const QString sessionId = data.value(QStringLiteral("session_id")).toString();
    auto session = m_sessions.find(sessionId);
    if (session == m_sessions.end() || !session->valid) {
        send(socket, QJsonObject{{QStringLiteral("op"), 9}, {QStringLiteral("d"), false}});
        return;
    }
    const qint64 from = qint64(data.value(QStringLiteral("seq")).toDouble(0));
    if (from > session->sequence) {
        socket->close(QWebSocketProtocol::CloseCode(4007), QStringLiteral("Invalid seq."));
        return;
    }
    m_connectionSession = sessionId;
    m_lastSession = sessionId;
    for (const QJsonObject &event : std::as_const(session->events)) {
        if (qint64(event.value(QStringLiteral("s")).toDouble()) > from)
            send(socket, event);
    }
    sendDispatch(sessionId, QStringLiteral("RESUMED"), QJsonObject{});
}

qint64 FakeDiscordGateway::sendDispatch(const QString &sessionId, const QString &event,
                                        const QJsonObject &data)
{
    auto session = m_sessions.find(sessionId);
    if (session == m_sessions.end())
        return -1;
    const qint64 sequence = ++session->sequence;
    const QJsonObject payload{{QStringLiteral("t"), event},
                              {QStringLiteral("s"), double(sequence)},
                              {QStringLiteral("op"), 0},
                              {QStringLiteral("d"), data}};
    session->events.append(payload);
    if (m_client && m_connectionSession == sessionId)
        send(m_client, payload);
    return sequence;
}

qint64 FakeDiscordGateway::dispatch(const QString &event, const QJsonObject &data)
{
    const QString sessionId = m_connectionSession.isEmpty() ? m_lastSession : m_connectionSession;
    return sendDispatch(sessionId, event, data);
}

qint64 FakeDiscordGateway::dispatchMessageCreate(const QJsonObject &overrides)
{
    QJsonObject data = fixture(QStringLiteral("gateway_message_create_dispatch.json"))
                           .value(QStringLiteral("d"))
                           .toObject();
    data.insert(QStringLiteral("id"), QString::number(m_nextMessageId++));
    data.insert(QStringLiteral("timestamp"),
                QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    for (auto it = overrides.constBegin(); it != overrides.constEnd(); ++it) {
        if (it.value().isUndefined())
            data.remove(it.key());
        else
            data.insert(it.key(), it.value());
    }
    return dispatch(QStringLiteral("MESSAGE_CREATE"), data);
}

void FakeDiscordGateway::requestHeartbeat()
{
    if (m_client)
        send(m_client, QJsonObject{{QStringLiteral("op"), 1}, {QStringLiteral("d"), QJsonValue()}});
}

void FakeDiscordGateway::sendReconnect()
{
    if (m_client)
        send(m_client, QJsonObject{{QStringLiteral("op"), 7}, {QStringLiteral("d"), QJsonValue()}});
}

void FakeDiscordGateway::sendInvalidSession(bool resumable)
{
    if (!m_client)
        return;
    if (!resumable) {
        auto session = m_sessions.find(m_connectionSession);
        if (session != m_sessions.end())
            session->valid = false;
    }
    send(m_client, QJsonObject{{QStringLiteral("op"), 9}, {QStringLiteral("d"), resumable}});
}

void FakeDiscordGateway::closeConnection(int code, const QString &reason)
{
    if (m_client)
        m_client->close(QWebSocketProtocol::CloseCode(code), reason);
}

void FakeDiscordGateway::dropConnection()
{
    if (m_client)
        m_client->abort();
}

void FakeDiscordGateway::invalidateSessions()
{
    for (SessionState &session : m_sessions)
        session.valid = false;
}

QList<FakeDiscordGateway::Received> FakeDiscordGateway::received(int op) const
{
    QList<Received> matching;
    for (const Received &entry : m_received) {
        if (entry.op == op)
            matching.append(entry);
    }
    return matching;
}

bool FakeDiscordGateway::isClientConnected() const
{
    return m_client && m_client->state() == QAbstractSocket::ConnectedState;
}

void FakeDiscordGateway::send(QWebSocket *socket, const QJsonObject &payload)
{
    socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
}

bool FakeDiscordGateway::waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        connect(this, &FakeDiscordGateway::payloadReceived, &loop, &QEventLoop::quit);
        connect(this, &FakeDiscordGateway::connectionAccepted, &loop, &QEventLoop::quit);
        connect(this, &FakeDiscordGateway::clientDisconnected, &loop, &QEventLoop::quit);
        QTimer::singleShot(std::min<qint64>(deadline.remainingTime(), 50), &loop,
                           &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

bool FakeDiscordGateway::waitForOp(int op, int count, int timeoutMs)
{
    return waitFor([this, op, count] { return received(op).size() >= count; }, timeoutMs);
}

bool FakeDiscordGateway::waitForConnections(int count, int timeoutMs)
{
    return waitFor([this, count] { return m_connectionCount >= count; }, timeoutMs);
}

bool FakeDiscordGateway::waitForDisconnect(int timeoutMs)
{
    return waitFor([this] { return !isClientConnected(); }, timeoutMs);
}

} // namespace relaydesk
