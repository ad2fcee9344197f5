#include "channels/sendgridchannel.h"

#include "channels/ecdsaverifier.h"
#include "channels/mimemessage.h"
#include "channels/retryhint.h"
#include "core/messagecodec.h"
#include "observability/logger.h"

#include <QCoro/QCoroNetworkReply>
#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

namespace relaydesk {

namespace {

// The form fields of an Inbound Parse POST, decoded with the charsets SendGrid declares.
class ParseForm
{
public:
    explicit ParseForm(const QList<MultipartPart> &parts)
    {
        for (const MultipartPart &part : parts) {
            if (part.filename.isEmpty() && !part.name.isEmpty() && !m_fields.contains(part.name))
                m_fields.insert(part.name, &part);
        }
        m_charsets = QJsonDocument::fromJson(bytes(QStringLiteral("charsets"))).object();
    }

    bool has(const QString &name) const { return m_fields.contains(name); }
    QByteArray bytes(const QString &name) const
    {
        const MultipartPart *part = m_fields.value(name);
        return part ? part->body : QByteArray();
    }
    QString text(const QString &name) const
    {
        return MimeMessage::decodeText(bytes(name), m_charsets.value(name).toString().toLatin1());
    }

private:
    QHash<QString, const MultipartPart *> m_fields;
    QJsonObject m_charsets;
};

QString bounded(const QString &value, int limit = SendGridChannel::kMaxMetadataValue)
{
    return value.trimmed().left(limit);
}

QString withoutTrailingSpace(QString text)
{
    while (!text.isEmpty() && text.back().isSpace())
        text.chop(1);
    return text;
}

// Message ids without their angle brackets, in order, duplicates dropped.
QStringList messageIds(const QString &header)
{
    static const QRegularExpression idPattern(QStringLiteral("<([^<>\\s]+)>"));
    QStringList ids;
    auto it = idPattern.globalMatch(header);
    while (it.hasNext()) {
        const QString id = it.next().captured(1);
        if (!ids.contains(id))
            ids << id;
    }
    if (ids.isEmpty() && !header.trimmed().isEmpty() &&
        !header.trimmed().contains(QLatin1Char(' ')))
        ids << header.trimmed();
    return ids;
}

QString firstNonEmpty(std::initializer_list<QString> candidates)
{
    for (const QString &candidate : candidates) {
        if (!candidate.trimmed().isEmpty())
            return candidate.trimmed();
    }
    return {};
}

QString firstMailbox(const QString &list)
{
    // Addresses are comma-separated; a display name may itself contain a quoted comma, which
    // the '@' test skips over.
    for (const QString &candidate : list.split(QLatin1Char(','))) {
        if (candidate.contains(QLatin1Char('@')))
            return candidate.trimmed();
    }
    return list.trimmed();
}

QString describeAttachments(const QList<MimeAttachment> &attachments)
{
    QStringList descriptions;
    for (const MimeAttachment &attachment : attachments) {
        descriptions << QStringLiteral("%1 (%2, %3 bytes)")
                            .arg(attachment.filename.isEmpty() ? QStringLiteral("unnamed")
                                                               : attachment.filename,
                                 attachment.contentType.isEmpty()
                                     ? QStringLiteral("application/octet-stream")
                                     : QString::fromLatin1(attachment.contentType))
                            .arg(attachment.size);
    }
    return descriptions.join(QStringLiteral("; "));
}

QList<MimeAttachment> formAttachments(const QList<MultipartPart> &parts, const ParseForm &form)
{
    // attachment-info names the files by their form field (attachment1, ...).
    const QJsonObject info =
        QJsonDocument::fromJson(form.bytes(QStringLiteral("attachment-info"))).object();
    QList<MimeAttachment> attachments;
    for (const MultipartPart &part : parts) {
        if (part.filename.isEmpty() || attachments.size() >= MimeMessage::kMaxAttachments)
            continue;
        const QJsonObject described = info.value(part.name).toObject();
        MimeAttachment attachment;
        attachment.filename = described.value(QStringLiteral("filename")).toString(part.filename);
        const QString type = described.value(QStringLiteral("type")).toString();
        attachment.contentType = type.isEmpty() ? part.contentType : type.toLatin1();
        attachment.size = part.body.size();
        attachments.append(attachment);
    }
    return attachments;
}

QJsonObject emailObject(const QString &address, const QString &name)
{
    QJsonObject object{{QStringLiteral("email"), address}};
    if (!name.isEmpty())
        object.insert(QStringLiteral("name"), name);
    return object;
}

QString subjectFor(const OutboundContext &context)
{
    const QString own = context.message.metadata.value(QStringLiteral("subject")).trimmed();
    if (!own.isEmpty())
        return own;
    const QString theirs =
        context.lastInbound
            ? context.lastInbound->metadata.value(QStringLiteral("subject")).trimmed()
            : QString();
    if (!theirs.isEmpty()) {
        static const QRegularExpression replyPrefix(QStringLiteral("^(re|aw|sv)\\s*:"),
                                                    QRegularExpression::CaseInsensitiveOption);
        return replyPrefix.match(theirs).hasMatch() ? theirs : QStringLiteral("Re: ") + theirs;
    }
    // No subject to answer: the first line of the text stands in, as mail clients show it.
    const QString firstLine =
        context.message.content.trimmed().section(QLatin1Char('\n'), 0, 0).left(78).trimmed();
    return firstLine.isEmpty() ? QStringLiteral("(no subject)") : firstLine;
}

} // namespace

SendGridChannel::SendGridChannel(QNetworkAccessManager *network, SendGridSettings settings,
                                 int timeoutMs)
    : m_network(network)
    , m_settings(std::move(settings))
    , m_timeoutMs(timeoutMs)
{}

QString SendGridChannel::name() const
{
    return QStringLiteral("sendgrid");
}

bool SendGridChannel::handles(Platform platform) const
{
    return platform == Platform::Email;
}

bool SendGridChannel::verifyEventSignature(const QString &publicKey, const QByteArray &timestamp,
                                           const QByteArray &body, const QByteArray &signature)
{
    if (timestamp.isEmpty() || signature.isEmpty())
        return false;
    const auto decoded = QByteArray::fromBase64Encoding(signature.trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty())
        return false;
    const QByteArray signedBytes = timestamp + body;
    return EcdsaVerifier::verify(publicKey, signedBytes, decoded.decoded);
}

QString SendGridChannel::addressOf(const QString &mailbox)
{
    const qsizetype open = mailbox.lastIndexOf(QLatin1Char('<'));
    const qsizetype close = open < 0 ? -1 : mailbox.indexOf(QLatin1Char('>'), open);
    QString address;
    if (open >= 0 && close > open) {
        address = mailbox.mid(open + 1, close - open - 1);
    } else {
        for (const QString &token :
             mailbox.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
            if (token.contains(QLatin1Char('@')))
                address = token;
        }
    }
    address = address.trimmed().toLower();
    while (address.startsWith(QLatin1Char('"')) || address.startsWith(QLatin1Char('\'')))
        address.remove(0, 1);
    while (address.endsWith(QLatin1Char('"')) || address.endsWith(QLatin1Char('\'')))
        address.chop(1);
    const qsizetype at = address.indexOf(QLatin1Char('@'));
    if (at <= 0 || at == address.size() - 1 || address.size() > MessageCodec::kMaxIdLength)
        return {};
    return address;
}

QString SendGridChannel::displayNameOf(const QString &mailbox)
{
    const qsizetype open = mailbox.lastIndexOf(QLatin1Char('<'));
    QString name;
    if (open > 0) {
        name = mailbox.left(open);
    } else if (open < 0) {
        // "Sender Name sender@example.com", as some relays flatten it.
        QStringList words =
            mailbox.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        words.removeIf([](const QString &word) { return word.contains(QLatin1Char('@')); });
        name = words.join(QLatin1Char(' '));
    }
    name = MimeMessage::decodeEncodedWords(name.trimmed().toUtf8()).trimmed();
    if (name.size() >= 2 && name.startsWith(QLatin1Char('"')) && name.endsWith(QLatin1Char('"')))
        name = name.mid(1, name.size() - 2).trimmed();
    return name.left(256);
}

Outcome<Message> SendGridChannel::parseInbound(QByteArrayView contentType, QByteArrayView body)
{
    if (MultipartParser::mediaType(contentType) != "multipart/form-data")
        return Outcome<Message>::failure(ErrorKind::Invalid,
                                         QStringLiteral("Inbound Parse posts multipart/form-data"));
    const auto parts = MultipartParser::parse(contentType, body);
    if (!parts.isOk())
        return parts.error();
    return parseInbound(parts.value());
}

Outcome<Message> SendGridChannel::parseInbound(const QList<MultipartPart> &parts)
{
    const ParseForm form(parts);
    MimeHeaders headers;
    QString text;
    QString html;
    QList<MimeAttachment> attachments;
    QByteArray fingerprint;
    if (form.has(QStringLiteral("email"))) {
        // Raw mode: the whole MIME message, parsed here.
        const QByteArray raw = form.bytes(QStringLiteral("email"));
        const MimeMessage mime = MimeMessage::parse(raw);
        headers = mime.headers();
        text = mime.text();
        html = mime.html();
        attachments = mime.attachments();
        fingerprint = raw;
    } else {
        headers = MultipartParser::parseHeaders(form.bytes(QStringLiteral("headers")));
        text = form.text(QStringLiteral("text"));
        html = form.text(QStringLiteral("html"));
        attachments = formAttachments(parts, form);
        fingerprint =
            form.bytes(QStringLiteral("headers")) + '\0' + text.toUtf8() + '\0' + html.toUtf8();
    }
    auto header = [&headers](const char *name) {
        return MimeMessage::decodeEncodedWords(MultipartParser::headerValue(headers, name));
    };
    const QJsonObject envelope =
        QJsonDocument::fromJson(form.bytes(QStringLiteral("envelope"))).object();

    const QString fromField = firstNonEmpty({form.text(QStringLiteral("from")), header("From")});
    QString from = addressOf(fromField);
    if (from.isEmpty())
        from = addressOf(envelope.value(QStringLiteral("from")).toString());
    if (from.isEmpty())
        return Outcome<Message>::failure(ErrorKind::Invalid,
                                         QStringLiteral("the e-mail has no sender address (from)"));
    QString to =
        addressOf(firstMailbox(firstNonEmpty({form.text(QStringLiteral("to")), header("To")})));
    if (to.isEmpty())
        to = addressOf(envelope.value(QStringLiteral("to")).toArray().at(0).toString());
    const QString subject =
        firstNonEmpty({form.text(QStringLiteral("subject")), header("Subject")});
    const QString messageId = header("Message-ID");
    const QStringList ownIds = messageIds(messageId);

    Message message;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    message.platform = Platform::Email;
    message.userId = from;
    message.authorId = from;
    const QString plain = withoutTrailingSpace(text);
    message.content = (plain.trimmed().isEmpty() ? MimeMessage::htmlToText(html) : plain)
                          .left(MessageCodec::kMaxContentLength);
    message.metadata.insert(QStringLiteral("from"), from);
    const QString fromName = displayNameOf(fromField);
    if (!fromName.isEmpty())
        message.metadata.insert(QStringLiteral("from_name"), fromName);
    if (!to.isEmpty())
        message.metadata.insert(QStringLiteral("to"), to);
    if (!subject.isEmpty())
        message.metadata.insert(QStringLiteral("subject"), bounded(subject, 998));
    if (!messageId.isEmpty())
        message.metadata.insert(QStringLiteral("message_id"), bounded(messageId));
    const QString inReplyTo = header("In-Reply-To");
    if (!inReplyTo.isEmpty())
        message.metadata.insert(QStringLiteral("in_reply_to"), bounded(inReplyTo));
    const QString references = header("References");
    if (!references.isEmpty())
        message.metadata.insert(QStringLiteral("references"), bounded(references));
    if (!attachments.isEmpty())
        message.metadata.insert(QStringLiteral("attachments"),
                                bounded(describeAttachments(attachments)));
    // A redelivered e-mail carries the same Message-ID; without one, the same bytes are the
    // same e-mail.
    if (ownIds.isEmpty()) {
        const QByteArray identity = from.toUtf8() + '\0' + subject.toUtf8() + '\0' + fingerprint;
        message.clientMessageId =
            QStringLiteral("sendgrid:sha256:") +
            QString::fromLatin1(
                QCryptographicHash::hash(identity, QCryptographicHash::Sha256).toHex());
    } else {
        message.clientMessageId =
            QStringLiteral("sendgrid:") + ownIds.first().left(MessageCodec::kMaxIdLength - 9);
    }
    return message;
}

QString SendGridChannel::messageIdPrefix(const QString &sgMessageId)
{
    return sgMessageId.section(QLatin1Char('.'), 0, 0).trimmed();
}

QString SendGridChannel::receiptKey(const SendGridEvent &event)
{
    return QStringLiteral("sendgrid:event:") + event.eventId;
}

Outcome<QList<SendGridEvent>> SendGridChannel::parseEvents(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isArray())
        return Outcome<QList<SendGridEvent>>::failure(
            ErrorKind::Invalid, QStringLiteral("the Event Webhook posts a JSON array of events"));
    QList<SendGridEvent> events;
    for (const QJsonValue &value : document.array()) {
        const QJsonObject object = value.toObject();
        SendGridEvent event;
        event.event = object.value(QStringLiteral("event")).toString().left(64);
        const QString sgMessageId = object.value(QStringLiteral("sg_message_id")).toString();
        event.messageId = messageIdPrefix(sgMessageId).left(MessageCodec::kMaxIdLength);
        event.eventId =
            object.value(QStringLiteral("sg_event_id")).toString().left(MessageCodec::kMaxIdLength);
        if (event.event.isEmpty())
            continue;
        if (event.eventId.isEmpty()) {
            // Every real event has one; without it the event itself is the key.
            event.eventId = QString::fromLatin1(
                QCryptographicHash::hash(QJsonDocument(object).toJson(QJsonDocument::Compact),
                                         QCryptographicHash::Sha256)
                    .toHex());
        }
        const QString reason = object.value(QStringLiteral("reason")).toString();
        const QString status = object.value(QStringLiteral("status")).toString();
        const QString response = object.value(QStringLiteral("response")).toString();
        if (event.event == QLatin1String("delivered")) {
            event.type = EventType::Delivered;
            event.detail = response.isEmpty() ? QStringLiteral("delivered")
                                              : QStringLiteral("delivered: ") + response;
        } else if (event.event == QLatin1String("bounce") ||
                   event.event == QLatin1String("dropped")) {
            event.type = EventType::Failed;
            event.detail = event.event;
            if (!reason.isEmpty())
                event.detail += QStringLiteral(": ") + reason;
            if (!status.isEmpty())
                event.detail += QStringLiteral(" (") + status + QLatin1Char(')');
        }
        event.detail = event.detail.left(1024);
        events.append(event);
    }
    return events;
}

Outcome<QJsonObject> SendGridChannel::mailPayload(const OutboundContext &context,
                                                  const SendGridSettings &settings)
{
    const Message &message = context.message;
    auto refuse = [](const QString &reason) {
        return Outcome<QJsonObject>::failure(ErrorKind::Invalid, reason);
    };
    const auto inbound = [&context](const QString &key) {
        return context.lastInbound ? context.lastInbound->metadata.value(key) : QString();
    };
    const QString toMailbox = firstNonEmpty({message.metadata.value(QStringLiteral("to")),
                                             inbound(QStringLiteral("from")), message.userId});
    const QString to = addressOf(toMailbox);
    if (to.isEmpty())
        return refuse(QStringLiteral("SendGrid: no recipient e-mail address"));
    QString toName = displayNameOf(toMailbox);
    if (toName.isEmpty() && to == addressOf(inbound(QStringLiteral("from"))))
        toName = inbound(QStringLiteral("from_name"));
    const QString fromMailbox =
        firstNonEmpty({settings.from, message.metadata.value(QStringLiteral("from"))});
    const QString from = addressOf(fromMailbox);
    if (from.isEmpty())
        return refuse(QStringLiteral("SendGrid: no sender address; set [channels.sendgrid] from"));

    QString text = message.content;
    QStringList links;
    for (const Attachment &attachment : message.attachments)
        links << attachment.url;
    if (!links.isEmpty())
        text += QStringLiteral("\n\n") + links.join(QLatin1Char('\n'));
    if (text.trimmed().isEmpty())
        return refuse(QStringLiteral("SendGrid: nothing to send (empty body)"));
    const QString subject = subjectFor(context);

    QJsonObject payload{
        {QStringLiteral("personalizations"),
         QJsonArray{QJsonObject{{QStringLiteral("to"), QJsonArray{emailObject(to, toName)}}}}},
        {QStringLiteral("from"), emailObject(from, displayNameOf(fromMailbox))},
        {QStringLiteral("subject"), subject},
        {QStringLiteral("content"),
         QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text/plain")},
                                {QStringLiteral("value"), text}}}}};
    const QString replyTo = addressOf(inbound(QStringLiteral("to")));
    if (!replyTo.isEmpty() && replyTo != from)
        payload.insert(QStringLiteral("reply_to"), emailObject(replyTo, QString()));

    // RFC 5322 §3.6.4: In-Reply-To is the parent's id; References its References (or
    // In-Reply-To) followed by that id.
    const QStringList parent = messageIds(inbound(QStringLiteral("message_id")));
    if (!parent.isEmpty()) {
        QStringList chain = messageIds(inbound(QStringLiteral("references")));
        if (chain.isEmpty())
            chain = messageIds(inbound(QStringLiteral("in_reply_to")));
        chain.removeAll(parent.first());
        chain.append(parent.first());
        // Keep the thread root and the newest ids, as mail clients trim long chains.
        while (chain.size() > kMaxReferences)
            chain.removeAt(1);
        QStringList bracketed;
        for (const QString &id : std::as_const(chain))
            bracketed << QLatin1Char('<') + id + QLatin1Char('>');
        payload.insert(
            QStringLiteral("headers"),
            QJsonObject{{QStringLiteral("In-Reply-To"),
                         QString(QLatin1Char('<') + parent.first() + QLatin1Char('>'))},
                        {QStringLiteral("References"), bracketed.join(QLatin1Char(' '))}});
    }
    return payload;
}

QUrl SendGridChannel::mailSendUrl(const SendGridSettings &settings)
{
    QString base = settings.baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return QUrl(base + QStringLiteral("/v3/mail/send"));
}

SendGridSettings SendGridChannel::fallbackAccount(const SendGridSettings &settings)
{
    SendGridSettings account = settings;
    account.apiKey = settings.fallback.apiKey;
    if (!settings.fallback.from.isEmpty())
        account.from = settings.fallback.from;
    if (!settings.fallback.eventPublicKey.isEmpty())
        account.eventPublicKey = settings.fallback.eventPublicKey;
    if (!settings.fallback.baseUrl.isEmpty())
        account.baseUrl = settings.fallback.baseUrl;
    account.fallback = {};
    return account;
}

SendResult SendGridChannel::resultFor(int httpStatus, const QByteArray &body,
                                      const QByteArray &messageIdHeader,
                                      const QByteArray &retryAfter,
                                      const QByteArray &rateLimitReset, const QString &networkError)
{
    SendResult result;
    if (httpStatus == 0) {
        result.error = QStringLiteral("SendGrid is unreachable: ") + networkError;
        result.retryable = true;
        result.accountFault = true;
        return result;
    }
    if (httpStatus >= 200 && httpStatus < 300) {
        result.ok = true;
        result.externalId = QString::fromLatin1(messageIdHeader.trimmed());
        if (result.externalId.isEmpty())
            qCWarning(lcChannels) << "SendGrid accepted a message without X-Message-Id; its "
                                     "delivery events cannot be matched";
        return result;
    }
    QStringList problems;
    const QJsonArray errors =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("errors")).toArray();
    for (const QJsonValue &value : errors) {
        const QJsonObject error = value.toObject();
        QString problem = error.value(QStringLiteral("message")).toString();
        const QString field = error.value(QStringLiteral("field")).toString();
        if (!field.isEmpty())
            problem += QStringLiteral(" (field ") + field + QLatin1Char(')');
        if (!problem.isEmpty())
            problems << problem;
    }
    result.error = QStringLiteral("SendGrid answered HTTP %1").arg(httpStatus);
    if (!problems.isEmpty())
        result.error += QStringLiteral(": ") + problems.join(QStringLiteral("; "));
    result.retryable = httpStatus == 429 || httpStatus == 408 || httpStatus >= 500;
    result.accountFault = httpStatus == 408 || httpStatus >= 500;
    result.retryAfterSeconds = RetryHint::fromRetryAfter(retryAfter);
    if (result.retryAfterSeconds == 0 && httpStatus == 429)
        result.retryAfterSeconds = RetryHint::fromResetTime(rateLimitReset);
    return result;
}

SendResult SendGridChannel::resultFor(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString networkError =
        reply->error() == QNetworkReply::NoError ? QString() : reply->errorString();
    return resultFor(status, reply->readAll(), reply->rawHeader("X-Message-Id"),
                     reply->rawHeader("Retry-After"), reply->rawHeader("X-RateLimit-Reset"),
                     networkError);
}

std::unique_ptr<QNetworkReply> SendGridChannel::post(const QByteArray &body) const
{
    QNetworkRequest request(mailSendUrl(m_settings));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + m_settings.apiKey.toUtf8());
    request.setTransferTimeout(m_timeoutMs);
    return std::unique_ptr<QNetworkReply>(m_network->post(request, body));
}

// GCC 12 destroys some temporaries in coroutine bodies twice: only named locals are awaited
// here, and the logic lives in the plain functions above.
QCoro::Task<SendResult> SendGridChannel::send(OutboundContext context)
{
    const Outcome<QJsonObject> payload = mailPayload(context, m_settings);
    if (!payload.isOk()) {
        // A message that cannot be sent says nothing about the channel's health.
        SendResult refused;
        refused.error = payload.error().message;
        refused.retryable = false;
        co_return refused;
    }
    const QByteArray body = QJsonDocument(payload.value()).toJson(QJsonDocument::Compact);
    std::unique_ptr<QNetworkReply> reply = post(body);
    auto watched = qCoro(reply.get());
    QCoro::Task<bool> finished = watched.waitForFinished();
    co_await finished;
    const SendResult result = resultFor(reply.get());
    if (!result.ok)
        qCWarning(lcChannels).noquote() << "sendgrid send failed:" << result.error;
    recordResult(result);
    co_return result;
}

} // namespace relaydesk
