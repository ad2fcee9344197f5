#include "channels/telegramchannel.h"

#include "channels/inboundsink.h"
#include "channels/telegrampoller.h"
#include "observability/logger.h"

#include <QCoro/QCoroNetworkReply>
#include <QCoro/QCoroTimer>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <chrono>

namespace relaydesk {

namespace {

const QString kFilePrefix = QStringLiteral("tg-file:");
constexpr int kSendTimeoutMs = 30000;
// Parts after the first are retried in place this often before the send gives up.
constexpr int kInPlaceAttempts = 3;
// A longer retry_after is not waited out inside one send.
constexpr int kInPlaceMaxWaitSeconds = 30;

struct FileKind {
    const char *key;
    const char *defaultType;
};

// Message fields that carry one file, with the type Telegram uses when none is given.
constexpr FileKind kFileKinds[] = {
    {"document", "application/octet-stream"},
    {"audio", "audio/mpeg"},
    {"voice", "audio/ogg"},
    {"video", "video/mp4"},
    {"video_note", "video/mp4"},
    {"animation", "video/mp4"},
    {"sticker", "image/webp"},
};

QString idText(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(value.toInteger());
    if (value.isString())
        return value.toString();
    return {};
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

void insertIfSet(QMap<QString, QString> &metadata, const QString &key, const QString &value)
{
    if (!value.isEmpty())
        metadata.insert(key, value);
}

void addSender(QMap<QString, QString> &metadata, const QJsonObject &user)
{
    insertIfSet(metadata, QStringLiteral("username"), text(user, "username"));
    insertIfSet(metadata, QStringLiteral("first_name"), text(user, "first_name"));
    insertIfSet(metadata, QStringLiteral("last_name"), text(user, "last_name"));
}

Outcome<TelegramChannel::Update> invalid(const QString &reason)
{
    return Outcome<TelegramChannel::Update>::failure(ErrorKind::Invalid, reason);
}

// Telegram orders a photo's sizes from small to large, but say so explicitly rather than trust it.
QJsonObject largestPhoto(const QJsonArray &sizes)
{
    QJsonObject best;
    qint64 bestArea = -1;
    qint64 bestBytes = -1;
    for (const QJsonValue &value : sizes) {
        const QJsonObject size = value.toObject();
        if (idText(size.value(QStringLiteral("file_id"))).isEmpty())
            continue;
        const qint64 area = size.value(QStringLiteral("width")).toInteger() *
                            size.value(QStringLiteral("height")).toInteger();
        const qint64 bytes = size.value(QStringLiteral("file_size")).toInteger();
        if (area > bestArea || (area == bestArea && bytes > bestBytes)) {
            best = size;
            bestArea = area;
            bestBytes = bytes;
        }
    }
    return best;
}

QString stickerType(const QJsonObject &sticker)
{
    if (sticker.value(QStringLiteral("is_animated")).toBool())
        return QStringLiteral("application/x-tgsticker");
    if (sticker.value(QStringLiteral("is_video")).toBool())
        return QStringLiteral("video/webm");
    return QStringLiteral("image/webp");
}

void addAttachments(const QJsonObject &m, Message &message)
{
    const QJsonObject photo = largestPhoto(m.value(QStringLiteral("photo")).toArray());
    if (!photo.isEmpty()) {
        // Telegram re-encodes every photo as JPEG.
        message.attachments.append(Attachment{
            TelegramChannel::fileReference(idText(photo.value(QStringLiteral("file_id")))),
            QStringLiteral("image/jpeg")});
    }
    for (const FileKind &kind : kFileKinds) {
        // Animations also come as "document" for old clients; one attachment is enough.
        const bool duplicate =
            qstrcmp(kind.key, "document") == 0 && m.value(QStringLiteral("animation")).isObject();
        if (duplicate)
            continue;
        const QJsonObject file = m.value(QLatin1String(kind.key)).toObject();
        const QString fileId = idText(file.value(QStringLiteral("file_id")));
        if (fileId.isEmpty())
            continue;
        QString type = text(file, "mime_type");
        if (type.isEmpty())
            type = qstrcmp(kind.key, "sticker") == 0 ? stickerType(file)
                                                     : QString::fromLatin1(kind.defaultType);
        message.attachments.append(Attachment{TelegramChannel::fileReference(fileId), type});
        insertIfSet(message.metadata, QStringLiteral("file_name"), text(file, "file_name"));
        if (qstrcmp(kind.key, "sticker") == 0 && message.content.isEmpty())
            message.content = text(file, "emoji");
    }
}

// Content without text or files that a customer still meant to send: shown as a short note so
// the operator sees it arrived. Service messages (members joining, pins) are not customer content.
QString describeOtherContent(const QJsonObject &m)
{
    if (m.contains(QStringLiteral("location"))) {
        const QJsonObject location = m.value(QStringLiteral("location")).toObject();
        if (m.contains(QStringLiteral("venue"))) {
            const QJsonObject venue = m.value(QStringLiteral("venue")).toObject();
            return QStringLiteral("[venue] %1, %2")
                .arg(text(venue, "title"), text(venue, "address"));
        }
        return QStringLiteral("[location] %1, %2")
            .arg(location.value(QStringLiteral("latitude")).toDouble())
            .arg(location.value(QStringLiteral("longitude")).toDouble());
    }
    if (m.contains(QStringLiteral("contact"))) {
        const QJsonObject contact = m.value(QStringLiteral("contact")).toObject();
        return QStringLiteral("[contact] %1 %2 %3")
            .arg(text(contact, "first_name"), text(contact, "last_name"),
                 text(contact, "phone_number"))
            .simplified();
    }
    if (m.contains(QStringLiteral("poll")))
        return QStringLiteral("[poll] ") +
               text(m.value(QStringLiteral("poll")).toObject(), "question");
    if (m.contains(QStringLiteral("dice"))) {
        const QJsonObject dice = m.value(QStringLiteral("dice")).toObject();
        return QStringLiteral("[dice] %1 %2")
            .arg(text(dice, "emoji"))
            .arg(dice.value(QStringLiteral("value")).toInt());
    }
    return {};
}

Outcome<TelegramChannel::Update> fromMessage(qint64 updateId, const QJsonObject &m, bool edited)
{
    TelegramChannel::Update update;
    update.id = updateId;
    const QJsonObject chat = m.value(QStringLiteral("chat")).toObject();
    const QString chatId = idText(chat.value(QStringLiteral("id")));
    const QString messageId = idText(m.value(QStringLiteral("message_id")));
    if (chatId.isEmpty() || messageId.isEmpty())
        return invalid(
            QStringLiteral("update %1 has a message without message_id or chat.id").arg(updateId));

    Message message;
    message.platform = Platform::Telegram;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    const QJsonObject from = m.value(QStringLiteral("from")).toObject();
    QString userId = idText(from.value(QStringLiteral("id")));
    // Anonymous group admins and channels speak as a chat, not a user.
    if (userId.isEmpty())
        userId =
            idText(m.value(QStringLiteral("sender_chat")).toObject().value(QStringLiteral("id")));
    if (userId.isEmpty())
        userId = chatId;
    message.userId = userId;
    message.authorId = userId;

    QMap<QString, QString> &metadata = message.metadata;
    metadata.insert(QStringLiteral("chat_id"), chatId);
    metadata.insert(QStringLiteral("message_id"), messageId);
    metadata.insert(QStringLiteral("update_id"), QString::number(updateId));
    insertIfSet(metadata, QStringLiteral("chat_type"), text(chat, "type"));
    insertIfSet(metadata, QStringLiteral("chat_title"), text(chat, "title"));
    insertIfSet(metadata, QStringLiteral("date"), idText(m.value(QStringLiteral("date"))));
    addSender(metadata, from);
    const QJsonValue replyTo = m.value(QStringLiteral("reply_to_message"));
    if (replyTo.isObject())
        insertIfSet(metadata, QStringLiteral("reply_to_message_id"),
                    idText(replyTo.toObject().value(QStringLiteral("message_id"))));
    insertIfSet(metadata, QStringLiteral("message_thread_id"),
                idText(m.value(QStringLiteral("message_thread_id"))));
    insertIfSet(metadata, QStringLiteral("media_group_id"), text(m, "media_group_id"));

    message.content = m.contains(QStringLiteral("text")) ? text(m, "text") : text(m, "caption");
    addAttachments(m, message);
    if (message.content.isEmpty() && message.attachments.isEmpty())
        message.content = describeOtherContent(m);
    if (message.content.isEmpty() && message.attachments.isEmpty()) {
        update.ignoredReason = QStringLiteral("a service message without customer content");
        return update;
    }

    // An edit is a new message in the conversation; the edit date keeps successive edits apart.
    message.clientMessageId = QStringLiteral("telegram:%1:%2").arg(chatId, messageId);
    if (edited) {
        const QString editDate = idText(m.value(QStringLiteral("edit_date")));
        metadata.insert(QStringLiteral("edited"), QStringLiteral("true"));
        insertIfSet(metadata, QStringLiteral("edit_date"), editDate);
        message.clientMessageId += QStringLiteral(":edited:") +
                                   (editDate.isEmpty() ? QString::number(updateId) : editDate);
    }
    update.message = message;
    return update;
}

Outcome<TelegramChannel::Update> fromCallbackQuery(qint64 updateId, const QJsonObject &query)
{
    TelegramChannel::Update update;
    update.id = updateId;
    const QString queryId = idText(query.value(QStringLiteral("id")));
    const QJsonObject from = query.value(QStringLiteral("from")).toObject();
    const QString userId = idText(from.value(QStringLiteral("id")));
    if (queryId.isEmpty() || userId.isEmpty())
        return invalid(
            QStringLiteral("update %1 has a callback_query without id or from.id").arg(updateId));
    update.callbackQueryId = queryId;
    if (!query.value(QStringLiteral("data")).isString()) {
        update.ignoredReason = QStringLiteral("a callback query without data (a game button)");
        return update;
    }

    Message message;
    message.platform = Platform::Telegram;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    message.userId = userId;
    message.authorId = userId;
    message.content = text(query, "data");
    QMap<QString, QString> &metadata = message.metadata;
    const QJsonObject keyboardMessage = query.value(QStringLiteral("message")).toObject();
    const QJsonObject chat = keyboardMessage.value(QStringLiteral("chat")).toObject();
    QString chatId = idText(chat.value(QStringLiteral("id")));
    // Without the keyboard's message (inline mode), the private chat with the user is the way back.
    if (chatId.isEmpty())
        chatId = userId;
    metadata.insert(QStringLiteral("chat_id"), chatId);
    metadata.insert(QStringLiteral("update_id"), QString::number(updateId));
    metadata.insert(QStringLiteral("callback_query_id"), queryId);
    metadata.insert(QStringLiteral("callback"), QStringLiteral("true"));
    insertIfSet(metadata, QStringLiteral("chat_type"), text(chat, "type"));
    insertIfSet(metadata, QStringLiteral("callback_message_id"),
                idText(keyboardMessage.value(QStringLiteral("message_id"))));
    insertIfSet(metadata, QStringLiteral("inline_message_id"), text(query, "inline_message_id"));
    addSender(metadata, from);
    message.clientMessageId = QStringLiteral("telegram:callback:") + queryId;
    update.message = message;
    return update;
}

bool isSentenceEnd(QChar c)
{
    static const QString ends = QStringLiteral(".!?\u2026\u3002\uFF01\uFF1F");
    return ends.contains(c);
}

// Where to cut the front of `rest` (longer than `limit`): the end of the part.
qsizetype breakPoint(QStringView rest, qsizetype limit)
{
    const QStringView window = rest.left(limit);
    // Preferring late boundaries keeps the number of messages low.
    const qsizetype floor = limit / 2;
    qsizetype at = window.lastIndexOf(u"\n\n");
    if (at >= floor)
        return at;
    at = window.lastIndexOf(u'\n');
    if (at >= floor)
        return at;
    for (qsizetype i = limit - 1; i >= floor; --i) {
        const bool followedBySpace = i + 1 < rest.size() && rest.at(i + 1).isSpace();
        if (isSentenceEnd(rest.at(i)) && followedBySpace)
            return i + 1;
    }
    if (rest.at(limit).isSpace())
        return limit;
    for (qsizetype i = limit - 1; i > 0; --i) {
        if (rest.at(i).isSpace())
            return i;
    }
    return rest.at(limit - 1).isHighSurrogate() ? limit - 1 : limit;
}

bool isPhoto(const Attachment &attachment)
{
    const QString type = attachment.contentType.toLower();
    if (!type.isEmpty())
        return type == QLatin1String("image/jpeg") || type == QLatin1String("image/jpg") ||
               type == QLatin1String("image/png") || type == QLatin1String("image/webp");
    const QString path = QUrl(attachment.url).path().toLower();
    return path.endsWith(QLatin1String(".jpg")) || path.endsWith(QLatin1String(".jpeg")) ||
           path.endsWith(QLatin1String(".png")) || path.endsWith(QLatin1String(".webp"));
}

QByteArray encode(const QJsonObject &body)
{
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// Replies quote the customer's message in groups, where several people talk; in a private
// chat the quote would only be noise.
QJsonObject replyParametersFor(const OutboundContext &context)
{
    if (!context.lastInbound)
        return {};
    const QString chatType = context.lastInbound->metadata.value(QStringLiteral("chat_type"));
    if (chatType != QLatin1String("group") && chatType != QLatin1String("supergroup"))
        return {};
    bool numeric = false;
    const qint64 messageId =
        context.lastInbound->metadata.value(QStringLiteral("message_id")).toLongLong(&numeric);
    if (!numeric)
        return {};
    // The customer may have deleted the message meanwhile; the reply matters more than the quote.
    return QJsonObject{{QStringLiteral("message_id"), messageId},
                       {QStringLiteral("allow_sending_without_reply"), true}};
}

int inPlaceRetryDelayMs(const TelegramApi::Answer &answer, int attempt)
{
    if (!answer.retryable() || attempt >= kInPlaceAttempts)
        return -1;
    if (answer.retryAfterSeconds > 0)
        return answer.retryAfterSeconds <= kInPlaceMaxWaitSeconds ? answer.retryAfterSeconds * 1000
                                                                  : -1;
    return 1000 * attempt;
}

QString sentMessageId(const TelegramApi::Answer &answer)
{
    return idText(answer.result.toObject().value(QStringLiteral("message_id")));
}

void retarget(QList<TelegramChannel::Call> &calls, qint64 chatId)
{
    for (TelegramChannel::Call &call : calls)
        call.body.insert(QStringLiteral("chat_id"), chatId);
}

QString reasonFor(const TelegramChannel::Call &call, const TelegramApi::Answer &answer)
{
    if (answer.httpStatus == 0)
        return QStringLiteral("Telegram %1: %2").arg(call.method, answer.description);
    if (answer.errorCode == 401)
        return answer.description + QStringLiteral(" (check [channels.telegram] bot_token)");
    return answer.description;
}

SendResult failureFor(const TelegramChannel::Call &call, const TelegramApi::Answer &answer,
                      const QStringList &deliveredIds, qsizetype total)
{
    SendResult result;
    result.ok = false;
    const QString reason = reasonFor(call, answer);
    if (deliveredIds.isEmpty()) {
        result.error = reason;
        result.retryable = answer.retryable();
        result.retryAfterSeconds = answer.retryAfterSeconds;
        return result;
    }
    // Retrying the whole message would repeat the parts the customer already has.
    result.error = QStringLiteral("%1 of %2 parts were delivered (Telegram message ids %3) "
                                  "before %4 failed: %5")
                       .arg(deliveredIds.size())
                       .arg(total)
                       .arg(deliveredIds.join(QStringLiteral(", ")), call.method, reason);
    result.retryable = false;
    return result;
}

SendResult successFor(const QList<TelegramChannel::Call> &calls, const QStringList &ids)
{
    SendResult result;
    result.ok = true;
    // Message ids are per chat; the chat keeps the external id unique.
    result.externalId = idText(calls.first().body.value(QStringLiteral("chat_id"))) +
                        QLatin1Char(':') + ids.join(QLatin1Char(','));
    return result;
}

SendResult refusal(const QString &error)
{
    SendResult result;
    result.ok = false;
    result.error = error;
    result.retryable = false;
    return result;
}

Outcome<QUrl> downloadUrlFrom(const TelegramApi &api, const TelegramApi::Answer &answer)
{
    if (!answer.ok)
        return Error{answer.retryable() ? ErrorKind::Unavailable : ErrorKind::NotFound,
                     QStringLiteral("getFile: ") + answer.description,
                     {},
                     answer.retryAfterSeconds};
    const QString path = answer.result.toObject().value(QStringLiteral("file_path")).toString();
    if (path.isEmpty())
        return Outcome<QUrl>::failure(
            ErrorKind::NotFound,
            QStringLiteral(
                "Telegram offers no download for this file (bots can fetch up to 20 MB)"));
    return api.fileUrl(path);
}

Outcome<QUrl> directUrl(const QString &reference)
{
    const QUrl url(reference);
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        return url;
    return Outcome<QUrl>::failure(ErrorKind::Invalid,
                                  QStringLiteral("not a Telegram file reference or web URL: ") +
                                      reference);
}

} // namespace

TelegramChannel::TelegramChannel(QNetworkAccessManager *network, TelegramSettings settings)
    : m_network(network)
    , m_settings(std::move(settings))
    , m_api(m_settings.baseUrl, m_settings.botToken)
{}

TelegramChannel::~TelegramChannel() = default;

QString TelegramChannel::name() const
{
    return QStringLiteral("telegram");
}

bool TelegramChannel::handles(Platform platform) const
{
    return platform == Platform::Telegram;
}

QString TelegramChannel::fileReference(const QString &fileId)
{
    return kFilePrefix + fileId;
}

void TelegramChannel::start(InboundSink *sink)
{
    if (!m_api.hasToken()) {
        qCWarning(lcChannels) << "[channels.telegram] is enabled without a bot_token: Telegram "
                                 "messages can be neither received nor sent";
        return;
    }
    if (m_settings.mode == QLatin1String("poll")) {
        if (!m_poller) {
            m_poller = std::make_unique<TelegramPoller>(
                m_network, m_api, LongPollSeconds,
                [this](const SendResult &result) { recordResult(result); });
        }
        m_poller->start(sink);
        return;
    }
    if (m_settings.mode != QLatin1String("webhook"))
        qCWarning(lcChannels).noquote()
            << "[channels.telegram] mode" << m_settings.mode << "is unknown; using webhook mode";
    if (m_settings.webhookSecret.isEmpty())
        qCWarning(lcChannels)
            << "[channels.telegram] webhook mode has no webhook_secret, so every request to "
               "/api/v1/webhooks/telegram is refused with 401. Set webhook_secret (and pass it as "
               "secret_token to setWebhook), or use mode = \"poll\" on a machine Telegram cannot "
               "reach";
}

void TelegramChannel::stop()
{
    if (m_poller)
        m_poller->stop();
}

bool TelegramChannel::isPolling() const
{
    return m_poller && m_poller->isRunning();
}

bool TelegramChannel::verifySecretToken(const QString &configuredSecret, const QByteArray &header)
{
    if (configuredSecret.isEmpty() || header.isEmpty())
        return false;
    // Equal-length digests make the comparison take the same time whatever the input.
    const QByteArray expected =
        QCryptographicHash::hash(configuredSecret.toUtf8(), QCryptographicHash::Sha256);
    const QByteArray actual = QCryptographicHash::hash(header, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        difference |= uchar(expected.at(i)) ^ uchar(actual.at(i));
    return difference == 0;
}

Outcome<TelegramChannel::Update> TelegramChannel::parseUpdate(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return invalid(QStringLiteral("the update is not JSON: %1 at offset %2")
                           .arg(error.errorString())
                           .arg(error.offset));
    if (!document.isObject())
        return invalid(QStringLiteral("the update is not a JSON object"));
    return parseUpdate(document.object());
}

Outcome<TelegramChannel::Update> TelegramChannel::parseUpdate(const QJsonObject &update)
{
    const QJsonValue id = update.value(QStringLiteral("update_id"));
    if (!id.isDouble())
        return invalid(QStringLiteral("the update has no numeric update_id"));
    const qint64 updateId = id.toInteger();
    const QJsonValue message = update.value(QStringLiteral("message"));
    if (message.isObject())
        return fromMessage(updateId, message.toObject(), false);
    const QJsonValue edited = update.value(QStringLiteral("edited_message"));
    if (edited.isObject())
        return fromMessage(updateId, edited.toObject(), true);
    const QJsonValue callback = update.value(QStringLiteral("callback_query"));
    if (callback.isObject())
        return fromCallbackQuery(updateId, callback.toObject());

    Update ignored;
    ignored.id = updateId;
    QStringList kinds = update.keys();
    kinds.removeAll(QStringLiteral("update_id"));
    ignored.ignoredReason =
        QStringLiteral("%1 updates are not handled")
            .arg(kinds.isEmpty() ? QStringLiteral("empty") : kinds.join(QStringLiteral(", ")));
    return ignored;
}

QStringList TelegramChannel::splitText(const QString &text, int limit)
{
    const qsizetype size = std::max(limit, 2);
    QStringList parts;
    QStringView rest = QStringView(text).trimmed();
    while (rest.size() > size) {
        const qsizetype end = breakPoint(rest, size);
        const QStringView part = rest.left(end).trimmed();
        if (!part.isEmpty())
            parts.append(part.toString());
        rest = rest.mid(end).trimmed();
    }
    if (!rest.isEmpty())
        parts.append(rest.toString());
    return parts;
}

QJsonValue TelegramChannel::chatIdFor(const OutboundContext &context)
{
    QString chat;
    if (context.lastInbound)
        chat = context.lastInbound->metadata.value(QStringLiteral("chat_id"));
    if (chat.isEmpty())
        chat = context.message.userId;
    chat = chat.trimmed();
    if (chat.isEmpty())
        return QJsonValue(QJsonValue::Null);
    bool numeric = false;
    const qint64 id = chat.toLongLong(&numeric);
    // "@channelname" is also a valid chat_id.
    return numeric ? QJsonValue(id) : QJsonValue(chat);
}

Outcome<QList<TelegramChannel::Call>> TelegramChannel::callsFor(const OutboundContext &context)
{
    const QJsonValue chat = chatIdFor(context);
    if (chat.isNull())
        return Outcome<QList<Call>>::failure(
            ErrorKind::Invalid,
            QStringLiteral("no Telegram chat to send to: the conversation has no chat_id and the "
                           "message no user id"));
    const QJsonObject replyParameters = replyParametersFor(context);
    QString thread;
    if (context.lastInbound)
        thread = context.lastInbound->metadata.value(QStringLiteral("message_thread_id"));
    auto base = [&](bool first) {
        QJsonObject body{{QStringLiteral("chat_id"), chat}};
        if (!thread.isEmpty())
            body.insert(QStringLiteral("message_thread_id"), thread.toLongLong());
        if (first && !replyParameters.isEmpty())
            body.insert(QStringLiteral("reply_parameters"), replyParameters);
        return body;
    };

    QList<Call> calls;
    const QStringList parts = splitText(context.message.content);
    for (const QString &part : parts) {
        QJsonObject body = base(calls.isEmpty());
        body.insert(QStringLiteral("text"), part);
        calls.append(Call{QStringLiteral("sendMessage"), body});
    }
    for (const Attachment &attachment : context.message.attachments) {
        QString file;
        if (attachment.url.startsWith(kFilePrefix)) {
            file = attachment.url.mid(kFilePrefix.size());
        } else {
            const Outcome<QUrl> url = directUrl(attachment.url);
            if (!url.isOk())
                return Outcome<QList<Call>>::failure(
                    ErrorKind::Invalid,
                    QStringLiteral("attachment %1 is neither an http(s) URL nor a Telegram file")
                        .arg(attachment.url));
            file = attachment.url;
        }
        const bool photo = isPhoto(attachment);
        QJsonObject body = base(calls.isEmpty());
        body.insert(photo ? QStringLiteral("photo") : QStringLiteral("document"), file);
        calls.append(
            Call{photo ? QStringLiteral("sendPhoto") : QStringLiteral("sendDocument"), body});
    }
    if (calls.isEmpty())
        return Outcome<QList<Call>>::failure(
            ErrorKind::Invalid, QStringLiteral("nothing to send: no text and no attachments"));
    return calls;
}

// GCC 12 miscompiles some temporaries inside coroutine bodies, so the coroutines below only
// await and branch on named locals; the decisions live in the plain functions above.
QCoro::Task<TelegramApi::Answer> TelegramChannel::post(QString method, QJsonObject body)
{
    const QNetworkRequest request = m_api.jsonRequest(method, kSendTimeoutMs);
    const QByteArray payload = encode(body);
    std::unique_ptr<QNetworkReply> reply(m_network->post(request, payload));
    co_await qCoro(reply.get()).waitForFinished();
    const TelegramApi::Answer answer = m_api.read(reply.get());
    co_return answer;
}

QCoro::Task<TelegramApi::Answer> TelegramChannel::deliver(Call call, bool insist)
{
    int attempt = 1;
    TelegramApi::Answer answer = co_await post(call.method, call.body);
    while (!answer.ok) {
        const int delayMs = insist ? inPlaceRetryDelayMs(answer, attempt) : -1;
        if (delayMs < 0)
            break;
        ++attempt;
        const std::chrono::milliseconds delay(delayMs);
        QCoro::Task<> pause = QCoro::sleepFor(delay);
        co_await pause;
        answer = co_await post(call.method, call.body);
    }
    co_return answer;
}

SendResult TelegramChannel::finish(const SendResult &result)
{
    SendResult redacted = result;
    redacted.error = m_api.redact(result.error);
    recordResult(redacted);
    return redacted;
}

QCoro::Task<SendResult> TelegramChannel::send(OutboundContext context)
{
    if (!m_api.hasToken()) {
        const SendResult refused =
            finish(refusal(QStringLiteral("[channels.telegram] has no bot_token")));
        co_return refused;
    }
    const Outcome<QList<Call>> planned = callsFor(context);
    if (!planned.isOk()) {
        const SendResult refused = finish(refusal(planned.error().message));
        co_return refused;
    }
    QList<Call> calls = planned.value();
    QStringList ids;
    bool migrated = false;
    qsizetype index = 0;
    while (index < calls.size()) {
        const Call call = calls.at(index);
        const bool insist = index > 0;
        const TelegramApi::Answer answer = co_await deliver(call, insist);
        if (answer.ok) {
            ids.append(sentMessageId(answer));
            ++index;
            continue;
        }
        // A group that became a supergroup lives on under a new id: follow it once.
        const bool moved = answer.migrateToChatId.has_value() && !migrated;
        if (moved) {
            migrated = true;
            retarget(calls, *answer.migrateToChatId);
            continue;
        }
        const SendResult failure = finish(failureFor(call, answer, ids, calls.size()));
        co_return failure;
    }
    const SendResult delivered = finish(successFor(calls, ids));
    co_return delivered;
}

QCoro::Task<Outcome<QUrl>> TelegramChannel::resolveFile(QString reference)
{
    if (!reference.startsWith(kFilePrefix)) {
        const Outcome<QUrl> direct = directUrl(reference);
        co_return direct;
    }
    const QString method = QStringLiteral("getFile");
    const QJsonObject body{{QStringLiteral("file_id"), reference.mid(kFilePrefix.size())}};
    const TelegramApi::Answer answer = co_await post(method, body);
    const Outcome<QUrl> url = downloadUrlFrom(m_api, answer);
    co_return url;
}

} // namespace relaydesk
