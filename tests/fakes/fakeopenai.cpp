#include "fakes/fakeopenai.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QSet>

namespace relaydesk {

namespace {

constexpr qint64 kCreated = 1727346168;
const QString kCompletionId = QStringLiteral("chatcmpl-FakeRelaydesk0123456789");

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

FakeOpenAi::FakeOpenAi(Mode mode, QObject *parent)
    : QObject(parent)
    , m_mode(mode)
{
    if (mode == Mode::Local)
        m_model = QStringLiteral("qwen2.5-7b-instruct");
    m_server.setHandler([this](const RecordedRequest &request) { return answer(request); });
}

QString FakeOpenAi::baseUrl() const
{
    return m_server.url(QStringLiteral("/v1")).toString();
}

void FakeOpenAi::setReply(const QString &text, int promptTokens, int completionTokens,
                          const QString &model)
{
    QMutexLocker lock(&m_mutex);
    m_text = text;
    m_promptTokens = promptTokens;
    m_completionTokens = completionTokens;
    m_model = model;
}

void FakeOpenAi::setStreamChunking(int bytesPerChunk, int intervalMs)
{
    QMutexLocker lock(&m_mutex);
    m_chunkBytes = std::max(1, bytesPerChunk);
    m_chunkIntervalMs = std::max(0, intervalMs);
}

void FakeOpenAi::failNext(const FakeFailure &failure, int times)
{
    QMutexLocker lock(&m_mutex);
    for (int i = 0; i < times; ++i)
        m_failures.enqueue(failure);
}

int FakeOpenAi::pendingFailures() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_failures.size());
}

QJsonObject FakeOpenAi::requestBody(int index) const
{
    return QJsonDocument::fromJson(m_server.requests().value(index).body).object();
}

QByteArray FakeOpenAi::errorJson(const QString &message, const QString &type,
                                 const QJsonValue &code, const QJsonValue &param)
{
    return compact(
        QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                          {QStringLiteral("type"), type},
                                                          {QStringLiteral("param"), param},
                                                          {QStringLiteral("code"), code}}}});
}

QStringList FakeOpenAi::textPieces() const
{
    QStringList pieces;
    static const QRegularExpression word(QStringLiteral("\\s*\\S+|\\s+"));
    auto it = word.globalMatch(m_text);
    while (it.hasNext())
        pieces << it.next().captured(0);
    return pieces;
}

QByteArray FakeOpenAi::completionJson() const
{
    QJsonObject object{
        {QStringLiteral("id"), kCompletionId},
        {QStringLiteral("object"), QStringLiteral("chat.completion")},
        {QStringLiteral("created"), kCreated},
        {QStringLiteral("model"), m_model},
        {QStringLiteral("choices"),
         QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                {QStringLiteral("message"),
                                 QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                             {QStringLiteral("content"), m_text},
                                             {QStringLiteral("refusal"), QJsonValue::Null}}},
                                {QStringLiteral("logprobs"), QJsonValue::Null},
                                {QStringLiteral("finish_reason"), QStringLiteral("stop")}}}},
        {QStringLiteral("system_fingerprint"), QStringLiteral("fp_fake0001")}};
    if (m_mode == Mode::OpenAi)
        object.insert(
            QStringLiteral("usage"),
            QJsonObject{{QStringLiteral("prompt_tokens"), m_promptTokens},
                        {QStringLiteral("completion_tokens"), m_completionTokens},
                        {QStringLiteral("total_tokens"), m_promptTokens + m_completionTokens}});
    return compact(object);
}

QByteArray FakeOpenAi::chunk(const QJsonObject &delta, const QJsonValue &finishReason,
                             bool includeUsage) const
{
    QJsonObject object{{QStringLiteral("id"), kCompletionId},
                       {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                       {QStringLiteral("created"), kCreated},
                       {QStringLiteral("model"), m_model},
                       {QStringLiteral("system_fingerprint"), QStringLiteral("fp_fake0001")},
                       {QStringLiteral("choices"),
                        QJsonArray{QJsonObject{{QStringLiteral("index"), 0},
                                               {QStringLiteral("delta"), delta},
                                               {QStringLiteral("logprobs"), QJsonValue::Null},
                                               {QStringLiteral("finish_reason"), finishReason}}}}};
    // With include_usage every chunk carries "usage": null until the last one.
    if (includeUsage)
        object.insert(QStringLiteral("usage"), QJsonValue::Null);
    return "data: " + compact(object) + "\n\n";
}

QByteArray FakeOpenAi::chunkStream(bool includeUsage, int deltasBeforeEnd, bool errorInstead) const
{
    QByteArray out = chunk(QJsonObject{{QStringLiteral("role"), QStringLiteral("assistant")},
                                       {QStringLiteral("content"), QString()},
                                       {QStringLiteral("refusal"), QJsonValue::Null}},
                           QJsonValue::Null, includeUsage);
    const QStringList pieces = textPieces();
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        if (deltasBeforeEnd >= 0 && i >= deltasBeforeEnd) {
            if (errorInstead)
                out += "data: " +
                       errorJson(QStringLiteral("The server had an error while processing your "
                                                "request. Sorry about that!"),
                                 QStringLiteral("server_error"), QJsonValue::Null) +
                       "\n\n";
            return out;
        }
        out += chunk(QJsonObject{{QStringLiteral("content"), pieces.at(i)}}, QJsonValue::Null,
                     includeUsage);
    }
    out += chunk(QJsonObject{}, QStringLiteral("stop"), includeUsage);
    if (includeUsage && m_mode == Mode::OpenAi) {
        out += "data: " +
               compact(QJsonObject{
                   {QStringLiteral("id"), kCompletionId},
                   {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                   {QStringLiteral("created"), kCreated},
                   {QStringLiteral("model"), m_model},
                   {QStringLiteral("system_fingerprint"), QStringLiteral("fp_fake0001")},
                   {QStringLiteral("choices"), QJsonArray{}},
                   {QStringLiteral("usage"),
                    QJsonObject{
                        {QStringLiteral("prompt_tokens"), m_promptTokens},
                        {QStringLiteral("completion_tokens"), m_completionTokens},
                        {QStringLiteral("total_tokens"), m_promptTokens + m_completionTokens}}}}) +
               "\n\n";
    }
    out += "data: [DONE]\n\n";
    return out;
}

std::optional<FakeResponse> FakeOpenAi::validate(const RecordedRequest &request,
                                                 QJsonObject *body) const
{
    auto invalid = [](const QString &message, const QJsonValue &param) {
        return FakeResponse::json(400, errorJson(message, QStringLiteral("invalid_request_error"),
                                                 QJsonValue::Null, param));
    };
    if (request.path != QLatin1String("/v1/chat/completions") || request.method != "POST")
        return FakeResponse::json(
            404, errorJson(QStringLiteral("Invalid URL (%1 %2)")
                               .arg(QString::fromLatin1(request.method), request.path),
                           QStringLiteral("invalid_request_error"), QJsonValue::Null));
    if (m_mode == Mode::OpenAi &&
        request.header("authorization") != QByteArray("Bearer ") + kApiKey)
        return FakeResponse::fromFile(QStringLiteral("openai/vcr_error_401_invalid_api_key.json"),
                                      401);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(QStringLiteral("We could not parse the JSON body of your request."),
                       QJsonValue::Null);
    *body = document.object();
    const QJsonValue model = body->value(QStringLiteral("model"));
    if (!model.isString())
        return invalid(QStringLiteral("you must provide a model parameter"), QJsonValue::Null);
    if (model.toString() == QLatin1String("does-not-exist"))
        return FakeResponse::fromFile(QStringLiteral("openai/vcr_error_404_model_not_found.json"),
                                      404);
    const QJsonArray messages = body->value(QStringLiteral("messages")).toArray();
    if (messages.isEmpty())
        return invalid(QStringLiteral("[] is too short - 'messages'"), QStringLiteral("messages"));
    static const QStringList roles{QStringLiteral("system"), QStringLiteral("developer"),
                                   QStringLiteral("user"), QStringLiteral("assistant"),
                                   QStringLiteral("tool")};
    for (qsizetype i = 0; i < messages.size(); ++i) {
        const QJsonObject message = messages.at(i).toObject();
        if (!roles.contains(message.value(QStringLiteral("role")).toString()))
            return invalid(QStringLiteral("Invalid value: '%1'. Supported values are: 'system', "
                                          "'assistant', 'user', 'tool', and 'developer'.")
                               .arg(message.value(QStringLiteral("role")).toString()),
                           QStringLiteral("messages[%1].role").arg(i));
        if (!message.value(QStringLiteral("content")).isString() &&
            !message.value(QStringLiteral("content")).isArray())
            return invalid(QStringLiteral("Invalid type for 'messages[%1].content'").arg(i),
                           QStringLiteral("messages[%1].content").arg(i));
    }
    for (const QString &field :
         {QStringLiteral("max_tokens"), QStringLiteral("max_completion_tokens")}) {
        if (body->contains(field) &&
            (!body->value(field).isDouble() || body->value(field).toInt() < 1))
            return invalid(QStringLiteral("Invalid '%1': integer below minimum value.").arg(field),
                           field);
    }
    if (body->contains(QStringLiteral("max_tokens")) &&
        body->contains(QStringLiteral("max_completion_tokens")))
        return invalid(QStringLiteral("max_tokens and max_completion_tokens cannot both be set"),
                       QStringLiteral("max_tokens"));
    const bool stream = body->value(QStringLiteral("stream")).toBool();
    if (body->contains(QStringLiteral("stream_options")) && !stream)
        return invalid(QStringLiteral("The 'stream_options' parameter is only allowed when "
                                      "'stream' is enabled."),
                       QStringLiteral("stream_options"));
    return std::nullopt;
}

FakeResponse FakeOpenAi::failure(const FakeFailure &failure, bool stream, bool includeUsage) const
{
    auto sse = [](const QByteArray &body) {
        return FakeResponse::text(200, body).withHeader("content-type",
                                                        "text/event-stream; charset=utf-8");
    };
    FakeResponse response;
    switch (failure.kind) {
    case FakeFailure::Kind::RateLimited:
        response = FakeResponse::json(
            429, errorJson(QStringLiteral("Rate limit reached for %1 on requests per min (RPM): "
                                          "Limit 3, Used 3, Requested 1.")
                               .arg(m_model),
                           QStringLiteral("requests"), QStringLiteral("rate_limit_exceeded")));
        break;
    case FakeFailure::Kind::Overloaded:
        response = FakeResponse::json(
            503, errorJson(QStringLiteral("The engine is currently overloaded, please try again "
                                          "later"),
                           QStringLiteral("server_error"), QJsonValue::Null));
        break;
    case FakeFailure::Kind::ServerError:
        response = FakeResponse::json(
            500, errorJson(QStringLiteral("The server had an error while processing your request. "
                                          "Sorry about that!"),
                           QStringLiteral("server_error"), QJsonValue::Null));
        break;
    case FakeFailure::Kind::Timeout:
        response =
            stream ? sse(chunkStream(includeUsage)) : FakeResponse::json(200, completionJson());
        break;
    case FakeFailure::Kind::MalformedJson:
        response = stream ? sse(chunkStream(includeUsage, 1) + "data: {\"id\":\"chatcmpl-\n\n")
                          : FakeResponse::json(200, completionJson().left(50));
        break;
    case FakeFailure::Kind::TruncatedStream:
        response = sse(chunkStream(includeUsage, 2));
        break;
    case FakeFailure::Kind::StreamError:
        response = sse(chunkStream(includeUsage, 2, true));
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

void FakeOpenAi::flagWhenInputContains(const QString &word, const QStringList &categories)
{
    QMutexLocker lock(&m_mutex);
    m_flagWords.append({word, categories});
}

void FakeOpenAi::failModerationNext(const FakeFailure &failure, int times)
{
    QMutexLocker lock(&m_mutex);
    for (int i = 0; i < times; ++i)
        m_moderationFailures.enqueue(failure);
}

QList<QJsonObject> FakeOpenAi::moderationRequests() const
{
    QList<QJsonObject> bodies;
    for (const RecordedRequest &request : m_server.requests()) {
        if (request.path == QLatin1String("/v1/moderations"))
            bodies << QJsonDocument::fromJson(request.body).object();
    }
    return bodies;
}

const QStringList &FakeOpenAi::moderationCategories()
{
    // The categories omni-moderation-latest reports, as in OpenAI's API reference.
    static const QStringList categories{QStringLiteral("harassment"),
                                        QStringLiteral("harassment/threatening"),
                                        QStringLiteral("hate"),
                                        QStringLiteral("hate/threatening"),
                                        QStringLiteral("illicit"),
                                        QStringLiteral("illicit/violent"),
                                        QStringLiteral("self-harm"),
                                        QStringLiteral("self-harm/intent"),
                                        QStringLiteral("self-harm/instructions"),
                                        QStringLiteral("sexual"),
                                        QStringLiteral("sexual/minors"),
                                        QStringLiteral("violence"),
                                        QStringLiteral("violence/graphic")};
    return categories;
}

FakeResponse FakeOpenAi::moderation(const RecordedRequest &request)
{
    auto invalid = [](const QString &message, const QJsonValue &param) {
        return FakeResponse::json(400, errorJson(message, QStringLiteral("invalid_request_error"),
                                                 QJsonValue::Null, param));
    };
    if (request.method != "POST")
        return FakeResponse::json(
            404, errorJson(QStringLiteral("Invalid URL (%1 %2)")
                               .arg(QString::fromLatin1(request.method), request.path),
                           QStringLiteral("invalid_request_error"), QJsonValue::Null));
    if (request.header("authorization") != QByteArray("Bearer ") + kApiKey)
        return FakeResponse::fromFile(QStringLiteral("openai/vcr_error_401_invalid_api_key.json"),
                                      401);
    const QJsonDocument document = QJsonDocument::fromJson(request.body);
    if (!document.isObject())
        return invalid(QStringLiteral("We could not parse the JSON body of your request."),
                       QJsonValue::Null);
    const QJsonObject body = document.object();
    const QJsonValue input = body.value(QStringLiteral("input"));
    if (!input.isString() && !input.isArray())
        return invalid(QStringLiteral("'input' is a required property"), QStringLiteral("input"));
    if (body.contains(QStringLiteral("model")) && !body.value(QStringLiteral("model")).isString())
        return invalid(QStringLiteral("Invalid type for 'model'"), QStringLiteral("model"));
    if (!m_moderationFailures.isEmpty())
        return failure(m_moderationFailures.dequeue(), false, false);
    QStringList inputs;
    if (input.isString())
        inputs << input.toString();
    for (const QJsonValue &item : input.toArray())
        inputs << item.toString();
    QJsonArray results;
    for (const QString &text : std::as_const(inputs)) {
        QSet<QString> flagged;
        for (const auto &[word, categories] : std::as_const(m_flagWords)) {
            if (text.contains(word, Qt::CaseInsensitive))
                flagged.unite(QSet<QString>(categories.cbegin(), categories.cend()));
        }
        QJsonObject categories;
        QJsonObject scores;
        QJsonObject inputTypes;
        for (const QString &category : moderationCategories()) {
            categories.insert(category, flagged.contains(category));
            scores.insert(category, flagged.contains(category) ? 0.93 : 0.0004);
            inputTypes.insert(category, QJsonArray{QStringLiteral("text")});
        }
        results.append(QJsonObject{{QStringLiteral("flagged"), !flagged.isEmpty()},
                                   {QStringLiteral("categories"), categories},
                                   {QStringLiteral("category_scores"), scores},
                                   {QStringLiteral("category_applied_input_types"), inputTypes}});
    }
    return FakeResponse::json(
        200, QJsonDocument(QJsonObject{{QStringLiteral("id"), QStringLiteral("modr-fake0001")},
                                       {QStringLiteral("model"),
                                        body.value(QStringLiteral("model"))
                                            .toString(QStringLiteral("omni-moderation-latest"))},
                                       {QStringLiteral("results"), results}})
                 .toJson(QJsonDocument::Compact));
}

FakeResponse FakeOpenAi::answer(const RecordedRequest &request)
{
    QMutexLocker lock(&m_mutex);
    if (request.path == QLatin1String("/v1/moderations") && m_mode == Mode::OpenAi)
        return moderation(request);
    QJsonObject body;
    if (auto rejected = validate(request, &body))
        return *rejected;
    const bool stream = body.value(QStringLiteral("stream")).toBool();
    const bool includeUsage = body.value(QStringLiteral("stream_options"))
                                  .toObject()
                                  .value(QStringLiteral("include_usage"))
                                  .toBool();
    if (!m_failures.isEmpty())
        return failure(m_failures.dequeue(), stream, includeUsage);
    if (!stream)
        return FakeResponse::json(200, completionJson()).withHeader("x-request-id", "req_fake");
    return FakeResponse::text(200, chunkStream(includeUsage))
        .withHeader("content-type", "text/event-stream; charset=utf-8")
        .streamed(m_chunkBytes, m_chunkIntervalMs);
}

} // namespace relaydesk
