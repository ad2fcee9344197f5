// Breaker transitions on a fake clock, and the retry timing the router relies on.
#include "ai/circuitbreaker.h"
#include "ai/pricetable.h"
#include "ai/retrytiming.h"

#include <QTest>
#include <QThread>

#include <atomic>

using namespace relaydesk;

class TestCircuitBreaker : public QObject
{
    Q_OBJECT

    qint64 m_now = 1000;
    std::function<qint64()> clock()
    {
        return [this] { return m_now; };
    }
    CircuitBreaker::Options options(int threshold = 3, qint64 cooldownMs = 10000)
    {
        CircuitBreaker::Options o;
        o.failureThreshold = threshold;
        o.cooldownMs = cooldownMs;
        return o;
    }

private Q_SLOTS:
    void init() { m_now = 1000; }

    void opensAfterConsecutiveFailures()
    {
        CircuitBreaker breaker(options(3), clock());
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
        QVERIFY(breaker.tryAcquire());
        breaker.recordFailure();
        breaker.recordFailure();
        breaker.recordSuccess(); // a success in between resets the run
        breaker.recordFailure();
        breaker.recordFailure();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
        QCOMPARE(breaker.snapshot().consecutiveFailures, 2);
        breaker.recordFailure();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
        QVERIFY(!breaker.tryAcquire());
        QCOMPARE(breaker.snapshot().retryInMs, qint64(10000));
    }

    void halfOpenProbeAfterCooldownThenClosed()
    {
        CircuitBreaker breaker(options(1, 5000), clock());
        breaker.recordFailure();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
        m_now += 4999;
        QVERIFY(!breaker.tryAcquire());
        QCOMPARE(breaker.snapshot().retryInMs, qint64(1));
        m_now += 1;
        QVERIFY(breaker.tryAcquire()); // the probe
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::HalfOpen));
        QVERIFY(!breaker.tryAcquire()); // only one probe at a time
        breaker.recordSuccess();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
        QVERIFY(breaker.tryAcquire());
        QCOMPARE(breaker.snapshot().consecutiveFailures, 0);
    }

    void failedProbeReopensForAnotherCooldown()
    {
        CircuitBreaker breaker(options(1, 5000), clock());
        breaker.recordFailure();
        m_now += 5000;
        QVERIFY(breaker.tryAcquire());
        breaker.recordFailure();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
        m_now += 4000;
        QVERIFY(!breaker.tryAcquire());
        m_now += 1000;
        QVERIFY(breaker.tryAcquire());
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::HalfOpen));
    }

    void lostProbeDoesNotWedgeHalfOpen()
    {
        CircuitBreaker breaker(options(1, 5000), clock());
        breaker.recordFailure();
        m_now += 5000;
        QVERIFY(breaker.tryAcquire()); // its caller never reports back
        m_now += 4999;
        QVERIFY(!breaker.tryAcquire());
        m_now += 1;
        QVERIFY(breaker.tryAcquire());
    }

    void opensOnErrorRateOverTheWindow()
    {
        CircuitBreaker::Options o = options(100);
        o.windowSize = 10;
        o.minimumCalls = 10;
        o.errorRateThreshold = 0.5;
        o.windowMs = 60000;
        CircuitBreaker breaker(o, clock());
        // Alternating: never two failures in a row, but half the calls fail.
        for (int i = 0; i < 4; ++i) {
            breaker.recordSuccess();
            breaker.recordFailure();
        }
        breaker.recordSuccess();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
        QCOMPARE(breaker.snapshot().windowCalls, 9);
        breaker.recordFailure(); // 5 of 10
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Open));
    }

    void oldCallsLeaveTheWindow()
    {
        CircuitBreaker::Options o = options(100);
        o.windowSize = 10;
        o.minimumCalls = 4;
        o.errorRateThreshold = 0.5;
        o.windowMs = 1000;
        CircuitBreaker breaker(o, clock());
        breaker.recordFailure();
        breaker.recordSuccess();
        breaker.recordSuccess();
        m_now += 2000; // the failure above no longer counts
        breaker.recordFailure();
        breaker.recordSuccess();
        breaker.recordSuccess();
        breaker.recordSuccess();
        QCOMPARE(CircuitBreaker::toString(breaker.state()),
                 CircuitBreaker::toString(CircuitBreaker::State::Closed));
        QCOMPARE(breaker.snapshot().windowFailures, 1);
    }

    void concurrentUseIsSafe()
    {
        CircuitBreaker breaker(options(1000000, 10));
        std::atomic<int> acquired{0};
        auto hammer = [&] {
            for (int i = 0; i < 20000; ++i) {
                if (breaker.tryAcquire())
                    acquired.fetch_add(1);
                (i % 3 == 0) ? breaker.recordFailure() : breaker.recordSuccess();
                breaker.snapshot();
            }
        };
        std::unique_ptr<QThread> a(QThread::create(hammer));
        std::unique_ptr<QThread> b(QThread::create(hammer));
        a->start();
        b->start();
        QVERIFY(a->wait(60000));
        QVERIFY(b->wait(60000));
        QVERIFY(acquired.load() > 0);
    }

    void stateNames()
    {
        QCOMPARE(CircuitBreaker::toString(CircuitBreaker::State::HalfOpen),
                 QStringLiteral("half_open"));
        QCOMPARE(CircuitBreaker::toString(CircuitBreaker::State::Open), QStringLiteral("open"));
    }

    void retryAfterHeaders()
    {
        const QDateTime now = QDateTime(QDate(2025, 1, 6), QTime(8, 49, 30), Qt::UTC);
        QCOMPARE(RetryTiming::retryAfterMs("1500", "9", now), qint64(1500));
        QCOMPARE(RetryTiming::retryAfterMs("12.5", {}, now), qint64(13));
        QCOMPARE(RetryTiming::retryAfterMs({}, "2", now), qint64(2000));
        QCOMPARE(RetryTiming::retryAfterMs({}, "0.25", now), qint64(250));
        QCOMPARE(RetryTiming::retryAfterMs({}, "Mon, 06 Jan 2025 08:49:37 GMT", now), qint64(7000));
        QCOMPARE(RetryTiming::retryAfterMs({}, "Mon, 06 Jan 2025 08:00:00 GMT", now), qint64(0));
        QCOMPARE(RetryTiming::retryAfterMs("soon", "later", now), qint64(-1));
        QCOMPARE(RetryTiming::retryAfterMs({}, {}, now), qint64(-1));
        QCOMPARE(RetryTiming::retryAfterMs("-5", {}, now), qint64(-1));
    }

    void backoffDoublesWithJitterUpToACap()
    {
        QCOMPARE(RetryTiming::backoffMs(0, 0.0), qint64(500));
        QCOMPARE(RetryTiming::backoffMs(1, 0.0), qint64(1000));
        QCOMPARE(RetryTiming::backoffMs(2, 0.0), qint64(2000));
        QCOMPARE(RetryTiming::backoffMs(10, 0.0), qint64(8000));
        QCOMPARE(RetryTiming::backoffMs(1, 0.999999), qint64(750));
        for (int retry = 0; retry < 6; ++retry) {
            const qint64 high = RetryTiming::backoffMs(retry, 0.0);
            const qint64 low = RetryTiming::backoffMs(retry, 0.99);
            QVERIFY(low >= high * 3 / 4 && low <= high);
        }
    }

    void pricesPerMillionTokens()
    {
        const PriceTable prices(
            {{QStringLiteral("gpt-4o"), ModelPrice{2.5, 10.0}},
             {QStringLiteral("gpt-4o-mini"), ModelPrice{0.15, 0.6}},
             {QStringLiteral("claude-3-5-haiku-latest"), ModelPrice{0.8, 4.0}}});
        QCOMPARE(prices.cost(QStringLiteral("gpt-4o"), {}, 1000000, 0), 2.5);
        QCOMPARE(prices.cost(QStringLiteral("gpt-4o"), {}, 2000, 1000), 0.015);
        // Dated names take the longest configured prefix.
        QCOMPARE(prices.cost(QStringLiteral("gpt-4o-mini-2024-07-18"), {}, 1000000, 1000000), 0.75);
        QCOMPARE(prices.cost(QStringLiteral("gpt-4o-2024-08-06"), {}, 0, 1000000), 10.0);
        // Unknown reported model: the requested one's price.
        QCOMPARE(prices.cost(QStringLiteral("claude-3-5-haiku-20241022"),
                             QStringLiteral("claude-3-5-haiku-latest"), 1000000, 0),
                 0.8);
        QCOMPARE(prices.cost(QStringLiteral("llama"), QStringLiteral("local-model"), 500, 500),
                 0.0);
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
