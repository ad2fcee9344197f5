#include "fakes/faketwilio.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace relaydesk {

namespace {

constexpr int kMaxBody = 1600;

} // namespace

QString FakeTwilio::SentMessage::value(const QString &name) const
{
    for (const auto &[key, value] : form) {
        if (key == name)
            return value;
    }
    return {};
}

QStringList FakeTwilio::SentMessage::values(const QString &name) const
{
    QStringList result;
    for (const auto &[key, value] : form) {
        if (key == name)
            result << value;
    }
    return result;
}

FakeTwilio::FakeTwilio(QString accountSid, QString authToken, QObject *parent)
    : QObject(parent)
    , m_accountSid(std::move(accountSid))
    , m_authToken(std::move(authToken))
{
    m_server.setHandler([this](const RecordedRequest &request) { return handle(request); });
}

QString FakeTwilio::baseUrl() const
{
    return m_server.url().toString();
}

void FakeTwilio::queueError(int httpStatus, int code, const QString &message,
                            const QByteArray &retryAfter)
{
    FakeResponse response = error(httpStatus, code, message);
    if (!retryAfter.isEmpty())
        response = response.withHeader("Retry-After", retryAfter);
    m_errors.enqueue(response);
}

void FakeTwilio::setOutage(int httpStatus)
{
    m_outageStatus = httpStatus;
}

void FakeTwilio::queueRateLimit(int retryAfterSeconds)
{
    queueError(429, 20429, QStringLiteral("Too Many Requests"),
               retryAfterSeconds > 0 ? QByteArray::number(retryAfterSeconds) : QByteArray());
}

bool FakeTwilio::waitForMessages(int count, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (m_messages.size() < count && timer.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(10, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_messages.size() >= count;
}

QByteArray FakeTwilio::signature(const QString &authToken, const QString &url, const Params &params)
{
    // Twilio's scheme: the URL, then every parameter name followed by its value, names sorted,
    // each distinct value once, values sorted.
    QMap<QString, QStringList> byName;
    for (const auto &[name, value] : params) {
        if (!byName[name].contains(value))
            byName[name].append(value);
    }
    QString data = url;
    for (auto it = byName.begin(); it != byName.end(); ++it) {
        QStringList values = it.value();
        values.sort();
        for (const QString &value : values)
            data += it.key() + value;
    }
    return QMessageAuthenticationCode::hash(data.toUtf8(), authToken.toUtf8(),
                                            QCryptographicHash::Sha1)
        .toBase64();
}

QByteArray FakeTwilio::encode(const Params &params)
{
    QByteArrayList pairs;
    for (const auto &[name, value] : params)
        pairs << QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    return pairs.join('&');
}

FakeTwilio::Params FakeTwilio::decode(const QByteArray &body)
{
    Params params;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        QByteArray name = equals < 0 ? pair : pair.left(equals);
        QByteArray value = equals < 0 ? QByteArray() : pair.mid(equals + 1);
        params.append(
            {QString::fromUtf8(QByteArray::fromPercentEncoding(name.replace('+', ' '))),
             QString::fromUtf8(QByteArray::fromPercentEncoding(value.replace('+', ' ')))});
    }
    return params;
}

QJsonObject FakeTwilio::fixture(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QJsonObject FakeTwilio::messageResource(const QString &accountSid, const QString &sid,
                                        const Params &form)
{
    QJsonObject resource = fixture(QStringLiteral("twilio/messages_create_201.json"));
    if (resource.isEmpty())
        return resource;
    SentMessage message{sid, form};
    const QString uriBase =
        QStringLiteral("/2010-04-01/Accounts/%1/Messages/%2").arg(accountSid, sid);
    resource.insert(QStringLiteral("account_sid"), accountSid);
    resource.insert(QStringLiteral("sid"), sid);
    resource.insert(QStringLiteral("to"), message.value(QStringLiteral("To")));
    resource.insert(QStringLiteral("from"), message.value(QStringLiteral("From")));
    resource.insert(QStringLiteral("body"), message.value(QStringLiteral("Body")));
    resource.insert(QStringLiteral("num_media"),
                    QString::number(message.values(QStringLiteral("MediaUrl")).size()));
    resource.insert(QStringLiteral("status"), QStringLiteral("queued"));
    resource.insert(QStringLiteral("date_sent"), QJsonValue::Null);
    const QString service = message.value(QStringLiteral("MessagingServiceSid"));
    resource.insert(QStringLiteral("messaging_service_sid"),
                    service.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(service));
    resource.insert(QStringLiteral("tags"), QJsonValue::Null);
    resource.insert(QStringLiteral("uri"), QString(uriBase + QStringLiteral(".json")));
    resource.insert(
        QStringLiteral("subresource_uris"),
        QJsonObject{{QStringLiteral("media"), QString(uriBase + QStringLiteral("/Media.json"))}});
    return resource;
}

FakeResponse FakeTwilio::error(int httpStatus, int code, const QString &message)
{
    const QJsonObject body{{QStringLiteral("code"), code},
                           {QStringLiteral("message"), message},
                           {QStringLiteral("more_info"),
                            QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code)},
                           {QStringLiteral("status"), httpStatus}};
    return FakeResponse::json(httpStatus, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

FakeResponse FakeTwilio::handle(const RecordedRequest &request)
{
    static const QRegularExpression messagesPath(
        QStringLiteral("^/2010-04-01/Accounts/([^/]+)/Messages\\.json$"));
    const auto match = messagesPath.match(request.path);
    if (request.method != "POST" || !match.hasMatch())
        return error(404, 20404,
                     QStringLiteral("The requested resource %1 was not found").arg(request.path));
    const QByteArray expectedAuth =
        "Basic " + (m_accountSid + QLatin1Char(':') + m_authToken).toUtf8().toBase64();
    if (request.header("Authorization") != expectedAuth || match.captured(1) != m_accountSid) {
        ++m_failedSends;
        return error(401, 20003, QStringLiteral("Authenticate"));
    }
    if (m_outageStatus != 0) {
        ++m_failedSends;
        return error(m_outageStatus, 20500, QStringLiteral("Internal Server Error"));
    }
    if (!m_errors.isEmpty()) {
        ++m_failedSends;
        return m_errors.dequeue();
    }
    if (!request.header("Content-Type").startsWith("application/x-www-form-urlencoded"))
        return error(400, 20001, QStringLiteral("Invalid Content-Type"));

    const Params form = decode(request.body);
    const SentMessage probe{QString(), form};
    const QString to = probe.value(QStringLiteral("To"));
    const QString from = probe.value(QStringLiteral("From"));
    const QString body = probe.value(QStringLiteral("Body"));
    if (to.isEmpty())
        return error(400, 21604, QStringLiteral("A 'To' phone number is required."));
    if (from.isEmpty() && probe.value(QStringLiteral("MessagingServiceSid")).isEmpty())
        return error(400, 21603, QStringLiteral("A 'From' phone number is required."));
    static const QRegularExpression e164(QStringLiteral("^(whatsapp:)?\\+[1-9][0-9]{6,14}$"));
    if (!e164.match(to).hasMatch())
        return error(400, 21211,
                     QStringLiteral("The 'To' number %1 is not a valid phone number.").arg(to));
    if (body.isEmpty() && probe.values(QStringLiteral("MediaUrl")).isEmpty())
        return error(400, 21602, QStringLiteral("Message body is required."));
    if (body.size() > kMaxBody)
        return error(
            400, 21617,
            QStringLiteral("The concatenated message body exceeds the 1600 character limit."));

    const QString sid = QStringLiteral("SM%1").arg(m_nextSid++, 32, 16, QLatin1Char('0'));
    m_messages.append(SentMessage{sid, form});
    const QJsonObject resource = messageResource(m_accountSid, sid, form);
    if (resource.isEmpty())
        return FakeResponse::json(
            500, R"({"error":"fixture twilio/messages_create_201.json not found"})");
    return FakeResponse::json(201, QJsonDocument(resource).toJson(QJsonDocument::Compact));
}

FakeTwilio::Answer FakeTwilio::postWebhook(const QUrl &url, const Params &params,
                                           const QString &signingToken)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("TwilioProxy/1.1"));
    request.setRawHeader("X-Twilio-Signature",
                         signature(signingToken.isEmpty() ? m_authToken : signingToken,
                                   url.toString(QUrl::FullyEncoded), params));
    std::unique_ptr<QNetworkReply> reply(m_network.post(request, encode(params)));
    QEventLoop loop;
    connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    answer.body = reply->readAll();
    return answer;
}

FakeTwilio::Answer FakeTwilio::postStatus(const QString &sid, const QString &status,
                                          const QString &errorCode)
{
    for (const SentMessage &message : std::as_const(m_messages)) {
        if (message.sid != sid)
            continue;
        const QString callback = message.value(QStringLiteral("StatusCallback"));
        if (callback.isEmpty())
            return Answer{0, {}, "the message was sent without a StatusCallback"};
        // The parameter set Twilio posts to a messaging status callback.
        Params params{{QStringLiteral("AccountSid"), m_accountSid},
                      {QStringLiteral("ApiVersion"), QStringLiteral("2010-04-01")},
                      {QStringLiteral("From"), message.value(QStringLiteral("From"))},
                      {QStringLiteral("MessageSid"), sid},
                      {QStringLiteral("MessageStatus"), status},
                      {QStringLiteral("SmsSid"), sid},
                      {QStringLiteral("SmsStatus"), status},
                      {QStringLiteral("To"), message.value(QStringLiteral("To"))}};
        if (!errorCode.isEmpty())
            params.append({QStringLiteral("ErrorCode"), errorCode});
        return postWebhook(QUrl(callback), params);
    }
    return Answer{0, {}, "no such message"};
}

} // namespace relaydesk
