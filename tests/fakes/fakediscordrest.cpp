#include "fakes/fakediscordrest.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QTimer>
#include <QtMath>

namespace relaydesk {

namespace {

const QByteArray kBucket = "abcd1234"; // the bucket hash of the docs' examples

QByteArray seconds(qint64 milliseconds)
{
    return QByteArray::number(double(milliseconds) / 1000.0, 'f', 3);
}

QJsonObject fixtureObject(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

FakeDiscordRest::FakeDiscordRest(QString token, QObject *parent)
    : QObject(parent)
    , m_token(std::move(token))
{
    m_server.setHandler([this](const RecordedRequest &request) { return handle(request); });
}

QString FakeDiscordRest::baseUrl() const
{
    return m_server.url(QStringLiteral("/api/v10")).toString();
}

void FakeDiscordRest::setBucket(int limit, int windowMs)
{
    QMutexLocker locker(&m_mutex);
    m_bucketLimit = limit;
    m_windowMs = windowMs;
    m_windowStartMs = -1;
    m_used = 0;
}

void FakeDiscordRest::queueResponse(const FakeResponse &response)
{
    QMutexLocker locker(&m_mutex);
    m_script.enqueue(response);
}

FakeResponse FakeDiscordRest::fromDocsExample(const QString &fixturePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(fixturePath));
    if (!file.open(QIODevice::ReadOnly))
        return FakeResponse::text(500, "fixture not readable: " + fixturePath.toUtf8());
    FakeResponse response;
    QByteArray body;
    bool inBody = false;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (!inBody && line.startsWith("< HTTP/")) {
            response.status = line.split(' ').value(2).toInt();
        } else if (!inBody && line.startsWith("< ")) {
            const QByteArray header = line.mid(2);
            const qsizetype colon = header.indexOf(':');
            if (colon > 0)
                response.headers.insert(header.left(colon).trimmed().toLower(),
                                        header.mid(colon + 1).trimmed());
        } else {
            inBody = true;
            body += line + '\n';
        }
    }
    response.body = body.trimmed();
    return response;
}

FakeResponse FakeDiscordRest::rateLimited(double retryAfterSeconds, bool global)
{
    const QJsonObject body{
        {QStringLiteral("message"), QStringLiteral("You are being rate limited.")},
        {QStringLiteral("retry_after"), retryAfterSeconds},
        {QStringLiteral("global"), global}};
    FakeResponse response =
        FakeResponse::json(429, QJsonDocument(body).toJson(QJsonDocument::Compact))
            .withHeader("retry-after", QByteArray::number(qCeil(retryAfterSeconds)))
            .withHeader("x-ratelimit-scope", global ? "global" : "user");
    if (global)
        return response.withHeader("x-ratelimit-global", "true");
    return response.withHeader("x-ratelimit-bucket", kBucket)
        .withHeader("x-ratelimit-limit", "5")
        .withHeader("x-ratelimit-remaining", "0")
        .withHeader("x-ratelimit-reset-after", QByteArray::number(retryAfterSeconds, 'f', 3));
}

FakeResponse FakeDiscordRest::error(int status, int code, const QString &message)
{
    const QJsonObject body{{QStringLiteral("message"), message}, {QStringLiteral("code"), code}};
    return FakeResponse::json(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QList<RecordedRequest> FakeDiscordRest::messageRequests() const
{
    static const QRegularExpression path(QStringLiteral("^/api/v10/channels/[^/]+/messages$"));
    QList<RecordedRequest> matching;
    for (const RecordedRequest &request : m_server.requests()) {
        if (request.method == "POST" && path.match(request.path).hasMatch())
            matching.append(request);
    }
    return matching;
}

QList<QJsonObject> FakeDiscordRest::createdMessages() const
{
    QMutexLocker locker(&m_mutex);
    return m_created;
}

int FakeDiscordRest::rateLimitedCount() const
{
    QMutexLocker locker(&m_mutex);
    return m_rateLimited;
}

bool FakeDiscordRest::waitForMessageRequests(int count, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (messageRequests().size() < count) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        connect(&m_server, &FakeHttpServer::requestReceived, &loop, &QEventLoop::quit);
        QTimer::singleShot(std::min<qint64>(deadline.remainingTime(), 50), &loop,
                           &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

QString FakeDiscordRest::nextSnowflake()
{
    return QString::number(m_nextId++);
}

FakeResponse FakeDiscordRest::handle(const RecordedRequest &request)
{
    QMutexLocker locker(&m_mutex);
    if (!m_script.isEmpty()) {
        const FakeResponse scripted = m_script.dequeue();
        if (scripted.status == 429)
            ++m_rateLimited;
        return scripted;
    }
    if (request.header("authorization") != "Bot " + m_token.toUtf8())
        return error(401, 0, QStringLiteral("401: Unauthorized"));
    static const QRegularExpression messages(
        QStringLiteral("^/api/v10/channels/([^/]+)/messages$"));
    const auto match = messages.match(request.path);
    if (request.method == "POST" && match.hasMatch())
        return createMessage(request, match.captured(1));
    if (request.method == "POST" && request.path == QLatin1String("/api/v10/users/@me/channels"))
        return openDirectMessage(request);
    return error(404, 0, QStringLiteral("404: Not Found"));
}

FakeResponse FakeDiscordRest::withBucketHeaders(FakeResponse response, qint64 nowMs)
{
    const qint64 resetAtMs = m_windowStartMs + m_windowMs;
    return response.withHeader("x-ratelimit-limit", QByteArray::number(m_bucketLimit))
        .withHeader("x-ratelimit-remaining",
                    QByteArray::number(std::max(0, m_bucketLimit - m_used)))
        .withHeader("x-ratelimit-reset", seconds(resetAtMs))
        .withHeader("x-ratelimit-reset-after", seconds(std::max<qint64>(0, resetAtMs - nowMs)))
        .withHeader("x-ratelimit-bucket", kBucket);
}

FakeResponse FakeDiscordRest::createMessage(const RecordedRequest &request,
                                            const QString &channelId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_windowStartMs < 0 || now >= m_windowStartMs + m_windowMs) {
        m_windowStartMs = now;
        m_used = 0;
    }
    if (m_used >= m_bucketLimit) {
        ++m_rateLimited;
        const qint64 resetAfter = m_windowStartMs + m_windowMs - now;
        const QJsonObject body{
            {QStringLiteral("message"), QStringLiteral("You are being rate limited.")},
            {QStringLiteral("retry_after"), double(resetAfter) / 1000.0},
            {QStringLiteral("global"), false}};
        return withBucketHeaders(
                   FakeResponse::json(429, QJsonDocument(body).toJson(QJsonDocument::Compact)), now)
            .withHeader("retry-after", QByteArray::number(qCeil(double(resetAfter) / 1000.0)))
            .withHeader("x-ratelimit-scope", "user");
    }
    ++m_used;
    if (m_forbidden.contains(channelId))
        return withBucketHeaders(error(403, 50001, QStringLiteral("Missing Access")), now);
    if (m_unknown.contains(channelId))
        return withBucketHeaders(error(404, 10003, QStringLiteral("Unknown Channel")), now);

    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isObject() || !request.header("content-type").startsWith("application/json"))
        return withBucketHeaders(
            error(400, 50109, QStringLiteral("The request body contains invalid JSON.")), now);
    const QJsonObject body = document.object();
    const QString content = body.value(QStringLiteral("content")).toString();
    const QString nonce = body.value(QStringLiteral("nonce")).toString();
    if (content.isEmpty() || content.size() > 2000 || nonce.size() > 25) {
        const QString field =
            nonce.size() > 25 ? QStringLiteral("nonce") : QStringLiteral("content");
        const QJsonObject invalid{
            {QStringLiteral("code"), 50035},
            {QStringLiteral("errors"),
             QJsonObject{
                 {field,
                  QJsonObject{{QStringLiteral("_errors"),
                               QJsonArray{QJsonObject{
                                   {QStringLiteral("code"), QStringLiteral("BASE_TYPE_BAD_LENGTH")},
                                   {QStringLiteral("message"),
                                    QStringLiteral("Must be between 1 and 2000 in length.")}}}}}}}},
            {QStringLiteral("message"), QStringLiteral("Invalid Form Body")}};
        return withBucketHeaders(
            FakeResponse::json(400, QJsonDocument(invalid).toJson(QJsonDocument::Compact)), now);
    }
    const QString nonceKey = channelId + QLatin1Char('/') + nonce;
    if (body.value(QStringLiteral("enforce_nonce")).toBool() && !nonce.isEmpty() &&
        m_byNonce.contains(nonceKey)) {
        // Discord answers a repeated nonce with the message it already created.
        return withBucketHeaders(
            FakeResponse::json(
                200, QJsonDocument(m_byNonce.value(nonceKey)).toJson(QJsonDocument::Compact)),
            now);
    }

    QJsonObject message = fixtureObject(QStringLiteral("discord/docs_message_object.json"));
    message.remove(QStringLiteral("reactions"));
    message.insert(QStringLiteral("id"), nextSnowflake());
    message.insert(QStringLiteral("channel_id"), channelId);
    message.insert(QStringLiteral("content"), content);
    message.insert(QStringLiteral("timestamp"),
                   QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    message.insert(QStringLiteral("author"),
                   QJsonObject{{QStringLiteral("id"), botUserId()},
                               {QStringLiteral("username"), QStringLiteral("Relaydesk")},
                               {QStringLiteral("discriminator"), QStringLiteral("0")},
                               {QStringLiteral("avatar"), QJsonValue()},
                               {QStringLiteral("bot"), true}});
    if (!nonce.isEmpty())
        message.insert(QStringLiteral("nonce"), nonce);
    if (body.contains(QStringLiteral("message_reference")))
        message.insert(QStringLiteral("message_reference"),
                       body.value(QStringLiteral("message_reference")));
    m_created.append(message);
    if (!nonce.isEmpty())
        m_byNonce.insert(nonceKey, message);
    return withBucketHeaders(
        FakeResponse::json(200, QJsonDocument(message).toJson(QJsonDocument::Compact)), now);
}

FakeResponse FakeDiscordRest::openDirectMessage(const RecordedRequest &request)
{
    const QString recipient = QJsonDocument::fromJson(request.body)
                                  .object()
                                  .value(QStringLiteral("recipient_id"))
                                  .toString();
    if (recipient.isEmpty())
        return error(400, 50035, QStringLiteral("Invalid Form Body"));
    const QJsonObject channel{
        {QStringLiteral("id"), nextSnowflake()},
        {QStringLiteral("type"), 1},
        {QStringLiteral("last_message_id"), QJsonValue()},
        {QStringLiteral("flags"), 0},
        {QStringLiteral("recipients"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), recipient},
                                {QStringLiteral("username"), QStringLiteral("customer")},
                                {QStringLiteral("discriminator"), QStringLiteral("0")},
                                {QStringLiteral("avatar"), QJsonValue()}}}}};
    return FakeResponse::json(200, QJsonDocument(channel).toJson(QJsonDocument::Compact));
}

} // namespace relaydesk
