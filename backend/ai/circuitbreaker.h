#pragma once

#include <QMutex>
#include <QString>

#include <deque>
#include <functional>

namespace relaydesk {

// Stops calling a provider that keeps failing, so drafts fail over at once instead of each
// waiting out timeouts and retries. Closed: calls go through. Open (after N consecutive failures,
// or an error rate over the recent window): calls are refused until the cool-down has passed.
// Half-open: one probe call goes through; its success closes the circuit, its failure opens it
// again for another cool-down.
//
// Thread-safe: the engine thread records calls while /health and the console read the state.
class CircuitBreaker
{
public:
    enum class State { Closed, Open, HalfOpen };

    struct Options {
        int failureThreshold = 5; // consecutive failures that open the circuit
        qint64 cooldownMs = 30000;
        // Intermittent failures that never line up N in a row open it too.
        int windowSize = 20;     // most recent calls considered
        qint64 windowMs = 60000; // ...within this long
        int minimumCalls = 10;   // fewer calls say nothing about a rate
        double errorRateThreshold = 0.5;
    };

    struct Snapshot {
        State state = State::Closed;
        int consecutiveFailures = 0;
        int windowCalls = 0;
        int windowFailures = 0;
        qint64 retryInMs = 0; // while open: time left in the cool-down
    };

    // `clock` returns monotonic milliseconds; tests pass a fake one.
    explicit CircuitBreaker(Options options, std::function<qint64()> clock = {});

    // Asks to make one call. An open circuit whose cool-down has passed turns half-open and lets
    // exactly this caller probe.
    bool tryAcquire();
    void recordSuccess();
    void recordFailure();

    State state() const;
    Snapshot snapshot() const;
    static QString toString(State state);

private:
    struct Call {
        qint64 at;
        bool failed;
    };
    void open(qint64 now);
    void prune(qint64 now);
    qint64 now() const;

    const Options m_options;
    std::function<qint64()> m_clock;
    mutable QMutex m_mutex;
    State m_state = State::Closed;
    int m_consecutiveFailures = 0;
    qint64 m_openedAt = 0;
    bool m_probeInFlight = false;
    qint64 m_probeStartedAt = 0;
    std::deque<Call> m_window;
};

} // namespace relaydesk
