#pragma once

#include "channels/channeladapter.h"
#include "core/outcome.h"
#include "core/settings.h"

#include <QByteArray>
#include <QList>
#include <QUrl>
#include <memory>
#include <optional>
#include <utility>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk {

// The decoded name/value pairs of an application/x-www-form-urlencoded body, in body order
// (names may repeat).
using FormFields = QList<std::pair<QString, QString>>;

// A message status callback from Twilio, reduced to what the engine records.
struct TwilioStatus {
    QString messageSid;
    QString status; // MessageStatus as sent: queued, sent, delivered, undelivered, failed, read...
    QString errorCode; // ErrorCode, for undelivered and failed
    // Delivered or Failed; empty for interim statuses, which are acknowledged and not recorded.
    std::optional<EventType> event;
    QString detail;
};

// Twilio Programmable Messaging: SMS, MMS (and WhatsApp numbers, which use the same API).
//
// Outbound bodies are held to Twilio's 1600-character limit by refusing longer ones with a
// permanent error instead of splitting them: the engine already caps SMS drafts and replies at
// 1600 (platformLengthLimit), and a split send could not be retried without re-sending the parts
// that got through, nor tracked by one delivery receipt.
//
// Replies go from the number the customer wrote to (so the customer's phone keeps one thread)
// and fall back to [channels.twilio] from (a number, or a Messaging Service SID sent as
// MessagingServiceSid); they go to the message's own "to", else the customer's number from the
// last inbound message, else the conversation's user id.
class TwilioChannel : public ChannelAdapter
{
public:
    static constexpr int kMaxBodyLength = 1600;
    static constexpr int kMaxMedia = 10; // Twilio's limit per message, in and out
    static constexpr int kDefaultTimeoutMs = 30000;
    static constexpr const char *StatusCallbackPath = "/api/v1/webhooks/twilio/status";

    // `publicUrl` is [server] public_url: status callbacks are requested only when it is set.
    TwilioChannel(QNetworkAccessManager *network, TwilioSettings settings, QString publicUrl,
                  int timeoutMs = kDefaultTimeoutMs);

    QString name() const override;
    bool handles(Platform platform) const override;
    QCoro::Task<SendResult> send(OutboundContext context) override;
    // A fallback account owns none of the primary's numbers: it always sends from its own
    // [channels.twilio.fallback] from, never from the number the customer wrote to.
    void setSendFromOwnNumber(bool own) { m_ownNumber = own; }

    // --- Inbound: pure functions, safe on the HTTP thread ---

    // '+' is a space and %XX a byte (UTF-8); malformed escapes are kept literally.
    static FormFields parseForm(QByteArrayView body);
    static QString formValue(const FormFields &fields, const QString &name);
    static QByteArray encodeForm(const FormFields &fields);
    // The URL Twilio requested: the configured public base URL (which may carry a path prefix)
    // followed by the request's path and query exactly as received.
    static QString publicRequestUrl(const QString &publicBaseUrl, const QUrl &requestUrl);
    // Base64(HMAC-SHA1(authToken, url + name1 + value1 + ...)) over the parameters sorted by
    // name, each distinct value once and in sorted order (as Twilio's own validators do).
    static QByteArray computeSignature(const QString &authToken, const QString &url,
                                       const FormFields &params);
    // Constant-time; tries the URL as given, without its port and with the scheme's default port,
    // because proxies disagree about whether the port is part of what Twilio signed.
    static bool verifySignature(const QString &authToken, const QString &url,
                                const FormFields &params, const QByteArray &signature);
    // A status callback (MessageStatus/SmsStatus other than receiving/received) rather than an
    // incoming message.
    static bool isStatusCallback(const FormFields &fields);
    // An incoming SMS, or MMS when NumMedia > 0, de-duplicated by MessageSid.
    static Outcome<Message> parseInbound(const FormFields &fields);
    static Outcome<TwilioStatus> parseStatus(const FormFields &fields);
    static QString receiptKey(const TwilioStatus &status);

    // --- Outbound: pure functions, tested without a network ---

    // The Messages.json form for one outbound message, or an error (never worth retrying) when
    // it cannot be sent: no recipient, no sender, nothing to send, too long.
    static Outcome<FormFields> outboundForm(const OutboundContext &context,
                                            const TwilioSettings &settings,
                                            const QString &statusCallbackUrl,
                                            bool ownNumber = false);
    // The settings of the [channels.twilio.fallback] account as a channel of its own.
    static TwilioSettings fallbackAccount(const TwilioSettings &settings);
    static QUrl messagesUrl(const TwilioSettings &settings);
    // Interprets Twilio's answer: 201 with sid, or its error JSON {code, message, more_info,
    // status}; 429 and 5xx are retryable and honour Retry-After.
    static SendResult resultFor(int httpStatus, const QByteArray &body,
                                const QByteArray &retryAfter, const QString &networkError);

private:
    QString statusCallbackUrl() const;
    std::unique_ptr<QNetworkReply> post(const QByteArray &body) const;
    static SendResult resultFor(QNetworkReply *reply);
    static SendResult refused(const QString &reason);

    QNetworkAccessManager *m_network;
    TwilioSettings m_settings;
    QString m_publicUrl;
    int m_timeoutMs;
    bool m_ownNumber = false;
};

} // namespace relaydesk
