// AI drafting end to end: a real engine on SQLite and the real HTTP API, with the Anthropic and
// OpenAI(-compatible) fakes as providers. Covers drafting through each provider (streamed, with
// progress), failover, usage accounting through GET /api/v1/usage and /metrics, sanitising at
// ingest, moderation holding auto-send, the per-user AI rate limit and regenerate.
#include "engine/engine.h"
#include "fakes/fakeanthropic.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeopenai.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"

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

const QByteArray kToken = "ai-test-token-0123456789abcdef";

struct Response {
    int status = 0;
    QJsonObject json;
};

} // namespace

class TestAiPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void anthropicDraftsWithStreamingProgress();
    void openAiDrafts();
    void localServerDrafts();
    void failoverIsRecordedAndUsageSummed();
    void sanitisedAtIngest();
    void moderationHoldsAutoSend();
    void perUserRateLimitFlagsTheConversation();
    void regenerateWithInstruction();

private:
    void startStack();
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response get(const QString &path) { return request("GET", path); }
    QString send(const QString &userId, const QString &content, QString *messageId = nullptr);
    QList<QJsonObject> drafts(const QString &conversationId);
    QJsonObject waitForDrafts(const QString &conversationId, int count);
    QJsonObject message(const QString &id)
    {
        return get(QStringLiteral("/api/v1/messages/") + id).json;
    }
    static QString lastEventDetail(const QJsonObject &message);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeHttpServer> m_receiver;
    std::unique_ptr<FakeAnthropic> m_anthropic;
    std::unique_ptr<FakeOpenAi> m_openai;
    std::unique_ptr<FakeOpenAi> m_local;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
    QStringList m_progress;
};

void TestAiPipeline::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_receiver = std::make_unique<FakeHttpServer>();
    m_anthropic = std::make_unique<FakeAnthropic>();
    m_openai = std::make_unique<FakeOpenAi>();
    m_local = std::make_unique<FakeOpenAi>(FakeOpenAi::Mode::Local);
    m_progress.clear();
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_settings.webhookEnabled = true;
    m_settings.webhookOutboundUrl = m_receiver->url(QStringLiteral("/outbound")).toString();
    m_settings.webhookSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.aiTimeoutSeconds = 5;
    m_settings.aiMaxRetries = 2;
    m_settings.anthropic.apiKey = QString::fromLatin1(FakeAnthropic::kApiKey);
    m_settings.anthropic.baseUrl = m_anthropic->baseUrl();
    m_settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
    m_settings.openai.baseUrl = m_openai->baseUrl();
    m_settings.local.baseUrl = m_local->baseUrl();
    m_settings.local.model = QStringLiteral("qwen2.5-7b-instruct");
    m_settings.modelPrices = {{QStringLiteral("claude-3-5-haiku"), ModelPrice{0.8, 4.0}},
                              {QStringLiteral("gpt-4o-mini"), ModelPrice{0.15, 0.6}}};
    m_settings.systemPrompt = QStringLiteral("You are the Acme support desk.");
    m_settings.offlineAnswers = {CannedAnswer{{QStringLiteral("refund")},
                                              QStringLiteral("Refunds take 3-5 business days.")}};
}

void TestAiPipeline::cleanup()
{
    stopStack();
    m_receiver.reset();
    m_anthropic.reset();
    m_openai.reset();
    m_local.reset();
    m_dir.reset();
}

void TestAiPipeline::startStack()
{
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    connect(m_engine.get(), &Engine::draftProgress, this,
            [this](const QString &, const QString &, const QString &text) { m_progress << text; });
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestAiPipeline::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestAiPipeline::request(const QByteArray &method, const QString &path,
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

QString TestAiPipeline::send(const QString &userId, const QString &content, QString *messageId)
{
    const Response accepted =
        post(QStringLiteral("/api/v1/messages"),
             QJsonObject{{QStringLiteral("user_id"), userId},
                         {QStringLiteral("platform"), QStringLiteral("telegram")},
                         {QStringLiteral("content"), content}});
    if (accepted.status != 202)
        qWarning() << "ingest answered" << accepted.status << accepted.json;
    if (messageId)
        *messageId = accepted.json.value(QStringLiteral("id")).toString();
    return accepted.json.value(QStringLiteral("conversation_id")).toString();
}

QList<QJsonObject> TestAiPipeline::drafts(const QString &conversationId)
{
    QList<QJsonObject> found;
    const QJsonArray messages = get(QStringLiteral("/api/v1/conversations/") + conversationId)
                                    .json.value(QStringLiteral("messages"))
                                    .toArray();
    for (const QJsonValue &value : messages) {
        if (value.toObject().value(QStringLiteral("author_kind")).toString() == QLatin1String("ai"))
            found << value.toObject();
    }
    return found;
}

QJsonObject TestAiPipeline::waitForDrafts(const QString &conversationId, int count)
{
    QList<QJsonObject> found;
    const bool reached = QTest::qWaitFor(
        [&] {
            found = drafts(conversationId);
            return found.size() >= count;
        },
        15000);
    if (!reached) {
        qWarning() << "only" << found.size() << "drafts in" << conversationId;
        return {};
    }
    return message(found.last().value(QStringLiteral("id")).toString());
}

QString TestAiPipeline::lastEventDetail(const QJsonObject &message)
{
    const QJsonArray events = message.value(QStringLiteral("events")).toArray();
    for (qsizetype i = events.size() - 1; i >= 0; --i) {
        const QJsonObject event = events.at(i).toObject();
        if (event.value(QStringLiteral("type")) == message.value(QStringLiteral("status")))
            return event.value(QStringLiteral("detail")).toString();
    }
    return {};
}

void TestAiPipeline::anthropicDraftsWithStreamingProgress()
{
    m_settings.aiChain = {QStringLiteral("anthropic")};
    m_anthropic->setReply(
        QStringLiteral("Hi Sam, your order #1234 left our warehouse this morning."), 120, 16,
        QStringLiteral("claude-3-5-haiku-20241022"));
    m_anthropic->setStreamChunking(12, 5);
    startStack();
    const QString conversationId =
        send(QStringLiteral("tg-1"), QStringLiteral("Where is order #1234?"));
    const QJsonObject draft = waitForDrafts(conversationId, 1);
    QCOMPARE(draft.value(QStringLiteral("content")).toString(),
             QStringLiteral("Hi Sam, your order #1234 left our warehouse this morning."));
    QCOMPARE(draft.value(QStringLiteral("status")).toString(), QStringLiteral("drafted"));
    const QJsonObject metadata = draft.value(QStringLiteral("metadata")).toObject();
    QCOMPARE(metadata.value(QStringLiteral("provider")).toString(), QStringLiteral("anthropic"));
    QCOMPARE(metadata.value(QStringLiteral("model")).toString(),
             QStringLiteral("claude-3-5-haiku-20241022"));
    QCOMPARE(lastEventDetail(draft), QStringLiteral("anthropic/claude-3-5-haiku-20241022"));

    // What went over the wire: the persona, the platform's limit and the customer's words.
    QCOMPARE(m_anthropic->requests().size(), 1);
    const QJsonObject body = m_anthropic->requestBody(0);
    QVERIFY(body.value(QStringLiteral("stream")).toBool());
    QVERIFY(body.value(QStringLiteral("system"))
                .toString()
                .startsWith(QStringLiteral("You are the Acme support desk.")));
    QVERIFY(body.value(QStringLiteral("system"))
                .toString()
                .contains(QStringLiteral("at most 4096 characters")));
    const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("Where is order #1234?"));

    // The console saw the draft being written.
    QVERIFY(QTest::qWaitFor([&] { return !m_progress.isEmpty(); }, 5000));
    QVERIFY(m_progress.size() >= 2);
    QCOMPARE(m_progress.last(), draft.value(QStringLiteral("content")).toString());
    QVERIFY(m_progress.first().size() < m_progress.last().size());
}

void TestAiPipeline::openAiDrafts()
{
    m_settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
    m_openai->setReply(QStringLiteral("Happy to help: the refund is on its way."), 80, 11);
    startStack();
    const QString conversationId = send(QStringLiteral("tg-2"), QStringLiteral("Refund status?"));
    const QJsonObject draft = waitForDrafts(conversationId, 1);
    QCOMPARE(draft.value(QStringLiteral("content")).toString(),
             QStringLiteral("Happy to help: the refund is on its way."));
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("openai")));
    const QJsonObject body = m_openai->requestBody(0);
    QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
    QCOMPARE(body.value(QStringLiteral("messages"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("role")),
             QJsonValue(QStringLiteral("system")));
    QVERIFY(body.value(QStringLiteral("stream_options"))
                .toObject()
                .value(QStringLiteral("include_usage"))
                .toBool());
}

void TestAiPipeline::localServerDrafts()
{
    m_settings.aiChain = {QStringLiteral("local")};
    m_local->setReply(QStringLiteral("A teammate will be with you shortly."), 0, 0,
                      QStringLiteral("qwen2.5-7b-instruct"));
    startStack();
    const QString conversationId = send(QStringLiteral("tg-3"), QStringLiteral("hello?"));
    const QJsonObject draft = waitForDrafts(conversationId, 1);
    QCOMPARE(draft.value(QStringLiteral("content")).toString(),
             QStringLiteral("A teammate will be with you shortly."));
    QCOMPARE(lastEventDetail(draft), QStringLiteral("local/qwen2.5-7b-instruct"));
    QVERIFY(m_local->requests().first().header("authorization").isEmpty());
}

void TestAiPipeline::failoverIsRecordedAndUsageSummed()
{
    m_settings.aiChain = {QStringLiteral("anthropic"), QStringLiteral("openai")};
    m_settings.aiMaxRetries = 1;
    m_settings.breakerFailureThreshold = 2;
    m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::Overloaded).withRetryAfterMs(50), 2);
    m_openai->setReply(QStringLiteral("Answer from the second provider."), 1000, 500);
    startStack();
    const QString conversationId = send(QStringLiteral("tg-4"), QStringLiteral("help"));
    const QJsonObject draft = waitForDrafts(conversationId, 1);
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("openai")));
    const QString detail = lastEventDetail(draft);
    QVERIFY2(detail.startsWith(QStringLiteral("openai/gpt-4o-mini-2024-07-18 (after anthropic: "
                                              "overloaded (HTTP 529)")),
             qPrintable(detail));
    QCOMPARE(m_anthropic->requests().size(), 2);

    // Usage rows are written behind the draft: wait for all three.
    QJsonArray byProvider;
    QVERIFY(QTest::qWaitFor(
        [&] {
            byProvider = get(QStringLiteral("/api/v1/usage?group_by=provider"))
                             .json.value(QStringLiteral("data"))
                             .toArray();
            qint64 requests = 0;
            for (const QJsonValue &row : byProvider)
                requests += row.toObject().value(QStringLiteral("requests")).toInteger();
            return requests == 3;
        },
        10000));
    QJsonObject anthropic, openai;
    for (const QJsonValue &row : byProvider) {
        const QString provider = row.toObject().value(QStringLiteral("provider")).toString();
        (provider == QLatin1String("anthropic") ? anthropic : openai) = row.toObject();
    }
    QCOMPARE(anthropic.value(QStringLiteral("requests")).toInteger(), 2);
    QCOMPARE(anthropic.value(QStringLiteral("failures")).toInteger(), 2);
    QCOMPARE(openai.value(QStringLiteral("provider")).toString(), QStringLiteral("openai"));
    QCOMPARE(openai.value(QStringLiteral("requests")).toInteger(), 1);
    QCOMPARE(openai.value(QStringLiteral("failures")).toInteger(), 0);
    QCOMPARE(openai.value(QStringLiteral("input_tokens")).toInteger(), 1000);
    QCOMPARE(openai.value(QStringLiteral("output_tokens")).toInteger(), 500);
    // 1000 * 0.15 / 1e6 + 500 * 0.6 / 1e6
    QVERIFY(qFuzzyCompare(openai.value(QStringLiteral("cost")).toDouble(), 0.00045));

    const Response byConversation = get(QStringLiteral("/api/v1/usage?group_by=conversation"));
    QCOMPARE(byConversation.status, 200);
    const QJsonObject conversationRow =
        byConversation.json.value(QStringLiteral("data")).toArray().first().toObject();
    QCOMPARE(conversationRow.value(QStringLiteral("conversation_id")).toString(), conversationId);
    QCOMPARE(conversationRow.value(QStringLiteral("requests")).toInteger(), 3);
    QCOMPARE(byConversation.json.value(QStringLiteral("totals"))
                 .toObject()
                 .value(QStringLiteral("input_tokens"))
                 .toInteger(),
             1000);

    const Response byDay = get(QStringLiteral("/api/v1/usage?group_by=day"));
    QCOMPARE(byDay.json.value(QStringLiteral("data"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("day"))
                 .toString(),
             QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate));
    const Response future = get(QStringLiteral("/api/v1/usage?since=2999-01-01"));
    QCOMPARE(future.status, 200);
    QCOMPARE(future.json.value(QStringLiteral("data")).toArray().size(), 0);
    QCOMPARE(future.json.value(QStringLiteral("totals"))
                 .toObject()
                 .value(QStringLiteral("requests"))
                 .toInteger(),
             0);
    QCOMPARE(get(QStringLiteral("/api/v1/usage?group_by=planet")).status, 422);
    QCOMPARE(get(QStringLiteral("/api/v1/usage?since=yesterday")).status, 422);

    const QByteArray metrics = MetricsRegistry::instance().exposition();
    QVERIFY(metrics.contains(
        "relaydesk_ai_requests_total{provider=\"anthropic\",outcome=\"overloaded\"}"));
    QVERIFY(
        metrics.contains("relaydesk_ai_tokens_total{provider=\"openai\",direction=\"output\"}"));
    QVERIFY(metrics.contains("relaydesk_ai_cost_total "));

    // Two failures in a row opened anthropic's circuit: health shows it, and the next draft
    // goes straight to openai without calling anthropic.
    QJsonArray providers;
    QVERIFY(QTest::qWaitFor(
        [&] {
            providers = get(QStringLiteral("/api/v1/ai/providers"))
                            .json.value(QStringLiteral("data"))
                            .toArray();
            return providers.size() == 3 &&
                   providers.first().toObject().value(QStringLiteral("circuit")).toString() ==
                       QLatin1String("open");
        },
        5000));
    QCOMPARE(providers.first().toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("anthropic"));
    QVERIFY(providers.first().toObject().value(QStringLiteral("retry_in_ms")).toInteger() > 0);
    QCOMPARE(providers.at(1).toObject().value(QStringLiteral("circuit")).toString(),
             QStringLiteral("closed"));
    QCOMPARE(providers.at(2).toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("offline"));
    send(QStringLiteral("tg-4"), QStringLiteral("still there?"));
    const QJsonObject second = waitForDrafts(conversationId, 2);
    QVERIFY(lastEventDetail(second).contains(QStringLiteral("anthropic: circuit open")));
    QCOMPARE(m_anthropic->requests().size(), 2);
}

void TestAiPipeline::sanitisedAtIngest()
{
    startStack();
    QString messageId;
    const QString raw = QStringLiteral("Cafe\u0301 ") + QChar(0x1B) +
                        QStringLiteral("[2Jline\r\nnext") + QChar(0x07);
    send(QStringLiteral("tg-5"), raw, &messageId);
    QCOMPARE(message(messageId).value(QStringLiteral("content")).toString(),
             QStringLiteral("Caf\u00e9 [2Jline\nnext"));
}

void TestAiPipeline::moderationHoldsAutoSend()
{
    m_settings.defaultAiMode = AiMode::Auto;
    m_settings.blockedTerms = {QStringLiteral("lawyer")};
    m_settings.aiChain = {QStringLiteral("anthropic")};
    startStack();

    // A clean message under auto goes straight out.
    const QString clean = send(QStringLiteral("tg-6"), QStringLiteral("hello"));
    waitForDrafts(clean, 1);
    QVERIFY(m_receiver->waitForRequests(1, 10000));

    // PII flags the conversation: the draft waits for review with the reason.
    const QString flagged =
        send(QStringLiteral("tg-7"), QStringLiteral("card 4111 1111 1111 1111"));
    const QJsonObject held = waitForDrafts(flagged, 1);
    QCOMPARE(held.value(QStringLiteral("status")).toString(), QStringLiteral("drafted"));
    QVERIFY2(lastEventDetail(held).contains(
                 QStringLiteral("held for review: possible payment card number ending in 1111")),
             qPrintable(lastEventDetail(held)));
    const QJsonObject conversation = get(QStringLiteral("/api/v1/conversations/") + flagged).json;
    QCOMPARE(conversation.value(QStringLiteral("flagged")).toBool(), true);
    QCOMPARE(conversation.value(QStringLiteral("flag_reason")).toString(),
             QStringLiteral("possible payment card number ending in 1111"));
    QTest::qWait(500);
    QCOMPARE(m_receiver->requestCount(), 1);

    // The flag sticks for the conversation's next messages until an operator clears it.
    send(QStringLiteral("tg-7"), QStringLiteral("my lawyer will call"));
    const QJsonObject second = waitForDrafts(flagged, 2);
    QVERIFY(lastEventDetail(second).contains(
        QStringLiteral("held for review: blocked term \"lawyer\"")));
    QCOMPARE(m_receiver->requestCount(), 1);

    const Response cleared = request("PATCH", QStringLiteral("/api/v1/conversations/") + flagged,
                                     R"({"flagged":false})");
    QCOMPARE(cleared.status, 200);
    QCOMPARE(cleared.json.value(QStringLiteral("flagged")).toBool(), false);
    QVERIFY(cleared.json.value(QStringLiteral("flag_reason")).isNull());
    QCOMPARE(
        request("PATCH", QStringLiteral("/api/v1/conversations/") + flagged, R"({"flagged":"no"})")
            .status,
        422);
    send(QStringLiteral("tg-7"), QStringLiteral("thanks, all good now"));
    waitForDrafts(flagged, 3);
    QVERIFY(m_receiver->waitForRequests(2, 10000));
}

void TestAiPipeline::perUserRateLimitFlagsTheConversation()
{
    m_settings.aiRateLimitPerUserPerMinute = 2;
    startStack();
    QString first, second, third;
    const QString conversationId = send(QStringLiteral("tg-8"), QStringLiteral("one"), &first);
    send(QStringLiteral("tg-8"), QStringLiteral("two"), &second);
    send(QStringLiteral("tg-8"), QStringLiteral("three"), &third);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return get(QStringLiteral("/api/v1/conversations/") + conversationId)
                .json.value(QStringLiteral("flagged"))
                .toBool();
        },
        10000));
    const QJsonObject conversation =
        get(QStringLiteral("/api/v1/conversations/") + conversationId).json;
    QVERIFY2(
        conversation.value(QStringLiteral("flag_reason"))
            .toString()
            .startsWith(QStringLiteral("rate limited: tg-8 sent more than 2 messages in a minute")),
        qPrintable(conversation.value(QStringLiteral("flag_reason")).toString()));
    // Every message is stored and shown; only two were drafted.
    QCOMPARE(message(third).value(QStringLiteral("content")).toString(), QStringLiteral("three"));
    QTest::qWait(500);
    QCOMPARE(drafts(conversationId).size(), 2);
    // Another customer is not affected.
    const QString other = send(QStringLiteral("tg-9"), QStringLiteral("hi"));
    waitForDrafts(other, 1);
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + other)
                 .json.value(QStringLiteral("flagged"))
                 .toBool(),
             false);
}

void TestAiPipeline::regenerateWithInstruction()
{
    m_settings.aiChain = {QStringLiteral("anthropic")};
    startStack();
    const QString conversationId =
        send(QStringLiteral("tg-10"), QStringLiteral("Can I change my address?"));
    const QJsonObject original = waitForDrafts(conversationId, 1);
    const QString draftId = original.value(QStringLiteral("id")).toString();

    m_anthropic->setReply(QStringLiteral("Yes - reply with the new address."), 60, 8);
    const Response accepted =
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/regenerate"),
             QJsonObject{{QStringLiteral("instruction"), QStringLiteral("shorter")},
                         {QStringLiteral("actor"), QStringLiteral("op-7")}});
    QCOMPARE(accepted.status, 202);
    QCOMPARE(accepted.json.value(QStringLiteral("id")).toString(), draftId);
    QVERIFY(!accepted.json.value(QStringLiteral("job_id")).toString().isEmpty());

    const QJsonObject rejected = message(draftId);
    QCOMPARE(rejected.value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
    QCOMPARE(lastEventDetail(rejected), QStringLiteral("op-7: regenerated (shorter)"));

    const QJsonObject fresh = waitForDrafts(conversationId, 2);
    QCOMPARE(fresh.value(QStringLiteral("content")).toString(),
             QStringLiteral("Yes - reply with the new address."));
    QCOMPARE(fresh.value(QStringLiteral("status")).toString(), QStringLiteral("drafted"));
    const QJsonObject body = m_anthropic->requestBody(int(m_anthropic->requests().size()) - 1);
    QVERIFY(body.value(QStringLiteral("system"))
                .toString()
                .endsWith(QStringLiteral("The operator asked for this draft: shorter")));
    // The rejected draft is not shown to the model as if it had been sent.
    QCOMPARE(body.value(QStringLiteral("messages")).toArray().size(), 1);

    // Only a draft waiting for review can be regenerated.
    QCOMPARE(post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/regenerate"), {})
                 .status,
             409);
    QCOMPARE(
        post(QStringLiteral("/api/v1/messages/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9/regenerate"), {})
            .status,
        404);
    QCOMPARE(post(QStringLiteral("/api/v1/messages/") +
                      fresh.value(QStringLiteral("id")).toString() + QStringLiteral("/regenerate"),
                  QJsonObject{{QStringLiteral("instruction"), 5}})
                 .status,
             422);
    // Without a body the token that authenticated is the actor.
    const Response plain = request("POST", QStringLiteral("/api/v1/messages/") +
                                               fresh.value(QStringLiteral("id")).toString() +
                                               QStringLiteral("/regenerate"));
    QCOMPARE(plain.status, 202);
    QVERIFY(lastEventDetail(message(fresh.value(QStringLiteral("id")).toString()))
                .endsWith(QStringLiteral(": regenerated")));
    waitForDrafts(conversationId, 3);
}

QTEST_MAIN(TestAiPipeline)
#include "tst_aipipeline.moc"
