#pragma once

#include "ai/httpchatprovider.h"

namespace relaydesk {

// OpenAI Chat Completions: POST {base}/chat/completions with a bearer key; text from
// choices[0].message.content, usage from usage.prompt_tokens / completion_tokens; streamed as
// chat.completion.chunk events ending in "data: [DONE]", usage in a last chunk when
// stream_options.include_usage is set.
//
// The same client serves OpenAI-compatible local servers (LM Studio, Ollama, llama.cpp server,
// vLLM): no key, any base URL, and usage may be missing altogether.
class OpenAiProvider : public HttpChatProvider
{
public:
    enum class Flavour {
        OpenAi,    // max_completion_tokens (max_tokens is deprecated and refused by o-series)
        Compatible // max_tokens, which every compatible server understands
    };

    OpenAiProvider(QNetworkAccessManager *network, ProviderConfig config,
                   Flavour flavour = Flavour::OpenAi);

    QNetworkRequest buildRequest(bool stream) const override;
    QByteArray buildBody(const Prompt &prompt, bool stream) const override;
    void parseResponse(const QByteArray &body, ProviderReply &reply) const override;
    void parseError(const QByteArray &body, ProviderReply &reply) const override;
    void handleEvent(const SseEvent &event, ProviderReply &reply,
                     StreamState &state) const override;

private:
    Flavour m_flavour;
};

} // namespace relaydesk
