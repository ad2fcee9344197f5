#include "channels/discordgateway.h"

#include "observability/logger.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <algorithm>
#include <cmath>

namespace relaydesk {

namespace {

enum Opcode {
    Dispatch = 0,
    Heartbeat = 1,
    Identify = 2,
    Resume = 6,
    Reconnect = 7,
    InvalidSession = 9,
    Hello = 10,
    HeartbeatAck = 11,
};

// Our own close code for "reconnecting, keep my session": Discord invalidates the session on
// 1000/1001 only.
constexpr int ResumableCloseCode = 4000;

int randomBetween(int low, int high)
{
    if (high <= low)
        return low;
    return low + int(QRandomGenerator::global()->bounded(high - low + 1));
}

} // namespace

DiscordGateway::DiscordGateway(QString token, QUrl gatewayUrl, Options options, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
    , m_gatewayUrl(std::move(gatewayUrl))
    , m_options(options)
    , m_heartbeatTimer(new QTimer(this))
    , m_helloTimer(new QTimer(this))
    , m_reconnectTimer(new QTimer(this))
{
    m_heartbeatTimer->setSingleShot(true);
    m_heartbeatTimer->setTimerType(Qt::PreciseTimer);
    connect(m_heartbeatTimer, &QTimer::timeout, this, &DiscordGateway::beat);
    m_helloTimer->setSingleShot(true);
    connect(m_helloTimer, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        const QString reason = QStringLiteral("no HELLO from the Discord gateway within %1 ms")
                                   .arg(m_options.helloTimeoutMs);
        qCWarning(lcChannels).noquote() << reason;
        dropSocket(ResumableCloseCode, reason);
        Q_EMIT connectionLost(reason);
        scheduleReconnect(nextBackoffMs(false));
    });
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &DiscordGateway::connectNow);
}

DiscordGateway::~DiscordGateway()
{
    m_running = false;
    if (m_socket)
        dropSocket(ResumableCloseCode, QStringLiteral("shutting down"));
}

bool DiscordGateway::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void DiscordGateway::start(const Session &session)
{
    if (m_running)
        return;
    m_running = true;
    m_session = session;
    m_attempts = 0;
    connectNow();
}

void DiscordGateway::stop()
{
    m_running = false;
    m_reconnectTimer->stop();
    if (m_socket)
        dropSocket(ResumableCloseCode, QStringLiteral("Relaydesk is stopping"));
}

void DiscordGateway::connectNow()
{
    if (!m_running || m_socket)
        return;
    const bool resuming = m_session.isValid() && !m_session.resumeUrl.isEmpty();
    const QUrl url = resuming ? resumeUrlFor(m_session.resumeUrl, m_gatewayUrl) : m_gatewayUrl;
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = socket;
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onText(socket, text); });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { onSocketGone(socket); });
    // A refused or failed connection reports an error; whether `disconnected` follows depends
    // on how far the handshake got, so look again once the socket has settled.
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, guarded = QPointer<QWebSocket>(socket)](QAbstractSocket::SocketError) {
                QTimer::singleShot(0, this, [this, guarded] {
                    if (guarded && guarded == m_socket &&
                        guarded->state() == QAbstractSocket::UnconnectedState)
                        onSocketGone(guarded);
                });
            });
    m_helloTimer->start(m_options.helloTimeoutMs);
    qCInfo(lcChannels).noquote() << "discord gateway: connecting to"
                                 << url.toDisplayString(QUrl::RemoveQuery)
                                 << (resuming ? "to resume" : "to identify");
    socket->open(url);
}

void DiscordGateway::onText(QWebSocket *socket, const QString &text)
{
    if (socket != m_socket)
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (!document.isObject()) {
        qCWarning(lcChannels).noquote()
            << "discord gateway: ignoring a frame that is not a JSON object:"
            << error.errorString();
        return;
    }
    const QJsonObject payload = document.object();
    const QJsonValue sequence = payload.value(QStringLiteral("s"));
    if (sequence.isDouble())
        m_session.sequence = qint64(sequence.toDouble());
    const int op = payload.value(QStringLiteral("op")).toInt(-1);
    const QJsonValue data = payload.value(QStringLiteral("d"));
    switch (op) {
    case Hello:
        handleHello(data.toObject());
        break;
    case HeartbeatAck:
        m_awaitingAck = false;
        break;
    case Heartbeat:
        // The gateway may ask for a beat at any time; answering does not move the schedule.
        sendHeartbeat();
        break;
    case Dispatch:
        handleDispatch(payload.value(QStringLiteral("t")).toString(), data.toObject());
        break;
    case Reconnect:
        qCInfo(lcChannels) << "discord gateway: asked to reconnect";
        dropSocket(ResumableCloseCode, QStringLiteral("reconnect requested"));
        scheduleReconnect(nextBackoffMs(true));
        break;
    case InvalidSession:
        handleInvalidSession(data.toBool(false));
        break;
    default:
        qCInfo(lcChannels) << "discord gateway: ignoring opcode" << op;
        break;
    }
}

void DiscordGateway::handleHello(const QJsonObject &data)
{
    m_helloTimer->stop();
    const double interval = data.value(QStringLiteral("heartbeat_interval")).toDouble();
    if (!(interval > 0) || interval > 24 * 3600 * 1000.0) {
        const QString reason = QStringLiteral("HELLO without a usable heartbeat_interval");
        qCWarning(lcChannels).noquote() << "discord gateway:" << reason;
        dropSocket(ResumableCloseCode, reason);
        Q_EMIT connectionLost(reason);
        scheduleReconnect(nextBackoffMs(false));
        return;
    }
    m_heartbeatIntervalMs = int(interval);
    m_awaitingAck = false;
    // Jitter spreads the first beats of many clients that connected at the same moment.
    const double jitter = QRandomGenerator::global()->generateDouble();
    m_heartbeatTimer->start(int(std::floor(interval * jitter)));
    if (m_session.isValid())
        send(resumePayload(m_token, m_session));
    else
        send(identifyPayload(m_token));
}

void DiscordGateway::handleDispatch(const QString &event, const QJsonObject &data)
{
    if (event == QLatin1String("READY")) {
        m_session.id = data.value(QStringLiteral("session_id")).toString();
        m_session.resumeUrl = data.value(QStringLiteral("resume_gateway_url")).toString();
        m_selfUserId =
            data.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        m_attempts = 0;
        qCInfo(lcChannels).noquote() << "discord gateway: ready, bot user" << m_selfUserId;
        Q_EMIT sessionChanged();
        Q_EMIT ready(m_session.id, false);
        return;
    }
    if (event == QLatin1String("RESUMED")) {
        m_attempts = 0;
        qCInfo(lcChannels) << "discord gateway: session resumed at sequence" << m_session.sequence;
        Q_EMIT ready(m_session.id, true);
        return;
    }
    Q_EMIT dispatched(event, data, m_session.sequence);
}

void DiscordGateway::handleInvalidSession(bool resumable)
{
    if (resumable) {
        qCInfo(lcChannels) << "discord gateway: session invalidated, resumable: reconnecting";
        dropSocket(ResumableCloseCode, QStringLiteral("resuming after INVALID_SESSION"));
        scheduleReconnect(nextBackoffMs(true));
        return;
    }
    qCInfo(lcChannels) << "discord gateway: session invalidated: identifying afresh";
    clearSession();
    dropSocket(1000, QStringLiteral("identifying after INVALID_SESSION"));
    scheduleReconnect(
        randomBetween(m_options.invalidSessionMinDelayMs, m_options.invalidSessionMaxDelayMs));
}

void DiscordGateway::beat()
{
    if (!m_socket)
        return;
    if (m_awaitingAck) {
        // No ACK since the last beat: the connection is a zombie that would swallow events.
        const QString reason =
            QStringLiteral("heartbeat not acknowledged within %1 ms").arg(m_heartbeatIntervalMs);
        qCWarning(lcChannels).noquote() << "discord gateway:" << reason << "- resuming";
        dropSocket(ResumableCloseCode, reason);
        Q_EMIT connectionLost(reason);
        scheduleReconnect(nextBackoffMs(true));
        return;
    }
    sendHeartbeat();
    m_awaitingAck = true;
    m_heartbeatTimer->start(m_heartbeatIntervalMs);
}

void DiscordGateway::sendHeartbeat()
{
    const QJsonValue sequence = m_session.sequence >= 0 ? QJsonValue(double(m_session.sequence))
                                                        : QJsonValue(QJsonValue::Null);
    send(QJsonObject{{QStringLiteral("op"), Heartbeat}, {QStringLiteral("d"), sequence}});
}

void DiscordGateway::send(const QJsonObject &payload)
{
    if (!m_socket)
        return;
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)));
}

void DiscordGateway::onSocketGone(QWebSocket *socket)
{
    if (!socket || socket != m_socket)
        return;
    int code = int(socket->closeCode());
    const QString closeReason = socket->closeReason();
    const QString socketError = socket->errorString();
    // QWebSocket reports 1000 when no close frame arrived at all; a socket error tells the
    // dropped connection apart from a real normal closure.
    if (code == 1000 && closeReason.isEmpty() &&
        socket->error() != QAbstractSocket::UnknownSocketError)
        code = 1006;
    dropSocket(ResumableCloseCode, QString());
    if (!m_running)
        return;

    QString reason = QStringLiteral("connection lost (%1)").arg(closeCodeDescription(code));
    if (!closeReason.isEmpty())
        reason += QStringLiteral(": ") + closeReason;
    else if (code == 1006 && !socketError.isEmpty())
        reason += QStringLiteral(": ") + socketError;

    // Discord's "do not reconnect" codes: retrying would only repeat the refusal.
    if (code == 4004 || (code >= 4010 && code <= 4014)) {
        m_running = false;
        qCWarning(lcChannels).noquote() << "discord gateway: giving up:" << reason;
        Q_EMIT failed(reason);
        return;
    }
    // Invalid sequence and session timeout: reconnect, but as a new session.
    if (code == 4007 || code == 4009)
        clearSession();
    qCWarning(lcChannels).noquote() << "discord gateway:" << reason << "- reconnecting";
    Q_EMIT connectionLost(reason);
    scheduleReconnect(nextBackoffMs(false));
}

void DiscordGateway::dropSocket(int code, const QString &reason)
{
    m_heartbeatTimer->stop();
    m_helloTimer->stop();
    m_awaitingAck = false;
    QWebSocket *socket = m_socket;
    m_socket = nullptr;
    if (!socket)
        return;
    socket->disconnect(this);
    if (socket->state() == QAbstractSocket::ConnectedState) {
        socket->close(QWebSocketProtocol::CloseCode(code), reason);
        socket->flush();
    } else {
        socket->abort();
    }
    socket->deleteLater();
}

void DiscordGateway::scheduleReconnect(int delayMs)
{
    if (!m_running)
        return;
    if (delayMs > 0)
        qCInfo(lcChannels) << "discord gateway: reconnecting in" << delayMs << "ms";
    m_reconnectTimer->start(std::max(0, delayMs));
}

int DiscordGateway::nextBackoffMs(bool immediateAllowed)
{
    ++m_attempts;
    if (immediateAllowed && m_attempts == 1)
        return 0;
    const int exponent = std::min(m_attempts - 1, 20);
    const qint64 ceiling =
        std::min<qint64>(qint64(m_options.backoffBaseMs) << exponent, m_options.backoffMaxMs);
    // "Equal jitter": at least half the step, so retries never collapse to zero.
    const int half = int(ceiling / 2);
    return half + randomBetween(0, int(ceiling) - half);
}

void DiscordGateway::clearSession()
{
    const bool had = m_session.isValid();
    m_session = Session{};
    if (had)
        Q_EMIT sessionChanged();
}

QString DiscordGateway::encodeSession(const Session &session)
{
    if (!session.isValid())
        return QString();
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("session_id"), session.id},
                                  {QStringLiteral("resume_gateway_url"), session.resumeUrl},
                                  {QStringLiteral("seq"), double(session.sequence)}})
            .toJson(QJsonDocument::Compact));
}

DiscordGateway::Session DiscordGateway::decodeSession(const QString &text)
{
    const QJsonObject object = QJsonDocument::fromJson(text.toUtf8()).object();
    Session session;
    session.id = object.value(QStringLiteral("session_id")).toString();
    session.resumeUrl = object.value(QStringLiteral("resume_gateway_url")).toString();
    session.sequence = qint64(object.value(QStringLiteral("seq")).toDouble(-1));
    return session;
}

QUrl DiscordGateway::resumeUrlFor(const QString &resumeUrl, const QUrl &configured)
{
    QUrl url(resumeUrl);
    if (!url.isValid() || url.scheme().isEmpty())
        return configured;
    if (!url.hasQuery())
        url.setQuery(configured.query());
    if (url.path().isEmpty())
        url.setPath(configured.path().isEmpty() ? QStringLiteral("/") : configured.path());
    return url;
}

QJsonObject DiscordGateway::identifyPayload(const QString &token)
{
    const QJsonObject properties{{QStringLiteral("os"), QSysInfo::kernelType()},
                                 {QStringLiteral("browser"), QStringLiteral("relaydesk")},
                                 {QStringLiteral("device"), QStringLiteral("relaydesk")}};
    return QJsonObject{
        {QStringLiteral("op"), Identify},
        {QStringLiteral("d"), QJsonObject{{QStringLiteral("token"), token},
                                          {QStringLiteral("intents"), Intents},
                                          {QStringLiteral("properties"), properties}}}};
}

QJsonObject DiscordGateway::resumePayload(const QString &token, const Session &session)
{
    const QJsonValue sequence =
        session.sequence >= 0 ? QJsonValue(double(session.sequence)) : QJsonValue(QJsonValue::Null);
    return QJsonObject{{QStringLiteral("op"), Resume},
                       {QStringLiteral("d"), QJsonObject{{QStringLiteral("token"), token},
                                                         {QStringLiteral("session_id"), session.id},
                                                         {QStringLiteral("seq"), sequence}}}};
}

QString DiscordGateway::closeCodeDescription(int code)
{
    switch (code) {
    case 1000:
        return QStringLiteral("1000 normal closure");
    case 1001:
        return QStringLiteral("1001 going away");
    case 1006:
        return QStringLiteral("1006 abnormal closure");
    case 4000:
        return QStringLiteral("4000 unknown error");
    case 4001:
        return QStringLiteral("4001 unknown opcode");
    case 4002:
        return QStringLiteral("4002 decode error");
    case 4003:
        return QStringLiteral("4003 not authenticated");
    case 4004:
        return QStringLiteral("4004 authentication failed: check [channels.discord] bot_token");
    case 4005:
        return QStringLiteral("4005 already authenticated");
    case 4007:
        return QStringLiteral("4007 invalid sequence");
    case 4008:
        return QStringLiteral("4008 rate limited");
    case 4009:
        return QStringLiteral("4009 session timed out");
    case 4010:
        return QStringLiteral("4010 invalid shard");
    case 4011:
        return QStringLiteral("4011 sharding required");
    case 4012:
        return QStringLiteral("4012 invalid API version");
    case 4013:
        return QStringLiteral("4013 invalid intents");
    case 4014:
        return QStringLiteral(
            "4014 disallowed intents: enable the Message Content intent for the bot");
    default:
        return QString::number(code);
    }
}

} // namespace relaydesk
