#pragma once

#include "channels/channeladapter.h"
#include "channels/multipartparser.h"
#include "core/outcome.h"
#include "core/settings.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QUrl>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk {

// One entry of a SendGrid Event Webhook batch.
struct SendGridEvent {
    QString eventId;   // sg_event_id: the de-duplication key
    QString messageId; // sg_message_id up to its first '.', which is the X-Message-Id of the send
    QString event;     // delivered, bounce, dropped, processed, deferred, open, ...
    // Delivered or Failed; empty for events that do not change a message's delivery state.
    std::optional<EventType> type;
    QString detail;
};

// E-mail through Twilio SendGrid: Inbound Parse (default and raw mode) in, v3 Mail Send out,
// delivery state from the signed Event Webhook.
//
// Replies thread in the customer's mail client: "Re: <their subject>", In-Reply-To their
// Message-ID and References their chain plus that id. Sent from [channels.sendgrid] from (a
// verified sender), with Reply-To the address the customer wrote to when that differs, so their
// answer comes back through Inbound Parse. Attachments of outbound messages are URLs, which Mail
// Send cannot fetch: they are listed as links under the text.
class SendGridChannel : public ChannelAdapter
{
public:
    static constexpr int kDefaultTimeoutMs = 30000;
    static constexpr int kMaxMetadataValue = 4096;
    static constexpr int kMaxReferences = 20;

    SendGridChannel(QNetworkAccessManager *network, SendGridSettings settings,
                    int timeoutMs = kDefaultTimeoutMs);

    QString name() const override;
    bool handles(Platform platform) const override;
    QCoro::Task<SendResult> send(OutboundContext context) override;

    // --- Inbound: pure functions, safe on the HTTP thread ---

    // ECDSA P-256/SHA-256 over timestamp + raw body; `signature` is the base64 DER of
    // X-Twilio-Email-Event-Webhook-Signature.
    static bool verifyEventSignature(const QString &publicKey, const QByteArray &timestamp,
                                     const QByteArray &body, const QByteArray &signature);
    // An Inbound Parse POST (multipart/form-data). Threading metadata: from, to (bare addresses),
    // from_name, subject, message_id, in_reply_to, references.
    static Outcome<Message> parseInbound(QByteArrayView contentType, QByteArrayView body);
    static Outcome<Message> parseInbound(const QList<MultipartPart> &parts);
    static Outcome<QList<SendGridEvent>> parseEvents(const QByteArray &body);
    static QString messageIdPrefix(const QString &sgMessageId);
    static QString receiptKey(const SendGridEvent &event);

    // "Name <user@example.com>", "user@example.com" or "Name user@example.com": the address in
    // lower case, empty when there is none.
    static QString addressOf(const QString &mailbox);
    static QString displayNameOf(const QString &mailbox);

    // --- Outbound: pure functions, tested without a network ---

    // The v3 Mail Send JSON for one outbound message, or an error (never worth retrying).
    static Outcome<QJsonObject> mailPayload(const OutboundContext &context,
                                            const SendGridSettings &settings);
    static QUrl mailSendUrl(const SendGridSettings &settings);
    // The settings of the [channels.sendgrid.fallback] key as a channel of its own.
    static SendGridSettings fallbackAccount(const SendGridSettings &settings);
    // 202 with X-Message-Id, or {"errors":[{"message","field"}]}; 429 and 5xx are retryable and
    // honour Retry-After, else X-RateLimit-Reset.
    static SendResult resultFor(int httpStatus, const QByteArray &body,
                                const QByteArray &messageIdHeader, const QByteArray &retryAfter,
                                const QByteArray &rateLimitReset, const QString &networkError);

private:
    std::unique_ptr<QNetworkReply> post(const QByteArray &body) const;
    static SendResult resultFor(QNetworkReply *reply);

    QNetworkAccessManager *m_network;
    SendGridSettings m_settings;
    int m_timeoutMs;
};

} // namespace relaydesk
