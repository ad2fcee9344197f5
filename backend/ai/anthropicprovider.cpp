#include "ai/anthropicprovider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace relaydesk {

namespace {

std::optional<QJsonObject> jsonObject(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

void readUsage(const QJsonObject &usage, ProviderReply &reply)
{
    if (usage.isEmpty())
        return;
    // message_delta repeats input_tokens only on newer API versions; keep what message_start said.
    if (usage.contains(QStringLiteral("input_tokens")))
        reply.inputTokens = usage.value(QStringLiteral("input_tokens")).toInt();
    if (usage.contains(QStringLiteral("output_tokens")))
        reply.outputTokens = usage.value(QStringLiteral("output_tokens")).toInt();
    reply.usageReported = true;
}

} // namespace

AnthropicProvider::AnthropicProvider(QNetworkAccessManager *network, ProviderConfig config)
    : HttpChatProvider(network, std::move(config))
{}

QNetworkRequest AnthropicProvider::buildRequest(bool stream) const
{
    QNetworkRequest request = jsonRequest(QStringLiteral("/v1/messages"));
    request.setRawHeader("x-api-key", config().apiKey.toUtf8());
    request.setRawHeader("anthropic-version", kApiVersion);
    request.setRawHeader("accept", stream ? "text/event-stream" : "application/json");
    return request;
}

QByteArray AnthropicProvider::buildBody(const Prompt &prompt, bool stream) const
{
    QJsonArray messages;
    for (const PromptMessage &message : prompt.messages)
        messages.append(QJsonObject{{QStringLiteral("role"), message.role},
                                    {QStringLiteral("content"), message.content}});
    QJsonObject body{{QStringLiteral("model"), config().model},
                     {QStringLiteral("max_tokens"), config().maxTokens},
                     {QStringLiteral("messages"), messages}};
    if (!prompt.system.isEmpty())
        body.insert(QStringLiteral("system"), prompt.system);
    if (stream)
        body.insert(QStringLiteral("stream"), true);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

CallOutcome AnthropicProvider::outcomeForErrorType(const QString &type, CallOutcome fallback)
{
    if (type == QLatin1String("overloaded_error"))
        return CallOutcome::Overloaded;
    if (type == QLatin1String("rate_limit_error"))
        return CallOutcome::RateLimited;
    if (type == QLatin1String("api_error"))
        return CallOutcome::ServerError;
    if (type == QLatin1String("invalid_request_error") ||
        type == QLatin1String("authentication_error") ||
        type == QLatin1String("permission_error") || type == QLatin1String("not_found_error") ||
        type == QLatin1String("request_too_large"))
        return CallOutcome::ClientError;
    return fallback;
}

void AnthropicProvider::parseResponse(const QByteArray &body, ProviderReply &reply) const
{
    const auto object = jsonObject(body);
    if (!object || object->value(QStringLiteral("type")).toString() == QLatin1String("error") ||
        !object->value(QStringLiteral("content")).isArray()) {
        reply.outcome = CallOutcome::InvalidResponse;
        reply.errorMessage = object ? QStringLiteral("the answer is not a message")
                                    : QStringLiteral("the answer is not valid JSON");
        if (object)
            parseError(body, reply);
        return;
    }
    QString text;
    for (const QJsonValue &block : object->value(QStringLiteral("content")).toArray()) {
        const QJsonObject b = block.toObject();
        if (b.value(QStringLiteral("type")).toString() == QLatin1String("text"))
            text += b.value(QStringLiteral("text")).toString();
    }
    reply.text = text;
    if (object->value(QStringLiteral("model")).isString())
        reply.model = object->value(QStringLiteral("model")).toString();
    reply.stopReason = object->value(QStringLiteral("stop_reason")).toString();
    readUsage(object->value(QStringLiteral("usage")).toObject(), reply);
}

void AnthropicProvider::parseError(const QByteArray &body, ProviderReply &reply) const
{
    const auto object = jsonObject(body);
    if (!object) {
        reply.errorMessage = QString::fromUtf8(body.left(300)).simplified();
        return;
    }
    const QJsonObject error = object->value(QStringLiteral("error")).toObject();
    reply.errorType = error.value(QStringLiteral("type")).toString();
    reply.errorMessage = error.value(QStringLiteral("message")).toString();
    reply.outcome = outcomeForErrorType(reply.errorType, reply.outcome);
}

void AnthropicProvider::handleEvent(const SseEvent &event, ProviderReply &reply,
                                    StreamState &state) const
{
    const auto object = jsonObject(event.data);
    if (!object) {
        state.failed = true;
        reply.outcome = CallOutcome::InvalidResponse;
        reply.errorMessage = QStringLiteral("malformed %1 event in the stream").arg(event.event);
        return;
    }
    // The data's own "type" is authoritative; the event name only repeats it.
    const QString type = object->value(QStringLiteral("type")).toString();
    if (type == QLatin1String("message_start")) {
        const QJsonObject message = object->value(QStringLiteral("message")).toObject();
        if (message.value(QStringLiteral("model")).isString())
            reply.model = message.value(QStringLiteral("model")).toString();
        readUsage(message.value(QStringLiteral("usage")).toObject(), reply);
    } else if (type == QLatin1String("content_block_delta")) {
        const QJsonObject delta = object->value(QStringLiteral("delta")).toObject();
        if (delta.value(QStringLiteral("type")).toString() == QLatin1String("text_delta"))
            reply.text += delta.value(QStringLiteral("text")).toString();
    } else if (type == QLatin1String("message_delta")) {
        const QJsonObject delta = object->value(QStringLiteral("delta")).toObject();
        if (delta.value(QStringLiteral("stop_reason")).isString())
            reply.stopReason = delta.value(QStringLiteral("stop_reason")).toString();
        readUsage(object->value(QStringLiteral("usage")).toObject(), reply);
    } else if (type == QLatin1String("message_stop")) {
        state.finished = true;
    } else if (type == QLatin1String("error")) {
        state.failed = true;
        reply.outcome = CallOutcome::ServerError;
        parseError(event.data, reply);
    }
    // ping, content_block_start/stop and event types added later carry nothing we need.
}

} // namespace relaydesk
