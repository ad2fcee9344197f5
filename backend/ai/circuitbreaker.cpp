#include "ai/circuitbreaker.h"

#include <QElapsedTimer>

namespace relaydesk {

namespace {

qint64 monotonicMs()
{
    static QElapsedTimer timer = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return timer.elapsed();
}

} // namespace

CircuitBreaker::CircuitBreaker(Options options, std::function<qint64()> clock)
    : m_options(options)
    , m_clock(clock ? std::move(clock) : std::function<qint64()>(monotonicMs))
{}

qint64 CircuitBreaker::now() const
{
    return m_clock();
}

bool CircuitBreaker::tryAcquire()
{
    QMutexLocker lock(&m_mutex);
    const qint64 t = now();
    switch (m_state) {
    case State::Closed:
        return true;
    case State::Open:
        if (t - m_openedAt < m_options.cooldownMs)
            return false;
        m_state = State::HalfOpen;
        m_probeInFlight = true;
        m_probeStartedAt = t;
        return true;
    case State::HalfOpen:
        // A probe whose caller never reported back must not wedge the circuit half-open.
        if (m_probeInFlight && t - m_probeStartedAt < m_options.cooldownMs)
            return false;
        m_probeInFlight = true;
        m_probeStartedAt = t;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess()
{
    QMutexLocker lock(&m_mutex);
    const qint64 t = now();
    if (m_state != State::Closed) {
        // The probe got through: start over with a clean slate.
        m_state = State::Closed;
        m_probeInFlight = false;
        m_window.clear();
    }
    m_consecutiveFailures = 0;
    m_window.push_back(Call{t, false});
    prune(t);
}

void CircuitBreaker::recordFailure()
{
    QMutexLocker lock(&m_mutex);
    const qint64 t = now();
    if (m_state == State::HalfOpen) {
        open(t);
        return;
    }
    if (m_state == State::Open)
        return; // a call that started before the circuit opened
    ++m_consecutiveFailures;
    m_window.push_back(Call{t, true});
    prune(t);
    int failures = 0;
    for (const Call &call : m_window)
        failures += call.failed ? 1 : 0;
    const int calls = int(m_window.size());
    const bool tooMany = m_consecutiveFailures >= std::max(1, m_options.failureThreshold);
    const bool rateTooHigh = calls >= std::max(1, m_options.minimumCalls) &&
                             double(failures) / calls >= m_options.errorRateThreshold;
    if (tooMany || rateTooHigh)
        open(t);
}

void CircuitBreaker::open(qint64 now)
{
    m_state = State::Open;
    m_openedAt = now;
    m_probeInFlight = false;
}

void CircuitBreaker::prune(qint64 now)
{
    while (!m_window.empty() && (int(m_window.size()) > std::max(1, m_options.windowSize) ||
                                 now - m_window.front().at > m_options.windowMs))
        m_window.pop_front();
}

CircuitBreaker::State CircuitBreaker::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    Snapshot snapshot;
    snapshot.state = m_state;
    snapshot.consecutiveFailures = m_consecutiveFailures;
    const qint64 t = now();
    for (const Call &call : m_window) {
        if (t - call.at > m_options.windowMs)
            continue;
        ++snapshot.windowCalls;
        snapshot.windowFailures += call.failed ? 1 : 0;
    }
    if (m_state == State::Open)
        snapshot.retryInMs = std::max<qint64>(0, m_options.cooldownMs - (t - m_openedAt));
    return snapshot;
}

QString CircuitBreaker::toString(State state)
{
    switch (state) {
    case State::Closed:
        return QStringLiteral("closed");
    case State::Open:
        return QStringLiteral("open");
    case State::HalfOpen:
        return QStringLiteral("half_open");
    }
    return QStringLiteral("closed");
}

} // namespace relaydesk
