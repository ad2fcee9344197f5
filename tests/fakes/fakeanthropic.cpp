#include "fakes/fakeanthropic.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRegularExpression>

namespace relaydesk {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray sseEvent(const QByteArray &name, const QJsonObject &data)
{
    return "event: " + name + "\ndata: " + compact(data) + "\n\n";
}

} // namespace

FakeAnthropic::FakeAnthropic(QObject *parent)
    : QObject(parent)
{
    m_server.setHandler([this](const RecordedRequest &request) { return answer(request); });
}

QString FakeAnthropic::baseUrl() const
{
    return m_server.url().toString();
}

void FakeAnthropic::setReply(const QString &text, int inputTokens, int outputTokens,
                             const QString &model)
{
    QMutexLocker lock(&m_mutex);
    m_text = text;
    m_inputTokens = inputTokens;
    m_outputTokens = outputTokens;
    m_model = model;
}

void FakeAnthropic::setStreamChunking(int bytesPerChunk, int intervalMs)
{
    QMutexLocker lock(&m_mutex);
    m_chunkBytes = std::max(1, bytesPerChunk);
    m_chunkIntervalMs = std::max(0, intervalMs);
}

void FakeAnthropic::failNext(const FakeFailure &failure, int times)
{
    QMutexLocker lock(&m_mutex);
    for (int i = 0; i < times; ++i)
        m_failures.enqueue(failure);
}

int FakeAnthropic::pendingFailures() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_failures.size());
}

QJsonObject FakeAnthropic::requestBody(int index) const
{
    return QJsonDocument::fromJson(m_server.requests().value(index).body).object();
}

QByteArray FakeAnthropic::errorJson(const QString &type, const QString &message)
{
    return compact(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("error")},
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}}},
        {QStringLiteral("request_id"), QStringLiteral("req_011CFakeRelaydesk0000000")}});
}

QStringList FakeAnthropic::textPieces() const
{
    // Word by word, spaces kept, as the real service streams (roughly) a token at a time.
    QStringList pieces;
    static const QRegularExpression word(QStringLiteral("\\S+\\s*|\\s+"));
    auto it = word.globalMatch(m_text);
    while (it.hasNext())
        pieces << it.next().captured(0);
    return pieces;
}

QByteArray FakeAnthropic::messageJson() const
{
    return compact(QJsonObject{
        {QStringLiteral("id"), QStringLiteral("msg_01FakeRelaydeskXXXXXXXXXX")},
        {QStringLiteral("type"), QStringLiteral("message")},
        {QStringLiteral("role"), QStringLiteral("assistant")},
        {QStringLiteral("model"), m_model},
        {QStringLiteral("content"),
         QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                {QStringLiteral("text"), m_text}}}},
        {QStringLiteral("stop_reason"), QStringLiteral("end_turn")},
        {QStringLiteral("stop_sequence"), QJsonValue::Null},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), m_inputTokens},
                                              {QStringLiteral("cache_creation_input_tokens"), 0},
                                              {QStringLiteral("cache_read_input_tokens"), 0},
                                              {QStringLiteral("output_tokens"), m_outputTokens}}}});
}

QByteArray FakeAnthropic::eventStream(int deltasBeforeEnd, bool errorInstead) const
{
    QByteArray out;
    out += sseEvent(
        "message_start",
        QJsonObject{
            {QStringLiteral("type"), QStringLiteral("message_start")},
            {QStringLiteral("message"),
             QJsonObject{{QStringLiteral("id"), QStringLiteral("msg_01FakeRelaydeskXXXXXXXXXX")},
                         {QStringLiteral("type"), QStringLiteral("message")},
                         {QStringLiteral("role"), QStringLiteral("assistant")},
                         {QStringLiteral("content"), QJsonArray{}},
                         {QStringLiteral("model"), m_model},
                         {QStringLiteral("stop_reason"), QJsonValue::Null},
                         {QStringLiteral("stop_sequence"), QJsonValue::Null},
                         {QStringLiteral("usage"),
                          QJsonObject{{QStringLiteral("input_tokens"), m_inputTokens},
                                      {QStringLiteral("output_tokens"), 1}}}}}});
    out += sseEvent("content_block_start",
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_start")},
                                {QStringLiteral("index"), 0},
                                {QStringLiteral("content_block"),
                                 QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                             {QStringLiteral("text"), QString()}}}});
    out += "event: ping\ndata: {\"type\": \"ping\"}\n\n";
    const QStringList pieces = textPieces();
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (deltasBeforeEnd >= 0 && i >= deltasBeforeEnd) {
            if (errorInstead)
                out += "event: error\ndata: " +
                       errorJson(QStringLiteral("overloaded_error"), QStringLiteral("Overloaded")) +
                       "\n\n";
            return out;
        }
        out += sseEvent(
            "content_block_delta",
            QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_delta")},
                        {QStringLiteral("index"), 0},
                        {QStringLiteral("delta"),
                         QJsonObject{{QStringLiteral("type"), QStringLiteral("text_delta")},
                                     {QStringLiteral("text"), pieces.at(i)}}}});
    }
    out += sseEvent("content_block_stop",
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("content_block_stop")},
                                {QStringLiteral("index"), 0}});
    out += sseEvent(
        "message_delta",
        QJsonObject{{QStringLiteral("type"), QStringLiteral("message_delta")},
                    {QStringLiteral("delta"),
                     QJsonObject{{QStringLiteral("stop_reason"), QStringLiteral("end_turn")},
                                 {QStringLiteral("stop_sequence"), QJsonValue::Null}}},
                    {QStringLiteral("usage"),
                     QJsonObject{{QStringLiteral("output_tokens"), m_outputTokens}}}});
    out += sseEvent("message_stop",
                    QJsonObject{{QStringLiteral("type"), QStringLiteral("message_stop")}});
    return out;
}

std::optional<FakeResponse> FakeAnthropic::validate(const RecordedRequest &request,
                                                    QJsonObject *body) const
{
    auto invalid = [](const QString &message) {
        return FakeResponse::json(400, errorJson(QStringLiteral("invalid_request_error"), message));
    };
    if (request.path != QLatin1String("/v1/messages"))
        return FakeResponse::json(
            404, errorJson(QStringLiteral("not_found_error"), QStringLiteral("Not Found")));
    if (request.method != "POST")
        return FakeResponse::json(405, errorJson(QStringLiteral("invalid_request_error"),
                                                 QStringLiteral("Method Not Allowed")));
    if (request.header("x-api-key") != kApiKey)
        return FakeResponse::json(401, errorJson(QStringLiteral("authentication_error"),
                                                 QStringLiteral("invalid x-api-key")));
    if (request.header("anthropic-version").isEmpty())
        return invalid(QStringLiteral("anthropic-version: header is required"));
    if (request.header("anthropic-version") != "2023-06-01")
        return invalid(QStringLiteral("anthropic-version: unknown version"));
    if (!request.header("content-type").startsWith("application/json"))
        return invalid(QStringLiteral("content-type: must be application/json"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(QStringLiteral("There was an issue with your request body: invalid JSON"));
    *body = document.object();
    static const QStringList known{QStringLiteral("model"),       QStringLiteral("max_tokens"),
                                   QStringLiteral("messages"),    QStringLiteral("system"),
                                   QStringLiteral("stream"),      QStringLiteral("metadata"),
                                   QStringLiteral("temperature"), QStringLiteral("stop_sequences"),
                                   QStringLiteral("top_p"),       QStringLiteral("top_k"),
                                   QStringLiteral("tools"),       QStringLiteral("tool_choice")};
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (!known.contains(it.key()))
            return invalid(it.key() + QStringLiteral(": Extra inputs are not permitted"));
    }
    if (!body->value(QStringLiteral("model")).isString())
        return invalid(QStringLiteral("model: Field required"));
    if (!body->value(QStringLiteral("max_tokens")).isDouble() ||
        body->value(QStringLiteral("max_tokens")).toInt() < 1)
        return invalid(QStringLiteral("max_tokens: Field required"));
    if (body->contains(QStringLiteral("system")) &&
        !body->value(QStringLiteral("system")).isString() &&
        !body->value(QStringLiteral("system")).isArray())
        return invalid(QStringLiteral("system: Input should be a valid string"));
    if (body->contains(QStringLiteral("stream")) && !body->value(QStringLiteral("stream")).isBool())
        return invalid(QStringLiteral("stream: Input should be a valid boolean"));
    const QJsonArray messages = body->value(QStringLiteral("messages")).toArray();
    if (messages.isEmpty())
        return invalid(QStringLiteral("messages: at least one message is required"));
    QString previous;
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        const QString role = message.value(QStringLiteral("role")).toString();
        if (role != QLatin1String("user") && role != QLatin1String("assistant"))
            return invalid(
                QStringLiteral("messages.%1.role: Input should be 'user' or 'assistant'").arg(i));
        if (i == 0 && role != QLatin1String("user"))
            return invalid(QStringLiteral("messages: first message must use the \"user\" role"));
        if (role == previous)
            return invalid(QStringLiteral("messages: roles must alternate between \"user\" and "
                                          "\"assistant\""));
        const QJsonValue content = message.value(QStringLiteral("content"));
        if (!(content.isString() && !content.toString().isEmpty()) && !content.isArray())
            return invalid(
                QStringLiteral("messages.%1: all messages must have non-empty content").arg(i));
        previous = role;
    }
    return std::nullopt;
}

FakeResponse FakeAnthropic::failure(const FakeFailure &failure, bool stream) const
{
    FakeResponse response;
    switch (failure.kind) {
    case FakeFailure::Kind::RateLimited:
        // The recorded 429, with its headers (x-should-retry: true).
        response =
            FakeResponse::fromFile(QStringLiteral("anthropic/error_rate_limit_429.json"), 429);
        break;
    case FakeFailure::Kind::Overloaded:
        response = FakeResponse::json(
            529, errorJson(QStringLiteral("overloaded_error"), QStringLiteral("Overloaded")));
        break;
    case FakeFailure::Kind::ServerError:
        response = FakeResponse::json(
            500, errorJson(QStringLiteral("api_error"), QStringLiteral("Internal server error")));
        break;
    case FakeFailure::Kind::Timeout:
        response = stream ? FakeResponse::text(200, eventStream())
                                .withHeader("content-type", "text/event-stream; charset=utf-8")
                          : FakeResponse::json(200, messageJson());
        break;
    case FakeFailure::Kind::MalformedJson:
        response = stream ? FakeResponse::text(
                                200, eventStream(1) + "event: content_block_delta\ndata: "
                                                      "{\"type\":\"content_block_delta\",\"ind\n\n")
                                .withHeader("content-type", "text/event-stream; charset=utf-8")
                          : FakeResponse::json(200, messageJson().left(60));
        break;
    case FakeFailure::Kind::TruncatedStream:
        response = FakeResponse::text(200, eventStream(2))
                       .withHeader("content-type", "text/event-stream; charset=utf-8");
        break;
    case FakeFailure::Kind::StreamError:
        response = FakeResponse::text(200, eventStream(2, true))
                       .withHeader("content-type", "text/event-stream; charset=utf-8");
        break;
    case FakeFailure::Kind::Dropped:
        response = FakeResponse::dropped();
        break;
    }
    if (failure.retryAfterMs >= 0)
        response.headers.insert("retry-after-ms", QByteArray::number(failure.retryAfterMs));
    if (failure.retryAfterSeconds >= 0)
        response.headers.insert("retry-after", QByteArray::number(failure.retryAfterSeconds));
    response.delayMs = failure.delayMs;
    if (stream && response.status == 200 && !response.dropConnection)
        response = response.streamed(m_chunkBytes, m_chunkIntervalMs);
    return response;
}

FakeResponse FakeAnthropic::answer(const RecordedRequest &request)
{
    QMutexLocker lock(&m_mutex);
    QJsonObject body;
    if (auto rejected = validate(request, &body))
        return *rejected;
    const bool stream = body.value(QStringLiteral("stream")).toBool();
    if (!m_failures.isEmpty())
        return failure(m_failures.dequeue(), stream);
    if (!stream)
        return FakeResponse::json(200, messageJson()).withHeader("request-id", "req_fake");
    return FakeResponse::text(200, eventStream())
        .withHeader("content-type", "text/event-stream; charset=utf-8")
        .withHeader("cache-control", "no-cache")
        .streamed(m_chunkBytes, m_chunkIntervalMs);
}

} // namespace relaydesk
