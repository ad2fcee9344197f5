#include "core/messagecodec.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

namespace relaydesk {

namespace {

class Validator
{
public:
    explicit Validator(const QJsonObject &body)
        : m_body(body)
    {}

    QString requiredString(const QString &field, int maxLength)
    {
        const QJsonValue value = m_body.value(field);
        if (value.isUndefined() || value.isNull()) {
            fail(field, QStringLiteral("is required"));
            return {};
        }
        return checkedString(field, value, maxLength);
    }

    QString optionalString(const QString &field, int maxLength)
    {
        const QJsonValue value = m_body.value(field);
        if (value.isUndefined() || value.isNull())
            return {};
        return checkedString(field, value, maxLength);
    }

    QString checkedString(const QString &field, const QJsonValue &value, int maxLength)
    {
        if (!value.isString()) {
            fail(field, QStringLiteral("must be a string"));
            return {};
        }
        const QString text = value.toString();
        if (text.size() > maxLength)
            fail(field, QStringLiteral("must be at most %1 characters").arg(maxLength));
        if (text.contains(QChar(0)))
            fail(field, QStringLiteral("must not contain NUL characters"));
        return text;
    }

    QMap<QString, QString> metadata(const QString &field)
    {
        QMap<QString, QString> map;
        const QJsonValue value = m_body.value(field);
        if (value.isUndefined() || value.isNull())
            return map;
        if (!value.isObject()) {
            fail(field, QStringLiteral("must be an object of string values"));
            return map;
        }
        const QJsonObject object = value.toObject();
        if (object.size() > MessageCodec::kMaxMetadataEntries)
            fail(field, QStringLiteral("must have at most %1 entries")
                            .arg(MessageCodec::kMaxMetadataEntries));
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = field + QLatin1Char('.') + it.key();
            if (it.key().isEmpty() || it.key().size() > 128) {
                fail(field, QStringLiteral("keys must be 1 to 128 characters"));
                continue;
            }
            // Numbers and booleans are common in bot payloads; keep them as their JSON text.
            if (it.value().isString())
                map.insert(it.key(), it.value().toString().left(4096));
            else if (it.value().isDouble())
                map.insert(it.key(), QString::number(it.value().toDouble(), 'g', 17));
            else if (it.value().isBool())
                map.insert(it.key(),
                           it.value().toBool() ? QStringLiteral("true") : QStringLiteral("false"));
            else
                fail(key, QStringLiteral("must be a string, number or boolean"));
        }
        return map;
    }

    QList<Attachment> attachments(const QString &field)
    {
        QList<Attachment> list;
        const QJsonValue value = m_body.value(field);
        if (value.isUndefined() || value.isNull())
            return list;
        if (!value.isArray()) {
            fail(field, QStringLiteral("must be an array of URLs or {url, content_type} objects"));
            return list;
        }
        const QJsonArray array = value.toArray();
        if (array.size() > MessageCodec::kMaxAttachments)
            fail(field,
                 QStringLiteral("must have at most %1 items").arg(MessageCodec::kMaxAttachments));
        for (qsizetype i = 0; i < array.size(); ++i) {
            const QString itemField = QStringLiteral("%1[%2]").arg(field).arg(i);
            Attachment attachment;
            if (array[i].isString()) {
                attachment.url = array[i].toString();
            } else if (array[i].isObject()) {
                const QJsonObject object = array[i].toObject();
                attachment.url = object.value(QStringLiteral("url")).toString();
                attachment.contentType = object.value(QStringLiteral("content_type")).toString();
            } else {
                fail(itemField, QStringLiteral("must be a URL or an object with url"));
                continue;
            }
            const QUrl url(attachment.url, QUrl::StrictMode);
            if (!url.isValid() ||
                (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
                attachment.url.size() > 2048) {
                fail(itemField + QStringLiteral(".url"),
                     QStringLiteral("must be an http(s) URL of at most 2048 characters"));
                continue;
            }
            list.append(attachment);
        }
        return list;
    }

    template <typename Enum>
    std::optional<Enum> enumValue(const QString &field,
                                  std::optional<Enum> (*parse)(const QString &),
                                  const QStringList &allowed, std::optional<Enum> fallback)
    {
        const QJsonValue value = m_body.value(field);
        if (value.isUndefined() || value.isNull()) {
            if (!fallback)
                fail(field, QStringLiteral("is required (one of: %1)").arg(allowedValues(allowed)));
            return fallback;
        }
        if (!value.isString()) {
            fail(field, QStringLiteral("must be one of: %1").arg(allowedValues(allowed)));
            return fallback;
        }
        const auto parsed = parse(value.toString());
        if (!parsed)
            fail(field, QStringLiteral("must be one of: %1 (got \"%2\")")
                            .arg(allowedValues(allowed), value.toString().left(40)));
        return parsed ? parsed : fallback;
    }

    void fail(const QString &field, const QString &message)
    {
        m_errors.append(FieldError{field, message});
    }

    bool ok() const { return m_errors.isEmpty(); }
    Error error() const
    {
        return Error{ErrorKind::Invalid,
                     m_errors.size() == 1
                         ? QStringLiteral("1 field is invalid: ") + m_errors.first().field
                         : QStringLiteral("%1 fields are invalid").arg(m_errors.size()),
                     m_errors, 0};
    }

private:
    const QJsonObject &m_body;
    QList<FieldError> m_errors;
};

} // namespace

Outcome<Message> MessageCodec::parseInbound(const QJsonObject &body)
{
    Validator v(body);
    Message m;
    m.direction = Direction::Inbound;
    m.authorKind = AuthorKind::Customer;
    m.userId = v.requiredString(QStringLiteral("user_id"), kMaxIdLength);
    if (body.value(QStringLiteral("user_id")).isString() && m.userId.trimmed().isEmpty())
        v.fail(QStringLiteral("user_id"), QStringLiteral("must not be empty"));
    m.authorId = m.userId;
    m.platform = v.enumValue<Platform>(QStringLiteral("platform"), parsePlatform, platformNames(),
                                       std::nullopt)
                     .value_or(Platform::Webhook);
    m.content = v.requiredString(QStringLiteral("content"), kMaxContentLength);
    m.attachments = v.attachments(QStringLiteral("attachments"));
    if (body.value(QStringLiteral("content")).isString() && m.content.trimmed().isEmpty() &&
        m.attachments.isEmpty())
        v.fail(QStringLiteral("content"), QStringLiteral("must not be empty"));
    m.priority = *v.enumValue<Priority>(QStringLiteral("priority"), parsePriority, priorityNames(),
                                        Priority::Normal);
    m.threadId = v.optionalString(QStringLiteral("thread_id"), kMaxIdLength);
    m.metadata = v.metadata(QStringLiteral("metadata"));
    m.clientMessageId = v.optionalString(QStringLiteral("client_message_id"), kMaxIdLength);
    if (!v.ok())
        return v.error();
    return m;
}

Outcome<Message> MessageCodec::parseSend(const QJsonObject &body)
{
    Validator v(body);
    Message m;
    m.direction = Direction::Outbound;
    m.authorKind = AuthorKind::Operator;
    const QString from = v.requiredString(QStringLiteral("from"), kMaxIdLength).trimmed();
    const QString to = v.requiredString(QStringLiteral("to"), kMaxIdLength).trimmed();
    const QString type = v.requiredString(QStringLiteral("type"), 16);
    const auto platform = parsePlatform(type);
    if (body.value(QStringLiteral("type")).isString() &&
        (!platform || (*platform != Platform::Sms && *platform != Platform::Mms &&
                       *platform != Platform::Email)))
        v.fail(QStringLiteral("type"), QStringLiteral("must be one of: sms, mms, email"));
    m.platform = platform.value_or(Platform::Sms);
    m.content = v.requiredString(QStringLiteral("body"), kMaxContentLength);
    m.attachments = v.attachments(QStringLiteral("attachments"));
    if (body.value(QStringLiteral("body")).isString() && m.content.trimmed().isEmpty() &&
        m.attachments.isEmpty())
        v.fail(QStringLiteral("body"), QStringLiteral("must not be empty"));
    if (platform == Platform::Email) {
        if (!from.isEmpty() && !isEmailAddress(from))
            v.fail(QStringLiteral("from"), QStringLiteral("must be an e-mail address"));
        if (!to.isEmpty() && !isEmailAddress(to))
            v.fail(QStringLiteral("to"), QStringLiteral("must be an e-mail address"));
    } else if (platform) {
        if (!from.isEmpty() && !isPhoneNumber(from))
            v.fail(QStringLiteral("from"),
                   QStringLiteral("must be a phone number in E.164 form, e.g. +15551234567"));
        if (!to.isEmpty() && !isPhoneNumber(to))
            v.fail(QStringLiteral("to"),
                   QStringLiteral("must be a phone number in E.164 form, e.g. +15551234567"));
    }
    if (platform == Platform::Sms && !m.attachments.isEmpty())
        m.platform = Platform::Mms; // attachments make it an MMS whatever the caller said
    m.metadata = v.metadata(QStringLiteral("metadata"));
    m.metadata.insert(QStringLiteral("from"), from);
    m.metadata.insert(QStringLiteral("to"), to);
    m.authorId = from;
    m.userId = to;
    m.clientMessageId = v.optionalString(QStringLiteral("client_message_id"), kMaxIdLength);
    if (!v.ok())
        return v.error();
    return m;
}

Outcome<Message> MessageCodec::parseReply(const QJsonObject &body)
{
    Validator v(body);
    Message m;
    m.direction = Direction::Outbound;
    m.authorKind = AuthorKind::Operator;
    m.content = v.requiredString(QStringLiteral("content"), kMaxContentLength);
    m.attachments = v.attachments(QStringLiteral("attachments"));
    if (body.value(QStringLiteral("content")).isString() && m.content.trimmed().isEmpty() &&
        m.attachments.isEmpty())
        v.fail(QStringLiteral("content"), QStringLiteral("must not be empty"));
    m.authorId = v.optionalString(QStringLiteral("author_id"), kMaxIdLength);
    m.metadata = v.metadata(QStringLiteral("metadata"));
    m.clientMessageId = v.optionalString(QStringLiteral("client_message_id"), kMaxIdLength);
    if (!v.ok())
        return v.error();
    return m;
}

QString MessageCodec::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject MessageCodec::toJson(const Message &m)
{
    QJsonObject metadata;
    for (auto it = m.metadata.cbegin(); it != m.metadata.cend(); ++it)
        metadata.insert(it.key(), it.value());
    QJsonArray attachments;
    for (const Attachment &a : m.attachments)
        attachments.append(QJsonObject{{QStringLiteral("url"), a.url},
                                       {QStringLiteral("content_type"), a.contentType}});
    QJsonObject object{{QStringLiteral("id"), m.id},
                       {QStringLiteral("conversation_id"), m.conversationId},
                       {QStringLiteral("direction"), toString(m.direction)},
                       {QStringLiteral("platform"), toString(m.platform)},
                       {QStringLiteral("author_kind"), toString(m.authorKind)},
                       {QStringLiteral("author_id"), m.authorId},
                       {QStringLiteral("user_id"), m.userId},
                       {QStringLiteral("content"), m.content},
                       {QStringLiteral("attachments"), attachments},
                       {QStringLiteral("priority"), toString(m.priority)},
                       {QStringLiteral("metadata"), metadata},
                       {QStringLiteral("status"), m.state},
                       {QStringLiteral("created_at"), timestamp(m.createdAt)}};
    object.insert(QStringLiteral("thread_id"),
                  m.threadId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(m.threadId));
    object.insert(QStringLiteral("client_message_id"), m.clientMessageId.isEmpty()
                                                           ? QJsonValue(QJsonValue::Null)
                                                           : QJsonValue(m.clientMessageId));
    return object;
}

QJsonObject MessageCodec::toJson(const Conversation &c)
{
    QJsonObject object{{QStringLiteral("id"), c.id},
                       {QStringLiteral("platform"), toString(c.platform)},
                       {QStringLiteral("participants"), QJsonArray::fromStringList(c.participants)},
                       {QStringLiteral("status"), toString(c.status)},
                       {QStringLiteral("priority"), toString(c.priority)},
                       {QStringLiteral("labels"), QJsonArray::fromStringList(c.labels)},
                       {QStringLiteral("ai_mode"), toString(c.aiMode)},
                       {QStringLiteral("last_activity_at"), timestamp(c.lastActivityAt)},
                       {QStringLiteral("created_at"), timestamp(c.createdAt)},
                       {QStringLiteral("last_message_preview"), c.lastMessagePreview},
                       {QStringLiteral("pending_drafts"), c.pendingDrafts},
                       {QStringLiteral("flagged"), c.flagged}};
    object.insert(QStringLiteral("flag_reason"),
                  c.flagged ? QJsonValue(c.flagReason) : QJsonValue(QJsonValue::Null));
    object.insert(QStringLiteral("assignee"),
                  c.assignee.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.assignee));
    // null: drafted with the global [ai] chain.
    object.insert(QStringLiteral("ai_chain"),
                  c.aiChain.isEmpty() ? QJsonValue(QJsonValue::Null)
                                      : QJsonValue(QJsonArray::fromStringList(c.aiChain)));
    return object;
}

QJsonObject MessageCodec::toJson(const MessageEvent &e)
{
    return QJsonObject{{QStringLiteral("id"), e.id},
                       {QStringLiteral("type"), toString(e.type)},
                       {QStringLiteral("detail"), e.detail},
                       {QStringLiteral("created_at"), timestamp(e.createdAt)}};
}

bool MessageCodec::isPhoneNumber(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^\\+?[1-9][0-9 ().-]{5,20}$"));
    return pattern.match(text).hasMatch();
}

bool MessageCodec::isEmailAddress(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        "^[^\\s@<>()\\[\\],;:\"]+@[^\\s@<>()\\[\\],;:\"]+\\.[^\\s@<>()\\[\\],;:\"]+$"));
    return text.size() <= 254 && pattern.match(text).hasMatch();
}

} // namespace relaydesk
