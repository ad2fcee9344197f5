#include "fakes/fakesendgrid.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace relaydesk {

namespace {

struct KeyDeleter {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct ContextDeleter {
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
using KeyPointer = std::unique_ptr<EVP_PKEY, KeyDeleter>;

template <typename Encoder> QByteArray derOf(EVP_PKEY *key, Encoder encode)
{
    const int length = encode(key, nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto *cursor = reinterpret_cast<unsigned char *>(der.data());
    encode(key, &cursor);
    return der;
}

QString randomMessageId()
{
    // X-Message-Id values are 22 characters of unpadded base64url (16 random bytes).
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), 4);
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

QJsonObject FakeSendGrid::Answer::json() const
{
    return QJsonDocument::fromJson(body).object();
}

FakeSendGrid::FakeSendGrid(QString apiKey, QObject *parent)
    : QObject(parent)
    , m_apiKey(std::move(apiKey))
{
    const KeyPointer key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (key) {
        m_privateKey = derOf(
            key.get(), [](EVP_PKEY *k, unsigned char **out) { return i2d_PrivateKey(k, out); });
        m_publicKey = QString::fromLatin1(derOf(key.get(), [](EVP_PKEY *k, unsigned char **out) {
                                              return i2d_PUBKEY(k, out);
                                          }).toBase64());
    }
    ERR_clear_error();
    m_server.setHandler([this](const RecordedRequest &request) { return handle(request); });
}

QString FakeSendGrid::baseUrl() const
{
    return m_server.url().toString();
}

QByteArray FakeSendGrid::fixtureBytes(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

FakeResponse FakeSendGrid::errors(int httpStatus,
                                  const QList<std::pair<QString, QString>> &problems)
{
    QJsonArray list;
    for (const auto &[message, field] : problems) {
        list.append(
            QJsonObject{{QStringLiteral("message"), message},
                        {QStringLiteral("field"),
                         field.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(field)},
                        {QStringLiteral("help"), QJsonValue::Null}});
    }
    return FakeResponse::json(httpStatus,
                              QJsonDocument(QJsonObject{{QStringLiteral("errors"), list}})
                                  .toJson(QJsonDocument::Compact));
}

void FakeSendGrid::queueError(int httpStatus, const QString &message, const QString &field)
{
    m_scripted.enqueue(errors(httpStatus, {{message, field}}));
}

void FakeSendGrid::queueRateLimit(int resetInSeconds)
{
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + resetInSeconds;
    m_scripted.enqueue(errors(429, {{QStringLiteral("too many requests"), QString()}})
                           .withHeader("X-RateLimit-Limit", "600")
                           .withHeader("X-RateLimit-Remaining", "0")
                           .withHeader("X-RateLimit-Reset", QByteArray::number(reset)));
}

bool FakeSendGrid::waitForMails(int count, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (m_mails.size() < count && timer.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(10, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_mails.size() >= count;
}

void FakeSendGrid::setOutage(int httpStatus)
{
    m_outageStatus = httpStatus;
}

FakeResponse FakeSendGrid::handle(const RecordedRequest &request)
{
    if (request.method != "POST" || request.path != QLatin1String("/v3/mail/send"))
        return errors(404, {{QStringLiteral("resource not found"), QString()}});
    if (request.header("Authorization") != "Bearer " + m_apiKey.toUtf8())
        return errors(401, {{QStringLiteral("The provided authorization grant is invalid, expired, "
                                            "or revoked"),
                             QString()}});
    if (m_outageStatus != 0)
        return errors(m_outageStatus, {{QStringLiteral("Internal Server Error"), QString()}});
    if (!m_scripted.isEmpty())
        return m_scripted.dequeue();
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isObject())
        return errors(400, {{QStringLiteral("Bad Request"), QString()}});
    const QJsonObject mail = document.object();

    QList<std::pair<QString, QString>> problems;
    const QJsonArray personalizations = mail.value(QStringLiteral("personalizations")).toArray();
    bool everyPersonalizationHasSubject = !personalizations.isEmpty();
    bool recipientsOk = !personalizations.isEmpty();
    for (const QJsonValue &value : personalizations) {
        const QJsonObject personalization = value.toObject();
        const QJsonArray to = personalization.value(QStringLiteral("to")).toArray();
        if (to.isEmpty())
            recipientsOk = false;
        for (const QJsonValue &recipient : to) {
            if (!recipient.toObject()
                     .value(QStringLiteral("email"))
                     .toString()
                     .contains(QLatin1Char('@')))
                recipientsOk = false;
        }
        if (personalization.value(QStringLiteral("subject")).toString().isEmpty())
            everyPersonalizationHasSubject = false;
    }
    if (!recipientsOk)
        problems.append({QStringLiteral("The personalizations field is required and must have at "
                                        "least one personalization with a recipient email."),
                         QStringLiteral("personalizations")});
    if (!mail.value(QStringLiteral("from"))
             .toObject()
             .value(QStringLiteral("email"))
             .toString()
             .contains(QLatin1Char('@')))
        problems.append({QStringLiteral("The from object must be provided for every email send. It "
                                        "is an object that requires the email parameter, but may "
                                        "also contain a name parameter."),
                         QStringLiteral("from")});
    if (mail.value(QStringLiteral("subject")).toString().isEmpty() &&
        !everyPersonalizationHasSubject)
        problems.append({QStringLiteral("The subject is required. You can get around this "
                                        "requirement if you use a template with a subject defined "
                                        "or if every personalization has a subject defined."),
                         QStringLiteral("subject")});
    bool contentOk = false;
    for (const QJsonValue &value : mail.value(QStringLiteral("content")).toArray()) {
        const QJsonObject block = value.toObject();
        if (!block.value(QStringLiteral("type")).toString().isEmpty() &&
            !block.value(QStringLiteral("value")).toString().isEmpty())
            contentOk = true;
    }
    if (!contentOk)
        problems.append({QStringLiteral("Unless a valid template_id is provided, the content "
                                        "parameter is required. There must be at least one "
                                        "defined content block."),
                         QStringLiteral("content")});
    if (!problems.isEmpty())
        return errors(400, problems);

    const QString messageId = randomMessageId();
    m_mails.append(mail);
    m_messageIds.append(messageId);
    FakeResponse accepted;
    accepted.status = 202;
    return accepted.withHeader("X-Message-Id", messageId.toLatin1());
}

QJsonObject FakeSendGrid::event(const QString &type, const QString &messageId, const QString &email)
{
    QJsonObject event;
    const QJsonArray documented =
        QJsonDocument::fromJson(
            fixtureBytes(QStringLiteral("sendgrid/docs_event_webhook_all_event_types.json")))
            .array();
    for (const QJsonValue &value : documented) {
        if (value.toObject().value(QStringLiteral("event")).toString() == type) {
            event = value.toObject();
            break;
        }
    }
    event.insert(QStringLiteral("event"), type);
    event.insert(QStringLiteral("email"), email);
    event.insert(QStringLiteral("timestamp"), QDateTime::currentSecsSinceEpoch());
    event.insert(QStringLiteral("smtp-id"),
                 QStringLiteral("<%1@ismtpd0001p1lon1.sendgrid.net>").arg(messageId));
    event.insert(QStringLiteral("sg_message_id"),
                 QString(messageId +
                         QStringLiteral(".filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0")));
    event.insert(QStringLiteral("sg_event_id"),
                 QString::fromLatin1(QStringLiteral("%1-%2-%3")
                                         .arg(type, messageId)
                                         .arg(m_nextEvent++)
                                         .toUtf8()
                                         .toBase64(QByteArray::Base64UrlEncoding |
                                                   QByteArray::OmitTrailingEquals)));
    return event;
}

QByteArray FakeSendGrid::sign(const QByteArray &timestamp, const QByteArray &payload) const
{
    const auto *cursor = reinterpret_cast<const unsigned char *>(m_privateKey.constData());
    const KeyPointer key(d2i_AutoPrivateKey(nullptr, &cursor, long(m_privateKey.size())));
    const std::unique_ptr<EVP_MD_CTX, ContextDeleter> context(EVP_MD_CTX_new());
    QByteArray signature;
    const QByteArray message = timestamp + payload;
    size_t length = 0;
    if (key && context &&
        EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestSign(context.get(), nullptr, &length,
                       reinterpret_cast<const unsigned char *>(message.constData()),
                       size_t(message.size())) == 1) {
        signature.resize(qsizetype(length));
        if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()),
                           &length, reinterpret_cast<const unsigned char *>(message.constData()),
                           size_t(message.size())) == 1)
            signature.resize(qsizetype(length));
        else
            signature.clear();
    }
    ERR_clear_error();
    return signature.toBase64();
}

FakeSendGrid::Answer FakeSendGrid::post(const QUrl &url, const QByteArray &contentType,
                                        const QByteArray &body,
                                        const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("SendGrid Event API"));
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_network.post(request, body));
    QEventLoop loop;
    connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    return answer;
}

FakeSendGrid::Answer FakeSendGrid::postSigned(const QUrl &url, const QByteArray &payload,
                                              const QByteArray &timestamp,
                                              const QByteArray &signature)
{
    return post(url, "application/json", payload,
                {{"X-Twilio-Email-Event-Webhook-Signature", signature},
                 {"X-Twilio-Email-Event-Webhook-Timestamp", timestamp}});
}

FakeSendGrid::Answer FakeSendGrid::postEvents(const QUrl &url, const QJsonArray &events)
{
    // SendGrid ends the JSON with CRLF, and the signature covers it.
    const QByteArray payload = QJsonDocument(events).toJson(QJsonDocument::Compact) + "\r\n";
    const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    return postSigned(url, payload, timestamp, sign(timestamp, payload));
}

QByteArray FakeSendGrid::multipartBody(const QList<FormField> &fields, const QByteArray &boundary)
{
    QByteArray body;
    for (const FormField &field : fields) {
        body += "--" + boundary + "\r\n";
        body += "Content-Disposition: form-data; name=\"" + field.name.toUtf8() + '"';
        if (!field.filename.isEmpty())
            body += "; filename=\"" + field.filename.toUtf8() + '"';
        body += "\r\n";
        if (!field.contentType.isEmpty())
            body += "Content-Type: " + field.contentType + "\r\n";
        body += "\r\n" + field.value + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    return body;
}

FakeSendGrid::Answer FakeSendGrid::postInbound(const QUrl &url, const QList<FormField> &fields,
                                               const QByteArray &boundary)
{
    return post(url, "multipart/form-data; boundary=" + boundary, multipartBody(fields, boundary));
}

} // namespace relaydesk
