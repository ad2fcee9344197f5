// A provider chain per conversation and provider moderation, end to end through a real engine
// and the HTTP API (SQLite and, when RELAYDESK_TEST_PG_URL is set, PostgreSQL) with the
// Anthropic and OpenAI fakes:
// - PATCH /api/v1/conversations/{id} {"ai_chain": [...]} is validated (422 problem+json for
//   unknown or unconfigured providers), stored (migration 006) and shown; that conversation's
//   drafts go through its own chain while others keep the global [ai] chain; null resets it.
// - [ai.moderation] provider = "openai": the customer message goes to POST /v1/moderations; a
//   flagged result flags the conversation with the flagged categories as the reason and the
//   draft waits for review even under auto; a failed moderation call does not block drafting
//   and the rules still apply.
#include "ai/openaimoderator.h"
#include "ai/providerrouter.h"
#include "engine/engine.h"
#include "fakes/fakeanthropic.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeopenai.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "testdatabase.h"

#include <QCoro/QCoroTask>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kToken = "chain-test-token-0123456789abcdef";

struct Response {
    int status = 0;
    QByteArray contentType;
    QJsonObject json;
};

} // namespace

class TestAiChain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void chainProblems();
    void moderationRequestAndParsing();
    void moderationAgainstTheFake();

    void conversationChainOverridesTheGlobalOne_data() { TestDatabase::addBackendRows(); }
    void conversationChainOverridesTheGlobalOne();
    void invalidChainsAreRefused_data() { TestDatabase::addBackendRows(); }
    void invalidChainsAreRefused();
    void providerModerationFlagsAndHolds_data() { TestDatabase::addBackendRows(); }
    void providerModerationFlagsAndHolds();
    void moderationFailureDoesNotBlockDrafting_data() { TestDatabase::addBackendRows(); }
    void moderationFailureDoesNotBlockDrafting();

private:
    void startStack(const TestDatabase &db);
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response get(const QString &path) { return request("GET", path); }
    Response patch(const QString &conversationId, const QJsonObject &body)
    {
        return request("PATCH", QStringLiteral("/api/v1/conversations/") + conversationId,
                       QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    QString send(const QString &userId, const QString &content);
    QList<QJsonObject> drafts(const QString &conversationId);
    QJsonObject waitForDrafts(const QString &conversationId, int count);
    static QString lastEventDetail(const QJsonObject &message);

    std::unique_ptr<FakeHttpServer> m_receiver;
    std::unique_ptr<FakeAnthropic> m_anthropic;
    std::unique_ptr<FakeOpenAi> m_openai;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestAiChain::init()
{
    m_receiver = std::make_unique<FakeHttpServer>();
    m_anthropic = std::make_unique<FakeAnthropic>();
    m_openai = std::make_unique<FakeOpenAi>();
    m_settings = Settings{};
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_settings.webhookEnabled = true;
    m_settings.webhookOutboundUrl = m_receiver->url(QStringLiteral("/outbound")).toString();
    m_settings.webhookSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.aiTimeoutSeconds = 5;
    m_settings.aiMaxRetries = 0;
    m_settings.anthropic.apiKey = QString::fromLatin1(FakeAnthropic::kApiKey);
    m_settings.anthropic.baseUrl = m_anthropic->baseUrl();
    m_settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
    m_settings.openai.baseUrl = m_openai->baseUrl();
    m_settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
}

void TestAiChain::cleanup()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
    m_receiver.reset();
    m_anthropic.reset();
    m_openai.reset();
}

void TestAiChain::startStack(const TestDatabase &db)
{
    m_settings.dataDir = db.dataDir();
    m_settings.databaseUrl = db.url();
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

Response TestAiChain::request(const QByteArray &method, const QString &path, const QByteArray &body)
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
    response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    response.json = QJsonDocument::fromJson(reply->readAll()).object();
    return response;
}

QString TestAiChain::send(const QString &userId, const QString &content)
{
    const Response accepted =
        request("POST", QStringLiteral("/api/v1/messages"),
                QJsonDocument(QJsonObject{{QStringLiteral("user_id"), userId},
                                          {QStringLiteral("platform"), QStringLiteral("telegram")},
                                          {QStringLiteral("content"), content}})
                    .toJson(QJsonDocument::Compact));
    if (accepted.status != 202)
        qWarning() << "ingest answered" << accepted.status << accepted.json;
    return accepted.json.value(QStringLiteral("conversation_id")).toString();
}

QList<QJsonObject> TestAiChain::drafts(const QString &conversationId)
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

QJsonObject TestAiChain::waitForDrafts(const QString &conversationId, int count)
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
    return get(QStringLiteral("/api/v1/messages/") +
               found.last().value(QStringLiteral("id")).toString())
        .json;
}

QString TestAiChain::lastEventDetail(const QJsonObject &message)
{
    const QJsonArray events = message.value(QStringLiteral("events")).toArray();
    for (qsizetype i = events.size() - 1; i >= 0; --i) {
        const QJsonObject event = events.at(i).toObject();
        if (event.value(QStringLiteral("type")) == message.value(QStringLiteral("status")))
            return event.value(QStringLiteral("detail")).toString();
    }
    return {};
}

void TestAiChain::chainProblems()
{
    Settings settings;
    settings.anthropic.apiKey = QStringLiteral("k");
    QVERIFY(ProviderRouter::chainProblem(settings, QStringLiteral("anthropic")).isEmpty());
    QVERIFY(ProviderRouter::chainProblem(settings, QStringLiteral("local")).isEmpty());
    QVERIFY(ProviderRouter::chainProblem(settings, QStringLiteral("offline")).isEmpty());
    QVERIFY(ProviderRouter::chainProblem(settings, QStringLiteral("openai"))
                .contains(QStringLiteral("no API key")));
    QVERIFY(ProviderRouter::chainProblem(settings, QStringLiteral("psychic"))
                .startsWith(QStringLiteral("unknown provider \"psychic\"")));

    // Providers outside the global chain are built for conversations that name them, but the
    // global chain stays what [ai] chain says.
    settings.aiChain = {QStringLiteral("local")};
    QNetworkAccessManager network;
    const auto router = ProviderRouter::fromSettings(settings, &network);
    QCOMPARE(router->chain(), (QStringList{QStringLiteral("local"), QStringLiteral("offline")}));
    QVERIFY(router->breaker(QStringLiteral("anthropic")) != nullptr);
    QVERIFY(router->breaker(QStringLiteral("openai")) == nullptr); // no key
    // Health lists what drafts: the global chain, and others once a conversation used them.
    QCOMPARE(router->statuses().size(), 1);
    QCOMPARE(router->statuses().first().name, QStringLiteral("local"));
}

void TestAiChain::moderationRequestAndParsing()
{
    QNetworkAccessManager network;
    Settings settings;
    QVERIFY(OpenAiModerator::fromSettings(settings, &network) == nullptr);
    settings.moderationProvider = QStringLiteral("openai");
    settings.openai.apiKey = QStringLiteral("sk-x");
    settings.openai.baseUrl = QStringLiteral("https://api.openai.com/v1/");
    const auto moderator = OpenAiModerator::fromSettings(settings, &network);
    QVERIFY(moderator);
    const QNetworkRequest request = moderator->buildRequest();
    QCOMPARE(request.url().toString(), QStringLiteral("https://api.openai.com/v1/moderations"));
    QCOMPARE(request.rawHeader("Authorization"), QByteArray("Bearer sk-x"));
    QCOMPARE(request.header(QNetworkRequest::ContentTypeHeader).toByteArray(),
             QByteArray("application/json"));
    QCOMPARE(QJsonDocument::fromJson(moderator->buildBody(QStringLiteral("hello"))).object(),
             (QJsonObject{{QStringLiteral("model"), QStringLiteral("omni-moderation-latest")},
                          {QStringLiteral("input"), QStringLiteral("hello")}}));

    const ModerationVerdict flagged = OpenAiModerator::parseResponse(
        200, R"({"id":"modr-1","model":"omni-moderation-latest","results":[{"flagged":true,
        "categories":{"violence":true,"harassment":false,"harassment/threatening":true},
        "category_scores":{"violence":0.9,"harassment":0.1,"harassment/threatening":0.8}}]})");
    QVERIFY(flagged.ok);
    QVERIFY(flagged.flagged);
    QCOMPARE(flagged.categories,
             (QStringList{QStringLiteral("harassment/threatening"), QStringLiteral("violence")}));
    QCOMPARE(OpenAiModerator::reasonFor(flagged),
             QStringLiteral("flagged by OpenAI moderation: harassment/threatening, violence"));

    const ModerationVerdict clean = OpenAiModerator::parseResponse(
        200, R"({"results":[{"flagged":false,"categories":{"violence":false}}]})");
    QVERIFY(clean.ok);
    QVERIFY(!clean.flagged);
    QVERIFY(clean.categories.isEmpty());

    const ModerationVerdict error = OpenAiModerator::parseResponse(
        401,
        R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})");
    QVERIFY(!error.ok);
    QCOMPARE(error.error,
             QStringLiteral("OpenAI moderation answered HTTP 401: Incorrect API key provided"));
    QVERIFY(!OpenAiModerator::parseResponse(200, "{\"results\":[]}").ok);
    QVERIFY(!OpenAiModerator::parseResponse(200, "{\"results\":[{\"flagged\":").ok);
    QVERIFY(!OpenAiModerator::parseResponse(200, "[]").ok);
}

void TestAiChain::moderationAgainstTheFake()
{
    QNetworkAccessManager network;
    m_openai->flagWhenInputContains(QStringLiteral("hurt"),
                                    {QStringLiteral("violence"), QStringLiteral("harassment")});
    OpenAiModerator moderator(&network, QUrl(m_openai->baseUrl()),
                              QString::fromLatin1(FakeOpenAi::kApiKey),
                              QStringLiteral("omni-moderation-latest"), 5000);
    ModerationVerdict verdict = QCoro::waitFor(moderator.check(QStringLiteral("I will hurt you")));
    QVERIFY2(verdict.ok, qPrintable(verdict.error));
    QVERIFY(verdict.flagged);
    QCOMPARE(verdict.categories,
             (QStringList{QStringLiteral("harassment"), QStringLiteral("violence")}));
    verdict = QCoro::waitFor(moderator.check(QStringLiteral("where is my parcel?")));
    QVERIFY(verdict.ok);
    QVERIFY(!verdict.flagged);
    QCOMPARE(m_openai->moderationRequests().size(), 2);
    QCOMPARE(m_openai->moderationRequests().first().value(QStringLiteral("input")).toString(),
             QStringLiteral("I will hurt you"));

    m_openai->failModerationNext(FakeFailure::of(FakeFailure::Kind::ServerError));
    verdict = QCoro::waitFor(moderator.check(QStringLiteral("hello")));
    QVERIFY(!verdict.ok);
    QVERIFY2(verdict.error.contains(QStringLiteral("HTTP 500")), qPrintable(verdict.error));

    OpenAiModerator wrongKey(&network, QUrl(m_openai->baseUrl()), QStringLiteral("sk-wrong"),
                             QStringLiteral("omni-moderation-latest"), 5000);
    verdict = QCoro::waitFor(wrongKey.check(QStringLiteral("hello")));
    QVERIFY(!verdict.ok);
    QVERIFY(verdict.error.contains(QStringLiteral("HTTP 401")));
}

void TestAiChain::conversationChainOverridesTheGlobalOne()
{
    RELAYDESK_TEST_DATABASE(db);
    m_openai->setReply(QStringLiteral("From OpenAI."), 40, 4);
    m_anthropic->setReply(QStringLiteral("From Claude."), 50, 5,
                          QStringLiteral("claude-3-5-haiku-20241022"));
    startStack(db);

    // Global chain: openai -> offline.
    const QString other = send(QStringLiteral("tg-other"), QStringLiteral("Hello there"));
    const QString conversationId =
        send(QStringLiteral("tg-chain"), QStringLiteral("First question"));
    QJsonObject draft = waitForDrafts(conversationId, 1);
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("openai")));
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + conversationId)
                 .json.value(QStringLiteral("ai_chain")),
             QJsonValue(QJsonValue::Null));

    // This conversation's own chain: anthropic -> offline.
    Response changed =
        patch(conversationId,
              QJsonObject{{QStringLiteral("ai_chain"),
                           QJsonArray{QStringLiteral("Anthropic"), QStringLiteral("offline")}}});
    QCOMPARE(changed.status, 200);
    QCOMPARE(changed.json.value(QStringLiteral("ai_chain")).toArray(),
             (QJsonArray{QStringLiteral("anthropic"), QStringLiteral("offline")}));
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + conversationId)
                 .json.value(QStringLiteral("ai_chain"))
                 .toArray(),
             (QJsonArray{QStringLiteral("anthropic"), QStringLiteral("offline")}));

    const int openAiCalls = int(m_openai->requests().size());
    QCOMPARE(send(QStringLiteral("tg-chain"), QStringLiteral("Second question")), conversationId);
    draft = waitForDrafts(conversationId, 2);
    QCOMPARE(draft.value(QStringLiteral("content")).toString(), QStringLiteral("From Claude."));
    const QJsonObject metadata = draft.value(QStringLiteral("metadata")).toObject();
    QCOMPARE(metadata.value(QStringLiteral("provider")).toString(), QStringLiteral("anthropic"));
    QCOMPARE(metadata.value(QStringLiteral("model")).toString(),
             QStringLiteral("claude-3-5-haiku-20241022"));
    QCOMPARE(lastEventDetail(draft), QStringLiteral("anthropic/claude-3-5-haiku-20241022"));
    QCOMPARE(m_anthropic->requests().size(), 1);
    // Its breaker now shows up beside the global chain's.
    QVERIFY(QTest::qWaitFor(
        [&] {
            QStringList names;
            for (const QJsonValue &provider : get(QStringLiteral("/api/v1/ai/providers"))
                                                  .json.value(QStringLiteral("data"))
                                                  .toArray())
                names << provider.toObject().value(QStringLiteral("name")).toString();
            return names == QStringList{QStringLiteral("openai"), QStringLiteral("anthropic"),
                                        QStringLiteral("offline")};
        },
        5000));

    // Other conversations keep the global chain.
    QCOMPARE(send(QStringLiteral("tg-other"), QStringLiteral("Another one")), other);
    draft = waitForDrafts(other, 2);
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("openai")));
    QCOMPARE(m_anthropic->requests().size(), 1);
    QVERIFY(m_openai->requests().size() > openAiCalls);

    // When its first provider fails, the conversation's chain goes on to its next one.
    m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::ServerError));
    send(QStringLiteral("tg-chain"), QStringLiteral("Third question"));
    draft = waitForDrafts(conversationId, 3);
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("offline")));
    QVERIFY(lastEventDetail(draft).contains(QStringLiteral("anthropic: server_error")));

    // null goes back to the global chain.
    changed = patch(conversationId, QJsonObject{{QStringLiteral("ai_chain"), QJsonValue::Null}});
    QCOMPARE(changed.status, 200);
    QCOMPARE(changed.json.value(QStringLiteral("ai_chain")), QJsonValue(QJsonValue::Null));
    send(QStringLiteral("tg-chain"), QStringLiteral("Fourth question"));
    draft = waitForDrafts(conversationId, 4);
    QCOMPARE(draft.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("provider")),
             QJsonValue(QStringLiteral("openai")));
    QCOMPARE(m_anthropic->requests().size(), 2);
}

void TestAiChain::invalidChainsAreRefused()
{
    RELAYDESK_TEST_DATABASE(db);
    m_settings.anthropic.apiKey.clear(); // not configured here
    startStack(db);
    const QString conversationId = send(QStringLiteral("tg-invalid"), QStringLiteral("hi"));
    QVERIFY(!conversationId.isEmpty());
    const QList<std::pair<QJsonValue, QString>> cases{
        {QJsonArray{QStringLiteral("psychic")}, QStringLiteral("unknown provider \"psychic\"")},
        {QJsonArray{QStringLiteral("anthropic")}, QStringLiteral("anthropic has no API key")},
        {QJsonArray{QStringLiteral("openai"), QStringLiteral("openai")},
         QStringLiteral("openai is named twice")},
        {QJsonArray{}, QStringLiteral("must be null or an array of 1 to 10 provider names")},
        {QStringLiteral("openai"), QStringLiteral("must be null or an array")},
        {QJsonArray{42}, QStringLiteral("provider names are strings")},
    };
    for (const auto &[value, reason] : cases) {
        const Response refused =
            patch(conversationId, QJsonObject{{QStringLiteral("ai_chain"), value}});
        QCOMPARE(refused.status, 422);
        QVERIFY(refused.contentType.startsWith("application/problem+json"));
        const QJsonArray errors = refused.json.value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("ai_chain"));
        QVERIFY2(
            errors.first().toObject().value(QStringLiteral("message")).toString().contains(reason),
            QJsonDocument(refused.json).toJson().constData());
    }
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + conversationId)
                 .json.value(QStringLiteral("ai_chain")),
             QJsonValue(QJsonValue::Null));
    QCOMPARE(patch(QStringLiteral("0190c0de-0000-7000-8000-000000000000"),
                   QJsonObject{{QStringLiteral("ai_chain"), QJsonArray{QStringLiteral("local")}}})
                 .status,
             404);
}

void TestAiChain::providerModerationFlagsAndHolds()
{
    RELAYDESK_TEST_DATABASE(db);
    m_settings.defaultAiMode = AiMode::Auto;
    m_settings.moderationProvider = QStringLiteral("openai");
    m_settings.aiChain = {QStringLiteral("offline")};
    m_openai->flagWhenInputContains(
        QStringLiteral("hurt"),
        {QStringLiteral("violence"), QStringLiteral("harassment/threatening")});
    startStack(db);

    const QString flaggedId = send(QStringLiteral("tg-angry"), QStringLiteral("I will hurt you"));
    const QJsonObject held = waitForDrafts(flaggedId, 1);
    QCOMPARE(held.value(QStringLiteral("status")).toString(), QStringLiteral("drafted"));
    QVERIFY2(lastEventDetail(held).contains(
                 QStringLiteral("held for review: flagged by OpenAI moderation: "
                                "harassment/threatening, violence")),
             qPrintable(lastEventDetail(held)));
    const QJsonObject conversation = get(QStringLiteral("/api/v1/conversations/") + flaggedId).json;
    QCOMPARE(conversation.value(QStringLiteral("flagged")).toBool(), true);
    QCOMPARE(conversation.value(QStringLiteral("flag_reason")).toString(),
             QStringLiteral("flagged by OpenAI moderation: harassment/threatening, violence"));

    // What went to OpenAI: the customer's words and the configured model, with the key.
    const QList<QJsonObject> asked = m_openai->moderationRequests();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(asked.first(),
             (QJsonObject{{QStringLiteral("model"), QStringLiteral("omni-moderation-latest")},
                          {QStringLiteral("input"), QStringLiteral("I will hurt you")}}));

    // A clean message under auto goes out on its own and flags nothing.
    const QString cleanId = send(QStringLiteral("tg-calm"), QStringLiteral("Thanks a lot"));
    QVERIFY(m_receiver->waitForRequests(1, 15000));
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + cleanId)
                 .json.value(QStringLiteral("flagged"))
                 .toBool(),
             false);
    QCOMPARE(m_openai->moderationRequests().size(), 2);
    // The held draft was never delivered.
    QTest::qWait(200);
    QCOMPARE(m_receiver->requestCount(), 1);
    QVERIFY(!m_receiver->requests().first().body.contains("hurt"));
}

void TestAiChain::moderationFailureDoesNotBlockDrafting()
{
    RELAYDESK_TEST_DATABASE(db);
    m_settings.defaultAiMode = AiMode::Auto;
    m_settings.moderationProvider = QStringLiteral("openai");
    m_settings.aiChain = {QStringLiteral("offline")};
    m_settings.blockedTerms = {QStringLiteral("lawyer")};
    m_openai->failModerationNext(FakeFailure::of(FakeFailure::Kind::ServerError), 2);
    startStack(db);

    // The provider fails: the draft is written and, nothing being flagged, sent under auto.
    const QString first = send(QStringLiteral("tg-1"), QStringLiteral("Where is my parcel?"));
    QVERIFY(m_receiver->waitForRequests(1, 15000));
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + first)
                 .json.value(QStringLiteral("flagged"))
                 .toBool(),
             false);

    // It fails again, but the rules still flag what they catch: the draft waits for review.
    const QString second = send(QStringLiteral("tg-2"), QStringLiteral("I will call my lawyer"));
    const QJsonObject held = waitForDrafts(second, 1);
    QCOMPARE(held.value(QStringLiteral("status")).toString(), QStringLiteral("drafted"));
    const QJsonObject conversation = get(QStringLiteral("/api/v1/conversations/") + second).json;
    QCOMPARE(conversation.value(QStringLiteral("flagged")).toBool(), true);
    QVERIFY(conversation.value(QStringLiteral("flag_reason"))
                .toString()
                .contains(QStringLiteral("blocked term")));
    QCOMPARE(m_openai->moderationRequests().size(), 2);
    QCOMPARE(m_receiver->requestCount(), 1);
}

QTEST_GUILESS_MAIN(TestAiChain)
#include "tst_aichain.moc"
