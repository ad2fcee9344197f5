#include "ai/usagemeter.h"

#include "observability/metricsregistry.h"

namespace relaydesk {

UsageMeter::UsageMeter(MetricsRegistry &registry)
    : m_requests(registry.counter(QStringLiteral("relaydesk_ai_requests"),
                                  QStringLiteral("Calls to AI providers by outcome"),
                                  {QStringLiteral("provider"), QStringLiteral("outcome")}))
    , m_tokens(registry.counter(QStringLiteral("relaydesk_ai_tokens"),
                                QStringLiteral("Tokens sent to (input) and written by (output) AI "
                                               "providers"),
                                {QStringLiteral("provider"), QStringLiteral("direction")}))
    , m_cost(registry.counter(QStringLiteral("relaydesk_ai_cost"),
                              QStringLiteral("Cost of AI calls per the [ai.prices] table")))
    , m_duration(registry.histogram(QStringLiteral("relaydesk_ai_request_duration_seconds"),
                                    QStringLiteral("Latency of calls to AI providers"),
                                    {QStringLiteral("provider")},
                                    {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}))
{}

void UsageMeter::record(const UsageRecord &record)
{
    m_requests->labels({record.provider, record.outcome})->inc();
    if (record.inputTokens > 0)
        m_tokens->labels({record.provider, QStringLiteral("input")})->inc(record.inputTokens);
    if (record.outputTokens > 0)
        m_tokens->labels({record.provider, QStringLiteral("output")})->inc(record.outputTokens);
    if (record.cost > 0)
        m_cost->inc(record.cost);
    // A call refused by an open circuit never went out: it has no latency to speak of.
    if (record.outcome != QLatin1String("circuit_open"))
        m_duration->labels({record.provider})->observe(double(record.latencyMs) / 1000.0);
}

} // namespace relaydesk
