// Failover between two accounts of one provider ([channels.twilio.fallback],
// [channels.sendgrid.fallback]): two fake Twilio servers (and two fake SendGrid servers), the
// first failing with 500s -> the second takes over, the first's circuit opens and it is not
// called any more; it recovers -> after the cool-down a probe goes back to it. Refusals (4xx)
// never fail over. End to end through the engine and the HTTP API on SQLite and, when
// RELAYDESK_TEST_PG_URL is set, PostgreSQL: the `sent` event names the account, GET
// /api/v1/channels reports each account's health and circuit, and the fallback account's signed
// webhooks are accepted. Also the config shape: keys, environment, unknown keys and missing ones.
#include "channels/failoverchannel.h"
#include "channels/sendgridchannel.h"
#include "channels/twiliochannel.h"
#include "core/settingsloader.h"
#include "engine/engine.h"
#include "fakes/fakesendgrid.h"
#include "fakes/faketwilio.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "testdatabase.h"

#include <QCoro/QCoroTask>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kToken = "failover-test-token-0123456789";
const QString kPrimarySid = QStringLiteral("acctid");
const QString kPrimaryToken = QStringLiteral("f00dfeedf00dfeedf00dfeedf00dfeed");
const QString kFallbackSid = QStringLiteral("AC99999999999999999999999999999999");
const QString kFallbackToken = QStringLiteral("0badc0de0badc0de0badc0de0badc0de");
const QString kOurNumber = QStringLiteral("+14155550199");
const QString kFallbackNumber = QStringLiteral("+14155550142");
const QString kCustomer = QStringLiteral("+14155550100");

OutboundContext smsReply(const QString &content)
{
    OutboundContext context;
    context.message.id = QStringLiteral("out-1");
    context.message.direction = Direction::Outbound;
    context.message.platform = Platform::Sms;
    context.message.userId = kCustomer;
    context.message.content = content;
    // As the engine writes a draft: back to the customer, from the number they wrote to.
    context.message.metadata = {{QStringLiteral("to"), kCustomer},
                                {QStringLiteral("from"), kOurNumber}};
    context.conversation.id = QStringLiteral("conv-1");
    context.conversation.platform = Platform::Sms;
    return context;
}

OutboundContext mailReply(const QString &content)
{
    OutboundContext context;
    context.message.id = QStringLiteral("mail-1");
    context.message.direction = Direction::Outbound;
    context.message.platform = Platform::Email;
    context.message.userId = QStringLiteral("customer@example.com");
    context.message.content = content;
    context.conversation.id = QStringLiteral("conv-2");
    context.conversation.platform = Platform::Email;
    return context;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

CircuitBreaker::Options breakerOptions(int threshold, qint64 cooldownMs)
{
    CircuitBreaker::Options options;
    options.failureThreshold = threshold;
    options.cooldownMs = cooldownMs;
    return options;
}

struct Response {
    int status = 0;
    QJsonObject json;
};

} // namespace

class TestChannelFailover : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    // the channel on its own, against two fakes
    void twilioFailsOverAndComesBack();
    void refusalsDoNotFailOver();
    void bothAccountsDownIsRetryableLater();
    void sendGridFailsOverBetweenKeys();
    // configuration
    void fallbackKeysLoad();
    void fallbackConfigProblemsAreReported();
    // through the engine and the API
    void endToEndFailoverAndRecovery_data();
    void endToEndFailoverAndRecovery();

private:
    SendResult send(ChannelAdapter &channel, const OutboundContext &context)
    {
        return QCoro::waitFor(channel.send(context));
    }
    std::unique_ptr<FailoverChannel> twilioPair(int threshold, qint64 cooldownMs);
    QString writeConfig(const QString &text);
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response get(const QString &path) { return request("GET", path); }
    QJsonObject channel(const QString &name);
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeTwilio> m_primary;
    std::unique_ptr<FakeTwilio> m_fallback;
    QNetworkAccessManager m_network;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    quint16 m_port = 0;
};

void TestChannelFailover::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_primary = std::make_unique<FakeTwilio>(kPrimarySid, kPrimaryToken);
    m_fallback = std::make_unique<FakeTwilio>(kFallbackSid, kFallbackToken);
    m_fallback->setFirstSid(0x100000);
    QVERIFY(m_primary->server().isListening());
    QVERIFY(m_fallback->server().isListening());
}

void TestChannelFailover::cleanup()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
    m_primary.reset();
    m_fallback.reset();
    m_dir.reset();
}

std::unique_ptr<FailoverChannel> TestChannelFailover::twilioPair(int threshold, qint64 cooldownMs)
{
    TwilioSettings settings;
    settings.enabled = true;
    settings.accountSid = kPrimarySid;
    settings.authToken = kPrimaryToken;
    settings.baseUrl = m_primary->baseUrl();
    settings.fallback.accountSid = kFallbackSid;
    settings.fallback.authToken = kFallbackToken;
    settings.fallback.from = kFallbackNumber;
    settings.fallback.baseUrl = m_fallback->baseUrl();
    auto fallback = std::make_unique<TwilioChannel>(
        &m_network, TwilioChannel::fallbackAccount(settings), QString(), 5000);
    fallback->setSendFromOwnNumber(true);
    return std::make_unique<FailoverChannel>(
        std::make_unique<TwilioChannel>(&m_network, settings, QString(), 5000), std::move(fallback),
        breakerOptions(threshold, cooldownMs));
}

void TestChannelFailover::twilioFailsOverAndComesBack()
{
    auto channel = twilioPair(2, 400);
    QCOMPARE(channel->name(), QStringLiteral("twilio"));
    QVERIFY(channel->handles(Platform::Sms));

    // Healthy: the primary sends, from the number the customer wrote to.
    SendResult result = send(*channel, smsReply(QStringLiteral("one")));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.account, QStringLiteral("primary"));
    QCOMPARE(m_primary->messages().size(), 1);
    QCOMPARE(m_primary->messages().last().value(QStringLiteral("From")), kOurNumber);

    // The primary answers 500: each message goes on to the fallback at once, from its own number.
    m_primary->setOutage(500);
    for (int i = 0; i < 2; ++i) {
        result = send(*channel, smsReply(QStringLiteral("during outage %1").arg(i)));
        QVERIFY2(result.ok, qPrintable(result.error));
        QCOMPARE(result.account, QStringLiteral("fallback"));
        QCOMPARE(result.externalId, m_fallback->messages().last().sid);
    }
    QCOMPARE(m_primary->failedSends(), 2);
    QCOMPARE(m_fallback->messages().size(), 2);
    QCOMPARE(m_fallback->messages().last().value(QStringLiteral("From")), kFallbackNumber);
    QCOMPARE(m_fallback->messages().last().value(QStringLiteral("To")), kCustomer);

    // Two failures in a row opened the primary's circuit: it is not called at all now.
    QList<AccountStatus> accounts = channel->accountStatuses();
    QCOMPARE(accounts.size(), 2);
    QCOMPARE(accounts[0].name, QStringLiteral("primary"));
    QCOMPARE(accounts[0].circuit, QStringLiteral("open"));
    QVERIFY(accounts[0].retryInMs > 0);
    QCOMPARE(accounts[0].health.consecutiveFailures, 2);
    QVERIFY(accounts[0].health.lastError.contains(QStringLiteral("HTTP 500")));
    QCOMPARE(accounts[1].name, QStringLiteral("fallback"));
    QCOMPARE(accounts[1].circuit, QStringLiteral("closed"));
    QVERIFY(accounts[1].health.lastSuccessAt.isValid());
    result = send(*channel, smsReply(QStringLiteral("while open")));
    QVERIFY(result.ok);
    QCOMPARE(result.account, QStringLiteral("fallback"));
    QCOMPARE(m_primary->failedSends(), 2);
    QCOMPARE(m_fallback->messages().size(), 3);
    // The channel as a whole kept delivering.
    QCOMPARE(channel->health().consecutiveFailures, 0);

    // Still down after the cool-down: the probe fails, the fallback sends, the circuit re-opens.
    QTRY_VERIFY_WITH_TIMEOUT(channel->breaker(0).snapshot().retryInMs == 0, 10000);
    result = send(*channel, smsReply(QStringLiteral("failed probe")));
    QVERIFY(result.ok);
    QCOMPARE(result.account, QStringLiteral("fallback"));
    QCOMPARE(m_primary->failedSends(), 3);
    QCOMPARE(CircuitBreaker::toString(channel->breaker(0).state()), QStringLiteral("open"));

    // Recovered: after the next cool-down the probe succeeds and the primary takes over again.
    m_primary->setOutage(0);
    QTRY_VERIFY_WITH_TIMEOUT(channel->breaker(0).snapshot().retryInMs == 0, 10000);
    result = send(*channel, smsReply(QStringLiteral("back")));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.account, QStringLiteral("primary"));
    QCOMPARE(m_primary->messages().size(), 2);
    QCOMPARE(m_primary->messages().last().value(QStringLiteral("Body")), QStringLiteral("back"));
    QCOMPARE(channel->accountStatuses()[0].circuit, QStringLiteral("closed"));
    QCOMPARE(channel->accountStatuses()[0].health.consecutiveFailures, 0);
    QCOMPARE(m_fallback->messages().size(), 4);
}

void TestChannelFailover::refusalsDoNotFailOver()
{
    auto channel = twilioPair(1, 60000);
    // Twilio judged the message (invalid number): the other account would judge it the same.
    m_primary->queueError(400, 21211,
                          QStringLiteral("The 'To' number is not a valid phone number."));
    SendResult result = send(*channel, smsReply(QStringLiteral("hi")));
    QVERIFY(!result.ok);
    QVERIFY(!result.retryable);
    QVERIFY(!result.accountFault);
    QCOMPARE(result.account, QStringLiteral("primary"));
    QVERIFY(result.error.contains(QStringLiteral("21211")));
    QCOMPARE(m_fallback->server().requestCount(), 0);
    QCOMPARE(channel->accountStatuses()[0].circuit, QStringLiteral("closed"));

    // A rate limit is the account asking for patience, not an outage: retried later, no failover.
    m_primary->queueRateLimit(3);
    result = send(*channel, smsReply(QStringLiteral("hi again")));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QCOMPARE(result.retryAfterSeconds, 3);
    QCOMPARE(m_fallback->server().requestCount(), 0);
    QCOMPARE(channel->accountStatuses()[0].circuit, QStringLiteral("closed"));

    // A message that cannot be sent at all is refused before either account is asked.
    OutboundContext empty = smsReply(QString());
    result = send(*channel, empty);
    QVERIFY(!result.ok);
    QVERIFY(!result.retryable);
    QCOMPARE(m_fallback->server().requestCount(), 0);
}

void TestChannelFailover::bothAccountsDownIsRetryableLater()
{
    auto channel = twilioPair(1, 60000);
    m_primary->setOutage(503);
    m_fallback->setOutage(500);
    SendResult result = send(*channel, smsReply(QStringLiteral("anyone?")));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QCOMPARE(result.account, QStringLiteral("fallback"));
    QVERIFY(result.error.contains(QStringLiteral("HTTP 500")));
    QCOMPARE(m_primary->failedSends(), 1);
    QCOMPARE(m_fallback->failedSends(), 1);

    // Both circuits open: nobody is called, the job is told when to come back.
    result = send(*channel, smsReply(QStringLiteral("still?")));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QVERIFY(result.error.contains(QStringLiteral("both accounts")));
    QVERIFY(result.retryAfterSeconds >= 1 && result.retryAfterSeconds <= 60);
    QCOMPARE(m_primary->failedSends(), 1);
    QCOMPARE(m_fallback->failedSends(), 1);
    QCOMPARE(channel->health().consecutiveFailures, 2);
}

void TestChannelFailover::sendGridFailsOverBetweenKeys()
{
    FakeSendGrid primaryFake(QStringLiteral("SG.primary-key"));
    FakeSendGrid fallbackFake(QStringLiteral("SG.fallback-key"));
    SendGridSettings settings;
    settings.enabled = true;
    settings.apiKey = QStringLiteral("SG.primary-key");
    settings.from = QStringLiteral("support@example.com");
    settings.baseUrl = primaryFake.baseUrl();
    settings.fallback.apiKey = QStringLiteral("SG.fallback-key");
    settings.fallback.baseUrl = fallbackFake.baseUrl();
    const SendGridSettings second = SendGridChannel::fallbackAccount(settings);
    QCOMPARE(second.apiKey, QStringLiteral("SG.fallback-key"));
    QCOMPARE(second.from, settings.from); // inherited
    FailoverChannel channel(std::make_unique<SendGridChannel>(&m_network, settings, 5000),
                            std::make_unique<SendGridChannel>(&m_network, second, 5000),
                            breakerOptions(1, 400));
    QCOMPARE(channel.name(), QStringLiteral("sendgrid"));

    primaryFake.setOutage(503);
    SendResult result = send(channel, mailReply(QStringLiteral("Your invoice is attached.")));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.account, QStringLiteral("fallback"));
    QCOMPARE(fallbackFake.mails().size(), 1);
    QCOMPARE(result.externalId, fallbackFake.messageIds().last());
    QCOMPARE(fallbackFake.mails()
                 .last()
                 .value(QStringLiteral("from"))
                 .toObject()
                 .value(QStringLiteral("email"))
                 .toString(),
             QStringLiteral("support@example.com"));
    QCOMPARE(channel.accountStatuses()[0].circuit, QStringLiteral("open"));
    const int primaryCalls = primaryFake.server().requestCount();
    result = send(channel, mailReply(QStringLiteral("second")));
    QCOMPARE(result.account, QStringLiteral("fallback"));
    QCOMPARE(primaryFake.server().requestCount(), primaryCalls);

    primaryFake.setOutage(0);
    QTRY_VERIFY_WITH_TIMEOUT(channel.breaker(0).snapshot().retryInMs == 0, 10000);
    result = send(channel, mailReply(QStringLiteral("third")));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.account, QStringLiteral("primary"));
    QCOMPARE(primaryFake.mails().size(), 1);
    QCOMPARE(channel.accountStatuses()[0].circuit, QStringLiteral("closed"));
}

QString TestChannelFailover::writeConfig(const QString &text)
{
    const QString path = QDir(m_dir->path()).filePath(QStringLiteral("config.toml"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(text.toUtf8());
    return path;
}

void TestChannelFailover::fallbackKeysLoad()
{
    const QString file = writeConfig(QStringLiteral(R"([channels.twilio]
enabled = true
account_sid = "AC1"
auth_token = "t1"
from = "+15005550006"

[channels.twilio.fallback]
account_sid = "AC2"
from = "+15005550007"
base_url = "http://127.0.0.1:9/"
failure_threshold = 4
cooldown_s = 90

[channels.sendgrid]
enabled = true
api_key = "SG.one"
from = "support@example.com"

[channels.sendgrid.fallback]
api_key = "SG.two"
)"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("RELAYDESK_TWILIO_FALLBACK_AUTH_TOKEN"), QStringLiteral("t2"));
    const Outcome<Settings> loaded = SettingsLoader::load({file, {}, env});
    QVERIFY2(loaded.isOk(), qPrintable(loaded.isOk() ? QString() : loaded.error().message));
    const Settings &s = loaded.value();
    QCOMPARE(s.twilio.accountSid, QStringLiteral("AC1"));
    QCOMPARE(s.twilio.fallback.accountSid, QStringLiteral("AC2"));
    QCOMPARE(s.twilio.fallback.authToken, QStringLiteral("t2"));
    QCOMPARE(s.twilio.fallback.from, QStringLiteral("+15005550007"));
    QCOMPARE(s.twilio.fallback.failureThreshold, 4);
    QCOMPARE(s.twilio.fallback.cooldownSeconds, 90);
    const TwilioSettings second = TwilioChannel::fallbackAccount(s.twilio);
    QCOMPARE(second.accountSid, QStringLiteral("AC2"));
    QCOMPARE(second.baseUrl, QStringLiteral("http://127.0.0.1:9/"));
    QCOMPARE(s.sendgrid.fallback.apiKey, QStringLiteral("SG.two"));
    QCOMPARE(s.sendgrid.fallback.failureThreshold, 3); // default
    QCOMPARE(SendGridChannel::fallbackAccount(s.sendgrid).baseUrl, s.sendgrid.baseUrl);

    // Without a fallback table nothing changes: one account, as before.
    const QString single = writeConfig(QStringLiteral(
        "[channels.twilio]\nenabled = true\naccount_sid = \"AC1\"\nauth_token = \"t1\"\n"
        "from = \"+15005550006\"\n"));
    const Outcome<Settings> plain = SettingsLoader::load({single, {}, {}});
    QVERIFY(plain.isOk());
    QVERIFY(plain.value().twilio.fallback.accountSid.isEmpty());
}

void TestChannelFailover::fallbackConfigProblemsAreReported()
{
    const QString file = writeConfig(QStringLiteral(R"([channels.twilio]
enabled = true
account_sid = "AC1"
auth_token = "t1"
from = "+15005550006"

[channels.twilio.fallback]
account_sid = "AC2"
auth_tokn = "typo"
cooldown_s = 0

[channels.sendgrid.fallback]
base_url = "ftp://example.com"
)"));
    const Outcome<Settings> loaded = SettingsLoader::load({file, {}, {}});
    QVERIFY(!loaded.isOk());
    const QString message = loaded.error().message;
    auto reported = [&](const QString &where, const QString &why) {
        for (const FieldError &problem : loaded.error().fields) {
            if (problem.field.contains(where) && problem.message.contains(why))
                return true;
        }
        qWarning().noquote() << "not reported:" << where << why << "in" << message;
        return false;
    };
    QVERIFY(reported(QStringLiteral("config.toml:9 channels.twilio.fallback.auth_tokn"),
                     QStringLiteral("unknown key (known here: account_sid, auth_token")));
    QVERIFY(reported(QStringLiteral("config.toml:10 channels.twilio.fallback.cooldown_s"),
                     QStringLiteral("expected an integer between 1 and 86400, got 0")));
    QVERIFY(reported(QStringLiteral("channels.twilio.fallback.account_sid"),
                     QStringLiteral("the Twilio fallback account has no auth_token")));
    QVERIFY(reported(QStringLiteral("channels.twilio.fallback.account_sid"),
                     QStringLiteral("has no from")));
    QVERIFY(reported(QStringLiteral("config.toml:13 channels.sendgrid.fallback.base_url"),
                     QStringLiteral("expected an http:// or https:// URL")));
}

Response TestChannelFailover::request(const QByteArray &method, const QString &path,
                                      const QByteArray &body)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    request.setRawHeader("Authorization", "Bearer " + kToken);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.json = QJsonDocument::fromJson(reply->readAll()).object();
    return response;
}

QJsonObject TestChannelFailover::channel(const QString &name)
{
    for (const QJsonValue &value :
         get(QStringLiteral("/api/v1/channels")).json.value(QStringLiteral("data")).toArray()) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

QJsonObject TestChannelFailover::waitForMessageState(const QString &messageId, const QString &state)
{
    QJsonObject message;
    const bool reached = QTest::qWaitFor(
        [&] {
            message = get(QStringLiteral("/api/v1/messages/") + messageId).json;
            return message.value(QStringLiteral("status")).toString() == state;
        },
        15000);
    if (!reached)
        qWarning() << "message" << messageId << "stayed" << message.value(QStringLiteral("status"))
                   << "instead of" << state;
    return message;
}

void TestChannelFailover::endToEndFailoverAndRecovery_data()
{
    TestDatabase::addBackendRows();
}

void TestChannelFailover::endToEndFailoverAndRecovery()
{
    RELAYDESK_TEST_DATABASE(db);
    m_port = freePort();
    QVERIFY(m_port != 0);
    Settings settings;
    settings.dataDir = db.dataDir();
    settings.databaseUrl = db.url();
    settings.listenHost = QStringLiteral("127.0.0.1");
    settings.listenPort = m_port;
    settings.publicUrl = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    settings.apiTokens = {QString::fromLatin1(kToken)};
    settings.retryBaseMs = 20;
    settings.retryMaxMs = 100;
    settings.twilio.enabled = true;
    settings.twilio.accountSid = kPrimarySid;
    settings.twilio.authToken = kPrimaryToken;
    settings.twilio.baseUrl = m_primary->baseUrl();
    settings.twilio.fallback.accountSid = kFallbackSid;
    settings.twilio.fallback.authToken = kFallbackToken;
    settings.twilio.fallback.from = kFallbackNumber;
    settings.twilio.fallback.baseUrl = m_fallback->baseUrl();
    settings.twilio.fallback.failureThreshold = 1;
    // Long enough that the checks of the open circuit below cannot race its end on a loaded
    // machine; the recovery step waits for it.
    settings.twilio.fallback.cooldownSeconds = 4;
    m_engine = std::make_unique<Engine>(settings);
    const auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    const auto port = m_api->start(settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));

    // Both accounts are listed before anything was sent.
    // (Polled: the channel list may answer before the engine has registered its adapters.)
    QJsonObject twilio;
    QJsonArray accounts;
    QVERIFY(QTest::qWaitFor(
        [&] {
            twilio = channel(QStringLiteral("twilio"));
            accounts = twilio.value(QStringLiteral("accounts")).toArray();
            return accounts.size() == 2;
        },
        10000));
    QCOMPARE(accounts[0].toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("primary"));
    QCOMPARE(accounts[0].toObject().value(QStringLiteral("circuit")).toString(),
             QStringLiteral("closed"));

    // The customer writes in; the primary is down when the reply goes out.
    const QUrl webhook(settings.publicUrl + QStringLiteral("/api/v1/webhooks/twilio"));
    FakeTwilio::Params inbound{{QStringLiteral("AccountSid"), kPrimarySid},
                               {QStringLiteral("MessageSid"), QStringLiteral("SMin1")},
                               {QStringLiteral("From"), kCustomer},
                               {QStringLiteral("To"), kOurNumber},
                               {QStringLiteral("Body"), QStringLiteral("Is my order late?")},
                               {QStringLiteral("NumMedia"), QStringLiteral("0")},
                               {QStringLiteral("SmsStatus"), QStringLiteral("received")}};
    QCOMPARE(m_primary->postWebhook(webhook, inbound).status, 200);
    QString conversationId;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const QJsonArray list = get(QStringLiteral("/api/v1/conversations"))
                                        .json.value(QStringLiteral("data"))
                                        .toArray();
            if (!list.isEmpty())
                conversationId = list.first().toObject().value(QStringLiteral("id")).toString();
            return !conversationId.isEmpty();
        },
        10000));
    m_primary->setOutage(500);
    Response reply = request(
        "POST", QStringLiteral("/api/v1/conversations/%1/reply").arg(conversationId),
        QJsonDocument(QJsonObject{{QStringLiteral("content"), QStringLiteral("It ships today.")}})
            .toJson(QJsonDocument::Compact));
    QCOMPARE(reply.status, 202);
    const QString firstId = reply.json.value(QStringLiteral("id")).toString();
    QJsonObject sent = waitForMessageState(firstId, QStringLiteral("sent"));
    QCOMPARE(sent.value(QStringLiteral("status")).toString(), QStringLiteral("sent"));
    QVERIFY(m_fallback->waitForMessages(1));
    const FakeTwilio::SentMessage viaFallback = m_fallback->messages().first();
    QCOMPARE(viaFallback.value(QStringLiteral("Body")), QStringLiteral("It ships today."));
    QCOMPARE(viaFallback.value(QStringLiteral("From")), kFallbackNumber);
    QCOMPARE(
        sent.value(QStringLiteral("events")).toArray().last()[QStringLiteral("detail")].toString(),
        viaFallback.sid + QStringLiteral(" via fallback account"));
    QCOMPARE(m_primary->failedSends(), 1);

    // Per-account health: the primary's circuit is open, the fallback delivered.
    QVERIFY(QTest::qWaitFor(
        [&] {
            accounts =
                channel(QStringLiteral("twilio")).value(QStringLiteral("accounts")).toArray();
            return accounts.size() == 2 &&
                   accounts[1].toObject().value(QStringLiteral("last_success_at")).isString();
        },
        10000));
    twilio = channel(QStringLiteral("twilio"));
    QCOMPARE(twilio.value(QStringLiteral("healthy")).toBool(), true);
    const QJsonObject primaryHealth = accounts[0].toObject();
    QCOMPARE(primaryHealth.value(QStringLiteral("circuit")).toString(), QStringLiteral("open"));
    QCOMPARE(primaryHealth.value(QStringLiteral("healthy")).toBool(), false);
    QCOMPARE(primaryHealth.value(QStringLiteral("consecutive_failures")).toInt(), 1);
    QVERIFY(primaryHealth.value(QStringLiteral("last_error"))
                .toString()
                .contains(QStringLiteral("HTTP 500")));
    const QList<ChannelStatus> statuses = m_engine->channelStatuses();
    QCOMPARE(statuses.size(), 1);
    QCOMPARE(statuses.first().accounts.size(), 2);
    QCOMPARE(statuses.first().accounts[0].circuit, QStringLiteral("open"));

    // The delivery receipt of the fallback's message comes signed with the fallback's token.
    QCOMPARE(m_fallback->postStatus(viaFallback.sid, QStringLiteral("delivered")).status, 200);
    QCOMPARE(waitForMessageState(firstId, QStringLiteral("delivered"))
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("delivered"));
    // So does the customer's answer to the fallback number; a wrong token is still refused.
    FakeTwilio::Params answer{{QStringLiteral("AccountSid"), kFallbackSid},
                              {QStringLiteral("MessageSid"), QStringLiteral("SMin2")},
                              {QStringLiteral("From"), kCustomer},
                              {QStringLiteral("To"), kFallbackNumber},
                              {QStringLiteral("Body"), QStringLiteral("Thanks!")},
                              {QStringLiteral("NumMedia"), QStringLiteral("0")},
                              {QStringLiteral("SmsStatus"), QStringLiteral("received")}};
    QCOMPARE(m_fallback->postWebhook(webhook, answer).status, 200);
    answer[1].second = QStringLiteral("SMin3");
    QCOMPARE(m_fallback->postWebhook(webhook, answer, kPrimaryToken).status, 401);

    // The primary recovers; after its cool-down the next reply goes through it again.
    m_primary->setOutage(0);
    QVERIFY(QTest::qWaitFor(
        [&] {
            accounts =
                channel(QStringLiteral("twilio")).value(QStringLiteral("accounts")).toArray();
            return accounts.size() == 2 &&
                   accounts[0].toObject().value(QStringLiteral("retry_in_ms")).toInteger() == 0;
        },
        20000));
    reply = request(
        "POST", QStringLiteral("/api/v1/conversations/%1/reply").arg(conversationId),
        QJsonDocument(QJsonObject{{QStringLiteral("content"), QStringLiteral("Anything else?")}})
            .toJson(QJsonDocument::Compact));
    QCOMPARE(reply.status, 202);
    sent = waitForMessageState(reply.json.value(QStringLiteral("id")).toString(),
                               QStringLiteral("sent"));
    QVERIFY(m_primary->waitForMessages(1));
    QCOMPARE(m_primary->messages().last().value(QStringLiteral("Body")),
             QStringLiteral("Anything else?"));
    QCOMPARE(
        sent.value(QStringLiteral("events")).toArray().last()[QStringLiteral("detail")].toString(),
        m_primary->messages().last().sid + QStringLiteral(" via primary account"));
    QCOMPARE(m_fallback->messages().size(), 1);
    QVERIFY(QTest::qWaitFor(
        [&] {
            accounts =
                channel(QStringLiteral("twilio")).value(QStringLiteral("accounts")).toArray();
            return accounts.size() == 2 &&
                   accounts[0].toObject().value(QStringLiteral("circuit")).toString() ==
                       QLatin1String("closed");
        },
        10000));
}

QTEST_GUILESS_MAIN(TestChannelFailover)
#include "tst_channelfailover.moc"
