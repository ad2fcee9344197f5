#pragma once

#include "ai/usagerecord.h"

namespace relaydesk {

class Counter;
class Histogram;
class MetricsRegistry;

// The Prometheus side of AI accounting: relaydesk_ai_requests_total{provider,outcome},
// relaydesk_ai_tokens_total{provider,direction}, relaydesk_ai_cost_total and
// relaydesk_ai_request_duration_seconds{provider}.
class UsageMeter
{
public:
    explicit UsageMeter(MetricsRegistry &registry);

    void record(const UsageRecord &record);

private:
    Counter *m_requests;
    Counter *m_tokens;
    Counter *m_cost;
    Histogram *m_duration;
};

} // namespace relaydesk
