#include "channels/discordchannel.h"

#include "channels/inboundsink.h"
#include "observability/logger.h"

#include <QCoro/QCoroFuture>
#include <QCoro/QCoroNetworkReply>
#include <QCoro/QCoroTimer>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <chrono>
#include <cmath>
#include <openssl/evp.h>

namespace relaydesk {

namespace {

const QString kChannelName = QStringLiteral("discord");

bool isHex(QByteArrayView text)
{
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return QString();
}

// Command options nest through sub-command groups and sub-commands (types 1 and 2).
void collectOptions(const QJsonArray &options, QStringList &lines)
{
    for (const QJsonValue &entry : options) {
        const QJsonObject option = entry.toObject();
        const int type = option.value(QStringLiteral("type")).toInt();
        if (type == 1 || type == 2) {
            collectOptions(option.value(QStringLiteral("options")).toArray(), lines);
            continue;
        }
        const QString value = scalarText(option.value(QStringLiteral("value")));
        if (value.isEmpty())
            continue;
        // Free text (STRING) is what the customer wrote; other types are only meaningful
        // with their name.
        lines << (type == 3 ? value
                            : option.value(QStringLiteral("name")).toString() +
                                  QStringLiteral(": ") + value);
    }
}

void collectModalFields(const QJsonArray &components, QStringList &lines)
{
    for (const QJsonValue &entry : components) {
        const QJsonObject component = entry.toObject();
        if (component.contains(QStringLiteral("components")))
            collectModalFields(component.value(QStringLiteral("components")).toArray(), lines);
        const QString value = component.value(QStringLiteral("value")).toString();
        if (!value.trimmed().isEmpty())
            lines << value;
    }
}

Outcome<Message> notAMessage(const QString &reason)
{
    return Outcome<Message>::failure(ErrorKind::Invalid, reason);
}

} // namespace

DiscordChannel::DiscordChannel(QNetworkAccessManager *network, DiscordSettings settings,
                               DiscordGateway::Options gatewayOptions)
    : m_network(network)
    , m_settings(std::move(settings))
    , m_gatewayOptions(gatewayOptions)
{
    m_clock.start();
}

DiscordChannel::~DiscordChannel() = default;

QString DiscordChannel::name() const
{
    return kChannelName;
}

bool DiscordChannel::handles(Platform platform) const
{
    return platform == Platform::Discord;
}

QString DiscordChannel::sessionStateKey()
{
    return QStringLiteral("gateway_session");
}

// ---- gateway ---------------------------------------------------------------------------------

void DiscordChannel::start(InboundSink *sink)
{
    m_sink = sink;
    m_stopped = false;
    if (m_settings.botToken.isEmpty()) {
        recordResult(failure(QStringLiteral("[channels.discord] bot_token is not set: the gateway "
                                            "cannot connect and nothing can be sent"),
                             false));
        return;
    }
    if (m_settings.channelIds.isEmpty())
        qCInfo(lcChannels) << "discord: no channel_ids configured, only direct messages are read";
    if (!m_gateway)
        connectGateway();
    QFuture<Outcome<std::optional<QString>>> loaded =
        sink->loadState(kChannelName, sessionStateKey());
    loaded.then(m_gateway.get(), [this](const Outcome<std::optional<QString>> &state) {
        DiscordGateway::Session session;
        if (!state.isOk())
            qCWarning(lcChannels).noquote() << "discord: cannot read the stored gateway session, "
                                               "identifying afresh:"
                                            << state.error().message;
        else if (state.value())
            session = DiscordGateway::decodeSession(*state.value());
        if (!m_stopped)
            m_gateway->start(session);
    });
}

void DiscordChannel::stop()
{
    m_stopped = true;
    if (!m_gateway)
        return;
    // The sequence moves with every dispatch; the last one seen is what a restart resumes from.
    if (m_gateway->isRunning())
        persistSession();
    m_gateway->stop();
}

void DiscordChannel::connectGateway()
{
    m_gateway = std::make_unique<DiscordGateway>(m_settings.botToken, QUrl(m_settings.gatewayUrl),
                                                 m_gatewayOptions);
    DiscordGateway *gateway = m_gateway.get();
    QObject::connect(gateway, &DiscordGateway::ready, gateway, [this](const QString &, bool) {
        recordResult(SendResult{true, {}, {}, false, 0, false, {}});
    });
    QObject::connect(gateway, &DiscordGateway::sessionChanged, gateway,
                     [this] { persistSession(); });
    QObject::connect(gateway, &DiscordGateway::connectionLost, gateway,
                     [this](const QString &reason) {
                         recordResult(failure(QStringLiteral("Discord gateway: ") + reason, true));
                     });
    QObject::connect(gateway, &DiscordGateway::failed, gateway, [this](const QString &reason) {
        recordResult(failure(QStringLiteral("Discord gateway stopped: ") + reason, false));
    });
    QObject::connect(gateway, &DiscordGateway::dispatched, gateway,
                     [this](const QString &event, const QJsonObject &data, qint64) {
                         if (event == QLatin1String("MESSAGE_CREATE"))
                             onMessageCreate(data);
                     });
}

void DiscordChannel::onMessageCreate(const QJsonObject &data)
{
    const Outcome<Message> message =
        parseMessageCreate(data, m_settings.channelIds, m_gateway->selfUserId());
    if (!message.isOk()) {
        qCDebug(lcChannels).noquote()
            << "discord: skipping message" << data.value(QStringLiteral("id")).toString() << "-"
            << message.error().message;
        return;
    }
    if (!m_sink)
        return;
    m_sink->deliverInbound(message.value())
        .then(m_gateway.get(),
              [this, id = message.value().clientMessageId](const Outcome<IngestResult> &result) {
                  if (!result.isOk()) {
                      // The stored sequence stays behind, so a restart that resumes replays it.
                      qCWarning(lcChannels).noquote()
                          << "discord: could not store" << id << ":" << result.error().message;
                      recordResult(failure(QStringLiteral("Discord message could not be stored: ") +
                                               result.error().message,
                                           true));
                      return;
                  }
                  persistSession();
              });
}

void DiscordChannel::persistSession()
{
    if (!m_sink || !m_gateway)
        return;
    m_sink->saveState(kChannelName, sessionStateKey(),
                      DiscordGateway::encodeSession(m_gateway->session()));
}

// ---- inbound parsing -------------------------------------------------------------------------

bool DiscordChannel::isSnowflake(const QString &text)
{
    if (text.isEmpty() || text.size() > 20)
        return false;
    for (const QChar c : text) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    return true;
}

Outcome<Message> DiscordChannel::parseMessageCreate(const QJsonObject &data,
                                                    const QStringList &channelIds,
                                                    const QString &selfUserId)
{
    const QString id = data.value(QStringLiteral("id")).toString();
    const QString channelId = data.value(QStringLiteral("channel_id")).toString();
    const QJsonObject author = data.value(QStringLiteral("author")).toObject();
    const QString authorId = author.value(QStringLiteral("id")).toString();
    if (!isSnowflake(id) || !isSnowflake(channelId) || !isSnowflake(authorId))
        return notAMessage(QStringLiteral("not a message: id, channel_id or author.id missing"));
    // Replying to bots (our own echoes included) would loop.
    if (author.value(QStringLiteral("bot")).toBool() ||
        author.value(QStringLiteral("system")).toBool() || authorId == selfUserId)
        return notAMessage(QStringLiteral("written by a bot"));
    if (data.contains(QStringLiteral("webhook_id")))
        return notAMessage(QStringLiteral("posted by a webhook"));
    // 0 DEFAULT and 19 REPLY are people talking; the rest are joins, pins, boosts...
    const int type = data.value(QStringLiteral("type")).toInt(0);
    if (type != 0 && type != 19)
        return notAMessage(QStringLiteral("system message of type %1").arg(type));
    const QString guildId = data.value(QStringLiteral("guild_id")).toString();
    if (!guildId.isEmpty() && !channelIds.contains(channelId))
        return notAMessage(QStringLiteral("channel %1 is not in channel_ids").arg(channelId));

    Message message;
    message.platform = Platform::Discord;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    message.userId = authorId;
    message.authorId = authorId;
    message.content = data.value(QStringLiteral("content")).toString();
    for (const QJsonValue &entry : data.value(QStringLiteral("attachments")).toArray()) {
        const QJsonObject attachment = entry.toObject();
        const QString url = attachment.value(QStringLiteral("url")).toString();
        if (url.isEmpty())
            continue;
        message.attachments.append(
            Attachment{url, attachment.value(QStringLiteral("content_type")).toString()});
    }
    if (message.content.trimmed().isEmpty() && message.attachments.isEmpty())
        return notAMessage(QStringLiteral("no text and no attachments"));
    message.metadata.insert(QStringLiteral("channel_id"), channelId);
    message.metadata.insert(QStringLiteral("message_id"), id);
    message.metadata.insert(QStringLiteral("username"),
                            author.value(QStringLiteral("username")).toString());
    if (!guildId.isEmpty())
        message.metadata.insert(QStringLiteral("guild_id"), guildId);
    const QString displayName = author.value(QStringLiteral("global_name")).toString();
    if (!displayName.isEmpty())
        message.metadata.insert(QStringLiteral("display_name"), displayName);
    message.clientMessageId = QStringLiteral("discord:") + id;
    return message;
}

Outcome<Message> DiscordChannel::parseInteraction(const QJsonObject &interaction)
{
    const int type = interaction.value(QStringLiteral("type")).toInt();
    if (type != 2 && type != 5)
        return notAMessage(
            QStringLiteral("interaction type %1 carries no customer text").arg(type));
    const QString id = interaction.value(QStringLiteral("id")).toString();
    // In a guild the user is inside `member`; in a DM it is `user`.
    QJsonObject user = interaction.value(QStringLiteral("member"))
                           .toObject()
                           .value(QStringLiteral("user"))
                           .toObject();
    if (user.isEmpty())
        user = interaction.value(QStringLiteral("user")).toObject();
    const QString userId = user.value(QStringLiteral("id")).toString();
    QString channelId = interaction.value(QStringLiteral("channel_id")).toString();
    if (channelId.isEmpty())
        channelId = interaction.value(QStringLiteral("channel"))
                        .toObject()
                        .value(QStringLiteral("id"))
                        .toString();
    if (!isSnowflake(id) || !isSnowflake(userId) || !isSnowflake(channelId))
        return notAMessage(QStringLiteral("interaction without id, user or channel"));

    const QJsonObject data = interaction.value(QStringLiteral("data")).toObject();
    const QString command = data.value(QStringLiteral("name")).toString();
    QStringList lines;
    if (type == 2)
        collectOptions(data.value(QStringLiteral("options")).toArray(), lines);
    else
        collectModalFields(data.value(QStringLiteral("components")).toArray(), lines);

    Message message;
    message.platform = Platform::Discord;
    message.direction = Direction::Inbound;
    message.authorKind = AuthorKind::Customer;
    message.userId = userId;
    message.authorId = userId;
    message.content = lines.isEmpty() ? QLatin1Char('/') + command : lines.join(QLatin1Char('\n'));
    if (message.content.trimmed() == QLatin1String("/"))
        return notAMessage(QStringLiteral("interaction without command name or text"));
    message.metadata.insert(QStringLiteral("channel_id"), channelId);
    message.metadata.insert(QStringLiteral("interaction_id"), id);
    message.metadata.insert(QStringLiteral("username"),
                            user.value(QStringLiteral("username")).toString());
    if (!command.isEmpty())
        message.metadata.insert(QStringLiteral("command"), command);
    const QString guildId = interaction.value(QStringLiteral("guild_id")).toString();
    if (!guildId.isEmpty())
        message.metadata.insert(QStringLiteral("guild_id"), guildId);
    message.clientMessageId = QStringLiteral("discord:interaction:") + id;
    return message;
}

bool DiscordChannel::verifyInteraction(const QString &publicKeyHex, const QByteArray &signatureHex,
                                       const QByteArray &timestamp, const QByteArray &body)
{
    const QByteArray keyHex = publicKeyHex.trimmed().toLatin1();
    if (keyHex.size() != 64 || !isHex(keyHex) || signatureHex.size() != 128 ||
        !isHex(signatureHex) || timestamp.isEmpty())
        return false;
    const QByteArray key = QByteArray::fromHex(keyHex);
    const QByteArray signature = QByteArray::fromHex(signatureHex);
    const QByteArray signedBytes = timestamp + body;

    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> publicKey(
        EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                    reinterpret_cast<const unsigned char *>(key.constData()),
                                    size_t(key.size())),
        &EVP_PKEY_free);
    if (!publicKey)
        return false;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    // Ed25519 hashes internally: no digest is named, and the one-shot verify is required.
    if (!context ||
        EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, publicKey.get()) != 1)
        return false;
    return EVP_DigestVerify(context.get(),
                            reinterpret_cast<const unsigned char *>(signature.constData()),
                            size_t(signature.size()),
                            reinterpret_cast<const unsigned char *>(signedBytes.constData()),
                            size_t(signedBytes.size())) == 1;
}

// ---- outbound --------------------------------------------------------------------------------

QStringList DiscordChannel::splitContent(const QString &content, int limit)
{
    QStringList parts;
    if (limit < 2)
        limit = 2;
    QString rest = content;
    while (rest.size() > limit) {
        qsizetype cut = rest.lastIndexOf(QLatin1Char('\n'), limit);
        if (cut < limit / 2)
            cut = rest.lastIndexOf(QLatin1Char(' '), limit);
        bool dropSeparator = cut >= limit / 2;
        if (!dropSeparator) {
            cut = limit;
            if (rest.at(cut - 1).isHighSurrogate())
                --cut;
        }
        parts << rest.left(cut);
        rest = rest.mid(dropSeparator ? cut + 1 : cut);
    }
    if (!rest.isEmpty() || parts.isEmpty())
        parts << rest;
    return parts;
}

QString DiscordChannel::nonceFor(const QString &messageId, int part)
{
    const QByteArray seed = messageId.toUtf8() + '/' + QByteArray::number(part);
    return QString::fromLatin1(
        QCryptographicHash::hash(seed, QCryptographicHash::Sha256).toHex().left(MaxNonceLength));
}

QByteArray DiscordChannel::messageBody(const QString &content, const QString &nonce,
                                       const QString &replyToMessageId)
{
    // A drafted reply must never ping @everyone or a role by accident; the customer we answer
    // is still notified through the reply reference.
    QJsonObject body{
        {QStringLiteral("content"), content},
        {QStringLiteral("nonce"), nonce},
        {QStringLiteral("enforce_nonce"), true},
        {QStringLiteral("allowed_mentions"), QJsonObject{{QStringLiteral("parse"), QJsonArray()},
                                                         {QStringLiteral("replied_user"), true}}}};
    if (!replyToMessageId.isEmpty())
        body.insert(QStringLiteral("message_reference"),
                    QJsonObject{{QStringLiteral("message_id"), replyToMessageId},
                                {QStringLiteral("fail_if_not_exists"), false}});
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

DiscordChannel::Target DiscordChannel::targetFor(const OutboundContext &context)
{
    Target target;
    target.channelId = context.message.metadata.value(QStringLiteral("channel_id"));
    if (target.channelId.isEmpty() && context.lastInbound &&
        context.lastInbound->platform == Platform::Discord) {
        const QMap<QString, QString> &metadata = context.lastInbound->metadata;
        target.channelId = metadata.value(QStringLiteral("channel_id"));
        // In a shared guild channel the reply must show whom it answers; a DM needs no pointer.
        if (metadata.contains(QStringLiteral("guild_id")) &&
            !metadata.contains(QStringLiteral("interaction_id")))
            target.replyToMessageId = metadata.value(QStringLiteral("message_id"));
    }
    if (target.channelId.isEmpty())
        target.recipientId = context.message.userId;
    return target;
}

SendResult DiscordChannel::failure(const QString &error, bool retryable, int retryAfterSeconds)
{
    SendResult result;
    result.ok = false;
    result.error = error;
    result.retryable = retryable;
    result.retryAfterSeconds = retryAfterSeconds;
    return result;
}

QCoro::Task<SendResult> DiscordChannel::send(OutboundContext context)
{
    const SendResult result = co_await deliver(std::move(context));
    recordResult(result);
    co_return result;
}

// GCC 12 miscompiles temporaries inside coroutine bodies: the coroutines below await and branch
// on named locals only, and leave the work to plain functions.
QCoro::Task<SendResult> DiscordChannel::deliver(OutboundContext context)
{
    if (m_settings.botToken.isEmpty()) {
        const SendResult missing =
            failure(QStringLiteral("[channels.discord] bot_token is not set"), false);
        co_return missing;
    }
    const Target target = targetFor(context);
    QString channelId = target.channelId;
    if (channelId.isEmpty()) {
        const QString recipient = target.recipientId;
        const SendResult opened = co_await openDirectMessage(recipient);
        if (!opened.ok)
            co_return opened;
        channelId = opened.externalId;
    }
    if (!isSnowflake(channelId)) {
        const SendResult invalid =
            failure(QStringLiteral("\"%1\" is not a Discord channel id").arg(channelId), false);
        co_return invalid;
    }

    const QStringList parts = splitContent(context.message.content);
    const QString route = QStringLiteral("POST /channels/{channel_id}/messages");
    const QString path = QStringLiteral("/channels/") + channelId + QStringLiteral("/messages");
    SendResult first;
    for (int index = 0; index < parts.size(); ++index) {
        const QString nonce = nonceFor(context.message.id, index);
        const QString replyTo = index == 0 ? target.replyToMessageId : QString();
        const QByteArray body = messageBody(parts.at(index), nonce, replyTo);
        const SendResult sent = co_await post(route, channelId, path, body);
        if (!sent.ok)
            co_return sent;
        if (index == 0)
            first = sent;
    }
    co_return first;
}

QCoro::Task<SendResult> DiscordChannel::openDirectMessage(QString recipientId)
{
    const auto cached = m_directMessageChannels.constFind(recipientId);
    if (cached != m_directMessageChannels.cend()) {
        const SendResult known{true, *cached, {}, false, 0, false, {}};
        co_return known;
    }
    if (!isSnowflake(recipientId)) {
        const SendResult invalid = failure(
            QStringLiteral("no Discord channel to reply in: the conversation has no Discord "
                           "message with a channel_id, and \"%1\" is not a Discord user id")
                .arg(recipientId),
            false);
        co_return invalid;
    }
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("recipient_id"), recipientId}})
            .toJson(QJsonDocument::Compact);
    const QString route = QStringLiteral("POST /users/@me/channels");
    const QString path = QStringLiteral("/users/@me/channels");
    const SendResult opened = co_await post(route, QString(), path, body);
    if (opened.ok && isSnowflake(opened.externalId))
        m_directMessageChannels.insert(recipientId, opened.externalId);
    co_return opened;
}

QNetworkRequest DiscordChannel::requestFor(const QString &path) const
{
    QString base = m_settings.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QNetworkRequest request(QUrl(base + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    // Discord requires this User-Agent shape for bots.
    request.setHeader(
        QNetworkRequest::UserAgentHeader,
        QByteArrayLiteral("DiscordBot (https://relaydesk.dev, " RELAYDESK_VERSION ")"));
    request.setRawHeader("Authorization", "Bot " + m_settings.botToken.toUtf8());
    request.setTransferTimeout(RequestTimeoutMs);
    return request;
}

QCoro::Task<SendResult> DiscordChannel::post(QString route, QString majorParameter, QString path,
                                             QByteArray body)
{
    SendResult result;
    for (int attempt = 0; attempt < 2; ++attempt) {
        qint64 waitMs = m_limiter.delayFor(route, majorParameter, nowMs());
        // Coarse timers may fire a little early, so the bucket is asked again after each nap.
        while (waitMs > 0) {
            if (waitMs > MaxLocalWaitMs) {
                result = exhaustedLocally(route, waitMs);
                co_return result;
            }
            const std::chrono::milliseconds pause(waitMs);
            co_await QCoro::sleepFor(pause);
            waitMs = m_limiter.delayFor(route, majorParameter, nowMs());
        }
        m_limiter.consume(route, majorParameter, nowMs());
        const QNetworkRequest request = requestFor(path);
        std::unique_ptr<QNetworkReply> reply(m_network->post(request, body));
        co_await qCoro(reply.get()).waitForFinished();
        const HttpOutcome outcome = readReply(reply.get());
        learn(route, majorParameter, outcome);
        result = resultFor(outcome);
        const bool retryNow =
            outcome.status == 429 && attempt == 0 && retryAfterMs(outcome) <= InlineRetryLimitMs;
        if (!retryNow)
            co_return result;
    }
    co_return result;
}

SendResult DiscordChannel::exhaustedLocally(const QString &route, qint64 waitMs)
{
    const int seconds = int(std::ceil(double(waitMs) / 1000.0));
    return failure(QStringLiteral("Discord rate limit: %1 is exhausted for another %2 s")
                       .arg(route)
                       .arg(seconds),
                   true, seconds);
}

DiscordChannel::HttpOutcome DiscordChannel::readReply(QNetworkReply *reply)
{
    HttpOutcome outcome;
    outcome.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    outcome.body = reply->readAll();
    if (outcome.status == 0)
        outcome.networkError = reply->errorString();
    outcome.rateLimit.bucket = reply->rawHeader("X-RateLimit-Bucket");
    outcome.rateLimit.remaining = reply->rawHeader("X-RateLimit-Remaining");
    outcome.rateLimit.resetAfter = reply->rawHeader("X-RateLimit-Reset-After");
    outcome.retryAfterHeader = reply->rawHeader("Retry-After");
    outcome.globalHeader = reply->rawHeader("X-RateLimit-Global").trimmed().toLower() == "true";
    return outcome;
}

qint64 DiscordChannel::retryAfterMs(const HttpOutcome &outcome)
{
    const QJsonValue value =
        QJsonDocument::fromJson(outcome.body).object().value(QStringLiteral("retry_after"));
    double seconds = value.isDouble() ? value.toDouble() : -1;
    if (!(seconds >= 0)) {
        bool ok = false;
        seconds = outcome.retryAfterHeader.trimmed().toDouble(&ok);
        if (!ok || seconds < 0)
            seconds = 1;
    }
    return qint64(std::ceil(std::min(seconds, 86400.0) * 1000.0));
}

void DiscordChannel::learn(const QString &route, const QString &majorParameter,
                           const HttpOutcome &outcome)
{
    const qint64 now = nowMs();
    m_limiter.update(route, majorParameter, outcome.rateLimit, now);
    if (outcome.status != 429)
        return;
    const bool global =
        outcome.globalHeader ||
        QJsonDocument::fromJson(outcome.body).object().value(QStringLiteral("global")).toBool();
    if (global)
        m_limiter.blockGlobally(now + retryAfterMs(outcome));
    else
        m_limiter.block(route, majorParameter, now + retryAfterMs(outcome));
}

SendResult DiscordChannel::resultFor(const HttpOutcome &outcome)
{
    if (outcome.status == 0)
        return failure(QStringLiteral("Discord did not answer: ") + outcome.networkError, true);
    const QJsonObject answer = QJsonDocument::fromJson(outcome.body).object();
    if (outcome.status >= 200 && outcome.status < 300) {
        SendResult result;
        result.ok = true;
        result.retryable = false;
        result.externalId = answer.value(QStringLiteral("id")).toString();
        return result;
    }
    const QString message = answer.value(QStringLiteral("message")).toString();
    if (outcome.status == 429) {
        const qint64 waitMs = retryAfterMs(outcome);
        const QJsonValue retryAfter = answer.value(QStringLiteral("retry_after"));
        const QString shown = retryAfter.isDouble() ? QString::number(retryAfter.toDouble())
                                                    : QString::number(double(waitMs) / 1000.0);
        return failure(
            QStringLiteral("Discord answered HTTP 429%1: %2 (retry after %3 s)")
                .arg(answer.value(QStringLiteral("global")).toBool() ? QStringLiteral(" (global)")
                                                                     : QString(),
                     message.isEmpty() ? QStringLiteral("rate limited") : message, shown),
            true, int(std::ceil(double(waitMs) / 1000.0)));
    }
    const int code = answer.value(QStringLiteral("code")).toInt(-1);
    QString error = QStringLiteral("Discord answered HTTP %1").arg(outcome.status);
    if (!message.isEmpty())
        error += QStringLiteral(": ") + message;
    if (code >= 0)
        error += QStringLiteral(" (code %1)").arg(code);
    if (outcome.status == 401)
        error += QStringLiteral(" - check [channels.discord] bot_token");
    // Missing access or permissions (50001, 50013), unknown channels and bad requests stay
    // that way however often they are retried.
    const bool retryable =
        (outcome.status >= 500 || outcome.status == 408) && code != 50001 && code != 50013;
    return failure(error, retryable);
}

} // namespace relaydesk
