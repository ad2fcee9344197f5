#include "channels/twiliochannel.h"

#include "channels/retryhint.h"
#include "core/messagecodec.h"
#include "observability/logger.h"

#include <QCoro/QCoroNetworkReply>
#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

#include <map>
#include <set>

namespace relaydesk {

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= uchar(a[i]) ^ uchar(b[i]);
    return difference == 0;
}

QByteArray formDecode(QByteArrayView text)
{
    QByteArray bytes = text.toByteArray();
    bytes.replace('+', ' ');
    return QByteArray::fromPercentEncoding(bytes);
}

struct Authority {
    qsizetype portColon = -1; // index of ':' before the port, -1 without one
    qsizetype end = -1;       // index after the authority
};

// Where host and port sit in "scheme://user@host:port/path?query", by hand: QUrl would
// re-encode the path and query, and the signature covers them byte for byte.
Authority authorityOf(const QString &url)
{
    Authority authority;
    const qsizetype schemeEnd = url.indexOf(QLatin1String("://"));
    if (schemeEnd < 0)
        return authority;
    const qsizetype start = schemeEnd + 3;
    qsizetype end = start;
    while (end < url.size() && url[end] != QLatin1Char('/') && url[end] != QLatin1Char('?') &&
           url[end] != QLatin1Char('#'))
        ++end;
    authority.end = end;
    const qsizetype colon = url.lastIndexOf(QLatin1Char(':'), end - 1);
    const qsizetype bracket = url.lastIndexOf(QLatin1Char(']'), end - 1);
    const qsizetype at = url.lastIndexOf(QLatin1Char('@'), end - 1);
    if (colon < start || colon < bracket || colon < at || colon + 1 >= end)
        return authority;
    for (qsizetype i = colon + 1; i < end; ++i) {
        if (!url[i].isDigit())
            return authority;
    }
    authority.portColon = colon;
    return authority;
}

QStringList urlVariants(const QString &url)
{
    QStringList variants{url};
    const Authority authority = authorityOf(url);
    if (authority.end < 0)
        return variants;
    if (authority.portColon >= 0) {
        variants << url.left(authority.portColon) + url.mid(authority.end);
    } else {
        const QString port = url.startsWith(QLatin1String("https:"), Qt::CaseInsensitive)
                                 ? QStringLiteral(":443")
                                 : QStringLiteral(":80");
        variants << url.left(authority.end) + port + url.mid(authority.end);
    }
    return variants;
}

QString firstNonEmpty(std::initializer_list<QString> candidates)
{
    for (const QString &candidate : candidates) {
        if (!candidate.trimmed().isEmpty())
            return candidate.trimmed();
    }
    return {};
}

} // namespace

TwilioChannel::TwilioChannel(QNetworkAccessManager *network, TwilioSettings settings,
                             QString publicUrl, int timeoutMs)
    : m_network(network)
    , m_settings(std::move(settings))
    , m_publicUrl(std::move(publicUrl))
    , m_timeoutMs(timeoutMs)
{}

QString TwilioChannel::name() const
{
    return QStringLiteral("twilio");
}

bool TwilioChannel::handles(Platform platform) const
{
    return platform == Platform::Sms || platform == Platform::Mms;
}

FormFields TwilioChannel::parseForm(QByteArrayView body)
{
    FormFields fields;
    qsizetype start = 0;
    while (start <= body.size()) {
        qsizetype end = body.indexOf('&', start);
        if (end < 0)
            end = body.size();
        const QByteArrayView pair = body.sliced(start, end - start);
        start = end + 1;
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const QByteArrayView name = equals < 0 ? pair : pair.first(equals);
        const QByteArrayView value = equals < 0 ? QByteArrayView() : pair.sliced(equals + 1);
        fields.append({QString::fromUtf8(formDecode(name)), QString::fromUtf8(formDecode(value))});
    }
    return fields;
}

QString TwilioChannel::formValue(const FormFields &fields, const QString &name)
{
    for (const auto &[key, value] : fields) {
        if (key == name)
            return value;
    }
    return {};
}

QByteArray TwilioChannel::encodeForm(const FormFields &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    return body;
}

QString TwilioChannel::publicRequestUrl(const QString &publicBaseUrl, const QUrl &requestUrl)
{
    QString base = publicBaseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QString url = base + requestUrl.path(QUrl::FullyEncoded);
    if (requestUrl.hasQuery())
        url += QLatin1Char('?') + requestUrl.query(QUrl::FullyEncoded);
    return url;
}

QByteArray TwilioChannel::computeSignature(const QString &authToken, const QString &url,
                                           const FormFields &params)
{
    // UTF-8 byte order is code point order, which is how Twilio's validators sort.
    std::map<QByteArray, std::set<QByteArray>> sorted;
    for (const auto &[name, value] : params)
        sorted[name.toUtf8()].insert(value.toUtf8());
    QByteArray data = url.toUtf8();
    for (const auto &[name, values] : sorted) {
        for (const QByteArray &value : values)
            data += name + value;
    }
    return QMessageAuthenticationCode::hash(data, authToken.toUtf8(), QCryptographicHash::Sha1)
        .toBase64();
}

bool TwilioChannel::verifySignature(const QString &authToken, const QString &url,
                                    const FormFields &params, const QByteArray &signature)
{
    if (authToken.isEmpty() || signature.isEmpty())
        return false;
    bool matched = false;
    for (const QString &candidate : urlVariants(url)) {
        if (constantTimeEquals(computeSignature(authToken, candidate, params), signature.trimmed()))
            matched = true;
    }
    return matched;
}

bool TwilioChannel::isStatusCallback(const FormFields &fields)
{
    QString status = formValue(fields, QStringLiteral("MessageStatus"));
    if (status.isEmpty())
        status = formValue(fields, QStringLiteral("SmsStatus"));
    return !status.isEmpty() && status != QLatin1String("received") &&
           status != QLatin1String("receiving");
}

Outcome<Message> TwilioChannel::parseInbound(const FormFields &fields)
{
    QList<FieldError> errors;
    auto required = [&](const QString &name, const QString &value) {
        if (value.trimmed().isEmpty())
            errors.append({name, QStringLiteral("is required")});
        else if (value.size() > MessageCodec::kMaxIdLength)
            errors.append(
                {name,
                 QStringLiteral("must be at most %1 characters").arg(MessageCodec::kMaxIdLength)});
    };
    const QString sid = firstNonEmpty({formValue(fields, QStringLiteral("MessageSid")),
                                       formValue(fields, QStringLiteral("SmsMessageSid")),
                                       formValue(fields, QStringLiteral("SmsSid"))});
    const QString from = formValue(fields, QStringLiteral("From")).trimmed();
    const QString to = formValue(fields, QStringLiteral("To")).trimmed();
    required(QStringLiteral("MessageSid"), sid);
    required(QStringLiteral("From"), from);
    required(QStringLiteral("To"), to);
    if (!errors.isEmpty())
        return Error{ErrorKind::Invalid,
                     QStringLiteral("not a Twilio message webhook: ") + errors.first().field +
                         QLatin1Char(' ') + errors.first().message,
                     errors, 0};

    Message message;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    message.userId = from;
    message.authorId = from;
    message.content =
        formValue(fields, QStringLiteral("Body")).left(MessageCodec::kMaxContentLength);
    bool numeric = false;
    const int numMedia =
        std::clamp(formValue(fields, QStringLiteral("NumMedia")).toInt(&numeric), 0, kMaxMedia);
    for (int i = 0; numeric && i < numMedia; ++i) {
        const QString url = formValue(fields, QStringLiteral("MediaUrl%1").arg(i)).trimmed();
        if (url.isEmpty() || url.size() > 2048)
            continue;
        message.attachments.append(Attachment{
            url, formValue(fields, QStringLiteral("MediaContentType%1").arg(i)).trimmed()});
    }
    message.platform = numeric && numMedia > 0 ? Platform::Mms : Platform::Sms;
    // "from" and "to" pair the two numbers for threading and tell the reply where to go.
    message.metadata.insert(QStringLiteral("from"), from);
    message.metadata.insert(QStringLiteral("to"), to);
    message.metadata.insert(QStringLiteral("message_sid"), sid);
    const QString account = formValue(fields, QStringLiteral("AccountSid")).trimmed();
    if (!account.isEmpty())
        message.metadata.insert(QStringLiteral("account_sid"),
                                account.left(MessageCodec::kMaxIdLength));
    message.clientMessageId = QStringLiteral("twilio:") + sid;
    return message;
}

Outcome<TwilioStatus> TwilioChannel::parseStatus(const FormFields &fields)
{
    TwilioStatus status;
    status.messageSid = firstNonEmpty({formValue(fields, QStringLiteral("MessageSid")),
                                       formValue(fields, QStringLiteral("SmsSid"))});
    status.status = firstNonEmpty({formValue(fields, QStringLiteral("MessageStatus")),
                                   formValue(fields, QStringLiteral("SmsStatus"))})
                        .toLower();
    status.errorCode = formValue(fields, QStringLiteral("ErrorCode")).trimmed();
    if (status.messageSid.isEmpty() || status.status.isEmpty())
        return Outcome<TwilioStatus>::failure(
            ErrorKind::Invalid,
            QStringLiteral("a status callback needs MessageSid and MessageStatus"));
    if (status.messageSid.size() > MessageCodec::kMaxIdLength || status.status.size() > 64 ||
        status.errorCode.size() > 64)
        return Outcome<TwilioStatus>::failure(
            ErrorKind::Invalid, QStringLiteral("status callback fields are too long"));
    if (status.status == QLatin1String("delivered")) {
        status.event = EventType::Delivered;
        status.detail = QStringLiteral("delivered");
    } else if (status.status == QLatin1String("undelivered") ||
               status.status == QLatin1String("failed")) {
        status.event = EventType::Failed;
        status.detail =
            status.errorCode.isEmpty()
                ? status.status
                : QStringLiteral("%1: Twilio error %2 (https://www.twilio.com/docs/errors/%2)")
                      .arg(status.status, status.errorCode);
    }
    return status;
}

QString TwilioChannel::receiptKey(const TwilioStatus &status)
{
    return QStringLiteral("twilio:status:%1:%2").arg(status.messageSid, status.status);
}

Outcome<FormFields> TwilioChannel::outboundForm(const OutboundContext &context,
                                                const TwilioSettings &settings,
                                                const QString &statusCallbackUrl, bool ownNumber)
{
    const Message &message = context.message;
    const auto inbound = [&context](const QString &key) {
        return context.lastInbound ? context.lastInbound->metadata.value(key) : QString();
    };
    const QString to = firstNonEmpty({message.metadata.value(QStringLiteral("to")),
                                      inbound(QStringLiteral("from")), message.userId});
    const QString from = ownNumber ? settings.from.trimmed()
                                   : firstNonEmpty({message.metadata.value(QStringLiteral("from")),
                                                    inbound(QStringLiteral("to")), settings.from});
    auto refuse = [](const QString &reason) {
        return Outcome<FormFields>::failure(ErrorKind::Invalid, reason);
    };
    if (to.isEmpty())
        return refuse(
            QStringLiteral("Twilio: no recipient number (the message has no \"to\" and the "
                           "conversation no customer number)"));
    if (from.isEmpty())
        return refuse(QStringLiteral("Twilio: no sender number; set [channels.twilio] from"));
    if (message.content.size() > kMaxBodyLength)
        return refuse(QStringLiteral("Twilio: the message is %1 characters; Twilio accepts at most "
                                     "%2 per SMS/MMS")
                          .arg(message.content.size())
                          .arg(kMaxBodyLength));
    QStringList media;
    for (const Attachment &attachment : message.attachments) {
        const QUrl url(attachment.url);
        if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
            media << attachment.url;
    }
    if (media.size() > kMaxMedia)
        return refuse(QStringLiteral("Twilio: %1 media attachments; Twilio accepts at most %2")
                          .arg(media.size())
                          .arg(kMaxMedia));
    if (message.content.trimmed().isEmpty() && media.isEmpty())
        return refuse(QStringLiteral("Twilio: nothing to send (empty body and no media)"));

    // [channels.twilio] from may name a Messaging Service (MG + 32 hex), which Twilio takes as
    // MessagingServiceSid and which then picks the sender number itself.
    static const QRegularExpression messagingService(QStringLiteral("^MG[0-9a-fA-F]{32}$"));
    const bool viaService = messagingService.match(from).hasMatch();
    FormFields form{
        {QStringLiteral("To"), to},
        {viaService ? QStringLiteral("MessagingServiceSid") : QStringLiteral("From"), from}};
    if (!message.content.isEmpty())
        form.append({QStringLiteral("Body"), message.content});
    for (const QString &url : std::as_const(media))
        form.append({QStringLiteral("MediaUrl"), url});
    if (!statusCallbackUrl.isEmpty())
        form.append({QStringLiteral("StatusCallback"), statusCallbackUrl});
    return form;
}

TwilioSettings TwilioChannel::fallbackAccount(const TwilioSettings &settings)
{
    TwilioSettings account = settings;
    account.accountSid = settings.fallback.accountSid;
    account.authToken = settings.fallback.authToken;
    account.from = settings.fallback.from;
    if (!settings.fallback.baseUrl.isEmpty())
        account.baseUrl = settings.fallback.baseUrl;
    account.fallback = {};
    return account;
}

QUrl TwilioChannel::messagesUrl(const TwilioSettings &settings)
{
    QString base = settings.baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QStringLiteral("/2010-04-01/Accounts/") +
                QString::fromLatin1(QUrl::toPercentEncoding(settings.accountSid)) +
                QStringLiteral("/Messages.json"));
}

SendResult TwilioChannel::resultFor(int httpStatus, const QByteArray &body,
                                    const QByteArray &retryAfter, const QString &networkError)
{
    SendResult result;
    if (httpStatus == 0) {
        result.error = QStringLiteral("Twilio is unreachable: ") + networkError;
        result.retryable = true;
        result.accountFault = true;
        return result;
    }
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    if (httpStatus >= 200 && httpStatus < 300) {
        result.ok = true;
        result.externalId = json.value(QStringLiteral("sid")).toString();
        if (result.externalId.isEmpty())
            qCWarning(lcChannels)
                << "Twilio accepted a message without returning its sid; delivery "
                   "receipts for it cannot be matched";
        return result;
    }
    const QJsonValue code = json.value(QStringLiteral("code"));
    const QString message = json.value(QStringLiteral("message")).toString();
    const QString moreInfo = json.value(QStringLiteral("more_info")).toString();
    if (code.isDouble() || !message.isEmpty()) {
        result.error =
            QStringLiteral("Twilio error %1: %2 (HTTP %3%4)")
                .arg(code.isDouble() ? QString::number(code.toInteger()) : QStringLiteral("?"),
                     message)
                .arg(httpStatus)
                .arg(moreInfo.isEmpty() ? QString() : QStringLiteral(", ") + moreInfo);
    } else {
        result.error = QStringLiteral("Twilio answered HTTP %1").arg(httpStatus);
    }
    // 4xx other than rate limits and timeouts (invalid number, unsubscribed recipient, bad
    // credentials) will fail the same way every time: dead-letter at once.
    result.retryable = httpStatus == 429 || httpStatus == 408 || httpStatus >= 500;
    result.accountFault = httpStatus == 408 || httpStatus >= 500;
    result.retryAfterSeconds = RetryHint::fromRetryAfter(retryAfter);
    return result;
}

SendResult TwilioChannel::resultFor(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString networkError =
        reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
    return resultFor(status, reply->readAll(), reply->rawHeader("Retry-After"), networkError);
}

SendResult TwilioChannel::refused(const QString &reason)
{
    SendResult result;
    result.error = reason;
    result.retryable = false;
    return result;
}

QString TwilioChannel::statusCallbackUrl() const
{
    QString base = m_publicUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base.isEmpty() ? QString() : base + QLatin1String(StatusCallbackPath);
}

std::unique_ptr<QNetworkReply> TwilioChannel::post(const QByteArray &body) const
{
    QNetworkRequest request(messagesUrl(m_settings));
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader(
        "Authorization",
        "Basic " +
            (m_settings.accountSid + QLatin1Char(':') + m_settings.authToken).toUtf8().toBase64());
    request.setTransferTimeout(m_timeoutMs);
    return std::unique_ptr<QNetworkReply>(m_network->post(request, body));
}

// GCC 12 destroys some temporaries in coroutine bodies twice: only named locals are awaited
// here, and the logic lives in the plain functions above.
QCoro::Task<SendResult> TwilioChannel::send(OutboundContext context)
{
    const QString callback = statusCallbackUrl();
    const Outcome<FormFields> form = outboundForm(context, m_settings, callback, m_ownNumber);
    if (!form.isOk()) {
        // A message that cannot be sent says nothing about the channel's health: no
        // recordResult, the dead letter carries the reason.
        const SendResult result = refused(form.error().message);
        co_return result;
    }
    const QByteArray body = encodeForm(form.value());
    std::unique_ptr<QNetworkReply> reply = post(body);
    auto watched = qCoro(reply.get());
    QCoro::Task<bool> finished = watched.waitForFinished();
    co_await finished;
    const SendResult result = resultFor(reply.get());
    if (!result.ok)
        qCWarning(lcChannels).noquote() << "twilio send failed:" << result.error;
    recordResult(result);
    co_return result;
}

} // namespace relaydesk
