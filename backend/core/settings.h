#pragma once

#include "core/enums.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace relaydesk {

struct CannedAnswer {
    QStringList keywords;
    QString reply;
};

// Every tunable of the engine and server, resolved from command line > environment > TOML
// config > defaults by SettingsLoader. Plain data: copied into each component at start-up.
struct Settings {
    // paths
    QString dataDir;    // --data-dir; default: the platform's app-data directory
    QString configFile; // --config / RELAYDESK_CONFIG; empty when none

    // [server]
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 3030;
    QString publicUrl;
    int threadPoolSize = 0; // seed 000 key; 0 = QThread::idealThreadCount()
    qint64 maxBodyBytes = 1024 * 1024;

    // [database]
    QString databaseUrl; // sqlite:///path or postgresql://...; empty = <dataDir>/relaydesk.db
    int maxConnections = 20;

    // [queue]
    int queueSize = 10000;
    int retryAttempts = 3;
    int leaseSeconds = 60;
    int workers = 8; // jobs processed concurrently by the engine
    int retryBaseMs = 1000;
    int retryMaxMs = 5 * 60 * 1000;

    // [storage] group commit bounds
    int batchMaxWrites = 512;
    int batchWindowMs = 2;

    // [conversation]
    int sessionHours = 24;

    // [metrics]
    bool metricsEnabled = true;
    int metricsPort = 0; // seed 000 key; 0 = served by the API server under /metrics

    // [ai]
    AiMode defaultAiMode = AiMode::Review;
    QList<CannedAnswer> offlineAnswers;
    QString offlineDefaultReply = QStringLiteral(
        "Thanks for reaching out! We have received your message and a member of our team will "
        "get back to you shortly.");

    // [channels.webhook]
    bool webhookEnabled = false;
    QString webhookOutboundUrl;
    QString webhookSecret;
    int webhookTimeoutMs = 10000;

    // [api]
    QStringList apiTokens;

    // [rate_limit] (seed 001: RATE_LIMIT_ENABLED / _REQUESTS / _PERIOD)
    bool rateLimitEnabled = false;
    int rateLimitRequests = 100;
    int rateLimitPeriodSeconds = 60;

    // RELAYDESK_LOG
    QString logLevel = QStringLiteral("info");
};

} // namespace relaydesk
