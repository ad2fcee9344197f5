// The provider chain against the fakes: failover order, open circuits skipped, retries that
// honour retry-after, the offline last resort, accounting and streaming progress.
#include "ai/anthropicprovider.h"
#include "ai/openaiprovider.h"
#include "ai/providerrouter.h"
#include "ai/usagemeter.h"
#include "fakes/fakeanthropic.h"
#include "fakes/fakeopenai.h"
#include "observability/metricsregistry.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTest>

using namespace relaydesk;

namespace {

DraftRequest customerAsks(const QString &text, Platform platform = Platform::Telegram)
{
    DraftRequest request;
    request.conversation.id = QStringLiteral("conv-router");
    request.conversation.platform = platform;
    Message m;
    m.authorKind = AuthorKind::Customer;
    m.content = text;
    request.history = {m};
    request.maxLength = platformLengthLimit(platform);
    return request;
}

} // namespace

class TestProviderRouter : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;
    std::unique_ptr<FakeAnthropic> m_anthropic;
    std::unique_ptr<FakeOpenAi> m_openai;
    QList<UsageRecord> m_usage;

    std::unique_ptr<ProviderRouter> router(RouterOptions options = RouterOptions{2, 30000},
                                           int threshold = 5, qint64 cooldownMs = 30000,
                                           int timeoutMs = 5000)
    {
        auto r = std::make_unique<ProviderRouter>(
            PromptBuilder(PromptOptions{}),
            std::make_unique<OfflineResponder>(
                QList<CannedAnswer>{CannedAnswer{{QStringLiteral("refund")},
                                                 QStringLiteral("Refunds take 5 days.")}},
                QStringLiteral("We will get back to you.")),
            PriceTable({{QStringLiteral("claude-3-5-haiku"), ModelPrice{0.8, 4.0}},
                        {QStringLiteral("gpt-4o-mini"), ModelPrice{0.15, 0.6}}}),
            options);
        CircuitBreaker::Options breaker;
        breaker.failureThreshold = threshold;
        breaker.cooldownMs = cooldownMs;
        r->addProvider(
            std::make_unique<AnthropicProvider>(
                &m_network,
                ProviderConfig{QStringLiteral("anthropic"), QUrl(m_anthropic->baseUrl()),
                               QString::fromLatin1(FakeAnthropic::kApiKey),
                               QStringLiteral("claude-3-5-haiku-latest"), 256, timeoutMs}),
            breaker);
        r->addProvider(
            std::make_unique<OpenAiProvider>(
                &m_network, ProviderConfig{QStringLiteral("openai"), QUrl(m_openai->baseUrl()),
                                           QString::fromLatin1(FakeOpenAi::kApiKey),
                                           QStringLiteral("gpt-4o-mini"), 256, timeoutMs}),
            breaker);
        r->setUsageSink([this](const UsageRecord &record) { m_usage.append(record); });
        r->setRandom([] { return 0.0; });
        return r;
    }

    Draft draft(ProviderRouter &r, const DraftRequest &request)
    {
        const Outcome<Draft> result = QCoro::waitFor(r.draft(request));
        if (!result.isOk())
            qWarning() << result.error().message;
        return result.isOk() ? result.value() : Draft{};
    }

    QStringList outcomes() const
    {
        QStringList list;
        for (const UsageRecord &record : m_usage)
            list << record.provider + QLatin1Char(':') + record.outcome;
        return list;
    }

private Q_SLOTS:
    void init()
    {
        m_anthropic = std::make_unique<FakeAnthropic>();
        m_openai = std::make_unique<FakeOpenAi>();
        m_anthropic->setReply(QStringLiteral("Claude says hi."), 100, 20,
                              QStringLiteral("claude-3-5-haiku-20241022"));
        m_openai->setReply(QStringLiteral("GPT says hi."), 200, 40,
                           QStringLiteral("gpt-4o-mini-2024-07-18"));
        m_usage.clear();
    }

    void firstProviderWritesAndIsRecorded()
    {
        auto r = router();
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.text, QStringLiteral("Claude says hi."));
        QCOMPARE(d.provider, QStringLiteral("anthropic"));
        QCOMPARE(d.model, QStringLiteral("claude-3-5-haiku-20241022"));
        QVERIFY(d.note.isEmpty());
        QCOMPARE(m_openai->requests().size(), 0);
        QCOMPARE(outcomes(), QStringList{QStringLiteral("anthropic:success")});
        const UsageRecord &record = m_usage.first();
        QCOMPARE(record.conversationId, QStringLiteral("conv-router"));
        QCOMPARE(record.inputTokens, 100);
        QCOMPARE(record.outputTokens, 20);
        QVERIFY(!record.id.isEmpty());
        QVERIFY(record.createdAt.isValid());
        // (100 * 0.8 + 20 * 4.0) / 1e6, priced by the longest matching configured name.
        QCOMPARE(record.cost, 0.00016);
        QCOMPARE(r->chain(), (QStringList{QStringLiteral("anthropic"), QStringLiteral("openai"),
                                          QStringLiteral("offline")}));
    }

    void failsOverInChainOrderAfterRetries()
    {
        auto r = router(RouterOptions{2, 30000});
        m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::ServerError), 3);
        QElapsedTimer clock;
        clock.start();
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.provider, QStringLiteral("openai"));
        QCOMPARE(d.text, QStringLiteral("GPT says hi."));
        QCOMPARE(d.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
        QVERIFY(d.note.contains(QStringLiteral("anthropic: server_error (HTTP 500)")));
        QCOMPARE(m_anthropic->requests().size(), 3);
        QCOMPARE(outcomes(), (QStringList{QStringLiteral("anthropic:server_error"),
                                          QStringLiteral("anthropic:server_error"),
                                          QStringLiteral("anthropic:server_error"),
                                          QStringLiteral("openai:success")}));
        // Exponential backoff without a hint (jitter pinned to none): 0.5 s then 1 s.
        QVERIFY2(clock.elapsed() >= 1500, qPrintable(QString::number(clock.elapsed())));
        const auto requests = m_anthropic->requests();
        QVERIFY(requests.at(0).receivedAt.msecsTo(requests.at(1).receivedAt) >= 480);
        QVERIFY(requests.at(1).receivedAt.msecsTo(requests.at(2).receivedAt) >= 980);
    }

    void retryAfterMsIsHonoured()
    {
        auto r = router();
        m_anthropic->failNext(
            FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterMs(700));
        QElapsedTimer clock;
        clock.start();
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.provider, QStringLiteral("anthropic"));
        QVERIFY2(clock.elapsed() >= 700, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(clock.elapsed() < 5000);
        const auto requests = m_anthropic->requests();
        QCOMPARE(requests.size(), 2);
        QVERIFY(requests.at(0).receivedAt.msecsTo(requests.at(1).receivedAt) >= 690);
        QCOMPARE(outcomes(), (QStringList{QStringLiteral("anthropic:rate_limited"),
                                          QStringLiteral("anthropic:success")}));
    }

    void retryAfterSecondsIsHonoured()
    {
        auto r = router();
        m_openai->failNext(FakeFailure::of(FakeFailure::Kind::Overloaded).withRetryAfterSeconds(1));
        m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::MalformedJson));
        QElapsedTimer clock;
        clock.start();
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.provider, QStringLiteral("openai"));
        QVERIFY2(clock.elapsed() >= 1000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(m_anthropic->requests().size(), 1); // invalid answers are not retried
        QCOMPARE(m_openai->requests().size(), 2);
    }

    void retryAfterBeyondTheCapFailsOverAtOnce()
    {
        auto r = router(RouterOptions{2, 2000});
        m_anthropic->failNext(
            FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterSeconds(120));
        QElapsedTimer clock;
        clock.start();
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.provider, QStringLiteral("openai"));
        QVERIFY(clock.elapsed() < 2000);
        QCOMPARE(m_anthropic->requests().size(), 1);
    }

    void clientErrorsAndTimeoutsAreNotRetried()
    {
        auto r = router(RouterOptions{2, 30000}, 5, 30000, 400);
        m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::Timeout).withDelay(3000));
        const Draft d = draft(*r, customerAsks(QStringLiteral("hello")));
        QCOMPARE(d.provider, QStringLiteral("openai"));
        QVERIFY(d.note.contains(QStringLiteral("anthropic: timeout")));
        QCOMPARE(m_anthropic->requests().size(), 1);

        // A request the provider refuses (here: model unknown) fails over without retrying.
        m_usage.clear();
        RouterOptions options{2, 30000};
        auto bad = std::make_unique<ProviderRouter>(
            PromptBuilder(PromptOptions{}),
            std::make_unique<OfflineResponder>(QList<CannedAnswer>{}, QStringLiteral("Offline.")),
            PriceTable(), options);
        bad->addProvider(
            std::make_unique<OpenAiProvider>(
                &m_network, ProviderConfig{QStringLiteral("openai"), QUrl(m_openai->baseUrl()),
                                           QString::fromLatin1(FakeOpenAi::kApiKey),
                                           QStringLiteral("does-not-exist"), 100, 5000}),
            CircuitBreaker::Options{});
        const int before = int(m_openai->requests().size());
        const Outcome<Draft> offline =
            QCoro::waitFor(bad->draft(customerAsks(QStringLiteral("x"))));
        QVERIFY(offline.isOk());
        QCOMPARE(offline.value().provider, QStringLiteral("offline"));
        QCOMPARE(offline.value().text, QStringLiteral("Offline."));
        QVERIFY(offline.value().note.contains(QStringLiteral("client_error (HTTP 404)")));
        QCOMPARE(int(m_openai->requests().size()), before + 1);
    }

    void openCircuitIsSkippedThenProbed()
    {
        auto r = router(RouterOptions{0, 30000}, 1, 600);
        m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::Overloaded));
        QCOMPARE(draft(*r, customerAsks(QStringLiteral("one"))).provider, QStringLiteral("openai"));
        QCOMPARE(CircuitBreaker::toString(r->breaker(QStringLiteral("anthropic"))->state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
        QCOMPARE(m_anthropic->requests().size(), 1);

        // While open the provider is not called at all.
        const Draft skipped = draft(*r, customerAsks(QStringLiteral("two")));
        QCOMPARE(skipped.provider, QStringLiteral("openai"));
        QVERIFY(skipped.note.contains(QStringLiteral("anthropic: circuit open")));
        QCOMPARE(m_anthropic->requests().size(), 1);
        const QList<ProviderStatus> statuses = r->statuses();
        QCOMPARE(statuses.size(), 2);
        QCOMPARE(CircuitBreaker::toString(statuses.first().breaker.state),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
        QVERIFY(statuses.first().breaker.retryInMs > 0);

        // After the cool-down one probe goes through; its success closes the circuit.
        QTest::qWait(700);
        const Draft probed = draft(*r, customerAsks(QStringLiteral("three")));
        QCOMPARE(probed.provider, QStringLiteral("anthropic"));
        QCOMPARE(m_anthropic->requests().size(), 2);
        QCOMPARE(CircuitBreaker::toString(r->breaker(QStringLiteral("anthropic"))->state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
    }

    void everyProviderDownFallsBackOffline()
    {
        auto r = router(RouterOptions{1, 30000});
        m_anthropic->failNext(FakeFailure::of(FakeFailure::Kind::ServerError), 2);
        m_openai->failNext(FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterMs(10), 2);
        const Draft d = draft(*r, customerAsks(QStringLiteral("I want a refund")));
        QCOMPARE(d.provider, QStringLiteral("offline"));
        QCOMPARE(d.model, QStringLiteral("canned"));
        QCOMPARE(d.text, QStringLiteral("Refunds take 5 days."));
        QVERIFY(d.note.contains(QStringLiteral("anthropic: server_error (HTTP 500)")));
        QVERIFY(d.note.contains(QStringLiteral("openai: rate_limited (HTTP 429)")));
        QCOMPARE(outcomes(), (QStringList{QStringLiteral("anthropic:server_error"),
                                          QStringLiteral("anthropic:server_error"),
                                          QStringLiteral("openai:rate_limited"),
                                          QStringLiteral("openai:rate_limited"),
                                          QStringLiteral("offline:success")}));
    }

    void nothingToAnswerSkipsTheProviders()
    {
        auto r = router();
        DraftRequest request = customerAsks(QStringLiteral("x"));
        request.history.first().authorKind = AuthorKind::Operator;
        const Draft d = draft(*r, request);
        QCOMPARE(d.provider, QStringLiteral("offline"));
        QCOMPARE(m_anthropic->requests().size(), 0);
        QCOMPARE(m_openai->requests().size(), 0);
    }

    void streamingReportsProgressAndMeters()
    {
        MetricsRegistry registry;
        UsageMeter meter(registry);
        auto r = router();
        r->setMeter(&meter);
        m_anthropic->setStreamChunking(9, 2);
        m_anthropic->setReply(QStringLiteral("Your parcel is on its way and should arrive Friday."),
                              300, 30, QStringLiteral("claude-3-5-haiku-20241022"));
        DraftRequest request = customerAsks(QStringLiteral("where is it?"));
        QStringList progress;
        request.progress = [&progress](const QString &text) { progress << text; };
        const Draft d = draft(*r, request);
        QCOMPARE(d.text, QStringLiteral("Your parcel is on its way and should arrive Friday."));
        QVERIFY(progress.size() >= 3);
        QCOMPARE(progress.last(), d.text);
        QVERIFY(m_anthropic->requestBody(0).value(QStringLiteral("stream")).toBool());

        const QByteArray exposition = registry.exposition();
        QVERIFY(exposition.contains(
            "relaydesk_ai_requests_total{provider=\"anthropic\",outcome=\"success\"} 1"));
        QVERIFY(exposition.contains(
            "relaydesk_ai_tokens_total{provider=\"anthropic\",direction=\"input\"} 300"));
        QVERIFY(exposition.contains(
            "relaydesk_ai_tokens_total{provider=\"anthropic\",direction=\"output\"} 30"));
        // (300 * 0.8 + 30 * 4.0) / 1e6 = 0.00036
        QVERIFY(exposition.contains("relaydesk_ai_cost_total 0.00036"));
        QVERIFY(exposition.contains(
            "relaydesk_ai_request_duration_seconds_count{provider=\"anthropic\"} 1"));
    }

    void draftsAreHeldToThePlatformLimit()
    {
        auto r = router();
        m_anthropic->setReply(QStringLiteral("word ").repeated(500));
        const Draft d =
            draft(*r, customerAsks(QStringLiteral("tell me everything"), Platform::Sms));
        QVERIFY(d.text.size() <= 1600);
        QVERIFY(d.text.endsWith(QChar(0x2026)));
    }

    void chainFromSettings()
    {
        Settings settings;
        settings.aiChain = {QStringLiteral("Anthropic"), QStringLiteral("openai"),
                            QStringLiteral("psychic"),   QStringLiteral("local"),
                            QStringLiteral("openai"),    QStringLiteral("offline"),
                            QStringLiteral("anthropic")};
        settings.anthropic.apiKey = QStringLiteral("k1");
        settings.openai.apiKey = QString(); // no key: left out
        auto r = ProviderRouter::fromSettings(settings, &m_network);
        QCOMPARE(r->chain(), (QStringList{QStringLiteral("anthropic"), QStringLiteral("local"),
                                          QStringLiteral("offline")}));
        QCOMPARE(r->statuses().first().model, settings.anthropic.model);

        const auto fallback = ProviderRouter::fromSettings(Settings{}, &m_network);
        QCOMPARE(fallback->chain(), QStringList{QStringLiteral("offline")});
        const Outcome<Draft> d =
            QCoro::waitFor(fallback->draft(customerAsks(QStringLiteral("hi"))));
        QVERIFY(d.isOk());
        QCOMPARE(d.value().text, Settings{}.offlineDefaultReply);
    }
};

QTEST_GUILESS_MAIN(TestProviderRouter)
#include "tst_providerrouter.moc"
