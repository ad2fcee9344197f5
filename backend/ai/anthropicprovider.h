#pragma once

#include "ai/httpchatprovider.h"

namespace relaydesk {

// Anthropic Messages API: POST {base}/v1/messages with x-api-key and anthropic-version
// 2023-06-01; text from content[].text, usage from usage.input_tokens / output_tokens; streamed
// as message_start, content_block_delta (text_delta), message_delta, message_stop, with ping
// and error events in between.
class AnthropicProvider : public HttpChatProvider
{
public:
    static constexpr const char *kApiVersion = "2023-06-01";

    AnthropicProvider(QNetworkAccessManager *network, ProviderConfig config);

    QNetworkRequest buildRequest(bool stream) const override;
    QByteArray buildBody(const Prompt &prompt, bool stream) const override;
    void parseResponse(const QByteArray &body, ProviderReply &reply) const override;
    void parseError(const QByteArray &body, ProviderReply &reply) const override;
    void handleEvent(const SseEvent &event, ProviderReply &reply,
                     StreamState &state) const override;

    // The outcome an Anthropic error type stands for (overloaded_error -> Overloaded...).
    static CallOutcome outcomeForErrorType(const QString &type, CallOutcome fallback);
};

} // namespace relaydesk
