#pragma once

#include <QDateTime>
#include <QString>

namespace relaydesk {

// One call to an AI provider: a row of the `usage` table.
struct UsageRecord {
    QString id;
    QString provider;
    QString model;
    QString conversationId;
    int inputTokens = 0;
    int outputTokens = 0;
    qint64 latencyMs = 0;
    QString outcome; // toString(CallOutcome)
    double cost = 0; // in the currency of [ai.prices]
    QDateTime createdAt;
};

// Sums over a group of usage rows (a provider, a conversation, a day).
struct UsageTotal {
    QString key;
    qint64 requests = 0;
    qint64 failures = 0;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    double cost = 0;
    qint64 averageLatencyMs = 0;
};

} // namespace relaydesk
