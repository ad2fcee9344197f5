#pragma once

#include "core/enums.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace relaydesk {

struct CannedAnswer {
    QStringList keywords;
    QString reply;
};

// [channels.<name>]: every channel can be switched off, and every base URL can point at a proxy
// or, in tests, at a fake on 127.0.0.1. Secrets may also come from RELAYDESK_<CHANNEL>_<KEY>.
// [channels.<name>.fallback]: a second account of the same provider that sends while the
// first one's circuit is open (failure_threshold provider failures in a row: 5xx, timeouts,
// unreachable; a refused message such as an invalid number does not count), until a probe
// after cooldown_s succeeds on the first again.
struct TwilioFallbackSettings {
    QString accountSid; // empty: no fallback account
    QString authToken;
    QString from;    // the fallback's own number: it owns none of the primary's
    QString baseUrl; // empty: the primary's base_url
    int failureThreshold = 3;
    int cooldownSeconds = 60;
};

struct SendGridFallbackSettings {
    QString apiKey;         // empty: no fallback key
    QString from;           // empty: the primary's from
    QString eventPublicKey; // when the fallback is another SendGrid account with its own key
    QString baseUrl;        // empty: the primary's base_url
    int failureThreshold = 3;
    int cooldownSeconds = 60;
};

struct TwilioSettings {
    bool enabled = false;
    QString accountSid;
    QString authToken;
    QString from;
    QString baseUrl = QStringLiteral("https://api.twilio.com");
    TwilioFallbackSettings fallback;
};

struct SendGridSettings {
    bool enabled = false;
    QString apiKey;
    QString from;
    QString eventPublicKey; // base64 DER or PEM of the ECDSA P-256 verification key
    QString baseUrl = QStringLiteral("https://api.sendgrid.com");
    SendGridFallbackSettings fallback;
};

struct TelegramSettings {
    bool enabled = false;
    QString botToken;
    QString mode = QStringLiteral("webhook"); // "webhook" | "poll"
    QString webhookSecret;
    QString baseUrl = QStringLiteral("https://api.telegram.org");
};

struct DiscordSettings {
    bool enabled = false;
    QString botToken;
    QString applicationId;
    QString publicKey; // hex Ed25519 key for interactions
    QStringList channelIds;
    QString baseUrl = QStringLiteral("https://discord.com/api/v10");
    QString gatewayUrl = QStringLiteral("wss://gateway.discord.gg/?v=10&encoding=json");
};

struct TwitterSettings {
    bool enabled = false;
    QString bearerToken;
    int pollIntervalSeconds = 60;
    QString baseUrl = QStringLiteral("https://api.twitter.com");
};

// [ai.<provider>]
struct AiProviderSettings {
    QString apiKey;
    QString baseUrl;
    QString model;
    int maxTokens = 1024;
};

struct ModelPrice {
    double inputPerMillionTokens = 0;
    double outputPerMillionTokens = 0;
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
    qint64 maxHeaderBytes = 16 * 1024; // request line + headers; more is answered 431
    int idleTimeoutSeconds = 60;       // time allowed for a complete request on a connection
    QString tlsCertificateFile;        // PEM; TLS is on when both files are set
    QString tlsKeyFile;

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
    QStringList aiChain = {QStringLiteral("offline")}; // providers tried in order
    QString systemPrompt;
    QString systemPromptFile;
    int historyMessages = 20;
    int aiTimeoutSeconds = 30;
    int aiMaxRetries = 2;
    int aiRateLimitPerUserPerMinute = 100;
    // [ai.anthropic], [ai.openai], [ai.local] (OpenAI-compatible, no key)
    AiProviderSettings anthropic{QString(), QStringLiteral("https://api.anthropic.com"),
                                 QStringLiteral("claude-3-5-haiku-latest"), 1024};
    AiProviderSettings openai{QString(), QStringLiteral("https://api.openai.com/v1"),
                              QStringLiteral("gpt-4o-mini"), 1024};
    AiProviderSettings local{QString(), QStringLiteral("http://127.0.0.1:1234/v1"),
                             QStringLiteral("local-model"), 1024};
    // [ai.prices."<model>"]
    QMap<QString, ModelPrice> modelPrices;
    // [ai.breaker]
    int breakerFailureThreshold = 5;
    int breakerCooldownSeconds = 30;
    // [ai.moderation]
    QStringList blockedTerms;
    QStringList blockedPatterns; // regular expressions
    bool detectPii = true;       // card numbers (Luhn) and national ids flag a message
    // Provider moderation before drafting: "openai" (POST [ai.openai] base_url/moderations with
    // its api_key) or empty for rules only.
    QString moderationProvider;
    QString moderationModel = QStringLiteral("omni-moderation-latest");
    QList<CannedAnswer> offlineAnswers;
    QString offlineDefaultReply = QStringLiteral(
        "Thanks for reaching out! We have received your message and a member of our team will "
        "get back to you shortly.");

    // [channels.webhook]
    bool webhookEnabled = false;
    QString webhookOutboundUrl;
    QString webhookSecret;
    int webhookTimeoutMs = 10000;
    // [channels.webhook.sources.<source>] secret: inbound generic webhooks per sender
    QMap<QString, QString> webhookSourceSecrets;
    int webhookToleranceSeconds = 300;

    TwilioSettings twilio;
    SendGridSettings sendgrid;
    TelegramSettings telegram;
    DiscordSettings discord;
    TwitterSettings twitter;

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
