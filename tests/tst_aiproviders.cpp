// The Anthropic and OpenAI(-compatible) clients against fakes that speak the real protocols and
// against the recorded fixtures: request shapes, every response and error shape, streaming.
#include "ai/anthropicprovider.h"
#include "ai/openaiprovider.h"
#include "fakes/fakeanthropic.h"
#include "fakes/fakeopenai.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTest>

using namespace relaydesk;

namespace {

QByteArray fixture(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

Prompt samplePrompt()
{
    Prompt prompt;
    prompt.system = QStringLiteral("You are a support agent.");
    prompt.messages = {PromptMessage{QStringLiteral("user"), QStringLiteral("Where is my order?")},
                       PromptMessage{QStringLiteral("assistant"), QStringLiteral("Which order?")},
                       PromptMessage{QStringLiteral("user"), QStringLiteral("Number 1234.")}};
    prompt.maxLength = 2000;
    return prompt;
}

ProviderReply run(ChatProvider &provider, bool stream, QStringList *progress = nullptr)
{
    ChatProvider::TextCallback onText;
    if (stream)
        onText = [progress](const QString &text) {
            if (progress)
                progress->append(text);
        };
    return QCoro::waitFor(provider.complete(samplePrompt(), onText));
}

// Runs a whole stream through a provider's event handling, split into two reads at `cut`.
ProviderReply assemble(const HttpChatProvider &provider, const QByteArray &stream, qsizetype cut,
                       StreamState *state)
{
    ProviderReply reply;
    SseParser parser;
    QList<SseEvent> events = parser.feed(stream.left(cut));
    events += parser.feed(stream.mid(cut));
    events += parser.finish();
    for (const SseEvent &event : events) {
        if (state->finished || state->failed)
            break;
        provider.handleEvent(event, reply, *state);
    }
    return reply;
}

} // namespace

class TestAiProviders : public QObject
{
    Q_OBJECT

    ProviderConfig anthropicConfig(const QString &base, int timeoutMs = 5000)
    {
        return ProviderConfig{QStringLiteral("anthropic"),
                              QUrl(base),
                              QString::fromLatin1(FakeAnthropic::kApiKey),
                              QStringLiteral("claude-3-5-haiku-latest"),
                              512,
                              timeoutMs};
    }
    ProviderConfig openAiConfig(const QString &base, int timeoutMs = 5000)
    {
        return ProviderConfig{
            QStringLiteral("openai"),      QUrl(base), QString::fromLatin1(FakeOpenAi::kApiKey),
            QStringLiteral("gpt-4o-mini"), 256,        timeoutMs};
    }

    QNetworkAccessManager m_network;

private Q_SLOTS:
    // --- Anthropic -------------------------------------------------------------------------

    void anthropicRequestShape()
    {
        FakeAnthropic fake;
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(fake.requests().size(), 1);
        const RecordedRequest request = fake.requests().first();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QStringLiteral("/v1/messages"));
        QCOMPARE(request.header("x-api-key"), QByteArray(FakeAnthropic::kApiKey));
        QCOMPARE(request.header("anthropic-version"), QByteArray("2023-06-01"));
        QCOMPARE(request.header("content-type"), QByteArray("application/json"));
        QVERIFY(request.header("authorization").isEmpty());
        const QJsonObject expected{
            {QStringLiteral("model"), QStringLiteral("claude-3-5-haiku-latest")},
            {QStringLiteral("max_tokens"), 512},
            {QStringLiteral("system"), QStringLiteral("You are a support agent.")},
            {QStringLiteral("messages"),
             QJsonArray{
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                             {QStringLiteral("content"), QStringLiteral("Where is my order?")}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                             {QStringLiteral("content"), QStringLiteral("Which order?")}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                             {QStringLiteral("content"), QStringLiteral("Number 1234.")}}}}};
        QCOMPARE(fake.requestBody(0), expected);

        QStringList progress;
        const ProviderReply streamed = run(provider, true, &progress);
        QVERIFY2(streamed.ok(), qPrintable(streamed.errorMessage));
        QJsonObject streamedExpected = expected;
        streamedExpected.insert(QStringLiteral("stream"), true);
        QCOMPARE(fake.requestBody(1), streamedExpected);
        QCOMPARE(fake.requests().at(1).header("accept"), QByteArray("text/event-stream"));
    }

    void anthropicPlainAnswer()
    {
        FakeAnthropic fake;
        fake.setReply(QStringLiteral("Your parcel left our warehouse today."), 120, 9,
                      QStringLiteral("claude-3-5-haiku-20241022"));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QVERIFY(reply.ok());
        QCOMPARE(reply.text, QStringLiteral("Your parcel left our warehouse today."));
        QCOMPARE(reply.model, QStringLiteral("claude-3-5-haiku-20241022"));
        QCOMPARE(reply.stopReason, QStringLiteral("end_turn"));
        QCOMPARE(reply.inputTokens, 120);
        QCOMPARE(reply.outputTokens, 9);
        QVERIFY(reply.usageReported);
        QCOMPARE(reply.httpStatus, 200);
    }

    void anthropicRecordedResponseFixture()
    {
        AnthropicProvider provider(&m_network,
                                   anthropicConfig(QStringLiteral("http://127.0.0.1:1")));
        ProviderReply reply;
        reply.outcome = CallOutcome::Success;
        provider.parseResponse(fixture(QStringLiteral("anthropic/messages_response_200.json")),
                               reply);
        QVERIFY(reply.ok());
        QCOMPARE(
            reply.text,
            QStringLiteral("{\"product_name\": \"Green Tea\", \"price\": 5.50, \"quantity\": 2}"));
        QCOMPARE(reply.model, QStringLiteral("claude-sonnet-4-5-20250929"));
        QCOMPARE(reply.stopReason, QStringLiteral("end_turn"));
        QCOMPARE(reply.inputTokens, 249);
        QCOMPARE(reply.outputTokens, 26);

        // The same body served over HTTP, as recorded.
        FakeAnthropic fake;
        fake.server().queueResponse(
            FakeResponse::fromFile(QStringLiteral("anthropic/messages_response_200.json")));
        AnthropicProvider live(&m_network, anthropicConfig(fake.baseUrl()));
        const ProviderReply served = run(live, false);
        QVERIFY(served.ok());
        QCOMPARE(served.outputTokens, 26);
    }

    void anthropicErrors_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("retryable");
        QTest::newRow("400 invalid request")
            << QStringLiteral("anthropic/error_invalid_request_400.json") << 400
            << int(CallOutcome::ClientError) << QStringLiteral("invalid_request_error") << false;
        QTest::newRow("429 rate limit")
            << QStringLiteral("anthropic/error_rate_limit_429.json") << 429
            << int(CallOutcome::RateLimited) << QStringLiteral("rate_limit_error") << true;
    }

    void anthropicErrors()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(int, outcome);
        QFETCH(QString, type);
        QFETCH(bool, retryable);
        FakeAnthropic fake;
        fake.server().queueResponse(FakeResponse::fromFile(path, status));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QCOMPARE(int(reply.outcome), outcome);
        QCOMPARE(reply.httpStatus, status);
        QCOMPARE(reply.errorType, type);
        QVERIFY(!reply.errorMessage.isEmpty());
        QCOMPARE(reply.retryable(), retryable);
    }

    void anthropicFailuresOnDemand()
    {
        FakeAnthropic fake;
        fake.failNext(FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterMs(1500));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::Overloaded).withRetryAfterSeconds(3));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::ServerError));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::MalformedJson));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));

        const ProviderReply limited = run(provider, false);
        QCOMPARE(toString(limited.outcome), toString(CallOutcome::RateLimited));
        QCOMPARE(limited.retryAfterMs, qint64(1500));
        QVERIFY(limited.shouldRetry.value_or(false)); // recorded x-should-retry
        QVERIFY(limited.retryable());

        const ProviderReply overloaded = run(provider, false);
        QCOMPARE(toString(overloaded.outcome), toString(CallOutcome::Overloaded));
        QCOMPARE(overloaded.httpStatus, 529);
        QCOMPARE(overloaded.errorType, QStringLiteral("overloaded_error"));
        QCOMPARE(overloaded.retryAfterMs, qint64(3000));
        QVERIFY(overloaded.retryable());

        const ProviderReply broken = run(provider, false);
        QCOMPARE(toString(broken.outcome), toString(CallOutcome::ServerError));
        QCOMPARE(broken.errorType, QStringLiteral("api_error"));
        QVERIFY(broken.retryable());

        const ProviderReply malformed = run(provider, false);
        QCOMPARE(toString(malformed.outcome), toString(CallOutcome::InvalidResponse));
        QVERIFY(!malformed.retryable());

        const ProviderReply recovered = run(provider, false);
        QVERIFY(recovered.ok());
    }

    void droppedConnectionIsANetworkError()
    {
        // Qt resends a request (once on a fresh connection, twice on a reused one) when the
        // connection closes before any answer arrives, so a single drop never reaches the
        // caller. A manager of its own keeps the spent connections away from the other tests.
        QNetworkAccessManager network;
        FakeAnthropic fake;
        fake.failNext(FakeFailure::of(FakeFailure::Kind::Dropped), 3);
        AnthropicProvider provider(&network, anthropicConfig(fake.baseUrl()));
        const ProviderReply dropped = run(provider, false);
        QCOMPARE(toString(dropped.outcome), toString(CallOutcome::NetworkError));
        QVERIFY(dropped.retryable());
        QVERIFY(fake.requests().size() >= 2);
    }

    void anthropicTimeout()
    {
        FakeAnthropic fake;
        fake.failNext(FakeFailure::of(FakeFailure::Kind::Timeout).withDelay(2000));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl(), 300));
        QElapsedTimer clock;
        clock.start();
        const ProviderReply reply = run(provider, false);
        QCOMPARE(toString(reply.outcome), toString(CallOutcome::Timeout));
        QVERIFY(!reply.retryable());
        QVERIFY2(clock.elapsed() < 1500, "the time limit must cut the wait short");
        QVERIFY(clock.elapsed() >= 250);
    }

    void anthropicStreamingFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("stopReason");
        QTest::addColumn<int>("input");
        QTest::addColumn<int>("output");
        QTest::newRow("basic") << QStringLiteral("anthropic/messages_stream_basic.sse")
                               << QStringLiteral("Hello there!")
                               << QStringLiteral("claude-3-opus-latest")
                               << QStringLiteral("end_turn") << 11 << 6;
        QTest::newRow("recorded, padded JSON")
            << QStringLiteral("anthropic/messages_stream_recorded.sse")
            << QStringLiteral("[12345,67890]") << QStringLiteral("claude-sonnet-4-5-20250929")
            << QStringLiteral("end_turn") << 135 << 10;
        QTest::newRow("text then tool use")
            << QStringLiteral("anthropic/messages_stream_tool_use.sse")
            << QStringLiteral("I'll check the current weather in Paris for you.")
            << QStringLiteral("claude-sonnet-4-20250514") << QStringLiteral("tool_use") << 377
            << 65;
    }

    void anthropicStreamingFixtures()
    {
        QFETCH(QString, path);
        QFETCH(QString, text);
        QFETCH(QString, model);
        QFETCH(QString, stopReason);
        QFETCH(int, input);
        QFETCH(int, output);
        FakeAnthropic fake;
        fake.server().queueResponse(FakeResponse::fromFile(path).streamed(7, 0));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));
        QStringList progress;
        const ProviderReply reply = run(provider, true, &progress);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(reply.text, text);
        QCOMPARE(reply.model, model);
        QCOMPARE(reply.stopReason, stopReason);
        QCOMPARE(reply.inputTokens, input);
        QCOMPARE(reply.outputTokens, output);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last(), text);
        for (qsizetype i = 1; i < progress.size(); ++i)
            QVERIFY(progress.at(i).startsWith(progress.at(i - 1)));
    }

    void anthropicStreamSplitAtEveryByte()
    {
        const QByteArray stream = fixture(QStringLiteral("anthropic/messages_stream_basic.sse"));
        QVERIFY(!stream.isEmpty());
        AnthropicProvider provider(&m_network,
                                   anthropicConfig(QStringLiteral("http://127.0.0.1:1")));
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            StreamState state;
            const ProviderReply reply = assemble(provider, stream, cut, &state);
            QVERIFY2(state.finished && !state.failed, qPrintable(QString::number(cut)));
            QCOMPARE(reply.text, QStringLiteral("Hello there!"));
            QCOMPARE(reply.outputTokens, 6);
        }
        // Over the wire one byte per chunk.
        FakeAnthropic fake;
        fake.server().queueResponse(
            FakeResponse::fromFile(QStringLiteral("anthropic/messages_stream_basic.sse"))
                .streamed(1, 0));
        AnthropicProvider live(&m_network, anthropicConfig(fake.baseUrl()));
        const ProviderReply reply = run(live, true);
        QVERIFY(reply.ok());
        QCOMPARE(reply.text, QStringLiteral("Hello there!"));
    }

    void anthropicStreamFailures()
    {
        FakeAnthropic fake;
        fake.setStreamChunking(5, 0);
        fake.server().queueResponse(
            FakeResponse::fromFile(QStringLiteral("anthropic/stream_error_event_overloaded.sse")));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::StreamError));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::TruncatedStream));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::MalformedJson));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterMs(10));
        AnthropicProvider provider(&m_network, anthropicConfig(fake.baseUrl()));

        const ProviderReply recordedError = run(provider, true);
        QCOMPARE(toString(recordedError.outcome), toString(CallOutcome::Overloaded));
        QCOMPARE(recordedError.errorType, QStringLiteral("overloaded_error"));
        QVERIFY(recordedError.retryable());

        QStringList progress;
        const ProviderReply midStream = run(provider, true, &progress);
        QCOMPARE(toString(midStream.outcome), toString(CallOutcome::Overloaded));
        QVERIFY(!progress.isEmpty()); // the deltas before the error were shown

        const ProviderReply truncated = run(provider, true);
        QCOMPARE(toString(truncated.outcome), toString(CallOutcome::NetworkError));
        QVERIFY(truncated.errorMessage.contains(QStringLiteral("end marker")));
        QVERIFY(truncated.retryable());

        const ProviderReply malformed = run(provider, true);
        QCOMPARE(toString(malformed.outcome), toString(CallOutcome::InvalidResponse));

        // An error status on a streaming request is a JSON error, not a stream.
        const ProviderReply limited = run(provider, true);
        QCOMPARE(toString(limited.outcome), toString(CallOutcome::RateLimited));
        QCOMPARE(limited.retryAfterMs, qint64(10));

        const ProviderReply fine = run(provider, true);
        QVERIFY(fine.ok());
        QCOMPARE(fine.text,
                 QStringLiteral("Thanks for reaching out! Your order shipped yesterday."));
        QCOMPARE(fine.inputTokens, 42);
        QCOMPARE(fine.outputTokens, 17);
    }

    void anthropicWrongKeyIsAClientError()
    {
        FakeAnthropic fake;
        ProviderConfig config = anthropicConfig(fake.baseUrl());
        config.apiKey = QStringLiteral("sk-ant-wrong");
        AnthropicProvider provider(&m_network, config);
        const ProviderReply reply = run(provider, false);
        QCOMPARE(toString(reply.outcome), toString(CallOutcome::ClientError));
        QCOMPARE(reply.httpStatus, 401);
        QCOMPARE(reply.errorType, QStringLiteral("authentication_error"));
        QVERIFY(!reply.retryable());
    }

    // --- OpenAI ----------------------------------------------------------------------------

    void openAiRequestShape()
    {
        FakeOpenAi fake;
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        const RecordedRequest request = fake.requests().first();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.path, QStringLiteral("/v1/chat/completions"));
        QCOMPARE(request.header("authorization"), QByteArray("Bearer ") + FakeOpenAi::kApiKey);
        QCOMPARE(request.header("content-type"), QByteArray("application/json"));
        const QJsonObject expected{
            {QStringLiteral("model"), QStringLiteral("gpt-4o-mini")},
            {QStringLiteral("max_completion_tokens"), 256},
            {QStringLiteral("messages"),
             QJsonArray{
                 QJsonObject{
                     {QStringLiteral("role"), QStringLiteral("system")},
                     {QStringLiteral("content"), QStringLiteral("You are a support agent.")}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                             {QStringLiteral("content"), QStringLiteral("Where is my order?")}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                             {QStringLiteral("content"), QStringLiteral("Which order?")}},
                 QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                             {QStringLiteral("content"), QStringLiteral("Number 1234.")}}}}};
        QCOMPARE(fake.requestBody(0), expected);
        QCOMPARE(reply.inputTokens, 33);
        QCOMPARE(reply.outputTokens, 10);
        QCOMPARE(reply.model, QStringLiteral("gpt-4o-mini-2024-07-18"));

        const ProviderReply streamed = run(provider, true);
        QVERIFY(streamed.ok());
        QJsonObject streamedExpected = expected;
        streamedExpected.insert(QStringLiteral("stream"), true);
        streamedExpected.insert(QStringLiteral("stream_options"),
                                QJsonObject{{QStringLiteral("include_usage"), true}});
        QCOMPARE(fake.requestBody(1), streamedExpected);
        QCOMPARE(streamed.text,
                 QStringLiteral("Thanks for reaching out! Your order shipped yesterday."));
        QCOMPARE(streamed.inputTokens, 33);
        QCOMPARE(streamed.outputTokens, 10);
        QCOMPARE(streamed.stopReason, QStringLiteral("stop"));
    }

    void openAiResponseFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("input");
        QTest::addColumn<int>("output");
        QTest::newRow("recorded text")
            << QStringLiteral("openai/chat_completion_response_text.json")
            << QStringLiteral("I'm unable to provide real-time weather updates. To get the current "
                              "weather in San Francisco, I recommend checking a reliable weather "
                              "website or app like the Weather Channel or a local news station.")
            << QStringLiteral("gpt-4o-2024-08-06") << 14 << 37;
        QTest::newRow("docs example")
            << QStringLiteral("openai/docs_chat_completion_response_example.json")
            << QStringLiteral("Hello! How can I assist you today?") << QStringLiteral("gpt-5.4")
            << 19 << 10;
        QTest::newRow("vcr") << QStringLiteral("openai/vcr_chat_completion_200.json")
                             << QStringLiteral("six") << QStringLiteral("gpt-5.1-2025-11-13") << 33
                             << 10;
    }

    void openAiResponseFixtures()
    {
        QFETCH(QString, path);
        QFETCH(QString, text);
        QFETCH(QString, model);
        QFETCH(int, input);
        QFETCH(int, output);
        FakeOpenAi fake;
        fake.server().queueResponse(FakeResponse::fromFile(path));
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(reply.text, text);
        QCOMPARE(reply.model, model);
        QCOMPARE(reply.stopReason, QStringLiteral("stop"));
        QCOMPARE(reply.inputTokens, input);
        QCOMPARE(reply.outputTokens, output);
    }

    void openAiToolCallsAreNoDraft()
    {
        FakeOpenAi fake;
        fake.server().queueResponse(FakeResponse::fromFile(
            QStringLiteral("openai/chat_completion_response_tool_calls.json")));
        fake.server().queueResponse(
            FakeResponse::fromFile(QStringLiteral("openai/chat_completion_stream_tool_call.sse"))
                .streamed(11, 0));
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));
        const ProviderReply plain = run(provider, false);
        QCOMPARE(toString(plain.outcome), toString(CallOutcome::InvalidResponse));
        QCOMPARE(plain.stopReason, QStringLiteral("tool_calls"));
        const ProviderReply streamed = run(provider, true);
        QCOMPARE(toString(streamed.outcome), toString(CallOutcome::InvalidResponse));
        QCOMPARE(streamed.inputTokens, 44); // usage still counted: the call was billed
    }

    void openAiErrorFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("401 key") << QStringLiteral("openai/vcr_error_401_invalid_api_key.json")
                                 << 401 << QStringLiteral("invalid_api_key");
        QTest::newRow("404 model") << QStringLiteral("openai/vcr_error_404_model_not_found.json")
                                   << 404 << QStringLiteral("model_not_found");
        QTest::newRow("400 model") << QStringLiteral("openai/vcr_responses_error_400_model.json")
                                   << 400 << QStringLiteral("model_not_found");
    }

    void openAiErrorFixtures()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(QString, code);
        FakeOpenAi fake;
        fake.server().queueResponse(FakeResponse::fromFile(path));
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));
        const ProviderReply reply = run(provider, false);
        QCOMPARE(toString(reply.outcome), toString(CallOutcome::ClientError));
        QCOMPARE(reply.httpStatus, status);
        QCOMPARE(reply.errorType, code);
        QVERIFY(!reply.errorMessage.isEmpty());
        QVERIFY(!reply.retryable());
    }

    void openAiStreamingFixtures_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("stopReason");
        QTest::addColumn<int>("input");
        QTest::addColumn<int>("output");
        QTest::newRow("text") << QStringLiteral("openai/chat_completion_stream_text.sse")
                              << QStringLiteral(
                                     "I'm unable to provide real-time weather updates. To "
                                     "get the current weather in San Francisco, I "
                                     "recommend checking a reliable weather website or "
                                     "a weather app.")
                              << QStringLiteral("stop") << 14 << 30;
        QTest::newRow("length") << QStringLiteral("openai/chat_completion_stream_finish_length.sse")
                                << QStringLiteral("{\"") << QStringLiteral("length") << 79 << 1;
        QTest::newRow("include_usage")
            << QStringLiteral("openai/vcr_chat_completion_stream_include_usage_200.sse")
            << QStringLiteral("six") << QStringLiteral("stop") << 33 << 10;
    }

    void openAiStreamingFixtures()
    {
        QFETCH(QString, path);
        QFETCH(QString, text);
        QFETCH(QString, stopReason);
        QFETCH(int, input);
        QFETCH(int, output);
        FakeOpenAi fake;
        fake.server().queueResponse(FakeResponse::fromFile(path).streamed(13, 0));
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));
        QStringList progress;
        const ProviderReply reply = run(provider, true, &progress);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(reply.text, text);
        QCOMPARE(reply.stopReason, stopReason);
        QCOMPARE(reply.inputTokens, input);
        QCOMPARE(reply.outputTokens, output);
        QCOMPARE(progress.last(), text);

        // Split at every byte, through the event handling alone.
        const QByteArray stream = fixture(path);
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            StreamState state;
            const ProviderReply assembled = assemble(provider, stream, cut, &state);
            QVERIFY(state.finished);
            QCOMPARE(assembled.text, text);
        }
    }

    void openAiFailuresOnDemand()
    {
        FakeOpenAi fake;
        fake.failNext(FakeFailure::of(FakeFailure::Kind::RateLimited).withRetryAfterMs(250));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::Overloaded));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::StreamError));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::TruncatedStream));
        fake.failNext(FakeFailure::of(FakeFailure::Kind::MalformedJson));
        OpenAiProvider provider(&m_network, openAiConfig(fake.baseUrl()));

        const ProviderReply limited = run(provider, false);
        QCOMPARE(toString(limited.outcome), toString(CallOutcome::RateLimited));
        QCOMPARE(limited.errorType, QStringLiteral("rate_limit_exceeded"));
        QCOMPARE(limited.retryAfterMs, qint64(250));
        QVERIFY(limited.retryable());

        const ProviderReply overloaded = run(provider, false);
        QCOMPARE(toString(overloaded.outcome), toString(CallOutcome::ServerError));
        QCOMPARE(overloaded.httpStatus, 503);
        QVERIFY(overloaded.retryable());

        const ProviderReply streamError = run(provider, true);
        QCOMPARE(toString(streamError.outcome), toString(CallOutcome::ServerError));
        QVERIFY(streamError.retryable());

        const ProviderReply truncated = run(provider, true);
        QCOMPARE(toString(truncated.outcome), toString(CallOutcome::NetworkError));

        const ProviderReply malformed = run(provider, false);
        QCOMPARE(toString(malformed.outcome), toString(CallOutcome::InvalidResponse));
    }

    void localServerWithoutKeyOrUsage()
    {
        FakeOpenAi fake(FakeOpenAi::Mode::Local);
        fake.setReply(QStringLiteral("Hi! A teammate will follow up."), 0, 0,
                      QStringLiteral("qwen2.5-7b-instruct"));
        const ProviderConfig config{QStringLiteral("local"),
                                    QUrl(fake.baseUrl()),
                                    QString(),
                                    QStringLiteral("qwen2.5-7b-instruct"),
                                    300,
                                    5000};
        OpenAiProvider provider(&m_network, config, OpenAiProvider::Flavour::Compatible);
        const ProviderReply reply = run(provider, false);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(reply.text, QStringLiteral("Hi! A teammate will follow up."));
        QVERIFY(!reply.usageReported);
        QCOMPARE(reply.inputTokens, 0);
        const RecordedRequest request = fake.requests().first();
        QVERIFY(!request.headers.contains("authorization"));
        QCOMPARE(fake.requestBody(0).value(QStringLiteral("max_tokens")).toInt(), 300);
        QVERIFY(!fake.requestBody(0).contains(QStringLiteral("max_completion_tokens")));

        const ProviderReply streamed = run(provider, true);
        QVERIFY2(streamed.ok(), qPrintable(streamed.errorMessage));
        QCOMPARE(streamed.text, QStringLiteral("Hi! A teammate will follow up."));
        QVERIFY(!streamed.usageReported);
    }

    void serverIgnoringStreamFlagStillWorks()
    {
        // Some compatible servers answer a streaming request with one JSON body.
        FakeOpenAi fake(FakeOpenAi::Mode::Local);
        fake.server().queueResponse(
            FakeResponse::fromFile(QStringLiteral("openai/vcr_chat_completion_200.json")));
        OpenAiProvider provider(&m_network,
                                ProviderConfig{QStringLiteral("local"), QUrl(fake.baseUrl()),
                                               QString(), QStringLiteral("m"), 100, 5000},
                                OpenAiProvider::Flavour::Compatible);
        const ProviderReply reply = run(provider, true);
        QVERIFY2(reply.ok(), qPrintable(reply.errorMessage));
        QCOMPARE(reply.text, QStringLiteral("six"));
    }

    void nothingListeningIsANetworkError()
    {
        quint16 port = 0;
        {
            FakeHttpServer probe;
            port = probe.port();
        }
        AnthropicProvider provider(
            &m_network, anthropicConfig(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        const ProviderReply reply = run(provider, false);
        QCOMPARE(toString(reply.outcome), toString(CallOutcome::NetworkError));
        QVERIFY(reply.retryable());
    }
};

QTEST_GUILESS_MAIN(TestAiProviders)
#include "tst_aiproviders.moc"
