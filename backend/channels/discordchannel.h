#pragma once

#include "channels/channeladapter.h"
#include "channels/discordgateway.h"
#include "channels/discordratelimiter.h"
#include "core/outcome.h"
#include "core/settings.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QNetworkRequest>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk {

// Discord: customer messages arrive over the Gateway (MESSAGE_CREATE in the configured
// channel_ids, and every DM), slash commands over the signed interactions webhook (see
// DiscordWebhook); replies go out with POST /channels/{id}/messages as the bot, honouring the
// per-route rate-limit buckets and 429 retry_after. The gateway session is kept in the channel
// state so a restart resumes instead of identifying again.
class DiscordChannel : public ChannelAdapter
{
public:
    static constexpr int MaxContentLength = 2000;
    static constexpr int MaxNonceLength = 25;
    // Longer rate-limit waits are handed back to the job queue instead of holding a worker.
    static constexpr int MaxLocalWaitMs = 10000;
    // A 429 asking for at most this long is waited out and retried once within the same send.
    static constexpr int InlineRetryLimitMs = 5000;
    static constexpr int RequestTimeoutMs = 15000;

    DiscordChannel(QNetworkAccessManager *network, DiscordSettings settings,
                   DiscordGateway::Options gatewayOptions = {});
    ~DiscordChannel() override;

    QString name() const override;
    bool handles(Platform platform) const override;
    void start(InboundSink *sink) override;
    void stop() override;
    QCoro::Task<SendResult> send(OutboundContext context) override;

    // The key under which the gateway session lives in the channel state.
    static QString sessionStateKey();

    // Pure and thread-safe, for the gateway and the HTTP thread alike.
    // A MESSAGE_CREATE payload as a customer message; an error (with the reason) for what is
    // not one: bots (ourselves included), webhooks, system messages, guild channels outside
    // `channelIds`, empty messages.
    static Outcome<Message> parseMessageCreate(const QJsonObject &message,
                                               const QStringList &channelIds,
                                               const QString &selfUserId = {});
    // An APPLICATION_COMMAND (type 2) or MODAL_SUBMIT (type 5) interaction as a customer
    // message: its text options (or modal fields) are the content, "/<command>" when it has none.
    static Outcome<Message> parseInteraction(const QJsonObject &interaction);
    // Ed25519 over X-Signature-Timestamp + raw body, key and signature in hex.
    static bool verifyInteraction(const QString &publicKeyHex, const QByteArray &signatureHex,
                                  const QByteArray &timestamp, const QByteArray &body);
    // Splits at line breaks, then spaces, never inside a surrogate pair.
    static QStringList splitContent(const QString &content, int limit = MaxContentLength);
    // Stable per (message, part) so a retried send is de-duplicated by enforce_nonce.
    static QString nonceFor(const QString &messageId, int part);
    static QByteArray messageBody(const QString &content, const QString &nonce,
                                  const QString &replyToMessageId);
    static bool isSnowflake(const QString &text);

private:
    struct Target {
        QString channelId;
        QString recipientId; // a DM channel must be opened first
        QString replyToMessageId;
    };
    struct HttpOutcome {
        int status = 0;
        QByteArray body;
        QString networkError;
        DiscordRateLimiter::Headers rateLimit;
        QByteArray retryAfterHeader;
        bool globalHeader = false;
    };

    static Target targetFor(const OutboundContext &context);
    static HttpOutcome readReply(QNetworkReply *reply);
    static SendResult resultFor(const HttpOutcome &outcome);
    // retry_after of a 429 in milliseconds (body first, Retry-After header second).
    static qint64 retryAfterMs(const HttpOutcome &outcome);
    static SendResult failure(const QString &error, bool retryable, int retryAfterSeconds = 0);
    // The bucket stays empty for longer than a worker should wait: back to the job queue.
    static SendResult exhaustedLocally(const QString &route, qint64 waitMs);

    QCoro::Task<SendResult> deliver(OutboundContext context);
    QCoro::Task<SendResult> openDirectMessage(QString recipientId);
    QCoro::Task<SendResult> post(QString route, QString majorParameter, QString path,
                                 QByteArray body);
    QNetworkRequest requestFor(const QString &path) const;
    void learn(const QString &route, const QString &majorParameter, const HttpOutcome &outcome);
    qint64 nowMs() const { return m_clock.elapsed(); }

    void connectGateway();
    void onMessageCreate(const QJsonObject &data);
    void persistSession();

    QNetworkAccessManager *m_network;
    DiscordSettings m_settings;
    DiscordGateway::Options m_gatewayOptions;
    std::unique_ptr<DiscordGateway> m_gateway;
    InboundSink *m_sink = nullptr;
    bool m_stopped = false;
    DiscordRateLimiter m_limiter;
    QElapsedTimer m_clock;
    QHash<QString, QString> m_directMessageChannels; // recipient user id -> DM channel id
};

} // namespace relaydesk
