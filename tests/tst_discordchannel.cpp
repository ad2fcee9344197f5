// The Discord channel: parsing of the recorded gateway messages and interactions, Ed25519
// verification with the published vector, outbound messages (shape, splitting, nonces, rate-limit
// buckets, 429s from the docs, errors) against FakeDiscordRest, and the integration with the real
// engine on SQLite and the real HTTP server, with FakeDiscordGateway delivering the customer's
// messages, as tst_api does.
#include "channels/discordchannel.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "fakes/fakediscordgateway.h"
#include "fakes/fakediscordrest.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "server/discordwebhook.h"
#include "storage/channelstore.h"

#include <QCoro/QCoroTask>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <openssl/evp.h>

using namespace relaydesk;

namespace {

const QByteArray kApiToken = "test-token-0123456789abcdef";
const QString kBotToken = QStringLiteral("MTAzMDExODcyNzQxODY0NjYyOQ.fake.token-for-tests");
// The guild channel of the recorded MESSAGE_CREATE.
const QString kSupportChannel = QStringLiteral("435923868503506954");
const QString kCustomer = QStringLiteral("560661188019488714");

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};

QByteArray fixtureBytes(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QJsonObject fixtureObject(const QString &relativePath)
{
    return QJsonDocument::fromJson(fixtureBytes(relativePath)).object();
}

QJsonObject recordedMessage()
{
    return fixtureObject(QStringLiteral("discord/gateway_message_create_dispatch.json"))
        .value(QStringLiteral("d"))
        .toObject();
}

QJsonObject signatureVector()
{
    return fixtureObject(QStringLiteral("discord/interaction_signature_vector.json"));
}

QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
{
    if (value.isUndefined())
        object.remove(key);
    else
        object.insert(key, value);
    return object;
}

// An Ed25519 key pair of our own, for requests the published vector does not cover.
class SigningKey
{
public:
    SigningKey()
        : m_key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), &EVP_PKEY_free)
    {}

    QString publicKeyHex() const
    {
        unsigned char raw[32];
        size_t length = sizeof raw;
        if (!m_key || EVP_PKEY_get_raw_public_key(m_key.get(), raw, &length) != 1)
            return {};
        return QString::fromLatin1(
            QByteArray(reinterpret_cast<const char *>(raw), int(length)).toHex());
    }

    QByteArray signHex(const QByteArray &message) const
    {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
        unsigned char signature[64];
        size_t length = sizeof signature;
        if (!m_key ||
            EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, m_key.get()) != 1 ||
            EVP_DigestSign(context.get(), signature, &length,
                           reinterpret_cast<const unsigned char *>(message.constData()),
                           size_t(message.size())) != 1)
            return {};
        return QByteArray(reinterpret_cast<const char *>(signature), int(length)).toHex();
    }

private:
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> m_key;
};

Message guildInbound(const QString &messageId = QStringLiteral("1028029980795478046"))
{
    Message message;
    message.platform = Platform::Discord;
    message.userId = kCustomer;
    message.metadata = {{QStringLiteral("channel_id"), kSupportChannel},
                        {QStringLiteral("guild_id"), QStringLiteral("439103874612675485")},
                        {QStringLiteral("message_id"), messageId},
                        {QStringLiteral("username"), QStringLiteral("GoodUser")}};
    return message;
}

OutboundContext
replyContext(const QString &content, std::optional<Message> lastInbound,
             const QString &id = QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"))
{
    OutboundContext context;
    context.message.id = id;
    context.message.platform = Platform::Discord;
    context.message.direction = Direction::Outbound;
    context.message.authorKind = AuthorKind::Operator;
    context.message.userId = kCustomer;
    context.message.content = content;
    context.conversation.platform = Platform::Discord;
    context.conversation.participants = {kCustomer};
    context.lastInbound = std::move(lastInbound);
    return context;
}

QString wordsOfLength(int length)
{
    QString text;
    int word = 0;
    while (text.size() < length)
        text += QStringLiteral("word%1 ").arg(word++);
    return text.left(length);
}

} // namespace

class TestDiscordChannel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    // Pure functions.
    void parsesTheRecordedMessageCreate();
    void skipsWhatIsNotACustomerMessage();
    void acceptsDirectMessagesWithAttachments();
    void parsesInteractions();
    void verifiesTheEd25519Vector();
    void splitsContentAndDerivesNonces();

    // Outbound against FakeDiscordRest.
    void outboundRequestShape();
    void directMessagesReplyInTheirChannelOrOpenOne();
    void longRepliesAreSplit();
    void retriedSendIsDeduplicatedByNonce();
    void docsRateLimitExamplesAreRetryable();
    void shortRateLimitIsWaitedOutAndRetried();
    void exhaustedBucketWaitsBeforeSending();
    void clientErrorsAreFinalWithDiscordsError();

    // Engine + HTTP server + fakes.
    void interactionsAreVerifiedAndAcknowledged();
    void pingAndOtherInteractionTypes();
    void replayedInteractionsAreNotProcessedTwice();
    void endToEndConversation();
    void sessionSurvivesEngineRestart();
    void deadLetterShowsDiscordsError();
    void rejectedTokenMarksTheChannelUnhealthy();

private:
    DiscordSettings discordSettings() const;
    void startStack(const DiscordSettings &discord);
    void stopStack();
    SendResult send(DiscordChannel &channel, const OutboundContext &context)
    {
        return QCoro::waitFor(channel.send(context));
    }
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QList<std::pair<QByteArray, QByteArray>> &headers = {},
                     bool authenticated = true);
    Response get(const QString &path) { return request("GET", path); }
    Response postJson(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response interaction(const QByteArray &body, const QByteArray &timestamp,
                         const QByteArray &signature);
    QJsonArray customerMessages();
    QString conversationOfUser(const QString &userId);
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    QString waitForDraft(const QString &conversationId);
    QList<WebhookLogEntry> webhookLogs();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeDiscordGateway> m_gateway;
    std::unique_ptr<FakeDiscordRest> m_rest;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestDiscordChannel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_gateway = std::make_unique<FakeDiscordGateway>(kBotToken);
    QVERIFY(m_gateway->isListening());
    m_rest = std::make_unique<FakeDiscordRest>(kBotToken);
    QVERIFY(m_rest->server().isListening());
}

void TestDiscordChannel::cleanup()
{
    stopStack();
    m_rest.reset();
    m_gateway.reset();
    m_dir.reset();
}

DiscordSettings TestDiscordChannel::discordSettings() const
{
    DiscordSettings settings;
    settings.enabled = true;
    settings.botToken = kBotToken;
    settings.applicationId = QStringLiteral("658822586720976907");
    settings.publicKey = signatureVector().value(QStringLiteral("public_key_hex")).toString();
    settings.channelIds = {kSupportChannel};
    settings.baseUrl = m_rest->baseUrl();
    settings.gatewayUrl = m_gateway->url().toString();
    return settings;
}

void TestDiscordChannel::startStack(const DiscordSettings &discord)
{
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kApiToken)};
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.discord = discord;
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestDiscordChannel::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestDiscordChannel::request(const QByteArray &method, const QString &path,
                                     const QByteArray &body,
                                     const QList<std::pair<QByteArray, QByteArray>> &headers,
                                     bool authenticated)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + kApiToken);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.json = QJsonDocument::fromJson(response.body).object();
    return response;
}

Response TestDiscordChannel::interaction(const QByteArray &body, const QByteArray &timestamp,
                                         const QByteArray &signature)
{
    QList<std::pair<QByteArray, QByteArray>> headers;
    if (!timestamp.isNull())
        headers.append({"X-Signature-Timestamp", timestamp});
    if (!signature.isNull())
        headers.append({"X-Signature-Ed25519", signature});
    return request("POST", QStringLiteral("/api/v1/webhooks/discord"), body, headers, false);
}

QJsonArray TestDiscordChannel::customerMessages()
{
    QJsonArray customers;
    const QJsonArray all = get(QStringLiteral("/api/v1/messages?limit=100"))
                               .json.value(QStringLiteral("data"))
                               .toArray();
    for (const QJsonValue &value : all) {
        if (value.toObject().value(QStringLiteral("author_kind")).toString() ==
            QLatin1String("customer"))
            customers.append(value);
    }
    return customers;
}

QString TestDiscordChannel::conversationOfUser(const QString &userId)
{
    QString conversationId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            for (const QJsonValue &value : customerMessages()) {
                if (value.toObject().value(QStringLiteral("user_id")).toString() == userId)
                    conversationId =
                        value.toObject().value(QStringLiteral("conversation_id")).toString();
            }
            return !conversationId.isEmpty();
        },
        10000);
    return conversationId;
}

QJsonObject TestDiscordChannel::waitForMessageState(const QString &messageId, const QString &state)
{
    QJsonObject message;
    const bool reached = QTest::qWaitFor(
        [&] {
            message = get(QStringLiteral("/api/v1/messages/") + messageId).json;
            return message.value(QStringLiteral("status")).toString() == state;
        },
        10000);
    if (!reached)
        qWarning() << "message" << messageId << "stayed" << message.value(QStringLiteral("status"))
                   << "instead of" << state;
    return message;
}

QString TestDiscordChannel::waitForDraft(const QString &conversationId)
{
    QString draftId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            const QJsonArray messages =
                get(QStringLiteral("/api/v1/conversations/") + conversationId)
                    .json.value(QStringLiteral("messages"))
                    .toArray();
            for (const QJsonValue &value : messages) {
                if (value.toObject().value(QStringLiteral("author_kind")).toString() ==
                    QLatin1String("ai"))
                    draftId = value.toObject().value(QStringLiteral("id")).toString();
            }
            return !draftId.isEmpty();
        },
        10000);
    return draftId;
}

QList<WebhookLogEntry> TestDiscordChannel::webhookLogs()
{
    QFuture<Outcome<QList<WebhookLogEntry>>> logs =
        m_engine->read<QList<WebhookLogEntry>>([](QSqlDatabase &db) {
            return ChannelStore(db).recentLogs(QStringLiteral("discord"), 100);
        });
    logs.waitForFinished();
    const Outcome<QList<WebhookLogEntry>> result = logs.result();
    return result.isOk() ? result.value() : QList<WebhookLogEntry>();
}

// ---- pure functions ----------------------------------------------------------------------------

void TestDiscordChannel::parsesTheRecordedMessageCreate()
{
    const QJsonObject data = recordedMessage();
    QVERIFY2(!data.isEmpty(), "fixture discord/gateway_message_create_dispatch.json missing");
    const Outcome<Message> parsed = DiscordChannel::parseMessageCreate(data, {kSupportChannel});
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error().message));
    const Message &message = parsed.value();
    QVERIFY(message.platform == Platform::Discord);
    QVERIFY(message.direction == Direction::Inbound);
    QVERIFY(message.authorKind == AuthorKind::Customer);
    QCOMPARE(message.userId, kCustomer);
    QCOMPARE(message.content, QStringLiteral("blah bljhshADh blah"));
    QCOMPARE(message.clientMessageId, QStringLiteral("discord:1028029980795478046"));
    QCOMPARE(message.metadata.value(QStringLiteral("channel_id")), kSupportChannel);
    QCOMPARE(message.metadata.value(QStringLiteral("guild_id")),
             QStringLiteral("439103874612675485"));
    QCOMPARE(message.metadata.value(QStringLiteral("message_id")),
             QStringLiteral("1028029980795478046"));
    QCOMPARE(message.metadata.value(QStringLiteral("username")), QStringLiteral("GoodUser"));
    QVERIFY(message.attachments.isEmpty());
}

void TestDiscordChannel::skipsWhatIsNotACustomerMessage()
{
    const QJsonObject data = recordedMessage();
    const QJsonObject author = data.value(QStringLiteral("author")).toObject();
    // Other guild channels are not ours to answer.
    QVERIFY(!DiscordChannel::parseMessageCreate(data, {}).isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(data, {QStringLiteral("1")}).isOk());
    // Bots, ourselves, webhooks and system messages would make us talk to machines.
    const QJsonObject fromBot =
        with(data, QStringLiteral("author"), with(author, QStringLiteral("bot"), true));
    const Outcome<Message> bot = DiscordChannel::parseMessageCreate(fromBot, {kSupportChannel});
    QVERIFY(!bot.isOk());
    QVERIFY(bot.error().message.contains(QStringLiteral("bot")));
    QVERIFY(!DiscordChannel::parseMessageCreate(data, {kSupportChannel}, kCustomer).isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(
                 with(data, QStringLiteral("webhook_id"), QStringLiteral("42")), {kSupportChannel})
                 .isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(with(data, QStringLiteral("type"), 7),
                                                {kSupportChannel})
                 .isOk());
    QVERIFY(DiscordChannel::parseMessageCreate(with(data, QStringLiteral("type"), 19),
                                               {kSupportChannel})
                .isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(with(data, QStringLiteral("content"), QString()),
                                                {kSupportChannel})
                 .isOk());
    // Malformed input is refused, never a crash.
    QVERIFY(!DiscordChannel::parseMessageCreate(QJsonObject{}, {kSupportChannel}).isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(
                 with(data, QStringLiteral("author"), QStringLiteral("x")), {kSupportChannel})
                 .isOk());
    QVERIFY(!DiscordChannel::parseMessageCreate(
                 with(data, QStringLiteral("channel_id"), QStringLiteral("../x")),
                 {QStringLiteral("../x")})
                 .isOk());
}

void TestDiscordChannel::acceptsDirectMessagesWithAttachments()
{
    // The docs' example message has no guild_id: a DM, accepted whatever channel_ids say.
    QJsonObject data = fixtureObject(QStringLiteral("discord/docs_message_object.json"));
    QVERIFY2(!data.isEmpty(), "fixture discord/docs_message_object.json missing");
    const Outcome<Message> dm = DiscordChannel::parseMessageCreate(data, {});
    QVERIFY2(dm.isOk(), qPrintable(dm.error().message));
    QCOMPARE(dm.value().userId, QStringLiteral("53908099506183680"));
    QCOMPARE(dm.value().content, QStringLiteral("Supa Hot"));
    QCOMPARE(dm.value().metadata.value(QStringLiteral("channel_id")),
             QStringLiteral("290926798999357250"));
    QVERIFY(!dm.value().metadata.contains(QStringLiteral("guild_id")));
    QCOMPARE(dm.value().metadata.value(QStringLiteral("username")), QStringLiteral("Mason"));

    data.insert(QStringLiteral("content"), QString());
    data.insert(
        QStringLiteral("attachments"),
        QJsonArray{
            QJsonObject{
                {QStringLiteral("id"), QStringLiteral("1100000000000000001")},
                {QStringLiteral("filename"), QStringLiteral("receipt.png")},
                {QStringLiteral("size"), 2048},
                {QStringLiteral("url"),
                 QStringLiteral("https://cdn.discordapp.com/attachments/1/2/receipt.png")},
                {QStringLiteral("proxy_url"),
                 QStringLiteral("https://media.discordapp.net/attachments/1/2/receipt.png")},
                {QStringLiteral("content_type"), QStringLiteral("image/png")}},
            QJsonObject{{QStringLiteral("id"), QStringLiteral("1100000000000000002")},
                        {QStringLiteral("filename"), QStringLiteral("log.txt")},
                        {QStringLiteral("url"),
                         QStringLiteral("https://cdn.discordapp.com/attachments/1/3/log.txt")}}});
    const Outcome<Message> attached = DiscordChannel::parseMessageCreate(data, {});
    QVERIFY2(attached.isOk(), qPrintable(attached.error().message));
    QCOMPARE(attached.value().attachments.size(), 2);
    QCOMPARE(attached.value().attachments.at(0),
             (Attachment{QStringLiteral("https://cdn.discordapp.com/attachments/1/2/receipt.png"),
                         QStringLiteral("image/png")}));
    QCOMPARE(attached.value().attachments.at(1).contentType, QString());
}

void TestDiscordChannel::parsesInteractions()
{
    const QJsonObject command =
        QJsonDocument::fromJson(
            fixtureBytes(QStringLiteral("discord/interaction_signed_app_command.body.json")))
            .object();
    QVERIFY(!command.isEmpty());
    const Outcome<Message> ping = DiscordChannel::parseInteraction(command);
    QVERIFY2(ping.isOk(), qPrintable(ping.error().message));
    QCOMPARE(ping.value().content, QStringLiteral("/ping")); // a command without text options
    QCOMPARE(ping.value().userId, QStringLiteral("115590097100865541"));
    QCOMPARE(ping.value().metadata.value(QStringLiteral("channel_id")),
             QStringLiteral("938391701561679903"));
    QCOMPARE(ping.value().metadata.value(QStringLiteral("guild_id")),
             QStringLiteral("561884984214814744"));
    QCOMPARE(ping.value().metadata.value(QStringLiteral("interaction_id")),
             QStringLiteral("938421734825140264"));
    QCOMPARE(ping.value().metadata.value(QStringLiteral("command")), QStringLiteral("ping"));
    QCOMPARE(ping.value().clientMessageId,
             QStringLiteral("discord:interaction:938421734825140264"));

    // /support topic:<string> order:<integer>, nested in a sub-command, from a DM (user, no
    // member).
    QJsonObject support = command;
    support.remove(QStringLiteral("member"));
    support.remove(QStringLiteral("guild_id"));
    support.insert(
        QStringLiteral("user"),
        command.value(QStringLiteral("member")).toObject().value(QStringLiteral("user")));
    support.insert(
        QStringLiteral("data"),
        QJsonObject{{QStringLiteral("name"), QStringLiteral("support")},
                    {QStringLiteral("type"), 1},
                    {QStringLiteral("options"),
                     QJsonArray{QJsonObject{
                         {QStringLiteral("name"), QStringLiteral("ticket")},
                         {QStringLiteral("type"), 1},
                         {QStringLiteral("options"),
                          QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("topic")},
                                                 {QStringLiteral("type"), 3},
                                                 {QStringLiteral("value"),
                                                  QStringLiteral("My parcel never arrived")}},
                                     QJsonObject{{QStringLiteral("name"), QStringLiteral("order")},
                                                 {QStringLiteral("type"), 4},
                                                 {QStringLiteral("value"), 4711}}}}}}}});
    const Outcome<Message> parsed = DiscordChannel::parseInteraction(support);
    QVERIFY2(parsed.isOk(), qPrintable(parsed.error().message));
    QCOMPARE(parsed.value().content, QStringLiteral("My parcel never arrived\norder: 4711"));
    QCOMPARE(parsed.value().userId, QStringLiteral("115590097100865541"));
    QVERIFY(!parsed.value().metadata.contains(QStringLiteral("guild_id")));

    // A modal's text inputs are the text.
    QJsonObject modal = command;
    modal.insert(QStringLiteral("type"), 5);
    modal.insert(
        QStringLiteral("data"),
        QJsonObject{
            {QStringLiteral("custom_id"), QStringLiteral("contact")},
            {QStringLiteral("components"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("type"), 1},
                 {QStringLiteral("components"),
                  QJsonArray{QJsonObject{
                      {QStringLiteral("type"), 4},
                      {QStringLiteral("custom_id"), QStringLiteral("body")},
                      {QStringLiteral("value"), QStringLiteral("Please call me back")}}}}}}}});
    QCOMPARE(DiscordChannel::parseInteraction(modal).value().content,
             QStringLiteral("Please call me back"));

    // PINGs and malformed interactions are not messages.
    const QJsonObject recordedPing =
        QJsonDocument::fromJson(
            fixtureBytes(QStringLiteral("discord/interaction_ping_body_recorded.json")))
            .object();
    QVERIFY(!DiscordChannel::parseInteraction(recordedPing).isOk());
    QVERIFY(!DiscordChannel::parseInteraction(
                 with(command, QStringLiteral("member"), QJsonValue::Undefined))
                 .isOk());
    QVERIFY(!DiscordChannel::parseInteraction(QJsonObject{{QStringLiteral("type"), 2}}).isOk());
}

void TestDiscordChannel::verifiesTheEd25519Vector()
{
    const QJsonObject vector = signatureVector();
    QVERIFY2(!vector.isEmpty(), "fixture discord/interaction_signature_vector.json missing");
    const QString key = vector.value(QStringLiteral("public_key_hex")).toString();
    const QByteArray timestamp =
        vector.value(QStringLiteral("x_signature_timestamp")).toString().toLatin1();
    const QByteArray signature =
        vector.value(QStringLiteral("x_signature_ed25519")).toString().toLatin1();
    const QByteArray body = fixtureBytes(QStringLiteral("discord/") +
                                         vector.value(QStringLiteral("body_file")).toString());
    QVERIFY(!body.isEmpty());

    QVERIFY(DiscordChannel::verifyInteraction(key, signature, timestamp, body));
    QVERIFY(DiscordChannel::verifyInteraction(key.toUpper(), signature.toUpper(), timestamp, body));

    QByteArray tamperedBody = body;
    tamperedBody.replace("\"ping\"", "\"pong\"");
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature, timestamp, tamperedBody));
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature, timestamp, body + ' '));
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature, "1643807577", body));
    QByteArray tamperedSignature = signature;
    tamperedSignature[10] = tamperedSignature[10] == '0' ? '1' : '0';
    QVERIFY(!DiscordChannel::verifyInteraction(key, tamperedSignature, timestamp, body));
    // The recorded PING was Hikari's invalid-signature case: this signature is not over it.
    const QByteArray ping =
        fixtureBytes(QStringLiteral("discord/interaction_ping_body_recorded.json"));
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature, timestamp, ping));
    // Missing or malformed parts.
    QVERIFY(!DiscordChannel::verifyInteraction(key, QByteArray(), timestamp, body));
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature, QByteArray(), body));
    QVERIFY(!DiscordChannel::verifyInteraction(QString(), signature, timestamp, body));
    QVERIFY(!DiscordChannel::verifyInteraction(key.left(62), signature, timestamp, body));
    QVERIFY(!DiscordChannel::verifyInteraction(key, signature.left(126), timestamp, body));
    QVERIFY(!DiscordChannel::verifyInteraction(key, "zz" + signature.mid(2), timestamp, body));
    QVERIFY(!DiscordChannel::verifyInteraction(QStringLiteral("zz") + key.mid(2), signature,
                                               timestamp, body));
}

void TestDiscordChannel::splitsContentAndDerivesNonces()
{
    QCOMPARE(DiscordChannel::splitContent(QStringLiteral("short")),
             QStringList{QStringLiteral("short")});
    const QString long1 = wordsOfLength(4500);
    const QStringList parts = DiscordChannel::splitContent(long1);
    QCOMPARE(parts.size(), 3);
    for (const QString &part : parts)
        QVERIFY(part.size() <= DiscordChannel::MaxContentLength && !part.isEmpty());
    QCOMPARE(parts.join(QLatin1Char(' ')), long1); // split at spaces, nothing lost
    // Paragraphs stay whole when they fit.
    const QString paragraphs =
        QString(1500, QLatin1Char('a')) + QLatin1Char('\n') + QString(1500, QLatin1Char('b'));
    QCOMPARE(DiscordChannel::splitContent(paragraphs),
             (QStringList{QString(1500, QLatin1Char('a')), QString(1500, QLatin1Char('b'))}));
    // No separator at all: a hard cut that never halves a surrogate pair.
    QString emoji;
    for (int i = 0; i < 1500; ++i)
        emoji += QString::fromUtf8("\xF0\x9F\x94\xA5"); // U+1F525, two UTF-16 units
    const QStringList emojiParts = DiscordChannel::splitContent(emoji);
    QCOMPARE(emojiParts.join(QString()), emoji);
    for (const QString &part : emojiParts) {
        QVERIFY(part.size() <= DiscordChannel::MaxContentLength);
        QVERIFY(!part.front().isLowSurrogate() && !part.back().isHighSurrogate());
    }

    const QString id = QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    QCOMPARE(DiscordChannel::nonceFor(id, 0).size(), DiscordChannel::MaxNonceLength);
    QCOMPARE(DiscordChannel::nonceFor(id, 0), DiscordChannel::nonceFor(id, 0));
    QVERIFY(DiscordChannel::nonceFor(id, 0) != DiscordChannel::nonceFor(id, 1));
    QVERIFY(DiscordChannel::nonceFor(id, 0) !=
            DiscordChannel::nonceFor(id.left(35) + QLatin1Char('c'), 0));
}

// ---- outbound --------------------------------------------------------------------------------

void TestDiscordChannel::outboundRequestShape()
{
    DiscordChannel channel(&m_network, discordSettings());
    QVERIFY(channel.handles(Platform::Discord));
    QVERIFY(!channel.handles(Platform::Telegram));
    const OutboundContext context =
        replyContext(QStringLiteral("Your parcel ships today."), guildInbound());
    const SendResult result = send(channel, context);
    QVERIFY2(result.ok, qPrintable(result.error));

    const QList<RecordedRequest> requests = m_rest->messageRequests();
    QCOMPARE(requests.size(), 1);
    const RecordedRequest &sent = requests.first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.path,
             QStringLiteral("/api/v10/channels/") + kSupportChannel + QStringLiteral("/messages"));
    QCOMPARE(sent.header("authorization"), "Bot " + kBotToken.toUtf8());
    QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
    QVERIFY(sent.header("user-agent").startsWith("DiscordBot (https://relaydesk.dev, "));
    const QJsonObject body = QJsonDocument::fromJson(sent.body).object();
    QCOMPARE(body.keys(),
             (QStringList{QStringLiteral("allowed_mentions"), QStringLiteral("content"),
                          QStringLiteral("enforce_nonce"), QStringLiteral("message_reference"),
                          QStringLiteral("nonce")}));
    QCOMPARE(body.value(QStringLiteral("content")).toString(),
             QStringLiteral("Your parcel ships today."));
    QCOMPARE(body.value(QStringLiteral("nonce")).toString(),
             DiscordChannel::nonceFor(context.message.id, 0));
    QVERIFY(body.value(QStringLiteral("nonce")).toString().size() <= 25);
    QCOMPARE(body.value(QStringLiteral("enforce_nonce")).toBool(), true);
    QCOMPARE(body.value(QStringLiteral("allowed_mentions")).toObject(),
             (QJsonObject{{QStringLiteral("parse"), QJsonArray()},
                          {QStringLiteral("replied_user"), true}}));
    QCOMPARE(body.value(QStringLiteral("message_reference")).toObject(),
             (QJsonObject{{QStringLiteral("message_id"), QStringLiteral("1028029980795478046")},
                          {QStringLiteral("fail_if_not_exists"), false}}));

    // The id of the created message (the docs' message object with ours filled in) comes back.
    QCOMPARE(m_rest->createdMessages().size(), 1);
    const QJsonObject created = m_rest->createdMessages().first();
    QCOMPARE(result.externalId, created.value(QStringLiteral("id")).toString());
    QCOMPARE(created.value(QStringLiteral("channel_id")).toString(), kSupportChannel);
    // The fake answers with the documented message object: every documented field is there.
    const QJsonObject documented =
        fixtureObject(QStringLiteral("discord/docs_message_object.json"));
    QVERIFY(!documented.isEmpty());
    for (const QString &field : documented.keys()) {
        if (field != QLatin1String("reactions")) // a new message has none
            QVERIFY2(created.contains(field), qPrintable(field));
    }
    QCOMPARE(created.value(QStringLiteral("nonce")), body.value(QStringLiteral("nonce")));
    QCOMPARE(channel.health().consecutiveFailures, 0);
    QVERIFY(channel.health().lastSuccessAt.isValid());
}

void TestDiscordChannel::directMessagesReplyInTheirChannelOrOpenOne()
{
    DiscordChannel channel(&m_network, discordSettings());
    // A DM's channel id comes from the inbound message; a DM needs no reply reference.
    Message dm;
    dm.platform = Platform::Discord;
    dm.userId = kCustomer;
    dm.metadata = {{QStringLiteral("channel_id"), QStringLiteral("290926798999357250")},
                   {QStringLiteral("message_id"), QStringLiteral("334385199974967042")}};
    QVERIFY(send(channel, replyContext(QStringLiteral("Hello in the DM"), dm)).ok);
    QCOMPARE(m_rest->messageRequests().last().path,
             QStringLiteral("/api/v10/channels/290926798999357250/messages"));
    QVERIFY(!QJsonDocument::fromJson(m_rest->messageRequests().last().body)
                 .object()
                 .contains(QStringLiteral("message_reference")));

    // No Discord message in the conversation yet: open the DM channel with the user first, once.
    m_rest->server().clearRequests();
    const SendResult first =
        send(channel, replyContext(QStringLiteral("We noticed your order"), std::nullopt,
                                   QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-000000000001")));
    QVERIFY2(first.ok, qPrintable(first.error));
    const SendResult second =
        send(channel, replyContext(QStringLiteral("And another thing"), std::nullopt,
                                   QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-000000000002")));
    QVERIFY2(second.ok, qPrintable(second.error));
    const QList<RecordedRequest> requests = m_rest->server().requests();
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests.at(0).path, QStringLiteral("/api/v10/users/@me/channels"));
    QCOMPARE(QJsonDocument::fromJson(requests.at(0).body).object(),
             (QJsonObject{{QStringLiteral("recipient_id"), kCustomer}}));
    QVERIFY(requests.at(1).path.startsWith(QStringLiteral("/api/v10/channels/")));
    QCOMPARE(requests.at(2).path, requests.at(1).path);

    // A user id that is not a snowflake has nowhere to go: a final error, no request.
    OutboundContext nowhere = replyContext(QStringLiteral("?"), std::nullopt);
    nowhere.message.userId = QStringLiteral("+15551234567");
    const SendResult refused = send(channel, nowhere);
    QVERIFY(!refused.ok);
    QVERIFY(!refused.retryable);
    QCOMPARE(m_rest->server().requests().size(), 3);
}

void TestDiscordChannel::longRepliesAreSplit()
{
    DiscordChannel channel(&m_network, discordSettings());
    const QString content = wordsOfLength(4100);
    const OutboundContext context = replyContext(content, guildInbound());
    const SendResult result = send(channel, context);
    QVERIFY2(result.ok, qPrintable(result.error));
    const QList<RecordedRequest> requests = m_rest->messageRequests();
    QCOMPARE(requests.size(), 3);
    QStringList contents;
    QSet<QString> nonces;
    for (int i = 0; i < requests.size(); ++i) {
        const QJsonObject body = QJsonDocument::fromJson(requests.at(i).body).object();
        contents << body.value(QStringLiteral("content")).toString();
        QVERIFY(contents.last().size() <= 2000);
        nonces.insert(body.value(QStringLiteral("nonce")).toString());
        // Only the first part points at the customer's message.
        QCOMPARE(body.contains(QStringLiteral("message_reference")), i == 0);
    }
    QCOMPARE(nonces.size(), 3);
    QCOMPARE(contents.join(QLatin1Char(' ')), content);
    QCOMPARE(result.externalId,
             m_rest->createdMessages().first().value(QStringLiteral("id")).toString());
}

void TestDiscordChannel::retriedSendIsDeduplicatedByNonce()
{
    DiscordChannel channel(&m_network, discordSettings());
    const OutboundContext context =
        replyContext(QStringLiteral("Only once, please"), guildInbound());
    const SendResult first = send(channel, context);
    const SendResult again = send(channel, context); // e.g. after a lost answer and a job retry
    QVERIFY(first.ok && again.ok);
    QCOMPARE(m_rest->messageRequests().size(), 2);
    QCOMPARE(m_rest->createdMessages().size(), 1);
    QCOMPARE(again.externalId, first.externalId);
}

void TestDiscordChannel::docsRateLimitExamplesAreRetryable()
{
    // Each docs example exactly as printed: status, X-RateLimit-* headers and JSON body.
    const FakeResponse user =
        FakeDiscordRest::fromDocsExample(QStringLiteral("discord/docs_rate_limit_429_user.txt"));
    QCOMPARE(user.status, 429);
    QCOMPARE(user.headers.value("x-ratelimit-scope"), QByteArray("user"));
    QCOMPARE(
        QJsonDocument::fromJson(user.body).object().value(QStringLiteral("retry_after")).toDouble(),
        64.57);
    {
        DiscordChannel channel(&m_network, discordSettings());
        m_rest->queueResponse(user);
        const SendResult limited =
            send(channel, replyContext(QStringLiteral("hi"), guildInbound()));
        QVERIFY(!limited.ok);
        QVERIFY(limited.retryable);
        QCOMPARE(limited.retryAfterSeconds, 65); // ceil(64.57)
        QVERIFY2(limited.error.contains(QStringLiteral("You are being rate limited.")),
                 qPrintable(limited.error));
        QVERIFY(limited.error.contains(QStringLiteral("64.57")));
        // The bucket is known to be empty for another minute: nothing goes out meanwhile.
        const SendResult held =
            send(channel, replyContext(QStringLiteral("hi again"), guildInbound()));
        QVERIFY(!held.ok);
        QVERIFY(held.retryable);
        QVERIFY(held.retryAfterSeconds >= 60 && held.retryAfterSeconds <= 65);
        QCOMPARE(m_rest->messageRequests().size(), 1);
        QCOMPARE(channel.health().consecutiveFailures, 2);
        // Another channel is another bucket (channel id is the major parameter).
        Message elsewhere = guildInbound();
        elsewhere.metadata.insert(QStringLiteral("channel_id"),
                                  QStringLiteral("938391701561679903"));
        QVERIFY(send(channel, replyContext(QStringLiteral("elsewhere"), elsewhere)).ok);
        QCOMPARE(channel.health().consecutiveFailures, 0);
    }
    {
        // "shared": Remaining says 9, but retry_after still holds the route.
        DiscordChannel channel(&m_network, discordSettings());
        m_rest->queueResponse(FakeDiscordRest::fromDocsExample(
            QStringLiteral("discord/docs_rate_limit_429_shared.txt")));
        const SendResult limited =
            send(channel, replyContext(QStringLiteral("hi"), guildInbound()));
        QVERIFY(limited.retryable);
        QCOMPARE(limited.retryAfterSeconds, 1337); // ceil(1336.57)
        QVERIFY(limited.error.contains(QStringLiteral("The resource is being rate limited.")));
        const int before = m_rest->messageRequests().size();
        QVERIFY(!send(channel, replyContext(QStringLiteral("hi"), guildInbound())).ok);
        QCOMPARE(m_rest->messageRequests().size(), before);
    }
    {
        // "global": every route waits.
        DiscordChannel channel(&m_network, discordSettings());
        m_rest->queueResponse(FakeDiscordRest::fromDocsExample(
            QStringLiteral("discord/docs_rate_limit_429_global.txt")));
        const SendResult limited =
            send(channel, replyContext(QStringLiteral("hi"), guildInbound()));
        QVERIFY(limited.retryable);
        QCOMPARE(limited.retryAfterSeconds, 65);
        QVERIFY(limited.error.contains(QStringLiteral("global")));
        const int before = m_rest->server().requestCount();
        Message elsewhere = guildInbound();
        elsewhere.metadata.insert(QStringLiteral("channel_id"),
                                  QStringLiteral("938391701561679903"));
        const SendResult held = send(channel, replyContext(QStringLiteral("elsewhere"), elsewhere));
        QVERIFY(!held.ok);
        QVERIFY(held.retryAfterSeconds > 60);
        QCOMPARE(m_rest->server().requestCount(), before);
    }
}

void TestDiscordChannel::shortRateLimitIsWaitedOutAndRetried()
{
    DiscordChannel channel(&m_network, discordSettings());
    m_rest->queueResponse(FakeDiscordRest::rateLimited(0.3));
    const SendResult result =
        send(channel, replyContext(QStringLiteral("patience"), guildInbound()));
    QVERIFY2(result.ok, qPrintable(result.error));
    const QList<RecordedRequest> requests = m_rest->messageRequests();
    QCOMPARE(requests.size(), 2);
    QCOMPARE(m_rest->rateLimitedCount(), 1);
    const qint64 waited = requests.at(0).receivedAt.msecsTo(requests.at(1).receivedAt);
    QVERIFY2(waited >= 280, qPrintable(QString::number(waited)));
    QCOMPARE(requests.at(0).body, requests.at(1).body); // same nonce: a duplicate is impossible
}

void TestDiscordChannel::exhaustedBucketWaitsBeforeSending()
{
    m_rest->setBucket(2, 800);
    DiscordChannel channel(&m_network, discordSettings());
    for (int i = 0; i < 3; ++i) {
        const SendResult result = send(
            channel, replyContext(QStringLiteral("message %1").arg(i), guildInbound(),
                                  QStringLiteral("0190a1b2-c3d4-7e5f-8a9b-00000000000%1").arg(i)));
        QVERIFY2(result.ok, qPrintable(result.error));
    }
    const QList<RecordedRequest> requests = m_rest->messageRequests();
    QCOMPARE(requests.size(), 3);
    // X-RateLimit-Remaining hit 0 after the second: the third waited for Reset-After instead
    // of collecting a 429.
    QCOMPARE(m_rest->rateLimitedCount(), 0);
    const qint64 waited = requests.at(0).receivedAt.msecsTo(requests.at(2).receivedAt);
    QVERIFY2(waited >= 700, qPrintable(QString::number(waited)));
}

void TestDiscordChannel::clientErrorsAreFinalWithDiscordsError()
{
    DiscordChannel channel(&m_network, discordSettings());
    m_rest->forbidChannel(kSupportChannel);
    const SendResult forbidden = send(channel, replyContext(QStringLiteral("hi"), guildInbound()));
    QVERIFY(!forbidden.ok);
    QVERIFY(!forbidden.retryable);
    QCOMPARE(forbidden.error,
             QStringLiteral("Discord answered HTTP 403: Missing Access (code 50001)"));

    Message unknown = guildInbound();
    unknown.metadata.insert(QStringLiteral("channel_id"), QStringLiteral("111111111111111111"));
    m_rest->hideChannel(QStringLiteral("111111111111111111"));
    const SendResult missing = send(channel, replyContext(QStringLiteral("hi"), unknown));
    QVERIFY(!missing.retryable);
    QVERIFY(missing.error.contains(QStringLiteral("Unknown Channel (code 10003)")));

    Message other = guildInbound();
    other.metadata.insert(QStringLiteral("channel_id"), QStringLiteral("222222222222222222"));
    m_rest->queueResponse(
        FakeDiscordRest::error(403, 50013, QStringLiteral("Missing Permissions")));
    const SendResult permissions = send(channel, replyContext(QStringLiteral("hi"), other));
    QVERIFY(!permissions.retryable);
    QVERIFY(permissions.error.contains(QStringLiteral("Missing Permissions (code 50013)")));

    m_rest->queueResponse(FakeResponse::json(502, "{\"message\": \"Bad Gateway\", \"code\": 0}"));
    const SendResult outage = send(channel, replyContext(QStringLiteral("hi"), other));
    QVERIFY(!outage.ok);
    QVERIFY(outage.retryable);
    QVERIFY(outage.error.contains(QStringLiteral("502")));
    QCOMPARE(channel.health().consecutiveFailures, 4);

    DiscordSettings wrongToken = discordSettings();
    wrongToken.botToken = QStringLiteral("revoked");
    DiscordChannel unauthorised(&m_network, wrongToken);
    const SendResult denied = send(unauthorised, replyContext(QStringLiteral("hi"), other));
    QVERIFY(!denied.retryable);
    QVERIFY(denied.error.contains(QStringLiteral("401")));
    QVERIFY(denied.error.contains(QStringLiteral("bot_token")));

    DiscordSettings down = discordSettings();
    down.baseUrl = QStringLiteral("http://127.0.0.1:1/api/v10");
    DiscordChannel unreachable(&m_network, down);
    const SendResult network = send(unreachable, replyContext(QStringLiteral("hi"), other));
    QVERIFY(!network.ok);
    QVERIFY(network.retryable);
}

// ---- engine + HTTP ---------------------------------------------------------------------------

void TestDiscordChannel::interactionsAreVerifiedAndAcknowledged()
{
    startStack(discordSettings());
    const QJsonObject vector = signatureVector();
    const QByteArray timestamp =
        vector.value(QStringLiteral("x_signature_timestamp")).toString().toLatin1();
    // The recorded signature is from the past; stale timestamps are refused as replays, so
    // the server's clock is moved to when it was signed.
    Clock::setOffsetForTesting(timestamp.toLongLong() * 1000 - QDateTime::currentMSecsSinceEpoch());
    const auto resetClock = qScopeGuard([] { Clock::setOffsetForTesting(0); });
    const QByteArray signature =
        vector.value(QStringLiteral("x_signature_ed25519")).toString().toLatin1();
    const QByteArray body =
        fixtureBytes(QStringLiteral("discord/interaction_signed_app_command.body.json"));

    const Response accepted = interaction(body, timestamp, signature);
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json, DiscordWebhook::acknowledgement());
    QCOMPARE(accepted.json.value(QStringLiteral("type")).toInt(), 4);
    QCOMPARE(accepted.json.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("flags"))
                 .toInt(),
             64);
    // Answered only once the message is durable: it is there now.
    QJsonArray customers = customerMessages();
    QCOMPARE(customers.size(), 1);
    const QJsonObject stored = customers.first().toObject();
    QCOMPARE(stored.value(QStringLiteral("platform")).toString(), QStringLiteral("discord"));
    QCOMPARE(stored.value(QStringLiteral("content")).toString(), QStringLiteral("/ping"));
    QCOMPARE(stored.value(QStringLiteral("user_id")).toString(),
             QStringLiteral("115590097100865541"));
    QCOMPARE(stored.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("channel_id"))
                 .toString(),
             QStringLiteral("938391701561679903"));

    // Discord redelivers: acknowledged again, stored once.
    QCOMPARE(interaction(body, timestamp, signature).status, 200);
    QCOMPARE(customerMessages().size(), 1);

    QByteArray tampered = body;
    tampered.replace("\"ping\"", "\"pong\"");
    QCOMPARE(interaction(tampered, timestamp, signature).status, 401);
    QCOMPARE(interaction(body, "1643807577", signature).status, 401);
    QCOMPARE(interaction(body, timestamp, QByteArray()).status, 401);
    QCOMPARE(interaction(body, QByteArray(), signature).status, 401);
    const Response unsigned_ = interaction(body, QByteArray(), QByteArray());
    QCOMPARE(unsigned_.status, 401);
    QCOMPARE(unsigned_.json.value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/invalid-signature"));
    // Hikari's invalid case: the recorded PING with a signature that is not over it.
    QCOMPARE(
        interaction(fixtureBytes(QStringLiteral("discord/interaction_ping_body_recorded.json")),
                    timestamp, signature)
            .status,
        401);
    QCOMPARE(customerMessages().size(), 1);

    // Every attempt is audited, the signature header redacted, the failures unverified.
    QList<WebhookLogEntry> logs;
    QTRY_VERIFY_WITH_TIMEOUT((logs = webhookLogs()).size() >= 8, 5000);
    int rejected = 0;
    for (const WebhookLogEntry &entry : logs) {
        rejected += entry.status == 401 && !entry.verified;
        if (entry.headers.contains(QStringLiteral("x-signature-ed25519")))
            QCOMPARE(entry.headers.value(QStringLiteral("x-signature-ed25519")).toString(),
                     QStringLiteral("[redacted]"));
    }
    QCOMPARE(rejected, 6);
}

void TestDiscordChannel::replayedInteractionsAreNotProcessedTwice()
{
    const SigningKey key;
    DiscordSettings settings = discordSettings();
    settings.publicKey = key.publicKeyHex();
    startStack(settings);
    const QByteArray body =
        fixtureBytes(QStringLiteral("discord/interaction_signed_app_command.body.json"));
    const QByteArray now = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    const QByteArray signature = key.signHex(now + body);

    QCOMPARE(interaction(body, now, signature).status, 200);
    QCOMPARE(customerMessages().size(), 1);
    // The same signed request again (a replay within the tolerance): acknowledged, not stored
    // a second time, because the interaction id is remembered.
    QCOMPARE(interaction(body, now, signature).status, 200);
    QCOMPARE(customerMessages().size(), 1);

    // Correctly signed but outside the tolerance either way: refused as a replay.
    const int tolerance = m_settings.webhookToleranceSeconds;
    for (const qint64 skew : {-qint64(tolerance) - 5, qint64(tolerance) + 5}) {
        const QByteArray stale = QByteArray::number(QDateTime::currentSecsSinceEpoch() + skew);
        const Response refused = interaction(body, stale, key.signHex(stale + body));
        QCOMPARE(refused.status, 401);
        QVERIFY2(refused.json.value(QStringLiteral("detail"))
                     .toString()
                     .contains(QStringLiteral("X-Signature-Timestamp")),
                 refused.body.constData());
    }
    QCOMPARE(customerMessages().size(), 1);
}

void TestDiscordChannel::pingAndOtherInteractionTypes()
{
    const SigningKey key;
    QVERIFY(!key.publicKeyHex().isEmpty());
    DiscordSettings settings = discordSettings();
    settings.publicKey = key.publicKeyHex();
    startStack(settings);
    auto signedRequest = [&](const QByteArray &body) {
        const QByteArray timestamp = QByteArray::number(QDateTime::currentSecsSinceEpoch());
        return interaction(body, timestamp, key.signHex(timestamp + body));
    };

    // Discord's own PING (discord-interactions-js) and the recorded one, properly signed.
    const Response pong = signedRequest(
        fixtureBytes(QStringLiteral("discord/interaction_ping_body_discord_interactions_js.json")));
    QCOMPARE(pong.status, 200);
    QCOMPARE(pong.body, QByteArray("{\"type\":1}"));
    QCOMPARE(
        signedRequest(fixtureBytes(QStringLiteral("discord/interaction_ping_body_recorded.json")))
            .json,
        (QJsonObject{{QStringLiteral("type"), 1}}));
    // A PING signed by someone else is refused, as Discord's endpoint check expects.
    const SigningKey stranger;
    const QByteArray ping =
        fixtureBytes(QStringLiteral("discord/interaction_ping_body_discord_interactions_js.json"));
    QCOMPARE(interaction(ping, "1700000000", stranger.signHex("1700000000" + ping)).status, 401);

    QJsonObject component = QJsonDocument::fromJson(ping).object();
    component.insert(QStringLiteral("type"), 3);
    QCOMPARE(signedRequest(QJsonDocument(component).toJson(QJsonDocument::Compact)).json,
             (QJsonObject{{QStringLiteral("type"), 6}}));
    component.insert(QStringLiteral("type"), 4);
    QCOMPARE(signedRequest(QJsonDocument(component).toJson(QJsonDocument::Compact))
                 .json.value(QStringLiteral("type"))
                 .toInt(),
             8);
    component.insert(QStringLiteral("type"), 99);
    QCOMPARE(signedRequest(QJsonDocument(component).toJson(QJsonDocument::Compact)).status, 400);
    QCOMPARE(signedRequest("not json").status, 400);
    // A command without user or channel is acknowledged with an apology, not stored.
    component.insert(QStringLiteral("type"), 2);
    const Response unreadable =
        signedRequest(QJsonDocument(component).toJson(QJsonDocument::Compact));
    QCOMPARE(unreadable.status, 200);
    QCOMPARE(unreadable.json.value(QStringLiteral("type")).toInt(), 4);
    QCOMPARE(customerMessages().size(), 0);
}

void TestDiscordChannel::endToEndConversation()
{
    startStack(discordSettings());
    QVERIFY(m_gateway->waitForOp(2, 1, 10000)); // IDENTIFY from the engine's gateway
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway->currentSessionId().isEmpty(), 5000);

    // Noise first: a bot, a channel we do not watch. Then the customer, twice the same message.
    QJsonObject botAuthor = recordedMessage().value(QStringLiteral("author")).toObject();
    botAuthor.insert(QStringLiteral("bot"), true);
    botAuthor.insert(QStringLiteral("id"), QStringLiteral("999999999999999999"));
    m_gateway->dispatchMessageCreate(
        QJsonObject{{QStringLiteral("author"), botAuthor},
                    {QStringLiteral("content"), QStringLiteral("beep")}});
    m_gateway->dispatchMessageCreate(
        QJsonObject{{QStringLiteral("channel_id"), QStringLiteral("123456789012345678")},
                    {QStringLiteral("content"), QStringLiteral("off topic")}});
    const QJsonObject customerText{
        {QStringLiteral("id"), QStringLiteral("1028029980795478046")},
        {QStringLiteral("content"), QStringLiteral("Where is my order #4711?")}};
    m_gateway->dispatchMessageCreate(customerText);
    m_gateway->dispatchMessageCreate(customerText); // the gateway may deliver twice after a resume

    const QString conversationId = conversationOfUser(kCustomer);
    QVERIFY(!conversationId.isEmpty());
    QTest::qWait(300); // let the duplicate and the noise arrive, if they were going to be stored
    const QJsonArray customers = customerMessages();
    QCOMPARE(customers.size(), 1);
    const QJsonObject inbound = customers.first().toObject();
    QCOMPARE(inbound.value(QStringLiteral("content")).toString(),
             QStringLiteral("Where is my order #4711?"));
    QCOMPARE(inbound.value(QStringLiteral("client_message_id")).toString(),
             QStringLiteral("discord:1028029980795478046"));
    const QJsonObject metadata = inbound.value(QStringLiteral("metadata")).toObject();
    QCOMPARE(metadata.value(QStringLiteral("channel_id")).toString(), kSupportChannel);
    QCOMPARE(metadata.value(QStringLiteral("guild_id")).toString(),
             QStringLiteral("439103874612675485"));
    QCOMPARE(metadata.value(QStringLiteral("message_id")).toString(),
             QStringLiteral("1028029980795478046"));
    QCOMPARE(metadata.value(QStringLiteral("username")).toString(), QStringLiteral("GoodUser"));

    // The offline responder drafts; review mode holds it until an operator approves.
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    waitForMessageState(draftId, QStringLiteral("drafted"));
    QCOMPARE(m_rest->messageRequests().size(), 0);
    const Response approved =
        postJson(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"),
                 QJsonObject{{QStringLiteral("content"),
                              QStringLiteral("Your order #4711 ships tomorrow.")}});
    QCOMPARE(approved.status, 202);

    QVERIFY(m_rest->waitForMessageRequests(1, 10000));
    const RecordedRequest delivered = m_rest->messageRequests().first();
    QCOMPARE(delivered.path,
             QStringLiteral("/api/v10/channels/") + kSupportChannel + QStringLiteral("/messages"));
    QCOMPARE(delivered.header("authorization"), "Bot " + kBotToken.toUtf8());
    const QJsonObject body = QJsonDocument::fromJson(delivered.body).object();
    QCOMPARE(body.value(QStringLiteral("content")).toString(),
             QStringLiteral("Your order #4711 ships tomorrow."));
    QCOMPARE(body.value(QStringLiteral("nonce")).toString(), DiscordChannel::nonceFor(draftId, 0));
    QCOMPARE(body.value(QStringLiteral("message_reference"))
                 .toObject()
                 .value(QStringLiteral("message_id"))
                 .toString(),
             QStringLiteral("1028029980795478046"));

    const QJsonObject sent = waitForMessageState(draftId, QStringLiteral("sent"));
    QCOMPARE(sent.value(QStringLiteral("status")).toString(), QStringLiteral("sent"));
    const QJsonArray messages = get(QStringLiteral("/api/v1/conversations/") + conversationId)
                                    .json.value(QStringLiteral("messages"))
                                    .toArray();
    bool replyVisible = false;
    for (const QJsonValue &value : messages) {
        const QJsonObject message = value.toObject();
        if (message.value(QStringLiteral("id")).toString() == draftId)
            replyVisible =
                message.value(QStringLiteral("status")).toString() == QLatin1String("sent");
    }
    QVERIFY(replyVisible);

    // GET /api/v1/channels reports the Discord channel as healthy.
    const QJsonArray channels =
        get(QStringLiteral("/api/v1/channels")).json.value(QStringLiteral("data")).toArray();
    bool discordHealthy = false;
    for (const QJsonValue &value : channels) {
        if (value.toObject().value(QStringLiteral("name")).toString() == QLatin1String("discord"))
            discordHealthy = value.toObject().value(QStringLiteral("healthy")).toBool();
    }
    QVERIFY(discordHealthy);
}

void TestDiscordChannel::sessionSurvivesEngineRestart()
{
    startStack(discordSettings());
    QVERIFY(m_gateway->waitForOp(2, 1, 10000));
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway->currentSessionId().isEmpty(), 5000);
    m_gateway->dispatchMessageCreate(
        QJsonObject{{QStringLiteral("content"), QStringLiteral("first, before restart")}});
    QVERIFY(!conversationOfUser(kCustomer).isEmpty());
    stopStack();
    QVERIFY(m_gateway->waitForDisconnect(5000));
    // Discord keeps what happens while we are down and replays it on RESUME.
    m_gateway->dispatchMessageCreate(
        QJsonObject{{QStringLiteral("content"), QStringLiteral("sent while we were down")}});

    startStack(discordSettings());
    QVERIFY(m_gateway->waitForOp(6, 1, 10000));
    const QJsonObject resume =
        m_gateway->received(6).first().payload.value(QStringLiteral("d")).toObject();
    QCOMPARE(resume.value(QStringLiteral("session_id")).toString(),
             FakeDiscordGateway::firstSessionId());
    QCOMPARE(resume.value(QStringLiteral("seq")).toInt(), 2); // READY was 1, the message 2
    QCOMPARE(resume.value(QStringLiteral("token")).toString(), kBotToken);
    QCOMPARE(m_gateway->received(2).size(), 1); // no second IDENTIFY
    QTRY_COMPARE_WITH_TIMEOUT(customerMessages().size(), 2, 10000);
    QStringList contents;
    for (const QJsonValue &value : customerMessages())
        contents << value.toObject().value(QStringLiteral("content")).toString();
    QVERIFY(contents.contains(QStringLiteral("sent while we were down")));
}

void TestDiscordChannel::deadLetterShowsDiscordsError()
{
    m_rest->forbidChannel(kSupportChannel);
    startStack(discordSettings());
    QVERIFY(m_gateway->waitForOp(2, 1, 10000));
    QTRY_VERIFY_WITH_TIMEOUT(!m_gateway->currentSessionId().isEmpty(), 5000);
    m_gateway->dispatchMessageCreate(
        QJsonObject{{QStringLiteral("content"), QStringLiteral("hello?")}});
    const QString conversationId = conversationOfUser(kCustomer);
    QVERIFY(!conversationId.isEmpty());
    const Response reply = postJson(
        QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
        QJsonObject{{QStringLiteral("content"), QStringLiteral("We are on it.")}});
    QCOMPARE(reply.status, 202);
    const QString messageId = reply.json.value(QStringLiteral("id")).toString();
    const QJsonObject dead = waitForMessageState(messageId, QStringLiteral("dead_lettered"));
    const QString detail = dead.value(QStringLiteral("events"))
                               .toArray()
                               .last()
                               .toObject()
                               .value(QStringLiteral("detail"))
                               .toString();
    QCOMPARE(detail, QStringLiteral("Discord answered HTTP 403: Missing Access (code 50001)"));
    QCOMPARE(m_rest->messageRequests().size(), 1); // a final error is not retried
}

void TestDiscordChannel::rejectedTokenMarksTheChannelUnhealthy()
{
    DiscordSettings settings = discordSettings();
    settings.botToken = QStringLiteral("revoked-token");
    startStack(settings);
    QJsonObject discord;
    const auto reported = [&] {
        for (const QJsonValue &value :
             get(QStringLiteral("/api/v1/channels")).json.value(QStringLiteral("data")).toArray()) {
            if (value.toObject().value(QStringLiteral("name")).toString() ==
                QLatin1String("discord"))
                discord = value.toObject();
        }
        return discord.value(QStringLiteral("consecutive_failures")).toInt() >= 1;
    };
    QVERIFY(QTest::qWaitFor(reported, 10000));
    QCOMPARE(discord.value(QStringLiteral("healthy")).toBool(), false);
    QVERIFY(
        discord.value(QStringLiteral("last_error")).toString().contains(QStringLiteral("4004")));
    QTest::qWait(1500);
    QCOMPARE(m_gateway->connectionCount(), 1); // no reconnect loop on a refused token
}

QTEST_GUILESS_MAIN(TestDiscordChannel)
#include "tst_discordchannel.moc"
