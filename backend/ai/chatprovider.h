#pragma once

#include "ai/promptbuilder.h"

#include <QCoro/QCoroTask>
#include <QString>

#include <functional>

namespace relaydesk {

// How one call to a provider ended; also the `outcome` column of the usage table and the
// label of relaydesk_ai_requests_total.
enum class CallOutcome {
    Success,
    RateLimited,     // 429
    Overloaded,      // 529, or an overloaded_error event mid-stream
    ServerError,     // 5xx
    ClientError,     // other 4xx: bad key, unknown model, invalid request
    Timeout,         // no answer (or no progress while streaming) within the time limit
    NetworkError,    // refused, reset, DNS
    InvalidResponse, // 2xx but not the protocol: malformed JSON, no text, stream cut short
    CircuitOpen      // not called: its breaker is open
};

QString toString(CallOutcome outcome);

// Everything the router needs from one HTTP exchange with a provider.
struct ProviderReply {
    CallOutcome outcome = CallOutcome::NetworkError;
    QString text;
    QString model;      // as the provider reported it (dated versions), else as requested
    QString stopReason; // end_turn, stop, max_tokens, length...
    int inputTokens = 0;
    int outputTokens = 0;
    bool usageReported = false; // OpenAI-compatible local servers may omit usage
    int httpStatus = 0;
    QString errorType; // rate_limit_error, overloaded_error, invalid_api_key...
    QString errorMessage;
    qint64 retryAfterMs = -1;        // from retry-after-ms / retry-after; -1 when absent
    std::optional<bool> shouldRetry; // x-should-retry, when the server said
    qint64 latencyMs = 0;

    bool ok() const { return outcome == CallOutcome::Success; }
    // Worth the same provider again: 408, 409, 429, 5xx, 529, connection trouble.
    bool retryable() const;
};

// One LLM API. Implementations run on the engine thread and never block it.
class ChatProvider
{
public:
    using TextCallback = std::function<void(const QString &textSoFar)>;

    virtual ~ChatProvider() = default;
    // The configuration name: "anthropic", "openai", "local".
    virtual QString name() const = 0;
    virtual QString model() const = 0;
    // Streams when onText is set (called with the accumulated text after every delta).
    virtual QCoro::Task<ProviderReply> complete(Prompt prompt, TextCallback onText) = 0;
};

} // namespace relaydesk
