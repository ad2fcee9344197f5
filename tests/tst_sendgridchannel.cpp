// The SendGrid channel: Event Webhook signatures (the published vector and garbage), Inbound Parse
// of every fixture, events, the exact Mail Send request, error handling against the fake, and the
// whole conversation through a real engine and HTTP server: e-mail in -> draft -> approve ->
// reply delivered to the fake -> delivered event -> visible in the conversation.
#include "channels/ecdsaverifier.h"
#include "channels/sendgridchannel.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "fakes/fakesendgrid.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "storage/channelstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kToken = "test-token-0123456789abcdef";
const QString kApiKey = QStringLiteral("SG.test-key.0123456789");

QByteArray fixtureBytes(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject fixtureJson(const QString &name)
{
    return QJsonDocument::fromJson(fixtureBytes(name)).object();
}

QByteArray toCrlf(QByteArray lf)
{
    lf.replace("\r\n", "\n");
    return lf.replace("\n", "\r\n");
}

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};

Message customerEmail()
{
    Message m;
    m.id = QStringLiteral("in-1");
    m.direction = Direction::Inbound;
    m.platform = Platform::Email;
    m.userId = QStringLiteral("ada@example.com");
    m.metadata = {
        {QStringLiteral("from"), QStringLiteral("ada@example.com")},
        {QStringLiteral("from_name"), QStringLiteral("Ada Lovelace")},
        {QStringLiteral("to"), QStringLiteral("help@parse.relaydesk.test")},
        {QStringLiteral("subject"), QStringLiteral("Order #12 is late")},
        {QStringLiteral("message_id"), QStringLiteral("<m2@mail.example.com>")},
        {QStringLiteral("in_reply_to"), QStringLiteral("<m1@relay.test>")},
        {QStringLiteral("references"), QStringLiteral("<m0@mail.example.com> <m1@relay.test>")}};
    return m;
}

OutboundContext replyContext(const QString &content)
{
    OutboundContext context;
    context.message.id = QStringLiteral("out-1");
    context.message.direction = Direction::Outbound;
    context.message.platform = Platform::Email;
    context.message.userId = QStringLiteral("ada@example.com");
    context.message.content = content;
    context.message.metadata = {
        {QStringLiteral("to"), QStringLiteral("ada@example.com")},
        {QStringLiteral("from"), QStringLiteral("help@parse.relaydesk.test")}};
    context.conversation.id = QStringLiteral("conv-1");
    context.conversation.platform = Platform::Email;
    context.lastInbound = customerEmail();
    return context;
}

SendGridSettings channelSettings(const QString &baseUrl)
{
    SendGridSettings settings;
    settings.enabled = true;
    settings.apiKey = kApiKey;
    settings.from = QStringLiteral("Relaydesk Support <support@relaydesk.test>");
    settings.baseUrl = baseUrl;
    return settings;
}

} // namespace

class TestSendGridChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // signatures
    void eventSignatureVectorFromFixture();
    void eventSignatureAcceptsPemAndRejectsGarbage();
    void fakeSignsLikeSendGrid();
    // inbound parsing
    void parsesDefaultFixture();
    void parsesRawFixtures();
    void extractsThreadingHeadersAndFallsBackToHtml();
    void describesUploadedAttachments();
    void rejectsWhatIsNotAnEmail();
    void addressParsing();
    void parsesEventBatches();
    // outbound
    void mailPayloadThreadsTheReply();
    void mailPayloadSubjectsAndRefusals();
    void resultsMapSendGridAnswers();
    void sendPostsExactlyWhatSendGridExpects();
    void sendFailuresCarryTheErrorAndRetryHints();
    void fakeMatchesTheFixtures();
    // through the server
    void inboundWebhookStoresAndDeduplicates();
    void eventWebhookVerifiesTheFixtureSignature();
    void replayedEventsAreIgnoredAndStaleOnesRefused();
    void endToEndConversation();
    void rejectedSendIsDeadLetteredAndRetryable();
    void rateLimitedSendIsRetried();
    void misconfiguredWebhooksFailClosed();

private:
    void startStack(const QString &eventPublicKey = {}, bool enabled = true);
    void stopStack();
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response get(const QString &path) { return request("GET", path); }
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    QString waitForDraft(const QString &conversationId);
    QList<WebhookLogEntry> webhookLogs();
    QList<FakeSendGrid::FormField> inboundEmail(const QString &messageId, const QString &subject,
                                                const QString &text,
                                                const QString &references = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeSendGrid> m_fake;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestSendGridChannel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeSendGrid>(kApiKey);
    QVERIFY(m_fake->server().isListening());
    QVERIFY(!m_fake->publicKey().isEmpty());
}

void TestSendGridChannel::cleanup()
{
    stopStack();
    m_fake.reset();
    m_dir.reset();
}

void TestSendGridChannel::startStack(const QString &eventPublicKey, bool enabled)
{
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.sendgrid = channelSettings(m_fake->baseUrl());
    m_settings.sendgrid.enabled = enabled;
    m_settings.sendgrid.eventPublicKey =
        eventPublicKey.isEmpty() ? m_fake->publicKey() : eventPublicKey;
    m_settings.offlineAnswers = {CannedAnswer{
        {QStringLiteral("late")}, QStringLiteral("Sorry for the delay, it ships today.")}};
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestSendGridChannel::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestSendGridChannel::request(const QByteArray &method, const QString &path,
                                      const QByteArray &body)
{
    QNetworkRequest request{QUrl(url(path))};
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    request.setRawHeader("Authorization", "Bearer " + kToken);
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

QJsonObject TestSendGridChannel::waitForMessageState(const QString &messageId, const QString &state)
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
                   << "instead of" << state << message;
    return message;
}

QString TestSendGridChannel::waitForDraft(const QString &conversationId)
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
                if (message.value(QStringLiteral("author_kind")).toString() ==
                        QLatin1String("ai") &&
                    message.value(QStringLiteral("status")).toString() == QLatin1String("drafted"))
                    draftId = message.value(QStringLiteral("id")).toString();
            }
            return !draftId.isEmpty();
        },
        10000);
    return draftId;
}

QList<WebhookLogEntry> TestSendGridChannel::webhookLogs()
{
    auto logs = m_engine
                    ->read<QList<WebhookLogEntry>>([](QSqlDatabase &db) {
                        return ChannelStore(db).recentLogs(QStringLiteral("sendgrid"), 100);
                    })
                    .result();
    return logs.isOk() ? logs.value() : QList<WebhookLogEntry>();
}

QList<FakeSendGrid::FormField> TestSendGridChannel::inboundEmail(const QString &messageId,
                                                                 const QString &subject,
                                                                 const QString &text,
                                                                 const QString &references)
{
    QByteArray headers = "MIME-Version: 1.0\r\n"
                         "From: Ada Lovelace <ada@example.com>\r\n"
                         "To: help@parse.relaydesk.test\r\n"
                         "Subject: " +
                         subject.toUtf8() +
                         "\r\n"
                         "Message-ID: " +
                         messageId.toUtf8() + "\r\n";
    if (!references.isEmpty())
        headers += "In-Reply-To: " + references.section(QLatin1Char(' '), -1).toUtf8() +
                   "\r\nReferences: " + references.toUtf8() + "\r\n";
    headers += "Content-Type: multipart/alternative; boundary=\"000abc\"\r\n";
    return {{QStringLiteral("headers"), headers, {}, {}},
            {QStringLiteral("dkim"), "{@example.com : pass}", {}, {}},
            {QStringLiteral("to"), "help@parse.relaydesk.test", {}, {}},
            {QStringLiteral("from"), "Ada Lovelace <ada@example.com>", {}, {}},
            {QStringLiteral("text"), text.toUtf8() + "\r\n", {}, {}},
            {QStringLiteral("sender_ip"), "192.0.2.1", {}, {}},
            {QStringLiteral("envelope"),
             R"({"to":["help@parse.relaydesk.test"],"from":"ada@example.com"})",
             {},
             {}},
            {QStringLiteral("attachments"), "0", {}, {}},
            {QStringLiteral("subject"), subject.toUtf8(), {}, {}},
            {QStringLiteral("charsets"),
             R"({"to":"UTF-8","html":"UTF-8","subject":"UTF-8","from":"UTF-8","text":"UTF-8"})",
             {},
             {}},
            {QStringLiteral("SPF"), "pass", {}, {}}};
}

// --- signatures -------------------------------------------------------------------------------

void TestSendGridChannel::eventSignatureVectorFromFixture()
{
    const QJsonObject vector =
        fixtureJson(QStringLiteral("sendgrid/event_webhook_signature_vector.json"));
    QVERIFY2(!vector.isEmpty(), "fixture sendgrid/event_webhook_signature_vector.json not found");
    const QByteArray payload =
        fixtureBytes(QStringLiteral("sendgrid/event_webhook_signed_payload.bin"));
    QCOMPARE(payload.size(), 327);
    QVERIFY(payload.endsWith("\r\n"));
    const QString key = vector.value(QStringLiteral("public_key_base64_der")).toString();
    const QByteArray timestamp =
        vector.value(QStringLiteral("header_X-Twilio-Email-Event-Webhook-Timestamp"))
            .toString()
            .toLatin1();
    const QByteArray signature =
        vector.value(QStringLiteral("header_X-Twilio-Email-Event-Webhook-Signature"))
            .toString()
            .toLatin1();
    const QJsonObject negative = vector.value(QStringLiteral("negative_cases")).toObject();

    QVERIFY(EcdsaVerifier::isUsableKey(key));
    QVERIFY(SendGridChannel::verifyEventSignature(key, timestamp, payload, signature));
    // Tampered: another key, another signature, another payload or timestamp, a stripped CRLF.
    QVERIFY(!SendGridChannel::verifyEventSignature(
        negative.value(QStringLiteral("bad_public_key")).toString(), timestamp, payload,
        signature));
    QVERIFY(!SendGridChannel::verifyEventSignature(
        key, timestamp, payload,
        negative.value(QStringLiteral("bad_signature")).toString().toLatin1()));
    QVERIFY(!SendGridChannel::verifyEventSignature(
        key, timestamp, negative.value(QStringLiteral("bad_payload")).toString().toLatin1(),
        signature));
    QVERIFY(!SendGridChannel::verifyEventSignature(
        key, negative.value(QStringLiteral("bad_timestamp")).toString().toLatin1(), payload,
        signature));
    QVERIFY(!SendGridChannel::verifyEventSignature(key, timestamp, payload.chopped(2), signature));
    // Missing.
    QVERIFY(!SendGridChannel::verifyEventSignature(key, timestamp, payload, {}));
    QVERIFY(!SendGridChannel::verifyEventSignature(key, {}, payload, signature));
    QVERIFY(!SendGridChannel::verifyEventSignature({}, timestamp, payload, signature));
}

void TestSendGridChannel::eventSignatureAcceptsPemAndRejectsGarbage()
{
    const QJsonObject vector =
        fixtureJson(QStringLiteral("sendgrid/event_webhook_signature_vector.json"));
    const QString key = vector.value(QStringLiteral("public_key_base64_der")).toString();
    const QByteArray timestamp = "1600112502";
    const QByteArray payload =
        fixtureBytes(QStringLiteral("sendgrid/event_webhook_signed_payload.bin"));
    const QByteArray signature =
        vector.value(QStringLiteral("header_X-Twilio-Email-Event-Webhook-Signature"))
            .toString()
            .toLatin1();

    QString pem = QStringLiteral("-----BEGIN PUBLIC KEY-----\n");
    for (qsizetype i = 0; i < key.size(); i += 64)
        pem += key.mid(i, 64) + QLatin1Char('\n');
    pem += QStringLiteral("-----END PUBLIC KEY-----\n");
    QVERIFY(EcdsaVerifier::isUsableKey(pem));
    QVERIFY(SendGridChannel::verifyEventSignature(pem, timestamp, payload, signature));
    QVERIFY(SendGridChannel::verifyEventSignature(QStringLiteral("  ") + key + QStringLiteral("\n"),
                                                  timestamp, payload, signature));

    QString error;
    QVERIFY(!EcdsaVerifier::isUsableKey(QStringLiteral("not base64 !!"), &error));
    QVERIFY(error.contains(QStringLiteral("base64")));
    QVERIFY(!EcdsaVerifier::isUsableKey(QStringLiteral("aGVsbG8="), &error));
    QVERIFY(error.contains(QStringLiteral("SubjectPublicKeyInfo")));
    QVERIFY(!SendGridChannel::verifyEventSignature(key, timestamp, payload, "%%%not-base64%%%"));

    // Prefixes of the real key and signature, random bytes, random base64: false, never a crash.
    const QByteArray der = EcdsaVerifier::decodePublicKey(key);
    const QByteArray rawSignature = QByteArray::fromBase64(signature);
    const QByteArray signedMessage = timestamp + payload;
    QVERIFY(EcdsaVerifier::verify(key, signedMessage, rawSignature));
    QRandomGenerator random(4711);
    for (int i = 0; i < 400; ++i) {
        const QString truncatedKey =
            QString::fromLatin1(der.left(random.bounded(int(der.size()))).toBase64());
        QVERIFY(!EcdsaVerifier::verify(truncatedKey, signedMessage, rawSignature));
        QByteArray mutated = rawSignature;
        mutated[random.bounded(int(mutated.size()))] = char(random.bounded(256));
        if (mutated != rawSignature)
            QVERIFY(!EcdsaVerifier::verify(key, signedMessage, mutated));
        QVERIFY(!EcdsaVerifier::verify(
            key, signedMessage, rawSignature.left(random.bounded(int(rawSignature.size())))));
        QByteArray garbage(random.bounded(120), Qt::Uninitialized);
        for (char &c : garbage)
            c = char(random.bounded(256));
        QVERIFY(!EcdsaVerifier::verify(QString::fromLatin1(garbage.toBase64()), payload, garbage));
        QVERIFY(!EcdsaVerifier::verify(QString::fromLatin1(garbage), garbage, garbage));
        QVERIFY(!SendGridChannel::verifyEventSignature(key, garbage, garbage, garbage.toBase64()));
    }
}

void TestSendGridChannel::fakeSignsLikeSendGrid()
{
    const QByteArray payload = "[{\"event\":\"delivered\"}]\r\n";
    const QByteArray signature = m_fake->sign("1700000000", payload);
    QVERIFY(EcdsaVerifier::isUsableKey(m_fake->publicKey()));
    QVERIFY(SendGridChannel::verifyEventSignature(m_fake->publicKey(), "1700000000", payload,
                                                  signature));
    QVERIFY(!SendGridChannel::verifyEventSignature(m_fake->publicKey(), "1700000001", payload,
                                                   signature));
}

// --- inbound parsing --------------------------------------------------------------------------

void TestSendGridChannel::parsesDefaultFixture()
{
    const QByteArray lf =
        fixtureBytes(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt"));
    QVERIFY2(!lf.isEmpty(), "fixture sendgrid/inbound_parse_default.multipart.txt not found");
    for (const QByteArray &body : {lf, toCrlf(lf)}) {
        const auto message =
            SendGridChannel::parseInbound("multipart/form-data; boundary=xYzZY", body);
        QVERIFY2(message.isOk(), qPrintable(message.error().message));
        const Message &m = message.value();
        QVERIFY(m.platform == Platform::Email);
        QVERIFY(m.direction == Direction::Inbound);
        QVERIFY(m.authorKind == AuthorKind::Customer);
        QCOMPARE(m.userId, QStringLiteral("test@example.com"));
        QCOMPARE(m.content, QStringLiteral("Hello Twilio SendGrid!"));
        QCOMPARE(m.metadata.value(QStringLiteral("from")), QStringLiteral("test@example.com"));
        QCOMPARE(m.metadata.value(QStringLiteral("from_name")), QStringLiteral("Example User"));
        QCOMPARE(m.metadata.value(QStringLiteral("to")),
                 QStringLiteral("inbound@inbound.example.com"));
        QCOMPARE(m.metadata.value(QStringLiteral("subject")), QStringLiteral("Testing non-raw"));
        QVERIFY(!m.metadata.contains(QStringLiteral("message_id"))); // the sample has none
        QVERIFY(!m.metadata.contains(QStringLiteral("attachments")));
        // No Message-ID: the content identifies the e-mail, stably.
        QVERIFY(m.clientMessageId.startsWith(QStringLiteral("sendgrid:sha256:")));
        QCOMPARE(SendGridChannel::parseInbound("multipart/form-data; boundary=\"xYzZY\"", body)
                     .value()
                     .clientMessageId,
                 m.clientMessageId);
    }
}

void TestSendGridChannel::parsesRawFixtures()
{
    const auto raw = SendGridChannel::parseInbound(
        "multipart/form-data; boundary=xYzZY",
        toCrlf(fixtureBytes(QStringLiteral("sendgrid/inbound_parse_raw.multipart.txt"))));
    QVERIFY2(raw.isOk(), qPrintable(raw.error().message));
    QCOMPARE(raw.value().userId, QStringLiteral("test@example.com"));
    QCOMPARE(raw.value().content, QStringLiteral("Hello Twilio SendGrid!"));
    QCOMPARE(raw.value().metadata.value(QStringLiteral("to")),
             QStringLiteral("inbound@inbound.inbound.com"));
    // The form's subject field wins over the header of the raw message.
    QCOMPARE(raw.value().metadata.value(QStringLiteral("subject")),
             QStringLiteral("Testing with Request.bin"));

    const auto withAttachment = SendGridChannel::parseInbound(
        "multipart/form-data; boundary=xYzZY",
        fixtureBytes(QStringLiteral("sendgrid/inbound_parse_raw_with_attachments.multipart.txt")));
    QVERIFY2(withAttachment.isOk(), qPrintable(withAttachment.error().message));
    QCOMPARE(withAttachment.value().content, QStringLiteral("Hello Twilio SendGrid!"));
    QCOMPARE(withAttachment.value().metadata.value(QStringLiteral("attachments")),
             QStringLiteral("SendGrid.jpg (image/jpeg, 10295 bytes)"));
    QCOMPARE(withAttachment.value().metadata.value(QStringLiteral("subject")),
             QStringLiteral("Raw Payload"));
}

void TestSendGridChannel::extractsThreadingHeadersAndFallsBackToHtml()
{
    const QList<FakeSendGrid::FormField> fields{
        {QStringLiteral("headers"),
         "From: =?UTF-8?Q?Ren=C3=A9e?= <Renee@Example.COM>\r\n"
         "Subject: =?UTF-8?B?UmU6IGNhZsOp?=\r\n"
         "Message-ID: <abc.123@mail.example.com>\r\n"
         "In-Reply-To: <first@relay.test>\r\n"
         "References: <root@mail.example.com>\r\n"
         " <first@relay.test>\r\n",
         {},
         {}},
        {QStringLiteral("html"), "<p>Caf&#233;?</p><p>It&#39;s <b>cold</b>.</p>", {}, {}},
        {QStringLiteral("text"), "  \r\n", {}, {}},
        {QStringLiteral("envelope"),
         R"({"to":["help@parse.relaydesk.test"],"from":"renee@example.com"})",
         {},
         {}}};
    const auto message = SendGridChannel::parseInbound("multipart/form-data; boundary=zz",
                                                       FakeSendGrid::multipartBody(fields, "zz"));
    QVERIFY2(message.isOk(), qPrintable(message.error().message));
    const Message &m = message.value();
    QCOMPARE(m.userId, QStringLiteral("renee@example.com"));
    QCOMPARE(m.metadata.value(QStringLiteral("from_name")), QString::fromUtf8("Ren\xc3\xa9"
                                                                              "e"));
    QCOMPARE(m.metadata.value(QStringLiteral("to")), QStringLiteral("help@parse.relaydesk.test"));
    QCOMPARE(m.metadata.value(QStringLiteral("subject")), QString::fromUtf8("Re: caf\xc3\xa9"));
    QCOMPARE(m.metadata.value(QStringLiteral("message_id")),
             QStringLiteral("<abc.123@mail.example.com>"));
    QCOMPARE(m.metadata.value(QStringLiteral("in_reply_to")), QStringLiteral("<first@relay.test>"));
    QCOMPARE(m.metadata.value(QStringLiteral("references")),
             QStringLiteral("<root@mail.example.com> <first@relay.test>"));
    QCOMPARE(m.content, QString::fromUtf8("Caf\xc3\xa9?\n\nIt's cold."));
    QCOMPARE(m.clientMessageId, QStringLiteral("sendgrid:abc.123@mail.example.com"));
}

void TestSendGridChannel::describesUploadedAttachments()
{
    const QList<FakeSendGrid::FormField> fields{
        {QStringLiteral("from"), "Sender Name example@example.com", {}, {}},
        {QStringLiteral("text"), "Here's an email with multiple attachments\n", {}, {}},
        {QStringLiteral("attachments"), "2", {}, {}},
        {QStringLiteral("attachment-info"),
         R"({"attachment2":{"filename":"DockMcWordface.docx","name":"DockMcWordface.docx","type":"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},"attachment1":{"filename":"MG_2359.jpg","name":"_MG_2359.jpg","type":"image/jpeg","content-id":"ii_1562e2169c132d83"}})",
         {},
         {}},
        {QStringLiteral("attachment1"), QByteArray("\xff\xd8\xff\xe0\r\n--not-a-boundary", 22),
         QStringLiteral("MG_2359.jpg"), "image/jpeg"},
        {QStringLiteral("attachment2"), QByteArray(300, 'w'), QStringLiteral("DockMcWordface.docx"),
         "application/octet-stream"}};
    const auto message = SendGridChannel::parseInbound(
        "multipart/form-data; boundary=xYzZY", FakeSendGrid::multipartBody(fields, "xYzZY"));
    QVERIFY2(message.isOk(), qPrintable(message.error().message));
    // The docs' var_dump shows the flattened "Name address" form: the address is still found.
    QCOMPARE(message.value().userId, QStringLiteral("example@example.com"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("from_name")),
             QStringLiteral("Sender Name"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("attachments")),
             QStringLiteral("MG_2359.jpg (image/jpeg, 22 bytes); DockMcWordface.docx "
                            "(application/vnd.openxmlformats-officedocument.wordprocessingml."
                            "document, 300 bytes)"));
}

void TestSendGridChannel::rejectsWhatIsNotAnEmail()
{
    QVERIFY(SendGridChannel::parseInbound("application/json", "{}").error().kind ==
            ErrorKind::Invalid);
    QVERIFY(SendGridChannel::parseInbound("multipart/form-data", "--x--").error().kind ==
            ErrorKind::Invalid);
    const auto noSender = SendGridChannel::parseInbound(
        "multipart/form-data; boundary=b",
        FakeSendGrid::multipartBody({{QStringLiteral("text"), "hi", {}, {}}}, "b"));
    QVERIFY(!noSender.isOk());
    QVERIFY(noSender.error().message.contains(QStringLiteral("sender")));
}

void TestSendGridChannel::addressParsing()
{
    QCOMPARE(SendGridChannel::addressOf(QStringLiteral("\"Doe, Jane\" <Jane.Doe@Example.com>")),
             QStringLiteral("jane.doe@example.com"));
    QCOMPARE(SendGridChannel::displayNameOf(QStringLiteral("\"Doe, Jane\" <Jane.Doe@Example.com>")),
             QStringLiteral("Doe, Jane"));
    QCOMPARE(SendGridChannel::addressOf(QStringLiteral("plain@example.com")),
             QStringLiteral("plain@example.com"));
    QCOMPARE(SendGridChannel::displayNameOf(QStringLiteral("plain@example.com")), QString());
    QCOMPARE(SendGridChannel::addressOf(QStringLiteral("no address here")), QString());
    QCOMPARE(SendGridChannel::addressOf(QStringLiteral("<@>")), QString());
    QCOMPARE(SendGridChannel::messageIdPrefix(QStringLiteral(
                 "LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0")),
             QStringLiteral("LRzXl_NHStOGhQ4kofSm_A"));
    QCOMPARE(SendGridChannel::messageIdPrefix(QStringLiteral("nodots")), QStringLiteral("nodots"));
}

void TestSendGridChannel::parsesEventBatches()
{
    const auto signedBatch = SendGridChannel::parseEvents(
        fixtureBytes(QStringLiteral("sendgrid/event_webhook_signed_payload.bin")));
    QVERIFY2(signedBatch.isOk(), qPrintable(signedBatch.error().message));
    QCOMPARE(signedBatch.value().size(), 1);
    const SendGridEvent dropped = signedBatch.value().first();
    QCOMPARE(dropped.event, QStringLiteral("dropped"));
    QVERIFY(dropped.type == EventType::Failed);
    QCOMPARE(dropped.detail, QStringLiteral("dropped: Bounced Address"));
    QCOMPARE(dropped.messageId, QStringLiteral("LRzXl_NHStOGhQ4kofSm_A"));
    QCOMPARE(dropped.eventId,
             QStringLiteral("ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA"));
    QCOMPARE(SendGridChannel::receiptKey(dropped),
             QStringLiteral("sendgrid:event:ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA"));

    const auto documented = SendGridChannel::parseEvents(
        fixtureBytes(QStringLiteral("sendgrid/docs_event_webhook_all_event_types.json")));
    QVERIFY2(documented.isOk(), qPrintable(documented.error().message));
    QCOMPARE(documented.value().size(), 11);
    QMap<QString, SendGridEvent> byType;
    for (const SendGridEvent &event : documented.value())
        byType.insert(event.event, event);
    QVERIFY(byType.value(QStringLiteral("delivered")).type == EventType::Delivered);
    QCOMPARE(byType.value(QStringLiteral("delivered")).detail, QStringLiteral("delivered: 250 OK"));
    QVERIFY(byType.value(QStringLiteral("bounce")).type == EventType::Failed);
    QCOMPARE(byType.value(QStringLiteral("bounce")).detail,
             QStringLiteral("bounce: 500 unknown recipient (5.0.0)"));
    QCOMPARE(byType.value(QStringLiteral("dropped")).detail,
             QStringLiteral("dropped: Bounced Address (5.0.0)"));
    for (const QString &interim :
         {QStringLiteral("processed"), QStringLiteral("deferred"), QStringLiteral("open"),
          QStringLiteral("click"), QStringLiteral("spamreport"), QStringLiteral("unsubscribe")})
        QVERIFY2(!byType.value(interim).type, qPrintable(interim));

    QVERIFY(!SendGridChannel::parseEvents("{\"event\":\"delivered\"}").isOk());
    QVERIFY(!SendGridChannel::parseEvents("[{").isOk());
    QCOMPARE(SendGridChannel::parseEvents("[1, \"x\", null, {\"no\":\"event\"}]").value().size(),
             0);
    // Without sg_event_id the event itself is its key, so a redelivery is still recognised.
    const auto anonymous =
        SendGridChannel::parseEvents(R"([{"event":"delivered","sg_message_id":"a.b"}])");
    QCOMPARE(anonymous.value().first().eventId.size(), 64);
}

// --- outbound ---------------------------------------------------------------------------------

void TestSendGridChannel::mailPayloadThreadsTheReply()
{
    const auto payload =
        SendGridChannel::mailPayload(replyContext(QStringLiteral("It ships today.")),
                                     channelSettings(QStringLiteral("http://x")));
    QVERIFY2(payload.isOk(), qPrintable(payload.error().message));
    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "personalizations": [{"to": [{"email": "ada@example.com", "name": "Ada Lovelace"}]}],
        "from": {"email": "support@relaydesk.test", "name": "Relaydesk Support"},
        "reply_to": {"email": "help@parse.relaydesk.test"},
        "subject": "Re: Order #12 is late",
        "content": [{"type": "text/plain", "value": "It ships today."}],
        "headers": {
            "In-Reply-To": "<m2@mail.example.com>",
            "References": "<m0@mail.example.com> <m1@relay.test> <m2@mail.example.com>"
        }
    })")
                                     .object();
    QCOMPARE(payload.value(), expected);
    QCOMPARE(
        SendGridChannel::mailSendUrl(channelSettings(QStringLiteral("https://api.sendgrid.com/"))),
        QUrl(QStringLiteral("https://api.sendgrid.com/v3/mail/send")));
}

void TestSendGridChannel::mailPayloadSubjectsAndRefusals()
{
    const SendGridSettings settings = channelSettings(QStringLiteral("http://x"));
    OutboundContext context = replyContext(QStringLiteral("Hello"));
    context.lastInbound->metadata.insert(QStringLiteral("subject"),
                                         QStringLiteral("RE: already a reply"));
    QCOMPARE(SendGridChannel::mailPayload(context, settings)
                 .value()
                 .value(QStringLiteral("subject"))
                 .toString(),
             QStringLiteral("RE: already a reply"));
    context.message.metadata.insert(QStringLiteral("subject"), QStringLiteral("Your invoice"));
    QCOMPARE(SendGridChannel::mailPayload(context, settings)
                 .value()
                 .value(QStringLiteral("subject"))
                 .toString(),
             QStringLiteral("Your invoice"));

    // A first message (no inbound to answer): the first line stands in for the subject, no
    // threading headers, and attachments become links.
    OutboundContext first;
    first.message.platform = Platform::Email;
    first.message.userId = QStringLiteral("bob@example.com");
    first.message.content = QStringLiteral("Your refund is on its way\nDetails follow.");
    first.message.attachments = {Attachment{QStringLiteral("https://files.example.com/r.pdf"), {}}};
    const auto payload = SendGridChannel::mailPayload(first, settings);
    QVERIFY2(payload.isOk(), qPrintable(payload.error().message));
    QCOMPARE(payload.value().value(QStringLiteral("subject")).toString(),
             QStringLiteral("Your refund is on its way"));
    QVERIFY(!payload.value().contains(QStringLiteral("headers")));
    QVERIFY(!payload.value().contains(QStringLiteral("reply_to")));
    QCOMPARE(payload.value()[QStringLiteral("content")][0][QStringLiteral("value")].toString(),
             QStringLiteral(
                 "Your refund is on its way\nDetails follow.\n\nhttps://files.example.com/r.pdf"));

    OutboundContext nobody = first;
    nobody.message.userId = QStringLiteral("not-an-address");
    QVERIFY(SendGridChannel::mailPayload(nobody, settings)
                .error()
                .message.contains(QStringLiteral("recipient")));
    SendGridSettings noFrom = settings;
    noFrom.from.clear();
    QVERIFY(SendGridChannel::mailPayload(first, noFrom)
                .error()
                .message.contains(QStringLiteral("from")));
    OutboundContext empty = first;
    empty.message.content = QStringLiteral("  ");
    empty.message.attachments.clear();
    QVERIFY(SendGridChannel::mailPayload(empty, settings)
                .error()
                .message.contains(QStringLiteral("nothing")));
}

void TestSendGridChannel::resultsMapSendGridAnswers()
{
    const SendResult accepted =
        SendGridChannel::resultFor(202, {}, "LRzXl_NHStOGhQ4kofSm_A", {}, {}, {});
    QVERIFY(accepted.ok);
    QCOMPARE(accepted.externalId, QStringLiteral("LRzXl_NHStOGhQ4kofSm_A"));

    const SendResult invalid = SendGridChannel::resultFor(
        400,
        R"({"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":null},{"message":"Bad","field":null}]})",
        {}, {}, {}, {});
    QVERIFY(!invalid.ok);
    QVERIFY(!invalid.retryable);
    QCOMPARE(invalid.error,
             QStringLiteral("SendGrid answered HTTP 400: Does not contain a valid address. "
                            "(field personalizations.0.to.0.email); Bad"));

    const QByteArray reset = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 42);
    const SendResult limited = SendGridChannel::resultFor(
        429, R"({"errors":[{"field":null,"message":"too many requests"}]})", {}, {}, reset, {});
    QVERIFY(limited.retryable);
    QVERIFY2(limited.retryAfterSeconds >= 40 && limited.retryAfterSeconds <= 42,
             qPrintable(QString::number(limited.retryAfterSeconds)));
    QCOMPARE(SendGridChannel::resultFor(429, {}, {}, "7", reset, {}).retryAfterSeconds, 7);
    QVERIFY(SendGridChannel::resultFor(503, {}, {}, {}, {}, {}).retryable);
    QVERIFY(!SendGridChannel::resultFor(401, {}, {}, {}, {}, {}).retryable);
    QVERIFY(!SendGridChannel::resultFor(403, "garbage", {}, {}, {}, {}).retryable);
    const SendResult down =
        SendGridChannel::resultFor(0, {}, {}, {}, {}, QStringLiteral("Connection refused"));
    QVERIFY(down.retryable);
    QVERIFY(down.error.contains(QStringLiteral("Connection refused")));
}

void TestSendGridChannel::sendPostsExactlyWhatSendGridExpects()
{
    QNetworkAccessManager network;
    SendGridChannel channel(&network, channelSettings(m_fake->baseUrl()));
    QCOMPARE(channel.name(), QStringLiteral("sendgrid"));
    QVERIFY(channel.handles(Platform::Email));
    QVERIFY(!channel.handles(Platform::Sms));
    const OutboundContext context = replyContext(QStringLiteral("It ships today."));
    const SendResult result = QCoro::waitFor(channel.send(context));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(m_fake->server().requestCount(), 1);
    const RecordedRequest request = m_fake->server().requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QStringLiteral("/v3/mail/send"));
    QCOMPARE(request.header("Authorization"), "Bearer " + kApiKey.toUtf8());
    QCOMPARE(request.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(QJsonDocument::fromJson(request.body).object(),
             SendGridChannel::mailPayload(context, channelSettings(m_fake->baseUrl())).value());
    QCOMPARE(result.externalId, m_fake->messageIds().first());
    QCOMPARE(result.externalId.size(), 22);
    QVERIFY(channel.health().lastSuccessAt.isValid());
    QCOMPARE(channel.health().consecutiveFailures, 0);
}

void TestSendGridChannel::sendFailuresCarryTheErrorAndRetryHints()
{
    QNetworkAccessManager network;
    const OutboundContext context = replyContext(QStringLiteral("Hi"));

    SendGridSettings wrongKey = channelSettings(m_fake->baseUrl());
    wrongKey.apiKey = QStringLiteral("SG.revoked");
    SendGridChannel unauthorised(&network, wrongKey);
    const SendResult denied = QCoro::waitFor(unauthorised.send(context));
    QVERIFY(!denied.ok);
    QVERIFY(!denied.retryable);
    QVERIFY2(denied.error.contains(QStringLiteral("authorization grant is invalid")),
             qPrintable(denied.error));

    SendGridChannel channel(&network, channelSettings(m_fake->baseUrl()));
    m_fake->queueError(
        403, QStringLiteral("The from address does not match a verified Sender Identity."),
        QStringLiteral("from"));
    const SendResult forbidden = QCoro::waitFor(channel.send(context));
    QVERIFY(!forbidden.retryable);
    QVERIFY(forbidden.error.contains(QStringLiteral("verified Sender Identity. (field from)")));

    m_fake->queueRateLimit(30);
    const SendResult limited = QCoro::waitFor(channel.send(context));
    QVERIFY(!limited.ok);
    QVERIFY(limited.retryable);
    QVERIFY2(limited.retryAfterSeconds >= 28 && limited.retryAfterSeconds <= 30,
             qPrintable(QString::number(limited.retryAfterSeconds)));
    QVERIFY(limited.error.contains(QStringLiteral("too many requests")));

    m_fake->server().queueResponse(FakeResponse::json(502, "{}"));
    QVERIFY(QCoro::waitFor(channel.send(context)).retryable);
    QCOMPARE(channel.health().consecutiveFailures, 3);
    QVERIFY(channel.health().lastError.contains(QStringLiteral("502")));

    // Nothing listens on a closed port: unreachable, worth retrying.
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    SendGridChannel offline(&network,
                            channelSettings(QStringLiteral("http://127.0.0.1:%1").arg(closedPort)));
    const SendResult unreachable = QCoro::waitFor(offline.send(context));
    QVERIFY(unreachable.retryable);
    QVERIFY(unreachable.error.startsWith(QStringLiteral("SendGrid is unreachable")));

    // A message that cannot be addressed is refused without a request and without hurting health.
    OutboundContext nobody = context;
    nobody.message.metadata.clear();
    nobody.message.userId.clear();
    nobody.lastInbound.reset();
    const int before = m_fake->server().requestCount();
    const SendResult refused = QCoro::waitFor(channel.send(nobody));
    QVERIFY(!refused.ok);
    QVERIFY(!refused.retryable);
    QCOMPARE(m_fake->server().requestCount(), before);
    QCOMPARE(channel.health().consecutiveFailures, 3);
}

void TestSendGridChannel::fakeMatchesTheFixtures()
{
    // Events carry every field of the documented event of their type.
    const QJsonArray documented =
        QJsonDocument::fromJson(
            fixtureBytes(QStringLiteral("sendgrid/docs_event_webhook_all_event_types.json")))
            .array();
    for (const QString &type :
         {QStringLiteral("delivered"), QStringLiteral("bounce"), QStringLiteral("dropped")}) {
        const QJsonObject event =
            m_fake->event(type, QStringLiteral("abc"), QStringLiteral("x@example.com"));
        for (const QJsonValue &value : documented) {
            if (value.toObject().value(QStringLiteral("event")).toString() != type)
                continue;
            for (const QString &key : value.toObject().keys())
                QVERIFY2(event.contains(key), qPrintable(type + QLatin1Char('.') + key));
        }
        QVERIFY(event.value(QStringLiteral("sg_message_id"))
                    .toString()
                    .startsWith(QStringLiteral("abc.")));
    }
    // Its Inbound Parse bodies parse like the recorded one, field for field.
    const auto recorded = MultipartParser::parse(
        "multipart/form-data; boundary=xYzZY",
        fixtureBytes(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt")));
    QList<FakeSendGrid::FormField> fields;
    for (const MultipartPart &part : recorded.value())
        fields.append({part.name, part.body, part.filename, part.contentType});
    const auto rebuilt = MultipartParser::parse("multipart/form-data; boundary=xYzZY",
                                                FakeSendGrid::multipartBody(fields, "xYzZY"));
    QVERIFY(rebuilt.isOk());
    QCOMPARE(rebuilt.value().size(), recorded.value().size());
    for (qsizetype i = 0; i < rebuilt.value().size(); ++i) {
        QCOMPARE(rebuilt.value()[i].name, recorded.value()[i].name);
        QCOMPARE(rebuilt.value()[i].body, recorded.value()[i].body);
    }
    // Its 429 carries SendGrid's rate-limit headers and error body.
    m_fake->queueRateLimit(60);
    const FakeSendGrid::Answer limited =
        m_fake->post(QUrl(m_fake->baseUrl() + QStringLiteral("/v3/mail/send")), "application/json",
                     "{}", {{"Authorization", "Bearer " + kApiKey.toUtf8()}});
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json()[QStringLiteral("errors")][0][QStringLiteral("message")].toString(),
             QStringLiteral("too many requests"));
    const RecordedRequest last = m_fake->server().requests().last();
    QCOMPARE(last.path, QStringLiteral("/v3/mail/send"));
}

// --- through the server -----------------------------------------------------------------------

void TestSendGridChannel::inboundWebhookStoresAndDeduplicates()
{
    startStack();
    const QUrl inbound(url(QStringLiteral("/api/v1/webhooks/sendgrid/inbound")));
    const QByteArray body =
        toCrlf(fixtureBytes(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt")));
    const FakeSendGrid::Answer first =
        m_fake->post(inbound, "multipart/form-data; boundary=xYzZY", body);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().value(QStringLiteral("duplicate")).toBool(), false);
    const QString id = first.json().value(QStringLiteral("id")).toString();
    const QJsonObject stored = get(QStringLiteral("/api/v1/messages/") + id).json;
    QCOMPARE(stored.value(QStringLiteral("platform")).toString(), QStringLiteral("email"));
    QCOMPARE(stored.value(QStringLiteral("content")).toString(),
             QStringLiteral("Hello Twilio SendGrid!"));
    QCOMPARE(stored[QStringLiteral("metadata")][QStringLiteral("subject")].toString(),
             QStringLiteral("Testing non-raw"));

    // SendGrid redelivers after a timeout: acknowledged, not stored twice.
    const FakeSendGrid::Answer again =
        m_fake->post(inbound, "multipart/form-data; boundary=xYzZY", body);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().value(QStringLiteral("duplicate")).toBool(), true);
    QCOMPARE(again.json().value(QStringLiteral("id")).toString(), id);

    QCOMPARE(m_fake->post(inbound, "application/json", "{}").status, 400);
    QCOMPARE(
        m_fake->post(inbound, "multipart/form-data; boundary=xYzZY", "--xYzZY\r\ntruncated").status,
        400);

    int customerMessages = 0;
    for (const QJsonValue &message :
         get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray())
        customerMessages += message.toObject().value(QStringLiteral("author_kind")).toString() ==
                            QLatin1String("customer");
    QCOMPARE(customerMessages, 1);
    // Unsigned, so logged as unverified: accepted, duplicate and the two bad requests.
    QTRY_COMPARE_WITH_TIMEOUT(webhookLogs().size(), 4, 5000);
    for (const WebhookLogEntry &entry : webhookLogs())
        QVERIFY(!entry.verified);
}

void TestSendGridChannel::replayedEventsAreIgnoredAndStaleOnesRefused()
{
    startStack();
    const QUrl events(url(QStringLiteral("/api/v1/webhooks/sendgrid/events")));
    const QByteArray payload =
        QJsonDocument(QJsonArray{m_fake->event(QStringLiteral("delivered"),
                                               QStringLiteral("replay-test-message"),
                                               QStringLiteral("customer@example.com"))})
            .toJson(QJsonDocument::Compact) +
        "\r\n";
    const QByteArray now = QByteArray::number(QDateTime::currentSecsSinceEpoch());
    const QByteArray signature = m_fake->sign(now, payload);

    const FakeSendGrid::Answer first = m_fake->postSigned(events, payload, now, signature);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().value(QStringLiteral("duplicates")).toInt(), 0);
    // Replayed as captured, within the tolerance: the event id is remembered.
    const FakeSendGrid::Answer replay = m_fake->postSigned(events, payload, now, signature);
    QCOMPARE(replay.status, 200);
    QCOMPARE(replay.json().value(QStringLiteral("duplicates")).toInt(), 1);

    // Correctly signed, but older or newer than the tolerance: refused.
    const int tolerance = m_settings.webhookToleranceSeconds;
    for (const qint64 skew : {-qint64(tolerance) - 5, qint64(tolerance) + 5}) {
        const QByteArray stale = QByteArray::number(QDateTime::currentSecsSinceEpoch() + skew);
        const FakeSendGrid::Answer refused =
            m_fake->postSigned(events, payload, stale, m_fake->sign(stale, payload));
        QCOMPARE(refused.status, 401);
        QVERIFY2(refused.json()
                     .value(QStringLiteral("detail"))
                     .toString()
                     .contains(QStringLiteral("Timestamp")),
                 refused.body.constData());
    }
}

void TestSendGridChannel::eventWebhookVerifiesTheFixtureSignature()
{
    const QJsonObject vector =
        fixtureJson(QStringLiteral("sendgrid/event_webhook_signature_vector.json"));
    startStack(vector.value(QStringLiteral("public_key_base64_der")).toString());
    const QUrl events(url(QStringLiteral("/api/v1/webhooks/sendgrid/events")));
    const QByteArray payload =
        fixtureBytes(QStringLiteral("sendgrid/event_webhook_signed_payload.bin"));
    const QByteArray timestamp = "1600112502";
    // The recorded signature is from the past; stale timestamps are refused as replays, so
    // the server's clock is moved to when it was signed.
    Clock::setOffsetForTesting(timestamp.toLongLong() * 1000 - QDateTime::currentMSecsSinceEpoch());
    const auto resetClock = qScopeGuard([] { Clock::setOffsetForTesting(0); });
    const QByteArray signature =
        vector.value(QStringLiteral("header_X-Twilio-Email-Event-Webhook-Signature"))
            .toString()
            .toLatin1();

    const FakeSendGrid::Answer valid = m_fake->postSigned(events, payload, timestamp, signature);
    QCOMPARE(valid.status, 200);
    // Verified, but the message is not one of ours.
    QCOMPARE(valid.json().value(QStringLiteral("unknown")).toInt(), 1);
    const FakeSendGrid::Answer duplicate =
        m_fake->postSigned(events, payload, timestamp, signature);
    QCOMPARE(duplicate.status, 200);
    QCOMPARE(duplicate.json().value(QStringLiteral("duplicates")).toInt(), 1);

    QByteArray tampered = payload;
    tampered.replace("Bounced Address", "Bounced Addrezz");
    QCOMPARE(m_fake->postSigned(events, tampered, timestamp, signature).status, 401);
    QCOMPARE(m_fake->postSigned(events, payload, "1600112503", signature).status, 401);
    QCOMPARE(m_fake->postSigned(events, payload, timestamp, {}).status, 401);
    QCOMPARE(m_fake->post(events, "application/json", payload).status, 401);
    const FakeSendGrid::Answer rejected = m_fake->postSigned(events, payload, {}, signature);
    QCOMPARE(rejected.status, 401);
    QCOMPARE(rejected.json().value(QStringLiteral("type")).toString(),
             QStringLiteral("https://relaydesk.dev/problems/invalid-signature"));
}

void TestSendGridChannel::endToEndConversation()
{
    startStack();
    const QUrl inbound(url(QStringLiteral("/api/v1/webhooks/sendgrid/inbound")));
    // 1. The customer writes.
    const FakeSendGrid::Answer accepted = m_fake->postInbound(
        inbound, inboundEmail(QStringLiteral("<first.1@mail.example.com>"),
                              QStringLiteral("Order #12 is late"),
                              QStringLiteral("My order is late, where is it?")));
    QCOMPARE(accepted.status, 200);
    const QString conversationId =
        accepted.json().value(QStringLiteral("conversation_id")).toString();
    QVERIFY(!conversationId.isEmpty());

    // 2. The offline responder drafts; review mode holds it.
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    QCOMPARE(get(QStringLiteral("/api/v1/messages/") + draftId)
                 .json.value(QStringLiteral("content"))
                 .toString(),
             QStringLiteral("Sorry for the delay, it ships today."));
    QCOMPARE(m_fake->mails().size(), 0);

    // 3. The operator approves; the reply goes out through SendGrid, threaded.
    QCOMPARE(
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"), {}).status,
        202);
    QVERIFY(m_fake->waitForMails(1));
    const QJsonObject mail = m_fake->mails().first();
    QCOMPARE(mail[QStringLiteral("personalizations")][0][QStringLiteral("to")][0]
                 [QStringLiteral("email")]
                     .toString(),
             QStringLiteral("ada@example.com"));
    QCOMPARE(
        mail[QStringLiteral("personalizations")][0][QStringLiteral("to")][0][QStringLiteral("name")]
            .toString(),
        QStringLiteral("Ada Lovelace"));
    QCOMPARE(mail[QStringLiteral("from")][QStringLiteral("email")].toString(),
             QStringLiteral("support@relaydesk.test"));
    QCOMPARE(mail[QStringLiteral("reply_to")][QStringLiteral("email")].toString(),
             QStringLiteral("help@parse.relaydesk.test"));
    QCOMPARE(mail[QStringLiteral("subject")].toString(), QStringLiteral("Re: Order #12 is late"));
    QCOMPARE(mail[QStringLiteral("headers")][QStringLiteral("In-Reply-To")].toString(),
             QStringLiteral("<first.1@mail.example.com>"));
    QCOMPARE(mail[QStringLiteral("headers")][QStringLiteral("References")].toString(),
             QStringLiteral("<first.1@mail.example.com>"));
    QCOMPARE(mail[QStringLiteral("content")][0][QStringLiteral("value")].toString(),
             QStringLiteral("Sorry for the delay, it ships today."));
    const QJsonObject sent = waitForMessageState(draftId, QStringLiteral("sent"));
    QCOMPARE(
        sent.value(QStringLiteral("events")).toArray().last()[QStringLiteral("detail")].toString(),
        m_fake->messageIds().first());

    // 4. SendGrid reports delivery (signed, with the sg_message_id suffix); a redelivery of the
    // same event changes nothing.
    const QJsonArray delivered{m_fake->event(QStringLiteral("delivered"),
                                             m_fake->messageIds().first(),
                                             QStringLiteral("ada@example.com")),
                               m_fake->event(QStringLiteral("open"), m_fake->messageIds().first(),
                                             QStringLiteral("ada@example.com"))};
    const QUrl events(url(QStringLiteral("/api/v1/webhooks/sendgrid/events")));
    const FakeSendGrid::Answer recorded = m_fake->postEvents(events, delivered);
    QCOMPARE(recorded.status, 200);
    QCOMPARE(recorded.json().value(QStringLiteral("recorded")).toInt(), 1);
    QCOMPARE(recorded.json().value(QStringLiteral("ignored")).toInt(), 1);
    QCOMPARE(
        m_fake->postEvents(events, delivered).json().value(QStringLiteral("duplicates")).toInt(),
        1);
    const QJsonObject done = waitForMessageState(draftId, QStringLiteral("delivered"));
    int deliveredEvents = 0;
    for (const QJsonValue &event : done.value(QStringLiteral("events")).toArray())
        deliveredEvents += event[QStringLiteral("type")].toString() == QLatin1String("delivered");
    QCOMPARE(deliveredEvents, 1);

    // 5. Visible in the conversation.
    const QJsonObject conversation =
        get(QStringLiteral("/api/v1/conversations/") + conversationId).json;
    QCOMPARE(conversation.value(QStringLiteral("platform")).toString(), QStringLiteral("email"));
    QStringList seen;
    for (const QJsonValue &message : conversation.value(QStringLiteral("messages")).toArray())
        seen << message[QStringLiteral("author_kind")].toString() + QLatin1Char(':') +
                    message[QStringLiteral("status")].toString();
    QVERIFY2(seen.contains(QStringLiteral("ai:delivered")),
             qPrintable(seen.join(QLatin1Char(' '))));
    QCOMPARE(seen.size(), 2);

    // 6. The customer answers from their mail client: References carry the thread, so it joins.
    const FakeSendGrid::Answer followUp = m_fake->postInbound(
        inbound, inboundEmail(QStringLiteral("<second.2@mail.example.com>"),
                              QStringLiteral("Re: Order #12 is late"), QStringLiteral("Thanks!"),
                              QStringLiteral("<first.1@mail.example.com> <sg-reply@relay>")));
    QCOMPARE(followUp.status, 200);
    QCOMPARE(followUp.json().value(QStringLiteral("conversation_id")).toString(), conversationId);
}

void TestSendGridChannel::rejectedSendIsDeadLetteredAndRetryable()
{
    startStack();
    const FakeSendGrid::Answer accepted =
        m_fake->postInbound(QUrl(url(QStringLiteral("/api/v1/webhooks/sendgrid/inbound"))),
                            inboundEmail(QStringLiteral("<dl@mail.example.com>"),
                                         QStringLiteral("Help"), QStringLiteral("Hello?")));
    const QString conversationId =
        accepted.json().value(QStringLiteral("conversation_id")).toString();
    m_fake->queueError(
        403, QStringLiteral("The from address does not match a verified Sender Identity."),
        QStringLiteral("from"));
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("We are on it.")}})
            .json.value(QStringLiteral("id"))
            .toString();
    QVERIFY(!messageId.isEmpty());
    const QJsonObject dead = waitForMessageState(messageId, QStringLiteral("dead_lettered"));
    QVERIFY(dead.value(QStringLiteral("events"))
                .toArray()
                .last()[QStringLiteral("detail")]
                .toString()
                .contains(QStringLiteral("verified Sender Identity")));
    QCOMPARE(m_fake->server().requestCount(), 1); // a 403 is not retried
    const QJsonArray jobs =
        get(QStringLiteral("/api/v1/jobs?state=dead")).json.value(QStringLiteral("data")).toArray();
    QCOMPARE(jobs.size(), 1);
    QVERIFY(
        jobs.first()[QStringLiteral("last_error")].toString().contains(QStringLiteral("HTTP 403")));

    // Fixed on SendGrid's side: the operator re-sends it.
    QCOMPARE(post(QStringLiteral("/api/v1/jobs/") + jobs.first()[QStringLiteral("id")].toString() +
                      QStringLiteral("/retry"),
                  {})
                 .status,
             202);
    waitForMessageState(messageId, QStringLiteral("sent"));
    QCOMPARE(m_fake->mails().size(), 1);
    QCOMPARE(m_fake->mails().first()[QStringLiteral("subject")].toString(),
             QStringLiteral("Re: Help"));
}

void TestSendGridChannel::rateLimitedSendIsRetried()
{
    startStack();
    const FakeSendGrid::Answer accepted =
        m_fake->postInbound(QUrl(url(QStringLiteral("/api/v1/webhooks/sendgrid/inbound"))),
                            inboundEmail(QStringLiteral("<rl@mail.example.com>"),
                                         QStringLiteral("Busy"), QStringLiteral("Hi")));
    const QString conversationId =
        accepted.json().value(QStringLiteral("conversation_id")).toString();
    m_fake->queueRateLimit(1);
    m_fake->server().queueResponse(
        FakeResponse::json(500, R"({"errors":[{"field":null,"message":"internal"}]})"));
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("Right away.")}})
            .json.value(QStringLiteral("id"))
            .toString();
    const QJsonObject sent = waitForMessageState(messageId, QStringLiteral("sent"));
    QStringList failures;
    for (const QJsonValue &event : sent.value(QStringLiteral("events")).toArray()) {
        if (event[QStringLiteral("type")].toString() == QLatin1String("failed"))
            failures << event[QStringLiteral("detail")].toString();
    }
    // The scripted 500 is served first, then SendGrid's 429.
    QCOMPARE(failures.size(), 2);
    QVERIFY2(failures[0].contains(QStringLiteral("HTTP 500")), qPrintable(failures[0]));
    QVERIFY2(failures[1].contains(QStringLiteral("HTTP 429: too many requests")),
             qPrintable(failures[1]));
    QCOMPARE(m_fake->mails().size(), 1);
    // X-RateLimit-Reset was honoured: the attempt after the 429 waited for the reset.
    const QList<RecordedRequest> attempts = m_fake->server().requests();
    QCOMPARE(attempts.size(), 3);
    QVERIFY2(attempts[1].receivedAt.msecsTo(attempts[2].receivedAt) >= 900,
             qPrintable(QString::number(attempts[1].receivedAt.msecsTo(attempts[2].receivedAt))));
}

void TestSendGridChannel::misconfiguredWebhooksFailClosed()
{
    // A key that is not a P-256 public key verifies nothing.
    startStack(QStringLiteral("bm90IGEga2V5"));
    const QUrl events(url(QStringLiteral("/api/v1/webhooks/sendgrid/events")));
    const QJsonArray batch{
        m_fake->event(QStringLiteral("delivered"), QStringLiteral("x"), QStringLiteral("a@b.c"))};
    QCOMPARE(m_fake->postEvents(events, batch).status, 401);
    stopStack();
    startStack({}, false);
    QCOMPARE(
        m_fake->postEvents(QUrl(url(QStringLiteral("/api/v1/webhooks/sendgrid/events"))), batch)
            .status,
        404);
    QCOMPARE(m_fake
                 ->postInbound(QUrl(url(QStringLiteral("/api/v1/webhooks/sendgrid/inbound"))),
                               inboundEmail(QStringLiteral("<x@y>"), QStringLiteral("s"),
                                            QStringLiteral("t")))
                 .status,
             404);
    QCOMPARE(
        get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray().size(),
        0);
}

QTEST_GUILESS_MAIN(TestSendGridChannel)
#include "tst_sendgridchannel.moc"
