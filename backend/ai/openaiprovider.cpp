#include "ai/openaiprovider.h"

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

void readUsage(const QJsonValue &value, ProviderReply &reply)
{
    // Streams carry "usage": null on every chunk but the last.
    if (!value.isObject())
        return;
    const QJsonObject usage = value.toObject();
    reply.inputTokens = usage.value(QStringLiteral("prompt_tokens")).toInt();
    reply.outputTokens = usage.value(QStringLiteral("completion_tokens")).toInt();
    reply.usageReported = true;
}

void readError(const QJsonValue &error, ProviderReply &reply)
{
    if (error.isString()) { // some compatible servers answer {"error": "text"}
        reply.errorMessage = error.toString();
        return;
    }
    const QJsonObject object = error.toObject();
    reply.errorMessage = object.value(QStringLiteral("message")).toString();
    const QJsonValue code = object.value(QStringLiteral("code"));
    reply.errorType =
        code.isString() ? code.toString() : object.value(QStringLiteral("type")).toString();
}

} // namespace

OpenAiProvider::OpenAiProvider(QNetworkAccessManager *network, ProviderConfig config,
                               Flavour flavour)
    : HttpChatProvider(network, std::move(config))
    , m_flavour(flavour)
{}

QNetworkRequest OpenAiProvider::buildRequest(bool stream) const
{
    QNetworkRequest request = jsonRequest(QStringLiteral("/chat/completions"));
    if (!config().apiKey.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + config().apiKey.toUtf8());
    request.setRawHeader("accept", stream ? "text/event-stream" : "application/json");
    return request;
}

QByteArray OpenAiProvider::buildBody(const Prompt &prompt, bool stream) const
{
    QJsonArray messages;
    if (!prompt.system.isEmpty())
        messages.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), prompt.system}});
    for (const PromptMessage &message : prompt.messages)
        messages.append(QJsonObject{{QStringLiteral("role"), message.role},
                                    {QStringLiteral("content"), message.content}});
    QJsonObject body{{QStringLiteral("model"), config().model},
                     {QStringLiteral("messages"), messages}};
    body.insert(m_flavour == Flavour::OpenAi ? QStringLiteral("max_completion_tokens")
                                             : QStringLiteral("max_tokens"),
                config().maxTokens);
    if (stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"),
                    QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void OpenAiProvider::parseResponse(const QByteArray &body, ProviderReply &reply) const
{
    const auto object = jsonObject(body);
    if (!object) {
        reply.outcome = CallOutcome::InvalidResponse;
        reply.errorMessage = QStringLiteral("the answer is not valid JSON");
        return;
    }
    const QJsonArray choices = object->value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty()) {
        reply.outcome = CallOutcome::InvalidResponse;
        reply.errorMessage = QStringLiteral("the answer has no choices");
        if (object->contains(QStringLiteral("error")))
            readError(object->value(QStringLiteral("error")), reply);
        return;
    }
    const QJsonObject choice = choices.first().toObject();
    reply.text = choice.value(QStringLiteral("message"))
                     .toObject()
                     .value(QStringLiteral("content"))
                     .toString(); // null when the model only called tools
    reply.stopReason = choice.value(QStringLiteral("finish_reason")).toString();
    if (object->value(QStringLiteral("model")).isString())
        reply.model = object->value(QStringLiteral("model")).toString();
    readUsage(object->value(QStringLiteral("usage")), reply);
}

void OpenAiProvider::parseError(const QByteArray &body, ProviderReply &reply) const
{
    const auto object = jsonObject(body);
    if (!object) {
        reply.errorMessage = QString::fromUtf8(body.left(300)).simplified();
        return;
    }
    if (object->contains(QStringLiteral("error")))
        readError(object->value(QStringLiteral("error")), reply);
    else
        reply.errorMessage = object->value(QStringLiteral("detail")).toString(); // vLLM, FastAPI
}

void OpenAiProvider::handleEvent(const SseEvent &event, ProviderReply &reply,
                                 StreamState &state) const
{
    if (event.data.trimmed() == "[DONE]") {
        state.finished = true;
        return;
    }
    const auto object = jsonObject(event.data);
    if (!object) {
        state.failed = true;
        reply.outcome = CallOutcome::InvalidResponse;
        reply.errorMessage = QStringLiteral("malformed chunk in the stream");
        return;
    }
    if (object->contains(QStringLiteral("error"))) {
        state.failed = true;
        reply.outcome = CallOutcome::ServerError;
        readError(object->value(QStringLiteral("error")), reply);
        return;
    }
    if (object->value(QStringLiteral("model")).isString())
        reply.model = object->value(QStringLiteral("model")).toString();
    const QJsonArray choices = object->value(QStringLiteral("choices")).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        const QJsonValue content =
            choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content"));
        if (content.isString())
            reply.text += content.toString();
        if (choice.value(QStringLiteral("finish_reason")).isString())
            reply.stopReason = choice.value(QStringLiteral("finish_reason")).toString();
    }
    readUsage(object->value(QStringLiteral("usage")), reply);
}

} // namespace relaydesk
