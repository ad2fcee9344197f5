#pragma once

#include "channels/channeladapter.h"
#include "channels/telegramapi.h"
#include "core/outcome.h"
#include "core/settings.h"

#include <QJsonObject>
#include <QList>
#include <QUrl>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace relaydesk {

class TelegramPoller;

// Telegram through the Bot API. Inbound arrives either as webhooks (POST
// /api/v1/webhooks/telegram, verified by X-Telegram-Bot-Api-Secret-Token; see TelegramWebhook)
// or, for a desktop without a public URL, by getUpdates long polling (mode = "poll", see
// TelegramPoller). Outbound uses sendMessage, sendPhoto and sendDocument.
//
// Attachments of inbound messages are stored as "tg-file:<file_id>" references, not as URLs:
// a Bot API download URL embeds the bot token and expires after an hour, so storing it would
// leak the token to every API client and rot. resolveFile() turns a reference into a URL when
// someone needs the bytes, and outbound messages can send a reference back as is (Telegram
// accepts a file_id wherever it accepts a URL).
//
// Callback queries (inline keyboard presses) become customer messages whose content is the
// button's callback data, so a customer's choice reaches the operator; they are acknowledged
// with answerCallbackQuery so the customer's client stops its spinner.
class TelegramChannel : public ChannelAdapter
{
public:
    static constexpr int MaxMessageLength = 4096;
    static constexpr int LongPollSeconds = 25;

    // One Bot API Update as the engine sees it.
    struct Update {
        qint64 id = 0;
        std::optional<Message> message; // empty for updates that carry nothing for us
        QString callbackQueryId;        // a button press to acknowledge
        QString ignoredReason;          // why `message` is empty
    };

    // One Bot API call of an outbound delivery.
    struct Call {
        QString method;
        QJsonObject body;
    };

    TelegramChannel(QNetworkAccessManager *network, TelegramSettings settings);
    ~TelegramChannel() override;

    QString name() const override;
    bool handles(Platform platform) const override;
    // Starts long polling in mode "poll"; in webhook mode it only warns when no secret is set,
    // because every webhook will then be refused.
    void start(InboundSink *sink) override;
    void stop() override;
    QCoro::Task<SendResult> send(OutboundContext context) override;
    // "tg-file:<file_id>" -> the download URL from getFile; http(s) URLs pass through. The URL
    // carries the bot token: hand it to the downloader, never store or show it.
    QCoro::Task<Outcome<QUrl>> resolveFile(QString reference);
    bool isPolling() const;

    // Thread-safe and pure: the HTTP thread calls these.
    // Constant time; false when no secret is configured, so webhook mode without a secret
    // accepts nothing.
    static bool verifySecretToken(const QString &configuredSecret, const QByteArray &header);
    static Outcome<Update> parseUpdate(const QByteArray &body);
    static Outcome<Update> parseUpdate(const QJsonObject &update);
    // Cuts `text` into parts of at most `limit` UTF-16 units, preferring paragraph, line,
    // sentence and word boundaries, and never splitting a surrogate pair.
    static QStringList splitText(const QString &text, int limit = MaxMessageLength);
    // The reply address: the chat of the customer's last message, else the user id (a private
    // chat's id is the user's id). Numeric ids go out as JSON integers.
    static QJsonValue chatIdFor(const OutboundContext &context);
    // Every Bot API call that delivers `context`, in order: the text parts, then one call per
    // attachment. An error when there is nothing to send or nowhere to send it.
    static Outcome<QList<Call>> callsFor(const OutboundContext &context);
    static QString fileReference(const QString &fileId);

private:
    QCoro::Task<TelegramApi::Answer> post(QString method, QJsonObject body);
    // Retries in place (honouring retry_after) when `insist` is set: used for the parts after
    // the first, because retrying the whole message would repeat what was delivered.
    QCoro::Task<TelegramApi::Answer> deliver(Call call, bool insist);
    SendResult finish(const SendResult &result);

    QNetworkAccessManager *m_network;
    TelegramSettings m_settings;
    TelegramApi m_api;
    std::unique_ptr<TelegramPoller> m_poller;
};

} // namespace relaydesk
