// The Telegram channel: webhook verification and parsing of the recorded updates, getUpdates
// long polling with its persisted offset, and sendMessage/sendPhoto/sendDocument against
// FakeTelegram, a Bot API on 127.0.0.1 built from the recorded fixtures. The integration tests
// run the real engine on SQLite and the real HTTP server, as tst_api does.
#include "channels/telegramchannel.h"
#include "channels/telegrampoller.h"
#include "engine/engine.h"
#include "fakes/faketelegram.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "storage/channelstore.h"

#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kApiToken = "test-token-0123456789abcdef";
const QString kSecret = QStringLiteral("s3cr3t_Token-42");
// The private chat of the recorded getUpdates_response.json.
constexpr qint64 kCustomerChat = 275808073;

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};

QJsonObject withoutKey(QJsonObject object, const QString &key)
{
    object.remove(key);
    return object;
}

Message inboundFrom(qint64 chatId, const QString &chatType = QStringLiteral("private"),
                    qint64 messageId = 2741)
{
    Message message;
    message.platform = Platform::Telegram;
    message.userId = QString::number(chatId);
    message.metadata = {{QStringLiteral("chat_id"), QString::number(chatId)},
                        {QStringLiteral("chat_type"), chatType},
                        {QStringLiteral("message_id"), QString::number(messageId)}};
    return message;
}

OutboundContext replyContext(const QString &content, std::optional<Message> lastInbound)
{
    OutboundContext context;
    context.message.platform = Platform::Telegram;
    context.message.direction = Direction::Outbound;
    context.message.content = content;
    context.message.userId = QString::number(kCustomerChat);
    context.lastInbound = std::move(lastInbound);
    return context;
}

// Paragraphs of sentences, long enough to need several messages.
QString longText(int paragraphs)
{
    QString text;
    for (int p = 0; p < paragraphs; ++p) {
        for (int s = 0; s < 30; ++s)
            text +=
                QStringLiteral("Paragraph %1 sentence %2 explains the refund policy in detail. ")
                    .arg(p)
                    .arg(s);
        text += QStringLiteral("\n\n");
    }
    return text;
}

QString withoutSpace(const QString &text)
{
    QString result;
    for (const QChar c : text) {
        if (!c.isSpace())
            result += c;
    }
    return result;
}

} // namespace

class TestTelegramChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // Pure functions.
    void secretTokenIsComparedExactly();
    void parsesRecordedUpdates();
    void parsesEditsRepliesAndOtherContent();
    void refusesMalformedUpdatesWithoutCrashing();
    void splitsLongTextAtBoundaries();
    void telegramAnswersAreUnderstood();
    void backoffGrowsAndIsCapped();

    // The fake against the fixtures.
    void fakeServesRecordedShapes();
    void fakeHoldsLongPollsLikeTelegram();

    // Outbound against the fake.
    void sendMessageRequestShape();
    void longTextIsSentInParts();
    void attachmentsUsePhotoAndDocument();
    void rateLimitIsRetryableWithRetryAfter();
    void chatNotFoundIsPermanent();
    void serverAndNetworkErrorsAreRetryable();
    void laterPartsAreRetriedInPlace();
    void migratedGroupIsFollowed();
    void fileReferencesResolveLazily();

    // Through the engine and the HTTP server.
    void webhookVerifiesParsesAndDeduplicates();
    void webhookWithoutSecretRefusesEverything();
    void webhookConversationEndToEnd();
    void undeliverableReplyIsDeadLetteredAndResendable();
    void pollingDeliversAndPersistsOffsetAcrossRestart();
    void staleOffsetAfterCrashDoesNotDuplicate();
    void stopCancelsTheLongPoll();
    void pollingHonoursRetryAfter();

private:
    TelegramSettings telegramSettings(const QString &mode, const QString &secret) const;
    void startStack(const QString &mode, const QString &secret = kSecret, bool telegram = true);
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QMap<QByteArray, QByteArray> &headers = {}, bool authenticated = true);
    Response webhook(const QByteArray &body, const QByteArray &secret);
    Response get(const QString &path) { return request("GET", path); }
    QJsonArray customerMessages();
    // The AI draft of the conversation, or the one answering `inReplyTo` when given.
    QString waitForDraft(const QString &conversationId, const QString &inReplyTo = {});
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    SendResult send(TelegramChannel &channel, const OutboundContext &context);
    QString savedOffset();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeTelegram> m_telegram;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestTelegramChannel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_telegram = std::make_unique<FakeTelegram>();
    QVERIFY(m_telegram->server().isListening());
}

void TestTelegramChannel::cleanup()
{
    stopStack();
    m_telegram.reset();
    m_dir.reset();
}

TelegramSettings TestTelegramChannel::telegramSettings(const QString &mode,
                                                       const QString &secret) const
{
    TelegramSettings settings;
    settings.enabled = true;
    settings.botToken = m_telegram->token();
    settings.baseUrl = m_telegram->baseUrl();
    settings.mode = mode;
    settings.webhookSecret = secret;
    return settings;
}

void TestTelegramChannel::startStack(const QString &mode, const QString &secret, bool telegram)
{
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kApiToken)};
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.telegram = telegramSettings(mode, secret);
    m_settings.telegram.enabled = telegram;
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestTelegramChannel::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestTelegramChannel::request(const QByteArray &method, const QString &path,
                                      const QByteArray &body,
                                      const QMap<QByteArray, QByteArray> &headers,
                                      bool authenticated)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + kApiToken);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
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

Response TestTelegramChannel::webhook(const QByteArray &body, const QByteArray &secret)
{
    QMap<QByteArray, QByteArray> headers;
    if (!secret.isEmpty())
        headers.insert("X-Telegram-Bot-Api-Secret-Token", secret);
    return request("POST", QStringLiteral("/api/v1/webhooks/telegram"), body, headers, false);
}

QJsonArray TestTelegramChannel::customerMessages()
{
    QJsonArray customer;
    const QJsonArray all = get(QStringLiteral("/api/v1/messages?limit=500"))
                               .json.value(QStringLiteral("data"))
                               .toArray();
    for (const QJsonValue &message : all) {
        if (message.toObject().value(QStringLiteral("author_kind")).toString() ==
            QLatin1String("customer"))
            customer.append(message);
    }
    return customer;
}

QString TestTelegramChannel::waitForDraft(const QString &conversationId, const QString &inReplyTo)
{
    QString draftId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            const QJsonArray messages =
                get(QStringLiteral("/api/v1/conversations/") + conversationId)
                    .json.value(QStringLiteral("messages"))
                    .toArray();
            for (const QJsonValue &value : messages) {
                const QJsonObject message = value.toObject();
                const QString answers = message.value(QStringLiteral("metadata"))
                                            .toObject()
                                            .value(QStringLiteral("in_reply_to"))
                                            .toString();
                if (message.value(QStringLiteral("author_kind")).toString() ==
                        QLatin1String("ai") &&
                    message.value(QStringLiteral("status")).toString() ==
                        QLatin1String("drafted") &&
                    (inReplyTo.isEmpty() || answers == inReplyTo))
                    draftId = message.value(QStringLiteral("id")).toString();
            }
            return !draftId.isEmpty();
        },
        10000);
    return draftId;
}

QJsonObject TestTelegramChannel::waitForMessageState(const QString &messageId, const QString &state)
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

QString TestTelegramChannel::savedOffset()
{
    const Outcome<std::optional<QString>> state =
        m_engine->loadState(QStringLiteral("telegram"), QStringLiteral("offset")).result();
    if (!state.isOk())
        return QStringLiteral("error: ") + state.error().message;
    return state.value().value_or(QString());
}

SendResult TestTelegramChannel::send(TelegramChannel &channel, const OutboundContext &context)
{
    return QCoro::waitFor(channel.send(context));
}

// --- pure functions -------------------------------------------------------------------------

void TestTelegramChannel::secretTokenIsComparedExactly()
{
    QVERIFY(TelegramChannel::verifySecretToken(kSecret, kSecret.toUtf8()));
    QVERIFY(!TelegramChannel::verifySecretToken(kSecret, "s3cr3t_Token-43"));
    QVERIFY(!TelegramChannel::verifySecretToken(kSecret, "s3cr3t_Token-4"));
    QVERIFY(!TelegramChannel::verifySecretToken(kSecret, kSecret.toUtf8() + ' '));
    QVERIFY(!TelegramChannel::verifySecretToken(kSecret, "S3CR3T_TOKEN-42"));
    QVERIFY(!TelegramChannel::verifySecretToken(kSecret, QByteArray()));
    // Without a configured secret nothing verifies, not even an empty header.
    QVERIFY(!TelegramChannel::verifySecretToken(QString(), QByteArray()));
    QVERIFY(!TelegramChannel::verifySecretToken(QString(), "anything"));
}

void TestTelegramChannel::parsesRecordedUpdates()
{
    // teloxide's recorded private text message.
    auto text = TelegramChannel::parseUpdate(
        FakeTelegram::fixtureBytes(QStringLiteral("update_text_message.json")));
    QVERIFY2(text.isOk(), qPrintable(text.error().message));
    QCOMPARE(text.value().id, 892252934);
    QVERIFY(text.value().message);
    Message m = *text.value().message;
    QVERIFY(m.platform == Platform::Telegram);
    QVERIFY(m.direction == Direction::Inbound);
    QVERIFY(m.authorKind == AuthorKind::Customer);
    QCOMPARE(m.userId, QStringLiteral("218485655"));
    QCOMPARE(m.content, QStringLiteral("hello there"));
    QCOMPARE(m.clientMessageId, QStringLiteral("telegram:218485655:6557"));
    QCOMPARE(m.metadata.value(QStringLiteral("chat_id")), QStringLiteral("218485655"));
    QCOMPARE(m.metadata.value(QStringLiteral("chat_type")), QStringLiteral("private"));
    QCOMPARE(m.metadata.value(QStringLiteral("message_id")), QStringLiteral("6557"));
    QCOMPARE(m.metadata.value(QStringLiteral("username")), QStringLiteral("WaffleLapkin"));
    QCOMPARE(m.metadata.value(QStringLiteral("first_name")), QStringLiteral("Waffle"));
    QVERIFY(!m.metadata.contains(QStringLiteral("last_name")));
    QVERIFY(m.attachments.isEmpty());

    // The Bot API documentation's sample webhook updates.
    auto start = TelegramChannel::parseUpdate(
        FakeTelegram::fixture(QStringLiteral("docs_update_text_message.json")));
    QVERIFY(start.isOk());
    m = *start.value().message;
    QCOMPARE(m.content, QStringLiteral("/start"));
    QCOMPARE(m.userId, QStringLiteral("1111111"));
    QCOMPARE(m.metadata.value(QStringLiteral("last_name")), QStringLiteral("Test Lastname"));
    QCOMPARE(m.metadata.value(QStringLiteral("first_name")), QStringLiteral("Test Firstname"));
    QCOMPARE(m.metadata.value(QStringLiteral("message_id")), QStringLiteral("1365"));
    QCOMPARE(m.metadata.value(QStringLiteral("date")), QStringLiteral("1441645532"));

    auto document = TelegramChannel::parseUpdate(
        FakeTelegram::fixture(QStringLiteral("docs_update_document.json")));
    QVERIFY(document.isOk());
    m = *document.value().message;
    QCOMPARE(m.content, QString());
    QCOMPARE(m.attachments.size(), 1);
    QCOMPARE(m.attachments.first().url, QStringLiteral("tg-file:AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"));
    QCOMPARE(m.attachments.first().contentType, QStringLiteral("application/pdf"));
    QCOMPARE(m.metadata.value(QStringLiteral("file_name")), QStringLiteral("Testfile.pdf"));

    // A button press: its data is the customer's answer, its chat the user's private chat.
    auto callback = TelegramChannel::parseUpdate(
        FakeTelegram::fixture(QStringLiteral("docs_update_callback_query.json")));
    QVERIFY(callback.isOk());
    QCOMPARE(callback.value().callbackQueryId, QStringLiteral("4382bfdwdsb323b2d9"));
    m = *callback.value().message;
    QCOMPARE(m.content, QStringLiteral("Data from button callback"));
    QCOMPARE(m.userId, QStringLiteral("1111111"));
    QCOMPARE(m.metadata.value(QStringLiteral("chat_id")), QStringLiteral("1111111"));
    QCOMPARE(m.metadata.value(QStringLiteral("callback")), QStringLiteral("true"));
    QCOMPARE(m.metadata.value(QStringLiteral("inline_message_id")),
             QStringLiteral("1234csdbsk4839"));
    QCOMPARE(m.clientMessageId, QStringLiteral("telegram:callback:4382bfdwdsb323b2d9"));

    // frankenstein's recorded getUpdates answer.
    const QJsonArray result = FakeTelegram::fixture(QStringLiteral("getUpdates_response.json"))
                                  .value(QStringLiteral("result"))
                                  .toArray();
    auto polled = TelegramChannel::parseUpdate(result.first().toObject());
    QVERIFY(polled.isOk());
    QCOMPARE(polled.value().id, 379656753);
    m = *polled.value().message;
    QCOMPARE(m.content, QStringLiteral("dsaf"));
    QCOMPARE(m.userId, QString::number(kCustomerChat));
    QCOMPARE(m.metadata.value(QStringLiteral("last_name")), QStringLiteral("Badykov"));
    QCOMPARE(m.clientMessageId, QStringLiteral("telegram:275808073:2741"));

    // teloxide's photo message, wrapped in an Update as Telegram would send it: the caption is
    // the text and the largest of the four sizes the attachment.
    auto photo = TelegramChannel::parseUpdate(FakeTelegram::update(
        379656754, FakeTelegram::fixture(QStringLiteral("message_photo_caption.json"))));
    QVERIFY(photo.isOk());
    m = *photo.value().message;
    QCOMPARE(m.content, QStringLiteral("www.example.com"));
    QCOMPARE(m.attachments.size(), 1);
    QCOMPARE(
        m.attachments.first().url,
        QStringLiteral("tg-file:AgACAgQAAxkBAAINhGKvijUVSn2i3980bQIIc1fqWGNCAAJpvDEbEmaBUfuA43fR-"
                       "BnlAQADAgADeQADJAQ"));
    QCOMPARE(m.attachments.first().contentType, QStringLiteral("image/jpeg"));
    QCOMPARE(m.metadata.value(QStringLiteral("username")), QStringLiteral("tacocrasco"));
}

void TestTelegramChannel::parsesEditsRepliesAndOtherContent()
{
    const QJsonObject original =
        FakeTelegram::fixture(QStringLiteral("docs_update_text_message.json"));
    QJsonObject edited = original.value(QStringLiteral("message")).toObject();
    edited.insert(QStringLiteral("edit_date"), 1441645600);
    edited.insert(QStringLiteral("text"), QStringLiteral("/start again"));
    auto parsedEdit = TelegramChannel::parseUpdate(
        FakeTelegram::update(10001, edited, QStringLiteral("edited_message")));
    QVERIFY(parsedEdit.isOk());
    const Message edit = *parsedEdit.value().message;
    QCOMPARE(edit.content, QStringLiteral("/start again"));
    QCOMPARE(edit.metadata.value(QStringLiteral("edited")), QStringLiteral("true"));
    QCOMPARE(edit.metadata.value(QStringLiteral("edit_date")), QStringLiteral("1441645600"));
    // Not the original's id, or the engine would take the edit for a redelivery.
    QCOMPARE(edit.clientMessageId, QStringLiteral("telegram:1111111:1365:edited:1441645600"));

    QJsonObject reply = FakeTelegram::fixture(QStringLiteral("update_text_message.json"))
                            .value(QStringLiteral("message"))
                            .toObject();
    reply.insert(QStringLiteral("reply_to_message"),
                 QJsonObject{{QStringLiteral("message_id"), 6550},
                             {QStringLiteral("chat"), reply.value(QStringLiteral("chat"))},
                             {QStringLiteral("date"), 1569518000},
                             {QStringLiteral("text"), QStringLiteral("earlier")}});
    auto parsedReply = TelegramChannel::parseUpdate(FakeTelegram::update(5, reply));
    QVERIFY(parsedReply.isOk());
    QCOMPARE(parsedReply.value().message->metadata.value(QStringLiteral("reply_to_message_id")),
             QStringLiteral("6550"));

    // A group message keeps the group as the chat and the sender as the user.
    QJsonObject group = reply;
    group.insert(QStringLiteral("chat"),
                 QJsonObject{{QStringLiteral("id"), -1001234567890LL},
                             {QStringLiteral("type"), QStringLiteral("supergroup")},
                             {QStringLiteral("title"), QStringLiteral("Support")}});
    group.insert(QStringLiteral("message_thread_id"), 12);
    const Message inGroup =
        *TelegramChannel::parseUpdate(FakeTelegram::update(6, group)).value().message;
    QCOMPARE(inGroup.userId, QStringLiteral("218485655"));
    QCOMPARE(inGroup.metadata.value(QStringLiteral("chat_id")), QStringLiteral("-1001234567890"));
    QCOMPARE(inGroup.metadata.value(QStringLiteral("chat_type")), QStringLiteral("supergroup"));
    QCOMPARE(inGroup.metadata.value(QStringLiteral("chat_title")), QStringLiteral("Support"));
    QCOMPARE(inGroup.metadata.value(QStringLiteral("message_thread_id")), QStringLiteral("12"));

    // Content without text or files is described; service messages are not customer content.
    QJsonObject location = withoutKey(reply, QStringLiteral("text"));
    location.remove(QStringLiteral("reply_to_message"));
    location.insert(QStringLiteral("location"), QJsonObject{{QStringLiteral("latitude"), 52.5},
                                                            {QStringLiteral("longitude"), 13.25}});
    QCOMPARE(
        TelegramChannel::parseUpdate(FakeTelegram::update(7, location)).value().message->content,
        QStringLiteral("[location] 52.5, 13.25"));
    QJsonObject joined = withoutKey(location, QStringLiteral("location"));
    joined.insert(QStringLiteral("new_chat_members"),
                  QJsonArray{reply.value(QStringLiteral("from"))});
    auto service = TelegramChannel::parseUpdate(FakeTelegram::update(8, joined));
    QVERIFY(service.isOk());
    QVERIFY(!service.value().message);
    QVERIFY(!service.value().ignoredReason.isEmpty());

    // Voice notes and stickers are attachments with Telegram's types.
    QJsonObject voice = withoutKey(location, QStringLiteral("location"));
    voice.insert(QStringLiteral("voice"),
                 QJsonObject{{QStringLiteral("file_id"), QStringLiteral("AwACAgIAAxkBAAIBQ")},
                             {QStringLiteral("duration"), 3}});
    const Message voiceMessage =
        *TelegramChannel::parseUpdate(FakeTelegram::update(9, voice)).value().message;
    QCOMPARE(voiceMessage.attachments,
             QList<Attachment>({Attachment{QStringLiteral("tg-file:AwACAgIAAxkBAAIBQ"),
                                           QStringLiteral("audio/ogg")}}));

    // Kinds we do not handle are acknowledged and skipped.
    auto member = TelegramChannel::parseUpdate(QByteArrayLiteral(
        R"({"update_id":11,"my_chat_member":{"chat":{"id":1,"type":"private"},"date":1}})"));
    QVERIFY(member.isOk());
    QCOMPARE(member.value().id, 11);
    QVERIFY(!member.value().message);
    QVERIFY(member.value().ignoredReason.contains(QStringLiteral("my_chat_member")));
}

void TestTelegramChannel::refusesMalformedUpdatesWithoutCrashing()
{
    const QList<QByteArray> bad{
        QByteArray(),
        "not json",
        "[1,2,3]",
        "{}",
        R"({"update_id":"12"})",
        R"({"update_id":12,"message":{"text":"no chat"}})",
        R"({"update_id":12,"message":{"message_id":1,"chat":{"type":"private"},"text":"x"}})",
        R"({"update_id":12,"callback_query":{"data":"x"}})",
        R"({"update_id":12,"callback_query":{"id":"q","from":{"first_name":"no id"}}})",
        QByteArray(5000, '['),
    };
    for (const QByteArray &body : bad) {
        const auto parsed = TelegramChannel::parseUpdate(body);
        QVERIFY2(!parsed.isOk(), body.left(60).constData());
        QVERIFY(parsed.error().kind == ErrorKind::Invalid);
        QVERIFY(!parsed.error().message.isEmpty());
    }
    // Wrong types inside a valid envelope degrade to an ignored or sparse message, never a crash.
    const auto odd = TelegramChannel::parseUpdate(QByteArrayLiteral(
        R"({"update_id":13,"message":{"message_id":2,"chat":{"id":5},"text":7,"photo":"x","document":[]}})"));
    QVERIFY(odd.isOk());
    QVERIFY(!odd.value().message);
}

void TestTelegramChannel::splitsLongTextAtBoundaries()
{
    QCOMPARE(TelegramChannel::splitText(QStringLiteral("short")),
             QStringList{QStringLiteral("short")});
    QCOMPARE(TelegramChannel::splitText(QStringLiteral("  \n ")), QStringList());
    const QString exact(TelegramChannel::MaxMessageLength, QLatin1Char('a'));
    QCOMPARE(TelegramChannel::splitText(exact), QStringList{exact});

    // Paragraphs first.
    const QString text = longText(5);
    const QStringList parts = TelegramChannel::splitText(text);
    QVERIFY(parts.size() >= 3);
    for (const QString &part : parts) {
        QVERIFY(part.size() <= TelegramChannel::MaxMessageLength);
        QVERIFY(part.endsWith(QLatin1Char('.')));
        QVERIFY(part.startsWith(QStringLiteral("Paragraph ")));
    }
    QCOMPARE(withoutSpace(parts.join(QString())), withoutSpace(text));

    // One long paragraph: sentences, then words.
    const QString sentences =
        longText(1).repeated(5).replace(QStringLiteral("\n\n"), QStringLiteral(" "));
    const QStringList bySentence = TelegramChannel::splitText(sentences, 1000);
    QVERIFY(bySentence.size() > 1);
    for (const QString &part : bySentence) {
        QVERIFY(part.size() <= 1000);
        QVERIFY2(part.endsWith(QLatin1Char('.')), qPrintable(part.right(20)));
    }
    const QString words = QStringLiteral("word ").repeated(300);
    const QStringList byWord = TelegramChannel::splitText(words, 100);
    for (const QString &part : byWord) {
        QVERIFY(part.size() <= 100);
        QVERIFY(part.endsWith(QStringLiteral("word")));
    }
    QCOMPARE(withoutSpace(byWord.join(QString())), withoutSpace(words));

    // No boundary at all: a hard cut, but never inside a surrogate pair.
    const QString emoji = QString::fromUtf8("\xF0\x9F\x98\x80").repeated(60); // 120 UTF-16 units
    const QStringList hard = TelegramChannel::splitText(QLatin1Char('x') + emoji, 100);
    QCOMPARE(hard.size(), 2);
    QCOMPARE(hard.first().size(), 99);
    QVERIFY(!hard.first().back().isHighSurrogate());
    QCOMPARE(hard.join(QString()), QLatin1Char('x') + emoji);
}

void TestTelegramChannel::telegramAnswersAreUnderstood()
{
    const auto limited = TelegramApi::parse(
        429, FakeTelegram::fixtureBytes(QStringLiteral("error_429_retry_after.json")));
    QVERIFY(!limited.ok);
    QCOMPARE(limited.errorCode, 429);
    QCOMPARE(limited.retryAfterSeconds, 2282);
    QVERIFY(limited.retryable());
    QCOMPARE(limited.description, QStringLiteral("Too Many Requests: retry after 2282"));
    // The 2016 form had no parameters; the number is in the description.
    const auto old = TelegramApi::parse(
        429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3"})");
    QCOMPARE(old.retryAfterSeconds, 3);
    const auto header = TelegramApi::parse(429, "<html>busy</html>", "7");
    QCOMPARE(header.retryAfterSeconds, 7);
    QVERIFY(header.retryable());

    const auto notFound = TelegramApi::parse(
        400, FakeTelegram::fixtureBytes(QStringLiteral("error_400_chat_not_found.json")));
    QVERIFY(!notFound.ok);
    QVERIFY(!notFound.retryable());
    QCOMPARE(notFound.description, QStringLiteral("Bad Request: chat not found"));

    const auto sent = TelegramApi::parse(
        200, FakeTelegram::fixtureBytes(QStringLiteral("sendMessage_response.json")));
    QVERIFY(sent.ok);
    QCOMPARE(sent.result.toObject().value(QStringLiteral("message_id")).toInteger(), 2746);

    const auto gateway = TelegramApi::parse(502, "<html>Bad Gateway</html>");
    QVERIFY(!gateway.ok);
    QVERIFY(gateway.retryable());
    QVERIFY(gateway.description.contains(QStringLiteral("502")));

    const TelegramApi api(QStringLiteral("https://api.telegram.org/"), QStringLiteral("123:ABC"));
    QCOMPARE(api.methodUrl(QStringLiteral("sendMessage")).toString(),
             QStringLiteral("https://api.telegram.org/bot123:ABC/sendMessage"));
    QCOMPARE(api.fileUrl(QStringLiteral("photos/file_1.jpg")).toString(),
             QStringLiteral("https://api.telegram.org/file/bot123:ABC/photos/file_1.jpg"));
    QCOMPARE(api.redact(QStringLiteral(
                 "Error transferring https://x/bot123:ABC/getUpdates and bot123%3AABC")),
             QStringLiteral(
                 "Error transferring https://x/bot<bot-token>/getUpdates and bot<bot-token>"));
}

void TestTelegramChannel::backoffGrowsAndIsCapped()
{
    QCOMPARE(TelegramPoller::backoffMs(1), 1000);
    QCOMPARE(TelegramPoller::backoffMs(2), 2000);
    QCOMPARE(TelegramPoller::backoffMs(4), 8000);
    QCOMPARE(TelegramPoller::backoffMs(7), 60000);
    QCOMPARE(TelegramPoller::backoffMs(1000), 60000);
    const QJsonObject first = TelegramPoller::requestBody(0, 25);
    QVERIFY(!first.contains(QStringLiteral("offset")));
    QCOMPARE(first.value(QStringLiteral("timeout")).toInt(), 25);
    QCOMPARE(first.value(QStringLiteral("allowed_updates")).toArray(),
             QJsonArray({QStringLiteral("message"), QStringLiteral("edited_message"),
                         QStringLiteral("callback_query")}));
    QCOMPARE(TelegramPoller::requestBody(379656754, 25).value(QStringLiteral("offset")).toInteger(),
             379656754);
}

// --- the fake -------------------------------------------------------------------------------

void TestTelegramChannel::fakeServesRecordedShapes()
{
    FakeTelegram &fake = *m_telegram;
    auto call = [&](const QString &method, const QByteArray &body, const QString &token) {
        QNetworkRequest request(
            QUrl(fake.baseUrl() + QStringLiteral("/bot") + token + QLatin1Char('/') + method));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(m_network.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        finished.wait(5000);
        return std::make_pair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                              reply->readAll());
    };

    // getUpdates answers exactly what Telegram answered in the recording.
    const QJsonObject recorded = FakeTelegram::fixture(QStringLiteral("getUpdates_response.json"));
    fake.pushUpdate(recorded.value(QStringLiteral("result")).toArray().first().toObject());
    const auto updates = call(QStringLiteral("getUpdates"), "{}", fake.token());
    QCOMPARE(updates.first, 200);
    QCOMPARE(QJsonDocument::fromJson(updates.second).object(), recorded);

    // sendMessage: the recorded message with our chat and text.
    const QJsonObject sentRecording =
        FakeTelegram::fixture(QStringLiteral("sendMessage_response.json"));
    const auto sent = call(QStringLiteral("sendMessage"),
                           R"({"chat_id":275808073,"text":"Hello!"})", fake.token());
    QCOMPARE(sent.first, 200);
    const QJsonObject sentJson = QJsonDocument::fromJson(sent.second).object();
    QCOMPARE(sentJson.keys(), sentRecording.keys());
    const QJsonObject result = sentJson.value(QStringLiteral("result")).toObject();
    const QJsonObject recordedResult = sentRecording.value(QStringLiteral("result")).toObject();
    QCOMPARE(result.keys(), recordedResult.keys());
    QCOMPARE(result.value(QStringLiteral("from")), recordedResult.value(QStringLiteral("from")));
    QCOMPARE(
        result.value(QStringLiteral("chat")).toObject().value(QStringLiteral("id")).toInteger(),
        kCustomerChat);
    QCOMPARE(result.value(QStringLiteral("text")).toString(), QStringLiteral("Hello!"));

    const QJsonObject photoRecording =
        FakeTelegram::fixture(QStringLiteral("sendPhoto_response.json"));
    const auto photo =
        call(QStringLiteral("sendPhoto"),
             R"({"chat_id":275808073,"photo":"https://example.com/a.jpg"})", fake.token());
    QCOMPARE(photo.first, 200);
    QCOMPARE(QJsonDocument::fromJson(photo.second)
                 .object()
                 .value(QStringLiteral("result"))
                 .toObject()
                 .keys(),
             photoRecording.value(QStringLiteral("result")).toObject().keys());

    // Errors are the recorded bodies.
    const auto unknown =
        call(QStringLiteral("sendMessage"), R"({"chat_id":42,"text":"hi"})", fake.token());
    QCOMPARE(unknown.first, 400);
    QCOMPARE(unknown.second,
             FakeTelegram::fixtureBytes(QStringLiteral("error_400_chat_not_found.json")));
    QCOMPARE(FakeTelegram::tooManyRequests(2282).body,
             FakeTelegram::fixtureBytes(QStringLiteral("error_429_retry_after.json")));
    QCOMPARE(FakeTelegram::tooManyRequests(2282).status, 429);
    const auto unauthorized = call(QStringLiteral("getMe"), "{}", QStringLiteral("1:wrong"));
    QCOMPARE(unauthorized.first, 401);
    QCOMPARE(QJsonDocument::fromJson(unauthorized.second).object(),
             QJsonObject({{QStringLiteral("ok"), false},
                          {QStringLiteral("error_code"), 401},
                          {QStringLiteral("description"), QStringLiteral("Unauthorized")}}));
    const auto tooLong =
        call(QStringLiteral("sendMessage"),
             QJsonDocument(QJsonObject{{QStringLiteral("chat_id"), kCustomerChat},
                                       {QStringLiteral("text"), QString(4097, QLatin1Char('a'))}})
                 .toJson(),
             fake.token());
    QCOMPARE(tooLong.first, 400);
    QVERIFY(tooLong.second.contains("message is too long"));
}

void TestTelegramChannel::fakeHoldsLongPollsLikeTelegram()
{
    FakeTelegram &fake = *m_telegram;
    auto poll = [&](const QString &query) {
        return m_network.get(
            QNetworkRequest(QUrl(fake.baseUrl() + QStringLiteral("/bot") + fake.token() +
                                 QStringLiteral("/getUpdates?") + query)));
    };
    // Nothing pending: held until an update arrives.
    std::unique_ptr<QNetworkReply> held(poll(QStringLiteral("timeout=20")));
    QTRY_COMPARE(fake.openPollCount(), 1);
    QTest::qWait(200);
    QVERIFY(!held->isFinished());
    fake.pushUpdate(FakeTelegram::fixture(QStringLiteral("docs_update_text_message.json")));
    QTRY_VERIFY(held->isFinished());
    const QJsonArray got =
        QJsonDocument::fromJson(held->readAll()).object().value(QStringLiteral("result")).toArray();
    QCOMPARE(got.size(), 1);
    QCOMPARE(got.first().toObject().value(QStringLiteral("update_id")).toInteger(), 10000);

    // The offset confirms it; the next poll waits out its timeout and answers empty.
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<QNetworkReply> empty(poll(QStringLiteral("offset=10001&timeout=1")));
    QTRY_VERIFY_WITH_TIMEOUT(empty->isFinished(), 5000);
    QVERIFY(clock.elapsed() >= 900);
    QCOMPARE(QJsonDocument::fromJson(empty->readAll())
                 .object()
                 .value(QStringLiteral("result"))
                 .toArray()
                 .size(),
             0);
    QCOMPARE(fake.pendingUpdateCount(), 0);
    QCOMPARE(fake.confirmedOffset(), 10001);

    // A second getUpdates terminates the first with Telegram's 409.
    std::unique_ptr<QNetworkReply> first(poll(QStringLiteral("offset=10001&timeout=20")));
    QTRY_COMPARE(fake.openPollCount(), 1);
    std::unique_ptr<QNetworkReply> second(poll(QStringLiteral("offset=10001&timeout=20")));
    QTRY_VERIFY(first->isFinished());
    QCOMPARE(first->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 409);
    QVERIFY(first->readAll().contains("terminated by other getUpdates request"));
    // A client that hangs up is noticed.
    second->abort();
    QTRY_COMPARE(fake.openPollCount(), 0);
    QVERIFY(fake.abandonedPollCount() >= 1);
}

// --- outbound -------------------------------------------------------------------------------

void TestTelegramChannel::sendMessageRequestShape()
{
    m_telegram->addChat(kCustomerChat);
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const SendResult result =
        send(channel, replyContext(QStringLiteral("Hello!"), inboundFrom(kCustomerChat)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.externalId, QStringLiteral("275808073:5000"));

    const QList<RecordedRequest> calls = m_telegram->calls(QStringLiteral("sendMessage"));
    QCOMPARE(calls.size(), 1);
    const RecordedRequest &sent = calls.first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.path,
             QStringLiteral("/bot") + m_telegram->token() + QStringLiteral("/sendMessage"));
    QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
    // chat_id as a JSON integer, no extras in a private chat.
    QCOMPARE(QJsonDocument::fromJson(sent.body).object(),
             QJsonObject({{QStringLiteral("chat_id"), kCustomerChat},
                          {QStringLiteral("text"), QStringLiteral("Hello!")}}));
    QVERIFY(sent.body.contains("\"chat_id\":275808073"));
    QCOMPARE(channel.health().consecutiveFailures, 0);
    QVERIFY(channel.health().lastSuccessAt.isValid());

    // In a group the reply quotes the customer's message and stays in its forum topic.
    m_telegram->addChat(-1001234567890LL, QStringLiteral("supergroup"));
    Message group = inboundFrom(-1001234567890LL, QStringLiteral("supergroup"), 77);
    group.metadata.insert(QStringLiteral("message_thread_id"), QStringLiteral("12"));
    QVERIFY(send(channel, replyContext(QStringLiteral("On it."), group)).ok);
    const QJsonObject groupBody =
        FakeTelegram::parameters(m_telegram->calls(QStringLiteral("sendMessage")).last());
    QCOMPARE(groupBody.value(QStringLiteral("chat_id")).toInteger(), -1001234567890LL);
    QCOMPARE(groupBody.value(QStringLiteral("message_thread_id")).toInteger(), 12);
    QCOMPARE(groupBody.value(QStringLiteral("reply_parameters")).toObject(),
             QJsonObject({{QStringLiteral("message_id"), 77},
                          {QStringLiteral("allow_sending_without_reply"), true}}));

    // Without an inbound message the user id is the private chat.
    QVERIFY(send(channel, replyContext(QStringLiteral("Proactive"), std::nullopt)).ok);
    QCOMPARE(FakeTelegram::parameters(m_telegram->calls(QStringLiteral("sendMessage")).last())
                 .value(QStringLiteral("chat_id"))
                 .toInteger(),
             kCustomerChat);

    // Nothing to send is refused without a request.
    const int before = m_telegram->server().requestCount();
    const SendResult empty =
        send(channel, replyContext(QStringLiteral("  "), inboundFrom(kCustomerChat)));
    QVERIFY(!empty.ok);
    QVERIFY(!empty.retryable);
    QCOMPARE(m_telegram->server().requestCount(), before);
}

void TestTelegramChannel::longTextIsSentInParts()
{
    m_telegram->addChat(kCustomerChat);
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const QString text = longText(5);
    QVERIFY(text.size() > 2 * TelegramChannel::MaxMessageLength);
    const SendResult result = send(channel, replyContext(text, inboundFrom(kCustomerChat)));
    QVERIFY2(result.ok, qPrintable(result.error));
    const QList<QJsonObject> calls = m_telegram->callParameters(QStringLiteral("sendMessage"));
    QCOMPARE(calls.size(), TelegramChannel::splitText(text).size());
    QStringList ids;
    QString joined;
    for (int i = 0; i < calls.size(); ++i) {
        const QString part = calls.at(i).value(QStringLiteral("text")).toString();
        QVERIFY(part.size() <= TelegramChannel::MaxMessageLength);
        joined += part;
        ids << QString::number(5000 + i);
    }
    QCOMPARE(withoutSpace(joined), withoutSpace(text));
    QCOMPARE(result.externalId, QStringLiteral("275808073:") + ids.join(QLatin1Char(',')));
}

void TestTelegramChannel::attachmentsUsePhotoAndDocument()
{
    m_telegram->addChat(kCustomerChat);
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    OutboundContext context =
        replyContext(QStringLiteral("Here you go"), inboundFrom(kCustomerChat));
    context.message.attachments = {
        Attachment{QStringLiteral("https://example.com/receipt.png"), QStringLiteral("image/png")},
        Attachment{QStringLiteral("https://example.com/invoice.pdf"),
                   QStringLiteral("application/pdf")},
        Attachment{QStringLiteral("tg-file:AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"),
                   QStringLiteral("application/pdf")},
    };
    const SendResult result = send(channel, context);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.externalId, QStringLiteral("275808073:5000,5001,5002,5003"));
    QCOMPARE(m_telegram->callParameters(QStringLiteral("sendMessage")).size(), 1);
    const QList<QJsonObject> photos = m_telegram->callParameters(QStringLiteral("sendPhoto"));
    QCOMPARE(photos.size(), 1);
    QCOMPARE(photos.first(), QJsonObject({{QStringLiteral("chat_id"), kCustomerChat},
                                          {QStringLiteral("photo"),
                                           QStringLiteral("https://example.com/receipt.png")}}));
    const QList<QJsonObject> documents = m_telegram->callParameters(QStringLiteral("sendDocument"));
    QCOMPARE(documents.size(), 2);
    QCOMPARE(documents.at(0).value(QStringLiteral("document")).toString(),
             QStringLiteral("https://example.com/invoice.pdf"));
    // A file Telegram already has goes back by its file_id.
    QCOMPARE(documents.at(1).value(QStringLiteral("document")).toString(),
             QStringLiteral("AwADBAADbXXXXXXXXXXXGBdhD2l6_XX"));

    // A local path cannot be fetched by Telegram: refused before anything is sent.
    const int before = m_telegram->server().requestCount();
    context.message.attachments = {
        Attachment{QStringLiteral("file:///etc/passwd"), QStringLiteral("text/plain")}};
    const SendResult refused = send(channel, context);
    QVERIFY(!refused.ok);
    QVERIFY(!refused.retryable);
    QCOMPARE(m_telegram->server().requestCount(), before);
}

void TestTelegramChannel::rateLimitIsRetryableWithRetryAfter()
{
    m_telegram->addChat(kCustomerChat);
    m_telegram->failNext(
        QStringLiteral("sendMessage"),
        FakeTelegram::errorFixture(QStringLiteral("error_429_retry_after.json"), 429));
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const SendResult result =
        send(channel, replyContext(QStringLiteral("Hi"), inboundFrom(kCustomerChat)));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QCOMPARE(result.retryAfterSeconds, 2282);
    QCOMPARE(result.error, QStringLiteral("Too Many Requests: retry after 2282"));
    QCOMPARE(channel.health().consecutiveFailures, 1);
    QCOMPARE(channel.health().lastError, result.error);
    // The first part is not retried inside the send: the job queue owns that wait.
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 1);
}

void TestTelegramChannel::chatNotFoundIsPermanent()
{
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const SendResult result = send(channel, replyContext(QStringLiteral("Hi"), inboundFrom(42)));
    QVERIFY(!result.ok);
    QVERIFY(!result.retryable);
    QCOMPARE(result.error, QStringLiteral("Bad Request: chat not found"));
}

void TestTelegramChannel::serverAndNetworkErrorsAreRetryable()
{
    m_telegram->addChat(kCustomerChat);
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    m_telegram->failNext(
        QStringLiteral("sendMessage"),
        FakeResponse::json(
            500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"));
    SendResult result =
        send(channel, replyContext(QStringLiteral("Hi"), inboundFrom(kCustomerChat)));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QCOMPARE(result.error, QStringLiteral("Internal Server Error"));

    // Qt resends once by itself when a kept-alive connection drops, so drop it twice.
    m_telegram->failNext(QStringLiteral("sendMessage"), FakeResponse::dropped());
    m_telegram->failNext(QStringLiteral("sendMessage"), FakeResponse::dropped());
    result = send(channel, replyContext(QStringLiteral("Hi"), inboundFrom(kCustomerChat)));
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 3);
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QVERIFY(result.error.startsWith(QStringLiteral("Telegram sendMessage: ")));
    QVERIFY2(!result.error.contains(m_telegram->token()), qPrintable(result.error));

    // Nobody listening: still retryable, and the token never shows in the error.
    TelegramSettings closed = telegramSettings(QStringLiteral("webhook"), kSecret);
    closed.baseUrl = QStringLiteral("http://127.0.0.1:1");
    TelegramChannel unreachable(&m_network, closed);
    result = send(unreachable, replyContext(QStringLiteral("Hi"), inboundFrom(kCustomerChat)));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QVERIFY2(!result.error.contains(m_telegram->token()), qPrintable(result.error));
    QCOMPARE(channel.health().consecutiveFailures, 2);

    // A rejected token is a configuration error, not worth retrying.
    TelegramSettings wrongToken = telegramSettings(QStringLiteral("webhook"), kSecret);
    wrongToken.botToken = QStringLiteral("1:wrong");
    TelegramChannel rejected(&m_network, wrongToken);
    result = send(rejected, replyContext(QStringLiteral("Hi"), inboundFrom(kCustomerChat)));
    QVERIFY(!result.ok);
    QVERIFY(!result.retryable);
    QVERIFY(result.error.contains(QStringLiteral("Unauthorized")));
}

void TestTelegramChannel::laterPartsAreRetriedInPlace()
{
    m_telegram->addChat(kCustomerChat);
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const QString text =
        QStringLiteral("First part. ").repeated(400) + QStringLiteral("\n\nSecond part.");
    QCOMPARE(TelegramChannel::splitText(text).size(), 2);

    // The second part meets a short rate limit: it waits and goes out, the first is not repeated.
    m_telegram->failNext(QStringLiteral("sendMessage"), FakeTelegram::tooManyRequests(1), 1);
    QElapsedTimer clock;
    clock.start();
    SendResult result = send(channel, replyContext(text, inboundFrom(kCustomerChat)));
    QVERIFY2(result.ok, qPrintable(result.error));
    QVERIFY(clock.elapsed() >= 900);
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 3);
    QCOMPARE(result.externalId, QStringLiteral("275808073:5000,5001"));

    // A permanent failure after the first part: not retryable, and the operator learns what
    // arrived.
    m_telegram->failNext(
        QStringLiteral("sendMessage"),
        FakeResponse::json(
            400,
            R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"})"),
        1);
    result = send(channel, replyContext(text, inboundFrom(kCustomerChat)));
    QVERIFY(!result.ok);
    QVERIFY(!result.retryable);
    QVERIFY2(result.error.contains(QStringLiteral("1 of 2 parts were delivered")),
             qPrintable(result.error));
    QVERIFY(result.error.contains(QStringLiteral("Bad Request: can't parse entities")));
}

void TestTelegramChannel::migratedGroupIsFollowed()
{
    m_telegram->addChat(-1001234567890LL, QStringLiteral("supergroup"));
    m_telegram->failNext(
        QStringLiteral("sendMessage"),
        FakeResponse::json(
            400,
            R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001234567890}})"));
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("webhook"), kSecret));
    const SendResult result =
        send(channel,
             replyContext(QStringLiteral("Hi group"), inboundFrom(-4242, QStringLiteral("group"))));
    QVERIFY2(result.ok, qPrintable(result.error));
    const QList<QJsonObject> calls = m_telegram->callParameters(QStringLiteral("sendMessage"));
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).value(QStringLiteral("chat_id")).toInteger(), -4242);
    QCOMPARE(calls.at(1).value(QStringLiteral("chat_id")).toInteger(), -1001234567890LL);
    QCOMPARE(result.externalId, QStringLiteral("-1001234567890:5000"));
}

void TestTelegramChannel::fileReferencesResolveLazily()
{
    const QString fileId = QStringLiteral(
        "AgACAgQAAxkBAAINhGKvijUVSn2i3980bQIIc1fqWGNCAAJpvDEbEmaBUfuA43fR-BnlAQADAgADeQADJAQ");
    m_telegram->addFile(fileId, QStringLiteral("photos/file_7.jpg"),
                        QByteArrayLiteral("\xFF\xD8\xFF jpeg bytes"));
    TelegramChannel channel(&m_network, telegramSettings(QStringLiteral("poll"), QString()));
    const Outcome<QUrl> url =
        QCoro::waitFor(channel.resolveFile(TelegramChannel::fileReference(fileId)));
    QVERIFY2(url.isOk(), qPrintable(url.error().message));
    QCOMPARE(url.value().toString(), m_telegram->baseUrl() + QStringLiteral("/file/bot") +
                                         m_telegram->token() +
                                         QStringLiteral("/photos/file_7.jpg"));
    QCOMPARE(FakeTelegram::parameters(m_telegram->calls(QStringLiteral("getFile")).first()),
             QJsonObject({{QStringLiteral("file_id"), fileId}}));
    std::unique_ptr<QNetworkReply> download(m_network.get(QNetworkRequest(url.value())));
    QTRY_VERIFY(download->isFinished());
    QCOMPARE(download->readAll(), QByteArrayLiteral("\xFF\xD8\xFF jpeg bytes"));

    const Outcome<QUrl> unknown =
        QCoro::waitFor(channel.resolveFile(QStringLiteral("tg-file:nope")));
    QVERIFY(!unknown.isOk());
    QVERIFY(unknown.error().kind == ErrorKind::NotFound);
    QVERIFY(unknown.error().message.contains(QStringLiteral("invalid file_id")));
    const Outcome<QUrl> web =
        QCoro::waitFor(channel.resolveFile(QStringLiteral("https://example.com/a.png")));
    QCOMPARE(web.value(), QUrl(QStringLiteral("https://example.com/a.png")));
    QVERIFY(!QCoro::waitFor(channel.resolveFile(QStringLiteral("file:///etc/passwd"))).isOk());
}

// --- through the engine ---------------------------------------------------------------------

void TestTelegramChannel::webhookVerifiesParsesAndDeduplicates()
{
    startStack(QStringLiteral("webhook"));
    const QByteArray body =
        FakeTelegram::fixtureBytes(QStringLiteral("docs_update_text_message.json"));

    QCOMPARE(webhook(body, "wrong-secret").status, 401);
    const Response missing = webhook(body, {});
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.json.value(QStringLiteral("status")).toInt(), 401);
    QCOMPARE(customerMessages().size(), 0);

    const Response accepted = webhook(body, kSecret.toUtf8());
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.json, QJsonObject());
    QJsonArray stored = customerMessages();
    QCOMPARE(stored.size(), 1);
    const QJsonObject message = stored.first().toObject();
    QCOMPARE(message.value(QStringLiteral("platform")).toString(), QStringLiteral("telegram"));
    QCOMPARE(message.value(QStringLiteral("content")).toString(), QStringLiteral("/start"));
    QCOMPARE(message.value(QStringLiteral("user_id")).toString(), QStringLiteral("1111111"));
    QCOMPARE(message.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("chat_id"))
                 .toString(),
             QStringLiteral("1111111"));

    // Telegram redelivers when it missed our answer: acknowledged, not stored twice.
    QCOMPARE(webhook(body, kSecret.toUtf8()).status, 200);
    QCOMPARE(customerMessages().size(), 1);

    // A button press is answered inside the webhook response.
    const Response pressed =
        webhook(FakeTelegram::fixtureBytes(QStringLiteral("docs_update_callback_query.json")),
                kSecret.toUtf8());
    QCOMPARE(pressed.status, 200);
    QCOMPARE(
        pressed.json,
        QJsonObject({{QStringLiteral("method"), QStringLiteral("answerCallbackQuery")},
                     {QStringLiteral("callback_query_id"), QStringLiteral("4382bfdwdsb323b2d9")}}));
    QCOMPARE(customerMessages().size(), 2);

    // Kinds we do not handle are acknowledged so Telegram does not retry them; garbage is a 400.
    QCOMPARE(webhook(R"({"update_id":10002,"my_chat_member":{"date":1}})", kSecret.toUtf8()).status,
             200);
    QCOMPARE(webhook("{not json", kSecret.toUtf8()).status, 400);
    QCOMPARE(customerMessages().size(), 2);

    // Every attempt is in the audit log, the secret header redacted.
    QList<WebhookLogEntry> logs;
    QTRY_VERIFY_WITH_TIMEOUT((logs = m_engine
                                         ->read<QList<WebhookLogEntry>>([](QSqlDatabase &db) {
                                             return ChannelStore(db).recentLogs(
                                                 QStringLiteral("telegram"), 50);
                                         })
                                         .result()
                                         .value())
                                     .size() == 7,
                             5000);
    QMap<int, int> statuses;
    for (const WebhookLogEntry &entry : std::as_const(logs)) {
        ++statuses[entry.status];
        QCOMPARE(entry.verified, entry.status != 401);
        const QString header =
            entry.headers.value(QStringLiteral("x-telegram-bot-api-secret-token")).toString();
        QVERIFY(header.isEmpty() || header == QLatin1String("[redacted]"));
    }
    QCOMPARE(statuses, (QMap<int, int>{{200, 4}, {400, 1}, {401, 2}}));

    // A photo: the attachment is a file reference, not a URL with the token in it.
    const QByteArray photo =
        QJsonDocument(FakeTelegram::update(10003, FakeTelegram::fixture(QStringLiteral(
                                                      "message_photo_caption.json"))))
            .toJson();
    QCOMPARE(webhook(photo, kSecret.toUtf8()).status, 200);
    stored = customerMessages();
    QCOMPARE(stored.size(), 3);
    bool found = false;
    for (const QJsonValue &value : stored) {
        const QJsonObject m = value.toObject();
        if (m.value(QStringLiteral("content")).toString() != QLatin1String("www.example.com"))
            continue;
        found = true;
        const QByteArray json = QJsonDocument(m).toJson();
        QVERIFY(json.contains(
            "tg-file:AgACAgQAAxkBAAINhGKvijUVSn2i3980bQIIc1fqWGNCAAJpvDEbEmaBUfuA43fR-"
            "BnlAQADAgADeQADJAQ"));
        QVERIFY(!json.contains(m_telegram->token().toUtf8()));
    }
    QVERIFY(found);
}

void TestTelegramChannel::webhookWithoutSecretRefusesEverything()
{
    startStack(QStringLiteral("webhook"), QString());
    const QByteArray body =
        FakeTelegram::fixtureBytes(QStringLiteral("docs_update_text_message.json"));
    const Response refused = webhook(body, "anything");
    QCOMPARE(refused.status, 401);
    QVERIFY(refused.json.value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("webhook_secret")));
    QCOMPARE(webhook(body, {}).status, 401);
    QCOMPARE(customerMessages().size(), 0);
}

void TestTelegramChannel::webhookConversationEndToEnd()
{
    startStack(QStringLiteral("webhook"));
    // The customer wrote to the bot, so Telegram lets the bot answer in that chat.
    m_telegram->addChat(kCustomerChat);
    const QJsonObject update = FakeTelegram::fixture(QStringLiteral("getUpdates_response.json"))
                                   .value(QStringLiteral("result"))
                                   .toArray()
                                   .first()
                                   .toObject();
    QCOMPARE(webhook(QJsonDocument(update).toJson(), kSecret.toUtf8()).status, 200);
    const QString conversationId =
        customerMessages().first().toObject().value(QStringLiteral("conversation_id")).toString();
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 0); // review mode

    const Response approved =
        request("POST", QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"),
                QJsonDocument(QJsonObject{{QStringLiteral("content"),
                                           QStringLiteral("Hi Ayrat, your refund is on its way.")}})
                    .toJson());
    QCOMPARE(approved.status, 202);
    QVERIFY(m_telegram->waitForCalls(QStringLiteral("sendMessage"), 1));
    QCOMPARE(m_telegram->callParameters(QStringLiteral("sendMessage")).first(),
             QJsonObject({{QStringLiteral("chat_id"), kCustomerChat},
                          {QStringLiteral("text"),
                           QStringLiteral("Hi Ayrat, your refund is on its way.")}}));
    const QJsonObject sent = waitForMessageState(draftId, QStringLiteral("sent"));
    QCOMPARE(sent.value(QStringLiteral("events"))
                 .toArray()
                 .last()
                 .toObject()
                 .value(QStringLiteral("detail"))
                 .toString(),
             QStringLiteral("275808073:5000"));

    const Response conversation = get(QStringLiteral("/api/v1/conversations/") + conversationId);
    QCOMPARE(conversation.status, 200);
    const QJsonArray messages = conversation.json.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 2);
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("dsaf"));
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("sent"));
    QCOMPARE(messages.at(1).toObject().value(QStringLiteral("direction")).toString(),
             QStringLiteral("outbound"));

    // The channel reports itself healthy.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonArray channels = get(QStringLiteral("/api/v1/channels"))
                                            .json.value(QStringLiteral("data"))
                                            .toArray();
            for (const QJsonValue &channel : channels) {
                if (channel.toObject().value(QStringLiteral("name")).toString() ==
                    QLatin1String("telegram"))
                    return channel.toObject().value(QStringLiteral("healthy")).toBool();
            }
            return false;
        }(),
        5000);
}

void TestTelegramChannel::undeliverableReplyIsDeadLetteredAndResendable()
{
    startStack(QStringLiteral("webhook"));
    QCOMPARE(webhook(FakeTelegram::fixtureBytes(QStringLiteral("docs_update_text_message.json")),
                     kSecret.toUtf8())
                 .status,
             200);
    const QString conversationId =
        customerMessages().first().toObject().value(QStringLiteral("conversation_id")).toString();
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    // The fake does not know chat 1111111: Telegram's "chat not found".
    QCOMPARE(
        request("POST", QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"))
            .status,
        202);
    const QJsonObject dead = waitForMessageState(draftId, QStringLiteral("dead_lettered"));
    QCOMPARE(dead.value(QStringLiteral("events"))
                 .toArray()
                 .last()
                 .toObject()
                 .value(QStringLiteral("detail"))
                 .toString(),
             QStringLiteral("Bad Request: chat not found"));
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 1); // permanent: not retried

    const QJsonArray jobs =
        get(QStringLiteral("/api/v1/jobs?state=dead")).json.value(QStringLiteral("data")).toArray();
    QCOMPARE(jobs.size(), 1);
    QCOMPARE(jobs.first().toObject().value(QStringLiteral("last_error")).toString(),
             QStringLiteral("Bad Request: chat not found"));

    // Once the customer starts the bot, the operator re-sends it.
    m_telegram->addChat(1111111);
    QCOMPARE(request("POST", QStringLiteral("/api/v1/jobs/") +
                                 jobs.first().toObject().value(QStringLiteral("id")).toString() +
                                 QStringLiteral("/retry"))
                 .status,
             202);
    waitForMessageState(draftId, QStringLiteral("sent"));
    QCOMPARE(m_telegram->calls(QStringLiteral("sendMessage")).size(), 2);
}

void TestTelegramChannel::pollingDeliversAndPersistsOffsetAcrossRestart()
{
    const QJsonObject first = FakeTelegram::fixture(QStringLiteral("getUpdates_response.json"))
                                  .value(QStringLiteral("result"))
                                  .toArray()
                                  .first()
                                  .toObject();
    m_telegram->pushUpdate(first);
    m_telegram->pushUpdate(FakeTelegram::update(
        379656754, FakeTelegram::fixture(QStringLiteral("message_photo_caption.json"))));
    startStack(QStringLiteral("poll"));

    QTRY_COMPARE_WITH_TIMEOUT(customerMessages().size(), 2, 10000);
    // The next poll confirms the batch, holding for new updates.
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->confirmedOffset(), 379656755, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->openPollCount(), 1, 10000);
    QCOMPARE(savedOffset(), QStringLiteral("379656755"));
    const QJsonObject firstPoll =
        FakeTelegram::parameters(m_telegram->calls(QStringLiteral("getUpdates")).first());
    QVERIFY(!firstPoll.contains(QStringLiteral("offset")));
    QCOMPARE(firstPoll.value(QStringLiteral("timeout")).toInt(), TelegramChannel::LongPollSeconds);

    stopStack();
    // Written while Relaydesk was down: Telegram keeps it.
    QJsonObject later = first.value(QStringLiteral("message")).toObject();
    later.insert(QStringLiteral("message_id"), 2742);
    later.insert(QStringLiteral("text"), QStringLiteral("anyone there?"));
    m_telegram->pushUpdate(FakeTelegram::update(379656755, later));
    m_telegram->addChat(kCustomerChat);
    const int pollsBefore = int(m_telegram->calls(QStringLiteral("getUpdates")).size());

    startStack(QStringLiteral("poll"));
    QTRY_COMPARE_WITH_TIMEOUT(customerMessages().size(), 3, 10000);
    // The first poll after the restart continues from the persisted offset.
    QCOMPARE(
        FakeTelegram::parameters(m_telegram->calls(QStringLiteral("getUpdates")).at(pollsBefore))
            .value(QStringLiteral("offset"))
            .toInteger(),
        379656755);
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->confirmedOffset(), 379656756, 10000);
    QStringList contents;
    for (const QJsonValue &message : customerMessages())
        contents << message.toObject().value(QStringLiteral("content")).toString();
    contents.sort();
    QCOMPARE(contents, QStringList({QStringLiteral("anyone there?"), QStringLiteral("dsaf"),
                                    QStringLiteral("www.example.com")}));

    // The conversation continues: the reply to the polled message reaches its chat.
    QString conversationId;
    QString messageId;
    for (const QJsonValue &message : customerMessages()) {
        if (message.toObject().value(QStringLiteral("content")).toString() ==
            QLatin1String("anyone there?")) {
            conversationId = message.toObject().value(QStringLiteral("conversation_id")).toString();
            messageId = message.toObject().value(QStringLiteral("id")).toString();
        }
    }
    // A newer draft replaces the one written for "dsaf" before the restart.
    const QString draftId = waitForDraft(conversationId, messageId);
    QVERIFY(!draftId.isEmpty());
    const Response approved =
        request("POST", QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"));
    QVERIFY2(approved.status == 202, approved.body.constData());
    QVERIFY(m_telegram->waitForCalls(QStringLiteral("sendMessage"), 1));
    QCOMPARE(m_telegram->callParameters(QStringLiteral("sendMessage"))
                 .first()
                 .value(QStringLiteral("chat_id"))
                 .toInteger(),
             kCustomerChat);
    waitForMessageState(draftId, QStringLiteral("sent"));
}

void TestTelegramChannel::staleOffsetAfterCrashDoesNotDuplicate()
{
    const QJsonObject update = FakeTelegram::fixture(QStringLiteral("getUpdates_response.json"))
                                   .value(QStringLiteral("result"))
                                   .toArray()
                                   .first()
                                   .toObject();
    m_telegram->pushUpdate(update);
    startStack(QStringLiteral("poll"));
    QTRY_COMPARE_WITH_TIMEOUT(customerMessages().size(), 1, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->confirmedOffset(), 379656754, 10000);
    stopStack();

    // A crash after the message was stored but before the offset was: the saved offset is the
    // old one and Telegram, never told otherwise, delivers the update again.
    startStack(QStringLiteral("poll"), kSecret, false);
    QVERIFY(m_engine
                ->saveState(QStringLiteral("telegram"), QStringLiteral("offset"),
                            QStringLiteral("379656753"))
                .result()
                .isOk());
    stopStack();
    m_telegram->pushUpdate(update);

    startStack(QStringLiteral("poll"));
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->confirmedOffset(), 379656754, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(savedOffset(), QStringLiteral("379656754"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->openPollCount(), 1, 10000);
    QCOMPARE(m_telegram->pendingUpdateCount(), 0);
    QCOMPARE(customerMessages().size(), 1);
}

void TestTelegramChannel::stopCancelsTheLongPoll()
{
    startStack(QStringLiteral("poll"));
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->openPollCount(), 1, 10000);
    const int abandonedBefore = m_telegram->abandonedPollCount();
    QElapsedTimer clock;
    clock.start();
    stopStack();
    // Far below the 25-second hold: the poll was aborted, not waited out.
    QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(m_telegram->openPollCount(), 0, 5000);
    QCOMPARE(m_telegram->abandonedPollCount(), abandonedBefore + 1);

    // Nothing polls any more: an update stays with Telegram until the next start.
    const int polls = int(m_telegram->calls(QStringLiteral("getUpdates")).size());
    m_telegram->pushUpdate(FakeTelegram::fixture(QStringLiteral("docs_update_text_message.json")));
    QTest::qWait(500);
    QCOMPARE(m_telegram->calls(QStringLiteral("getUpdates")).size(), polls);
    QCOMPARE(m_telegram->pendingUpdateCount(), 1);
}

void TestTelegramChannel::pollingHonoursRetryAfter()
{
    m_telegram->failNext(QStringLiteral("getUpdates"), FakeTelegram::tooManyRequests(1));
    m_telegram->pushUpdate(FakeTelegram::fixture(QStringLiteral("docs_update_text_message.json")));
    startStack(QStringLiteral("poll"));
    QTRY_COMPARE_WITH_TIMEOUT(customerMessages().size(), 1, 10000);
    const QList<RecordedRequest> polls = m_telegram->calls(QStringLiteral("getUpdates"));
    QVERIFY(polls.size() >= 2);
    const qint64 waited = polls.at(0).receivedAt.msecsTo(polls.at(1).receivedAt);
    QVERIFY2(waited >= 900, qPrintable(QString::number(waited)));

    // The failure shows in the channel's health until a poll succeeds again.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const QJsonArray channels = get(QStringLiteral("/api/v1/channels"))
                                            .json.value(QStringLiteral("data"))
                                            .toArray();
            for (const QJsonValue &channel : channels) {
                const QJsonObject c = channel.toObject();
                if (c.value(QStringLiteral("name")).toString() == QLatin1String("telegram"))
                    return c.value(QStringLiteral("last_error"))
                               .toString()
                               .contains(QStringLiteral("retry after 1")) &&
                           c.value(QStringLiteral("consecutive_failures")).toInt() == 0;
            }
            return false;
        }(),
        5000);
}

QTEST_GUILESS_MAIN(TestTelegramChannel)
#include "tst_telegramchannel.moc"
