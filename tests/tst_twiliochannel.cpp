// The Twilio channel: X-Twilio-Signature (the published vectors, port variants, duplicate
// parameters, tampering), parsing of every recorded webhook, the exact Messages.json request,
// error handling against the fake, and whole conversations through a real engine and HTTP
// server: SMS in -> draft -> approve -> reply delivered to the fake -> status callback ->
// visible in the conversation.
#include "channels/twiliochannel.h"
#include "engine/engine.h"
#include "fakes/faketwilio.h"
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
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace relaydesk;

namespace {

const QByteArray kToken = "test-token-0123456789abcdef";
// The courier fixtures scrubbed AccountSid to "acctid"; the integration tests use that account.
const QString kAccount = QStringLiteral("acctid");
const QString kAuthToken = QStringLiteral("f00dfeedf00dfeedf00dfeedf00dfeed");
const QString kOurNumber = QStringLiteral("+14155550199");
const QString kCustomer = QStringLiteral("+14155550100");

QByteArray fixtureBytes(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject fixtureJson(const QString &name)
{
    return QJsonDocument::fromJson(fixtureBytes(name)).object();
}

FormFields fixtureForm(const QString &name)
{
    return TwilioChannel::parseForm(fixtureBytes(QStringLiteral("twilio/") + name).trimmed());
}

FormFields withValue(FormFields fields, const QString &name, const QString &value)
{
    for (auto &[key, current] : fields) {
        if (key == name) {
            current = value;
            return fields;
        }
    }
    fields.append({name, value});
    return fields;
}

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};

TwilioSettings channelSettings(const QString &baseUrl)
{
    TwilioSettings settings;
    settings.enabled = true;
    settings.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    settings.authToken = kAuthToken;
    settings.from = QStringLiteral("+15005550006");
    settings.baseUrl = baseUrl;
    return settings;
}

OutboundContext replyContext(const QString &content)
{
    OutboundContext context;
    context.message.id = QStringLiteral("out-1");
    context.message.direction = Direction::Outbound;
    context.message.platform = Platform::Sms;
    context.message.userId = kCustomer;
    context.message.content = content;
    context.message.metadata = {{QStringLiteral("to"), kCustomer},
                                {QStringLiteral("from"), kOurNumber}};
    context.conversation.id = QStringLiteral("conv-1");
    context.conversation.platform = Platform::Sms;
    Message inbound;
    inbound.platform = Platform::Sms;
    inbound.userId = kCustomer;
    inbound.metadata = {{QStringLiteral("from"), kCustomer}, {QStringLiteral("to"), kOurNumber}};
    context.lastInbound = inbound;
    return context;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

class TestTwilioChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // signatures
    void signatureMatchesThePublishedVector();
    void signaturePortVariantsAndDuplicates();
    void signatureRejectsTamperingAndGarbage();
    void formDecodingAndPublicUrl();
    // inbound parsing
    void parsesEveryInboundFixture();
    void parsesEveryStatusFixture();
    void rejectsWhatIsNotAMessage();
    // outbound
    void outboundFormIsExact();
    void outboundRefusesWhatTwilioWouldRefuse();
    void resultsMapTwilioAnswers();
    void sendPostsExactlyWhatTwilioExpects();
    void sendFailuresCarryTheErrorAndRetryHints();
    void fakeMatchesTheFixtures();
    // through the server
    void webhookVerifiesDeduplicatesAndAnswersTwiml();
    void statusCallbacksForUnknownMessagesAreAcknowledged();
    void endToEndConversation();
    void undeliveredStatusMarksTheReplyFailed();
    void rejectedSendIsDeadLetteredAndRetryable();
    void rateLimitedSendIsRetried();
    void misconfiguredWebhookFailsClosed();

private:
    void startStack(const std::function<void(Settings &)> &adjust = {});
    void stopStack();
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    QUrl webhookUrl() const { return QUrl(url(QStringLiteral("/api/v1/webhooks/twilio"))); }
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response get(const QString &path) { return request("GET", path); }
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    QString waitForDraft(const QString &conversationId);
    QList<WebhookLogEntry> webhookLogs();
    FakeTwilio::Params incomingSms(const QString &sid, const QString &body) const;
    QString conversationFromCustomer(const QString &sid,
                                     const QString &body = QStringLiteral("Hello?"));

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeTwilio> m_fake;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestTwilioChannel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_fake = std::make_unique<FakeTwilio>(kAccount, kAuthToken);
    QVERIFY(m_fake->server().isListening());
}

void TestTwilioChannel::cleanup()
{
    stopStack();
    m_fake.reset();
    m_dir.reset();
}

void TestTwilioChannel::startStack(const std::function<void(Settings &)> &adjust)
{
    // Twilio signs the public URL, so the server must know its own address before it starts.
    m_port = freePort();
    QVERIFY(m_port != 0);
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = m_port;
    m_settings.publicUrl = QStringLiteral("http://127.0.0.1:%1/").arg(m_port);
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.twilio = channelSettings(m_fake->baseUrl());
    m_settings.twilio.accountSid = kAccount;
    m_settings.twilio.from.clear(); // replies come from the number the customer wrote to
    m_settings.offlineAnswers = {
        CannedAnswer{{QStringLiteral("order")}, QStringLiteral("Your order ships today.")}};
    if (adjust)
        adjust(m_settings);
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    QCOMPARE(port.value(), m_port);
}

void TestTwilioChannel::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestTwilioChannel::request(const QByteArray &method, const QString &path,
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

QJsonObject TestTwilioChannel::waitForMessageState(const QString &messageId, const QString &state)
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

QString TestTwilioChannel::waitForDraft(const QString &conversationId)
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

QList<WebhookLogEntry> TestTwilioChannel::webhookLogs()
{
    auto logs = m_engine
                    ->read<QList<WebhookLogEntry>>([](QSqlDatabase &db) {
                        return ChannelStore(db).recentLogs(QStringLiteral("twilio"), 100);
                    })
                    .result();
    return logs.isOk() ? logs.value() : QList<WebhookLogEntry>();
}

FakeTwilio::Params TestTwilioChannel::incomingSms(const QString &sid, const QString &body) const
{
    // The classic parameter set of the recorded inbound webhook, with our numbers.
    FormFields fields = fixtureForm(QStringLiteral("inbound_sms_webhook.form"));
    fields = withValue(fields, QStringLiteral("MessageSid"), sid);
    fields = withValue(fields, QStringLiteral("SmsMessageSid"), sid);
    fields = withValue(fields, QStringLiteral("SmsSid"), sid);
    fields = withValue(fields, QStringLiteral("From"), kCustomer);
    fields = withValue(fields, QStringLiteral("To"), kOurNumber);
    fields = withValue(fields, QStringLiteral("Body"), body);
    return fields;
}

QString TestTwilioChannel::conversationFromCustomer(const QString &sid, const QString &body)
{
    const FakeTwilio::Answer answer = m_fake->postWebhook(webhookUrl(), incomingSms(sid, body));
    if (answer.status != 200)
        return {};
    QString conversationId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            for (const QJsonValue &value : get(QStringLiteral("/api/v1/conversations"))
                                               .json.value(QStringLiteral("data"))
                                               .toArray())
                conversationId = value.toObject().value(QStringLiteral("id")).toString();
            return !conversationId.isEmpty();
        },
        5000);
    return conversationId;
}

// --- signatures -------------------------------------------------------------------------------

void TestTwilioChannel::signatureMatchesThePublishedVector()
{
    const QJsonObject vector = fixtureJson(QStringLiteral("twilio/signature_test_vectors.json"));
    QVERIFY2(!vector.isEmpty(), "fixture twilio/signature_test_vectors.json not found");
    const QString token = vector.value(QStringLiteral("auth_token")).toString();
    const QString url = vector.value(QStringLiteral("url")).toString();
    FormFields params;
    const QJsonObject object = vector.value(QStringLiteral("params")).toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        params.append({it.key(), it.value().toString()});
    const QByteArray expected =
        vector.value(QStringLiteral("expected_signature")).toString().toLatin1();
    QCOMPARE(expected, QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    QCOMPARE(TwilioChannel::computeSignature(token, url, params), expected);
    QVERIFY(TwilioChannel::verifySignature(token, url, params, expected));
    // Order of the parameters on the wire does not matter, only their names and values.
    std::reverse(params.begin(), params.end());
    QVERIFY(TwilioChannel::verifySignature(token, url, params, expected));
}

void TestTwilioChannel::signaturePortVariantsAndDuplicates()
{
    const QJsonObject vector = fixtureJson(QStringLiteral("twilio/signature_test_vectors.json"));
    const QString token = vector.value(QStringLiteral("auth_token")).toString();
    FormFields params;
    const QJsonObject object = vector.value(QStringLiteral("params")).toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        params.append({it.key(), it.value().toString()});
    const QByteArray plain =
        vector.value(QStringLiteral("expected_signature")).toString().toLatin1();

    for (const QJsonValue &value : vector.value(QStringLiteral("port_variants")).toArray()) {
        const QString url = value.toObject().value(QStringLiteral("url")).toString();
        const QByteArray expected =
            value.toObject().value(QStringLiteral("expected_signature")).toString().toLatin1();
        QCOMPARE(TwilioChannel::computeSignature(token, url, params), expected);
        QVERIFY(TwilioChannel::verifySignature(token, url, params, expected));
    }
    // A proxy may add or drop the scheme's default port: both spellings verify.
    QVERIFY(TwilioChannel::verifySignature(
        token, QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=2"), params,
        "kvajT1Ptam85bY51eRf/AJRuM3w="));
    QVERIFY(TwilioChannel::verifySignature(
        token, QStringLiteral("https://mycompany.com:443/myapp.php?foo=1&bar=2"), params, plain));
    QVERIFY(TwilioChannel::verifySignature(
        token, QStringLiteral("http://mycompany.com/myapp.php?foo=1&bar=2"), params,
        "0ZXoZLH/DfblKGATFgpif+LLRf4="));
    // A non-default port is never guessed.
    QVERIFY(!TwilioChannel::verifySignature(
        token, QStringLiteral("http://mycompany.com/myapp.php?foo=1&bar=2"), params,
        "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));

    const QJsonObject duplicates = vector.value(QStringLiteral("duplicate_params_case")).toObject();
    const FormFields repeated =
        TwilioChannel::parseForm(duplicates.value(QStringLiteral("form_body")).toString().toUtf8());
    QCOMPARE(repeated.size(), 5);
    const QByteArray expected =
        duplicates.value(QStringLiteral("expected_signature")).toString().toLatin1();
    QCOMPARE(TwilioChannel::computeSignature(
                 token, duplicates.value(QStringLiteral("url")).toString(), repeated),
             expected);
}

void TestTwilioChannel::signatureRejectsTamperingAndGarbage()
{
    const QString url = QStringLiteral("https://relay.example.com/api/v1/webhooks/twilio");
    const FormFields params = fixtureForm(QStringLiteral("inbound_sms_webhook.form"));
    const QByteArray signature = FakeTwilio::signature(kAuthToken, url, params);
    QVERIFY(TwilioChannel::verifySignature(kAuthToken, url, params, signature));
    QVERIFY(!TwilioChannel::verifySignature(
        kAuthToken, url, withValue(params, QStringLiteral("Body"), QStringLiteral("Msh")),
        signature));
    QVERIFY(!TwilioChannel::verifySignature(
        kAuthToken, url, withValue(params, QStringLiteral("Extra"), QString()), signature));
    QVERIFY(!TwilioChannel::verifySignature(kAuthToken, url + QStringLiteral("?x=1"), params,
                                            signature));
    QVERIFY(
        !TwilioChannel::verifySignature(QStringLiteral("another-token"), url, params, signature));
    QVERIFY(!TwilioChannel::verifySignature(kAuthToken, url, params, {}));
    QVERIFY(!TwilioChannel::verifySignature({}, url, params, signature));
    QVERIFY(!TwilioChannel::verifySignature(kAuthToken, url, params, signature.chopped(1)));
    QRandomGenerator random(99);
    for (int i = 0; i < 500; ++i) {
        QByteArray garbage(random.bounded(200), Qt::Uninitialized);
        for (char &c : garbage)
            c = char(random.bounded(256));
        const FormFields fields = TwilioChannel::parseForm(garbage);
        QVERIFY(!TwilioChannel::verifySignature(kAuthToken, QString::fromLatin1(garbage), fields,
                                                garbage));
        QVERIFY(fields.size() <= garbage.count('&') + 1);
        // Garbage either is no message or parses into a bounded one.
        const auto message = TwilioChannel::parseInbound(fields);
        if (message.isOk())
            QVERIFY(message.value().attachments.size() <= TwilioChannel::kMaxMedia);
        (void)TwilioChannel::parseStatus(fields);
        (void)TwilioChannel::publicRequestUrl(QString::fromLatin1(garbage),
                                              QUrl(QString::fromLatin1(garbage)));
    }
}

void TestTwilioChannel::formDecodingAndPublicUrl()
{
    const FormFields fields = TwilioChannel::parseForm(
        "Body=Hello+w%C3%B6rld%21&Empty=&NoValue&&Bad=%zz%4&Plus=a%2Bb&Body=second");
    QCOMPARE(fields.size(), 6);
    QCOMPARE(fields[0],
             std::make_pair(QStringLiteral("Body"), QString::fromUtf8("Hello w\xc3\xb6rld!")));
    QCOMPARE(fields[1], std::make_pair(QStringLiteral("Empty"), QString()));
    QCOMPARE(fields[2], std::make_pair(QStringLiteral("NoValue"), QString()));
    QCOMPARE(fields[3].first, QStringLiteral("Bad"));
    QCOMPARE(fields[4].second, QStringLiteral("a+b"));
    QCOMPARE(TwilioChannel::formValue(fields, QStringLiteral("Body")),
             QString::fromUtf8("Hello w\xc3\xb6rld!"));
    QCOMPARE(TwilioChannel::parseForm(TwilioChannel::encodeForm(fields)), fields);

    QCOMPARE(TwilioChannel::publicRequestUrl(
                 QStringLiteral("https://relay.example.com/"),
                 QUrl(QStringLiteral("http://127.0.0.1:3030/api/v1/webhooks/twilio"))),
             QStringLiteral("https://relay.example.com/api/v1/webhooks/twilio"));
    QCOMPARE(
        TwilioChannel::publicRequestUrl(
            QStringLiteral("https://example.com/relaydesk"),
            QUrl::fromEncoded("/api/v1/webhooks/twilio?source=sms&x=a%20b")),
        QStringLiteral("https://example.com/relaydesk/api/v1/webhooks/twilio?source=sms&x=a%20b"));
}

// --- inbound parsing --------------------------------------------------------------------------

void TestTwilioChannel::parsesEveryInboundFixture()
{
    const auto sms =
        TwilioChannel::parseInbound(fixtureForm(QStringLiteral("inbound_sms_webhook.form")));
    QVERIFY2(sms.isOk(), qPrintable(sms.error().message));
    QVERIFY(sms.value().platform == Platform::Sms);
    QVERIFY(sms.value().direction == Direction::Inbound);
    QCOMPARE(sms.value().content, QStringLiteral("Msg"));
    QCOMPARE(sms.value().userId, QStringLiteral("+14133881111"));
    QCOMPARE(sms.value().metadata.value(QStringLiteral("from")), QStringLiteral("+14133881111"));
    QCOMPARE(sms.value().metadata.value(QStringLiteral("to")), QStringLiteral("+12028831111"));
    QCOMPARE(sms.value().metadata.value(QStringLiteral("account_sid")), QStringLiteral("acctid"));
    QCOMPARE(sms.value().clientMessageId,
             QStringLiteral("twilio:SMe287d7109a5a925f182f0e07fe5b223b"));
    QVERIFY(sms.value().attachments.isEmpty());

    const auto mms = TwilioChannel::parseInbound(
        fixtureForm(QStringLiteral("inbound_mms_webhook_2_media.form")));
    QVERIFY2(mms.isOk(), qPrintable(mms.error().message));
    QVERIFY(mms.value().platform == Platform::Mms);
    QCOMPARE(mms.value().content, QString());
    QCOMPARE(mms.value().attachments,
             QList<Attachment>({Attachment{QStringLiteral("cat.jpg"), {}},
                                Attachment{QStringLiteral("dog.jpg"), {}}}));

    const auto mmsWithBody = TwilioChannel::parseInbound(
        fixtureForm(QStringLiteral("inbound_mms_webhook_with_body.form")));
    QCOMPARE(mmsWithBody.value().content, QStringLiteral("Msg"));
    QCOMPARE(mmsWithBody.value().attachments.size(), 2);

    const auto whatsapp = TwilioChannel::parseInbound(
        fixtureForm(QStringLiteral("inbound_whatsapp_image_webhook.form")));
    QVERIFY2(whatsapp.isOk(), qPrintable(whatsapp.error().message));
    QVERIFY(whatsapp.value().platform == Platform::Mms);
    QCOMPARE(whatsapp.value().userId, QStringLiteral("whatsapp:+31612345678"));
    QCOMPARE(whatsapp.value().metadata.value(QStringLiteral("to")),
             QStringLiteral("whatsapp:+14123456789"));
    QCOMPARE(whatsapp.value().attachments.size(), 1);
    QCOMPARE(whatsapp.value().attachments[0].contentType, QStringLiteral("image/jpeg"));
    QVERIFY(whatsapp.value().attachments[0].url.startsWith(
        QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/"
                       "AC1a03647d811fab342c0ad608e382fab2/Messages/")));

    for (const QString &name : {QStringLiteral("inbound_sms_webhook.form"),
                                QStringLiteral("inbound_mms_webhook_2_media.form"),
                                QStringLiteral("inbound_mms_webhook_with_body.form"),
                                QStringLiteral("inbound_whatsapp_image_webhook.form")})
        QVERIFY2(!TwilioChannel::isStatusCallback(fixtureForm(name)), qPrintable(name));
}

void TestTwilioChannel::parsesEveryStatusFixture()
{
    struct Case {
        const char *file;
        const char *sid;
        const char *status;
        std::optional<EventType> event;
        const char *detail;
    };
    const QList<Case> cases{
        {"status_callback_sent.form", "SM0b6e2697aae04182a9f5b5c7a8994c7f", "sent", std::nullopt,
         ""},
        {"status_callback_failed_21610.form", "SMe287d7109a5a925f182f0e07fe5b223b", "failed",
         EventType::Failed,
         "failed: Twilio error 21610 (https://www.twilio.com/docs/errors/21610)"},
        {"status_callback_delivered_minimal.form", "SMe287d7109a5a925f182f0e07fe5b223b",
         "delivered", EventType::Delivered, "delivered"},
        {"status_callback_whatsapp_delivered.form", "SMdf55df64a2ff4920bb0748193cfbb640",
         "delivered", EventType::Delivered, "delivered"}};
    for (const Case &c : cases) {
        const FormFields fields = fixtureForm(QLatin1String(c.file));
        QVERIFY2(TwilioChannel::isStatusCallback(fields), c.file);
        const auto status = TwilioChannel::parseStatus(fields);
        QVERIFY2(status.isOk(), c.file);
        QCOMPARE(status.value().messageSid, QLatin1String(c.sid));
        QCOMPARE(status.value().status, QLatin1String(c.status));
        QVERIFY2(status.value().event == c.event, c.file);
        QCOMPARE(status.value().detail, QLatin1String(c.detail));
    }
    QCOMPARE(TwilioChannel::receiptKey(
                 TwilioChannel::parseStatus(
                     fixtureForm(QStringLiteral("status_callback_delivered_minimal.form")))
                     .value()),
             QStringLiteral("twilio:status:SMe287d7109a5a925f182f0e07fe5b223b:delivered"));
    const auto undelivered = TwilioChannel::parseStatus(
        TwilioChannel::parseForm("MessageSid=SM1&MessageStatus=undelivered"));
    QVERIFY(undelivered.value().event == EventType::Failed);
    QCOMPARE(undelivered.value().detail, QStringLiteral("undelivered"));
}

void TestTwilioChannel::rejectsWhatIsNotAMessage()
{
    const auto noSid =
        TwilioChannel::parseInbound(TwilioChannel::parseForm("From=%2B1555&To=%2B1666&Body=x"));
    QVERIFY(!noSid.isOk());
    QVERIFY(noSid.error().message.contains(QStringLiteral("MessageSid")));
    QVERIFY(
        !TwilioChannel::parseInbound(TwilioChannel::parseForm("MessageSid=SM1&To=%2B1666")).isOk());
    QVERIFY(
        !TwilioChannel::parseInbound(TwilioChannel::parseForm(QByteArray(
                                         "MessageSid=" + QByteArray(300, 'x') + "&From=a&To=b")))
             .isOk());
    QVERIFY(
        !TwilioChannel::parseStatus(TwilioChannel::parseForm("MessageStatus=delivered")).isOk());

    // NumMedia is untrusted: garbage means none, a huge count is capped at Twilio's limit.
    const auto garbage = TwilioChannel::parseInbound(
        TwilioChannel::parseForm("MessageSid=SM1&From=a&To=b&NumMedia=lots&MediaUrl0=https://x/y"));
    QVERIFY(garbage.value().platform == Platform::Sms);
    QVERIFY(garbage.value().attachments.isEmpty());
    QByteArray many = "MessageSid=SM1&From=a&To=b&NumMedia=100000";
    for (int i = 0; i < 20; ++i)
        many += "&MediaUrl" + QByteArray::number(i) + "=https://x/" + QByteArray::number(i);
    QCOMPARE(TwilioChannel::parseInbound(TwilioChannel::parseForm(many)).value().attachments.size(),
             TwilioChannel::kMaxMedia);
}

// --- outbound ---------------------------------------------------------------------------------

void TestTwilioChannel::outboundFormIsExact()
{
    OutboundContext context = replyContext(QStringLiteral("Your order ships today."));
    context.message.attachments = {
        Attachment{QStringLiteral("https://cdn.example.com/a.jpg"), QStringLiteral("image/jpeg")},
        Attachment{QStringLiteral("https://cdn.example.com/b.png"), {}}};
    const auto form = TwilioChannel::outboundForm(
        context, channelSettings(QStringLiteral("http://x")),
        QStringLiteral("https://relay.example.com/api/v1/webhooks/twilio/status"));
    QVERIFY2(form.isOk(), qPrintable(form.error().message));
    const FormFields expected{
        {QStringLiteral("To"), kCustomer},
        {QStringLiteral("From"), kOurNumber},
        {QStringLiteral("Body"), QStringLiteral("Your order ships today.")},
        {QStringLiteral("MediaUrl"), QStringLiteral("https://cdn.example.com/a.jpg")},
        {QStringLiteral("MediaUrl"), QStringLiteral("https://cdn.example.com/b.png")},
        {QStringLiteral("StatusCallback"),
         QStringLiteral("https://relay.example.com/api/v1/webhooks/twilio/status")}};
    QCOMPARE(form.value(), expected);

    // An operator's reply has no addresses of its own: the last inbound message supplies them.
    OutboundContext reply = replyContext(QStringLiteral("Hi"));
    reply.message.metadata.clear();
    reply.message.userId.clear();
    const auto fromInbound =
        TwilioChannel::outboundForm(reply, channelSettings(QStringLiteral("http://x")), {});
    QCOMPARE(fromInbound.value(), FormFields({{QStringLiteral("To"), kCustomer},
                                              {QStringLiteral("From"), kOurNumber},
                                              {QStringLiteral("Body"), QStringLiteral("Hi")}}));
    // Without a conversation number, [channels.twilio] from is the sender.
    reply.lastInbound->metadata.remove(QStringLiteral("to"));
    QCOMPARE(TwilioChannel::outboundForm(reply, channelSettings(QStringLiteral("http://x")), {})
                 .value()[1]
                 .second,
             QStringLiteral("+15005550006"));
    // A Messaging Service as the configured sender travels as MessagingServiceSid.
    TwilioSettings service = channelSettings(QStringLiteral("http://x"));
    service.from = QStringLiteral("MG0123456789abcdef0123456789abcdef");
    QCOMPARE(TwilioChannel::outboundForm(reply, service, {}).value()[1],
             std::make_pair(QStringLiteral("MessagingServiceSid"), service.from));
    QCOMPARE(TwilioChannel::messagesUrl(channelSettings(QStringLiteral("https://api.twilio.com/"))),
             QUrl(QStringLiteral("https://api.twilio.com/2010-04-01/Accounts/"
                                 "AC0123456789abcdef0123456789abcdef/Messages.json")));
}

void TestTwilioChannel::outboundRefusesWhatTwilioWouldRefuse()
{
    const TwilioSettings settings = channelSettings(QStringLiteral("http://x"));
    QVERIFY(TwilioChannel::outboundForm(replyContext(QString(1600, QLatin1Char('a'))), settings, {})
                .isOk());
    const auto tooLong =
        TwilioChannel::outboundForm(replyContext(QString(1601, QLatin1Char('a'))), settings, {});
    QVERIFY(!tooLong.isOk());
    QVERIFY(tooLong.error().message.contains(QStringLiteral("1601 characters")));
    QVERIFY(tooLong.error().message.contains(QStringLiteral("at most 1600")));

    OutboundContext noRecipient = replyContext(QStringLiteral("x"));
    noRecipient.message.metadata.clear();
    noRecipient.message.userId.clear();
    noRecipient.lastInbound.reset();
    QVERIFY(TwilioChannel::outboundForm(noRecipient, settings, {})
                .error()
                .message.contains(QStringLiteral("recipient")));

    OutboundContext noSender = replyContext(QStringLiteral("x"));
    noSender.message.metadata.remove(QStringLiteral("from"));
    noSender.lastInbound.reset();
    TwilioSettings noFrom = settings;
    noFrom.from.clear();
    QVERIFY(TwilioChannel::outboundForm(noSender, noFrom, {})
                .error()
                .message.contains(QStringLiteral("from")));

    QVERIFY(TwilioChannel::outboundForm(replyContext(QStringLiteral("  ")), settings, {})
                .error()
                .message.contains(QStringLiteral("nothing to send")));
    OutboundContext tooManyMedia = replyContext(QStringLiteral("x"));
    for (int i = 0; i < 11; ++i)
        tooManyMedia.message.attachments.append(
            Attachment{QStringLiteral("https://x/%1").arg(i), {}});
    QVERIFY(TwilioChannel::outboundForm(tooManyMedia, settings, {})
                .error()
                .message.contains(QStringLiteral("11 media")));
}

void TestTwilioChannel::resultsMapTwilioAnswers()
{
    const SendResult created = TwilioChannel::resultFor(
        201, fixtureBytes(QStringLiteral("twilio/messages_create_201.json")), {}, {});
    QVERIFY(created.ok);
    QCOMPARE(created.externalId, QStringLiteral("SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

    const SendResult invalid = TwilioChannel::resultFor(
        400,
        R"({"code": 21211, "message": "The 'To' number +1555 is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})",
        {}, {});
    QVERIFY(!invalid.ok);
    QVERIFY(!invalid.retryable);
    QCOMPARE(
        invalid.error,
        QStringLiteral("Twilio error 21211: The 'To' number +1555 is not a valid phone number. "
                       "(HTTP 400, https://www.twilio.com/docs/errors/21211)"));

    const SendResult limited = TwilioChannel::resultFor(
        429,
        R"({"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429})",
        "5", {});
    QVERIFY(limited.retryable);
    QCOMPARE(limited.retryAfterSeconds, 5);
    const QByteArray httpDate =
        QDateTime::currentDateTimeUtc().addSecs(120).toString(Qt::RFC2822Date).toLatin1();
    const int fromDate = TwilioChannel::resultFor(503, "<html>", httpDate, {}).retryAfterSeconds;
    QVERIFY2(fromDate >= 118 && fromDate <= 120, qPrintable(QString::number(fromDate)));
    QCOMPARE(TwilioChannel::resultFor(503, "<html>", {}, {}).error,
             QStringLiteral("Twilio answered HTTP 503"));
    QVERIFY(TwilioChannel::resultFor(500, {}, {}, {}).retryable);
    QVERIFY(!TwilioChannel::resultFor(401, {}, {}, {}).retryable);
    const SendResult down =
        TwilioChannel::resultFor(0, {}, {}, QStringLiteral("Connection refused"));
    QVERIFY(down.retryable);
    QVERIFY(down.error.contains(QStringLiteral("Connection refused")));
}

void TestTwilioChannel::sendPostsExactlyWhatTwilioExpects()
{
    FakeTwilio twilio(QStringLiteral("AC0123456789abcdef0123456789abcdef"), kAuthToken);
    QNetworkAccessManager network;
    TwilioChannel channel(&network, channelSettings(twilio.baseUrl()),
                          QStringLiteral("https://relay.example.com"));
    QCOMPARE(channel.name(), QStringLiteral("twilio"));
    QVERIFY(channel.handles(Platform::Sms));
    QVERIFY(channel.handles(Platform::Mms));
    QVERIFY(!channel.handles(Platform::Email));
    OutboundContext context = replyContext(QStringLiteral("Grüße & 100% sure? a+b=c"));
    context.message.attachments = {
        Attachment{QStringLiteral("https://cdn.example.com/a.jpg?x=1&y=2"), {}}};
    const SendResult result = QCoro::waitFor(channel.send(context));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(twilio.server().requestCount(), 1);
    const RecordedRequest request = twilio.server().requests().first();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(
        request.path,
        QStringLiteral("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"));
    QCOMPARE(
        request.header("Authorization"),
        "Basic " +
            QByteArray("AC0123456789abcdef0123456789abcdef:" + kAuthToken.toUtf8()).toBase64());
    QCOMPARE(request.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(
        FakeTwilio::decode(request.body),
        FakeTwilio::Params(
            {{QStringLiteral("To"), kCustomer},
             {QStringLiteral("From"), kOurNumber},
             {QStringLiteral("Body"), QString::fromUtf8("Gr\xc3\xbc\xc3\x9f"
                                                        "e & 100% sure? a+b=c")},
             {QStringLiteral("MediaUrl"), QStringLiteral("https://cdn.example.com/a.jpg?x=1&y=2")},
             {QStringLiteral("StatusCallback"),
              QStringLiteral("https://relay.example.com/api/v1/webhooks/twilio/status")}}));
    QCOMPARE(result.externalId, twilio.messages().first().sid);
    QVERIFY(result.externalId.startsWith(QStringLiteral("SM")));
    QCOMPARE(result.externalId.size(), 34);
    QVERIFY(channel.health().lastSuccessAt.isValid());

    // Without a public URL no status callback is requested.
    TwilioChannel local(&network, channelSettings(twilio.baseUrl()), QString());
    QVERIFY(QCoro::waitFor(local.send(replyContext(QStringLiteral("x")))).ok);
    QVERIFY(twilio.messages().last().value(QStringLiteral("StatusCallback")).isEmpty());
}

void TestTwilioChannel::sendFailuresCarryTheErrorAndRetryHints()
{
    FakeTwilio twilio(QStringLiteral("AC0123456789abcdef0123456789abcdef"), kAuthToken);
    QNetworkAccessManager network;
    TwilioChannel channel(&network, channelSettings(twilio.baseUrl()), QString());

    // Twilio's own validation: an invalid destination number.
    OutboundContext badNumber = replyContext(QStringLiteral("Hi"));
    badNumber.message.metadata.insert(QStringLiteral("to"), QStringLiteral("555-CALL-NOW"));
    const SendResult invalid = QCoro::waitFor(channel.send(badNumber));
    QVERIFY(!invalid.ok);
    QVERIFY(!invalid.retryable);
    QVERIFY2(invalid.error.startsWith(
                 QStringLiteral("Twilio error 21211: The 'To' number 555-CALL-NOW is not a valid "
                                "phone number.")),
             qPrintable(invalid.error));

    TwilioSettings wrongToken = channelSettings(twilio.baseUrl());
    wrongToken.authToken = QStringLiteral("rotated");
    TwilioChannel unauthorised(&network, wrongToken, QString());
    const SendResult denied = QCoro::waitFor(unauthorised.send(replyContext(QStringLiteral("Hi"))));
    QVERIFY(!denied.retryable);
    QVERIFY(denied.error.contains(QStringLiteral("Twilio error 20003: Authenticate (HTTP 401")));

    twilio.queueRateLimit(3);
    const SendResult limited = QCoro::waitFor(channel.send(replyContext(QStringLiteral("Hi"))));
    QVERIFY(limited.retryable);
    QCOMPARE(limited.retryAfterSeconds, 3);
    QVERIFY(limited.error.contains(QStringLiteral("20429")));

    twilio.server().queueResponse(FakeResponse::text(503, "upstream unavailable"));
    const SendResult unavailable = QCoro::waitFor(channel.send(replyContext(QStringLiteral("Hi"))));
    QVERIFY(unavailable.retryable);
    QCOMPARE(channel.health().consecutiveFailures, 3);
    QVERIFY(channel.health().lastError.contains(QStringLiteral("503")));

    // Qt re-sends once when a kept-alive connection dies, so the fresh connection drops too.
    twilio.server().queueResponse(FakeResponse::dropped());
    twilio.server().queueResponse(FakeResponse::dropped());
    const SendResult dropped = QCoro::waitFor(channel.send(replyContext(QStringLiteral("Hi"))));
    QVERIFY(dropped.retryable);
    QVERIFY2(dropped.error.startsWith(QStringLiteral("Twilio is unreachable")),
             qPrintable(dropped.error));
    QCOMPARE(twilio.server().queuedResponseCount(), 0);

    // Refused before any request, without counting against the channel's health.
    const int before = twilio.server().requestCount();
    const SendResult refused =
        QCoro::waitFor(channel.send(replyContext(QString(1700, QLatin1Char('x')))));
    QVERIFY(!refused.ok);
    QVERIFY(!refused.retryable);
    QCOMPARE(twilio.server().requestCount(), before);
    QCOMPARE(channel.health().consecutiveFailures, 4);

    QVERIFY(QCoro::waitFor(channel.send(replyContext(QStringLiteral("Hi")))).ok);
    QCOMPARE(channel.health().consecutiveFailures, 0);
}

void TestTwilioChannel::fakeMatchesTheFixtures()
{
    // The fake's Message resource has every field of the recorded 201.
    const QJsonObject recorded = fixtureJson(QStringLiteral("twilio/messages_create_201.json"));
    QVERIFY(!recorded.isEmpty());
    const QJsonObject resource =
        FakeTwilio::messageResource(QStringLiteral("AC1"), QStringLiteral("SM1"),
                                    {{QStringLiteral("To"), kCustomer},
                                     {QStringLiteral("From"), kOurNumber},
                                     {QStringLiteral("Body"), QStringLiteral("x")}});
    QCOMPARE(resource.keys(), recorded.keys());
    QCOMPARE(resource.value(QStringLiteral("sid")).toString(), QStringLiteral("SM1"));
    QCOMPARE(resource.value(QStringLiteral("direction")),
             recorded.value(QStringLiteral("direction")));

    // Its signatures (computed independently of ours) match the published vector.
    const QJsonObject vector = fixtureJson(QStringLiteral("twilio/signature_test_vectors.json"));
    FakeTwilio::Params params;
    const QJsonObject object = vector.value(QStringLiteral("params")).toObject();
    for (auto it = object.begin(); it != object.end(); ++it)
        params.append({it.key(), it.value().toString()});
    QCOMPARE(FakeTwilio::signature(QStringLiteral("12345"),
                                   vector.value(QStringLiteral("url")).toString(), params),
             QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    const QJsonObject duplicates = vector.value(QStringLiteral("duplicate_params_case")).toObject();
    QCOMPARE(
        FakeTwilio::signature(
            QStringLiteral("12345"), duplicates.value(QStringLiteral("url")).toString(),
            FakeTwilio::decode(duplicates.value(QStringLiteral("form_body")).toString().toUtf8())),
        duplicates.value(QStringLiteral("expected_signature")).toString().toLatin1());
    // Its form codec reads the recorded webhooks like ours.
    for (const QString &name : {QStringLiteral("inbound_whatsapp_image_webhook.form"),
                                QStringLiteral("status_callback_failed_21610.form")}) {
        const QByteArray body = fixtureBytes(QStringLiteral("twilio/") + name).trimmed();
        QCOMPARE(FakeTwilio::decode(body), TwilioChannel::parseForm(body));
    }
}

// --- through the server -----------------------------------------------------------------------

void TestTwilioChannel::webhookVerifiesDeduplicatesAndAnswersTwiml()
{
    startStack();
    const FakeTwilio::Params sms = fixtureForm(QStringLiteral("inbound_sms_webhook.form"));
    const FakeTwilio::Answer accepted = m_fake->postWebhook(webhookUrl(), sms);
    QCOMPARE(accepted.status, 200);
    QCOMPARE(accepted.contentType, QByteArray("text/xml"));
    QCOMPARE(accepted.body, QByteArray("<Response></Response>"));

    // Redelivered (Twilio retries on timeouts): acknowledged the same way, stored once.
    QCOMPARE(m_fake->postWebhook(webhookUrl(), sms).status, 200);
    // The MMS fixtures were recorded with the same MessageSid: also a duplicate.
    QCOMPARE(m_fake
                 ->postWebhook(webhookUrl(),
                               fixtureForm(QStringLiteral("inbound_mms_webhook_2_media.form")))
                 .status,
             200);
    // A new sid is a new message: MMS between the same numbers joins the SMS conversation.
    const FakeTwilio::Params mms = withValue(
        fixtureForm(QStringLiteral("inbound_mms_webhook_with_body.form")),
        QStringLiteral("MessageSid"), QStringLiteral("MM0000000000000000000000000000002"));
    QCOMPARE(m_fake->postWebhook(webhookUrl(), mms).status, 200);

    // Refused: signed with another token, unsigned, another account, not a form.
    QCOMPARE(m_fake->postWebhook(webhookUrl(), sms, QStringLiteral("someone-elses-token")).status,
             401);
    QNetworkRequest unsigned_{webhookUrl()};
    unsigned_.setHeader(QNetworkRequest::ContentTypeHeader,
                        QByteArrayLiteral("application/x-www-form-urlencoded"));
    std::unique_ptr<QNetworkReply> reply(m_network.post(unsigned_, FakeTwilio::encode(sms)));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    const FakeTwilio::Answer otherAccount = m_fake->postWebhook(
        webhookUrl(), fixtureForm(QStringLiteral("inbound_whatsapp_image_webhook.form")));
    QCOMPARE(otherAccount.status, 403);
    QVERIFY(otherAccount.body.contains("AC1a03647d811fab342c0ad608e382fab2"));
    // The signature covers the query string too.
    const QUrl withQuery(url(QStringLiteral("/api/v1/webhooks/twilio?tenant=a%20b")));
    QCOMPARE(m_fake
                 ->postWebhook(withQuery,
                               withValue(sms, QStringLiteral("MessageSid"), QStringLiteral("SMq")))
                 .status,
             200);

    QStringList contents;
    QList<QJsonObject> customer;
    for (const QJsonValue &value :
         get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray()) {
        if (value[QStringLiteral("author_kind")].toString() == QLatin1String("customer"))
            customer << value.toObject();
    }
    QCOMPARE(customer.size(), 3);
    QSet<QString> conversations;
    for (const QJsonObject &message : customer)
        conversations.insert(message.value(QStringLiteral("conversation_id")).toString());
    QCOMPARE(conversations.size(), 1);

    QTRY_COMPARE_WITH_TIMEOUT(webhookLogs().size(), 8, 5000);
    int unverified = 0;
    for (const WebhookLogEntry &entry : webhookLogs()) {
        unverified += !entry.verified;
        QCOMPARE(entry.headers.value(QStringLiteral("x-twilio-signature")).toString(),
                 entry.headers.contains(QStringLiteral("x-twilio-signature"))
                     ? QStringLiteral("[redacted]")
                     : QString());
    }
    QCOMPARE(unverified, 2);
}

void TestTwilioChannel::statusCallbacksForUnknownMessagesAreAcknowledged()
{
    startStack();
    const QUrl statusUrl(url(QStringLiteral("/api/v1/webhooks/twilio/status")));
    for (const QString &name : {QStringLiteral("status_callback_sent.form"),
                                QStringLiteral("status_callback_failed_21610.form"),
                                QStringLiteral("status_callback_delivered_minimal.form")}) {
        const FakeTwilio::Answer answer = m_fake->postWebhook(statusUrl, fixtureForm(name));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.body, QByteArray("<Response></Response>"));
        // Status callbacks pointed at the main webhook URL are recognised too.
        QCOMPARE(m_fake->postWebhook(webhookUrl(), fixtureForm(name)).status, 200);
    }
    QCOMPARE(m_fake->postWebhook(statusUrl, TwilioChannel::parseForm("AccountSid=acctid&Body=hi"))
                 .status,
             400);
    QTRY_VERIFY_WITH_TIMEOUT(webhookLogs().size() == 7, 5000);
    QStringList outcomes;
    for (const WebhookLogEntry &entry : webhookLogs())
        outcomes << entry.outcome;
    QVERIFY2(outcomes.contains(QStringLiteral("status sent not recorded")),
             qPrintable(outcomes.join(QLatin1Char('|'))));
    QVERIFY(outcomes.contains(
        QStringLiteral("status delivered for unknown message SMe287d7109a5a925f182f0e07fe5b223b")));
    QVERIFY(outcomes.contains(QStringLiteral("duplicate")));
}

void TestTwilioChannel::endToEndConversation()
{
    startStack();
    // 1. The customer texts our number.
    const QString conversationId = conversationFromCustomer(
        QStringLiteral("SM00000000000000000000000000000001"), QStringLiteral("Where is my order?"));
    QVERIFY(!conversationId.isEmpty());

    // 2. A draft waits for review; nothing went out yet.
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    QCOMPARE(get(QStringLiteral("/api/v1/messages/") + draftId)
                 .json.value(QStringLiteral("content"))
                 .toString(),
             QStringLiteral("Your order ships today."));
    QCOMPARE(m_fake->messages().size(), 0);

    // 3. Approved with an edit: the reply goes back from our number to the customer.
    QCOMPARE(post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"),
                  QJsonObject{{QStringLiteral("content"),
                               QStringLiteral("Your order ships today, tracking follows.")}})
                 .status,
             202);
    QVERIFY(m_fake->waitForMessages(1));
    const FakeTwilio::SentMessage sent = m_fake->messages().first();
    QCOMPARE(sent.value(QStringLiteral("To")), kCustomer);
    QCOMPARE(sent.value(QStringLiteral("From")), kOurNumber);
    QCOMPARE(sent.value(QStringLiteral("Body")),
             QStringLiteral("Your order ships today, tracking follows."));
    QCOMPARE(sent.value(QStringLiteral("StatusCallback")),
             url(QStringLiteral("/api/v1/webhooks/twilio/status")));
    const QJsonObject sentState = waitForMessageState(draftId, QStringLiteral("sent"));
    QCOMPARE(sentState.value(QStringLiteral("events"))
                 .toArray()
                 .last()[QStringLiteral("detail")]
                 .toString(),
             sent.sid);

    // 4. Twilio calls back: sent (not recorded again), then delivered (recorded once).
    QCOMPARE(m_fake->postStatus(sent.sid, QStringLiteral("sent")).status, 200);
    QCOMPARE(m_fake->postStatus(sent.sid, QStringLiteral("delivered")).status, 200);
    QCOMPARE(m_fake->postStatus(sent.sid, QStringLiteral("delivered")).status, 200);
    const QJsonObject delivered = waitForMessageState(draftId, QStringLiteral("delivered"));
    QStringList types;
    for (const QJsonValue &event : delivered.value(QStringLiteral("events")).toArray())
        types << event[QStringLiteral("type")].toString();
    QCOMPARE(types, QStringList({QStringLiteral("drafted"), QStringLiteral("approved"),
                                 QStringLiteral("sent"), QStringLiteral("delivered")}));

    // 5. Visible in the conversation, which pairs the two numbers.
    const QJsonObject conversation =
        get(QStringLiteral("/api/v1/conversations/") + conversationId).json;
    QCOMPARE(conversation.value(QStringLiteral("platform")).toString(), QStringLiteral("sms"));
    QStringList participants;
    for (const QJsonValue &participant :
         conversation.value(QStringLiteral("participants")).toArray())
        participants << participant.toString();
    QCOMPARE(participants, QStringList({kCustomer, kOurNumber}));
    QStringList seen;
    for (const QJsonValue &message : conversation.value(QStringLiteral("messages")).toArray())
        seen << message[QStringLiteral("author_kind")].toString() + QLatin1Char(':') +
                    message[QStringLiteral("status")].toString();
    QVERIFY2(seen.contains(QStringLiteral("ai:delivered")),
             qPrintable(seen.join(QLatin1Char(' '))));
    QCOMPARE(seen.size(), 2);
}

void TestTwilioChannel::undeliveredStatusMarksTheReplyFailed()
{
    startStack();
    const QString conversationId =
        conversationFromCustomer(QStringLiteral("SM00000000000000000000000000000011"));
    QVERIFY(!conversationId.isEmpty());
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("Checking now.")}})
            .json.value(QStringLiteral("id"))
            .toString();
    waitForMessageState(messageId, QStringLiteral("sent"));
    QVERIFY(m_fake->waitForMessages(1));
    QCOMPARE(m_fake
                 ->postStatus(m_fake->messages().first().sid, QStringLiteral("undelivered"),
                              QStringLiteral("30003"))
                 .status,
             200);
    const QJsonObject failed = waitForMessageState(messageId, QStringLiteral("failed"));
    QCOMPARE(failed.value(QStringLiteral("events"))
                 .toArray()
                 .last()[QStringLiteral("detail")]
                 .toString(),
             QStringLiteral(
                 "undelivered: Twilio error 30003 (https://www.twilio.com/docs/errors/30003)"));
}

void TestTwilioChannel::rejectedSendIsDeadLetteredAndRetryable()
{
    startStack();
    const QString conversationId =
        conversationFromCustomer(QStringLiteral("SM00000000000000000000000000000021"));
    QVERIFY(!conversationId.isEmpty());
    m_fake->queueError(400, 21610, QStringLiteral("Attempt to send to unsubscribed recipient"));
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("Hello again")}})
            .json.value(QStringLiteral("id"))
            .toString();
    const QJsonObject dead = waitForMessageState(messageId, QStringLiteral("dead_lettered"));
    QCOMPARE(
        dead.value(QStringLiteral("events")).toArray().last()[QStringLiteral("detail")].toString(),
        QStringLiteral("Twilio error 21610: Attempt to send to unsubscribed recipient (HTTP 400, "
                       "https://www.twilio.com/docs/errors/21610)"));
    QCOMPARE(m_fake->server().requestCount(), 1); // a permanent error is not retried
    const QJsonArray jobs =
        get(QStringLiteral("/api/v1/jobs?state=dead")).json.value(QStringLiteral("data")).toArray();
    QCOMPARE(jobs.size(), 1);
    QVERIFY(
        jobs.first()[QStringLiteral("last_error")].toString().contains(QStringLiteral("21610")));

    // The customer opted back in: the operator re-sends it.
    QCOMPARE(post(QStringLiteral("/api/v1/jobs/") + jobs.first()[QStringLiteral("id")].toString() +
                      QStringLiteral("/retry"),
                  {})
                 .status,
             202);
    waitForMessageState(messageId, QStringLiteral("sent"));
    QCOMPARE(m_fake->messages().size(), 1);
    QCOMPARE(m_fake->messages().first().value(QStringLiteral("Body")),
             QStringLiteral("Hello again"));
}

void TestTwilioChannel::rateLimitedSendIsRetried()
{
    startStack();
    const QString conversationId =
        conversationFromCustomer(QStringLiteral("SM00000000000000000000000000000031"));
    QVERIFY(!conversationId.isEmpty());
    m_fake->queueRateLimit(1);
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("On it")}})
            .json.value(QStringLiteral("id"))
            .toString();
    const QJsonObject sent = waitForMessageState(messageId, QStringLiteral("sent"));
    QStringList failures;
    for (const QJsonValue &event : sent.value(QStringLiteral("events")).toArray()) {
        if (event[QStringLiteral("type")].toString() == QLatin1String("failed"))
            failures << event[QStringLiteral("detail")].toString();
    }
    QCOMPARE(failures.size(), 1);
    QVERIFY2(failures.first().contains(
                 QStringLiteral("Twilio error 20429: Too Many Requests (HTTP 429")),
             qPrintable(failures.first()));
    QCOMPARE(m_fake->messages().size(), 1);
    QCOMPARE(m_fake->server().requestCount(), 2);
    // Twilio's Retry-After was honoured: no second attempt before it passed.
    const QList<RecordedRequest> attempts = m_fake->server().requests();
    QVERIFY2(attempts[0].receivedAt.msecsTo(attempts[1].receivedAt) >= 900,
             qPrintable(QString::number(attempts[0].receivedAt.msecsTo(attempts[1].receivedAt))));
}

void TestTwilioChannel::misconfiguredWebhookFailsClosed()
{
    const FakeTwilio::Params sms =
        incomingSms(QStringLiteral("SM00000000000000000000000000000041"), QStringLiteral("Hi"));
    // Without [server] public_url nothing can be verified: refused, never processed.
    startStack([](Settings &settings) { settings.publicUrl.clear(); });
    const FakeTwilio::Answer noPublicUrl = m_fake->postWebhook(webhookUrl(), sms);
    QCOMPARE(noPublicUrl.status, 401);
    QVERIFY(noPublicUrl.body.contains("public_url"));
    stopStack();
    startStack([](Settings &settings) { settings.twilio.enabled = false; });
    QCOMPARE(m_fake->postWebhook(webhookUrl(), sms).status, 404);
    QCOMPARE(m_fake->postWebhook(QUrl(url(QStringLiteral("/api/v1/webhooks/twilio/status"))), sms)
                 .status,
             404);
    QCOMPARE(
        get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray().size(),
        0);
}

QTEST_GUILESS_MAIN(TestTwilioChannel)
#include "tst_twiliochannel.moc"
