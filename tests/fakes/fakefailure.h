#pragma once

#include <QString>

namespace relaydesk {

// A failure the AI fakes (FakeAnthropic, FakeOpenAi) play instead of their next answer, the way
// the real services fail.
struct FakeFailure {
    enum class Kind {
        RateLimited,     // 429 with the provider's error body
        Overloaded,      // Anthropic 529 overloaded_error; OpenAI 503
        ServerError,     // 500
        Timeout,         // the normal answer, after delayMs
        MalformedJson,   // 200 whose JSON breaks off (plain answer) or a garbled event (stream)
        TruncatedStream, // the stream stops after a few deltas, without its end marker
        StreamError,     // an error event mid-stream (overloaded), after a few deltas
        Dropped          // the connection closes without an answer
    };

    Kind kind = Kind::ServerError;
    qint64 retryAfterMs = -1;   // retry-after-ms header when >= 0
    int retryAfterSeconds = -1; // retry-after header when >= 0
    int delayMs = 0;

    static FakeFailure of(Kind kind)
    {
        FakeFailure failure;
        failure.kind = kind;
        return failure;
    }
    FakeFailure withRetryAfterMs(qint64 ms) const
    {
        FakeFailure copy = *this;
        copy.retryAfterMs = ms;
        return copy;
    }
    FakeFailure withRetryAfterSeconds(int seconds) const
    {
        FakeFailure copy = *this;
        copy.retryAfterSeconds = seconds;
        return copy;
    }
    FakeFailure withDelay(int ms) const
    {
        FakeFailure copy = *this;
        copy.delayMs = ms;
        return copy;
    }
};

} // namespace relaydesk
