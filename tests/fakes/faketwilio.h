#pragma once

#include "fakes/fakehttpserver.h"

#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QUrl>

#include <utility>

namespace relaydesk {

// Twilio's Programmable Messaging on 127.0.0.1, speaking its wire protocol:
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP basic auth (sid:token) and a
// form body (To, From or MessagingServiceSid, Body, MediaUrl repeated, StatusCallback), answering
// 201 with the Message resource shaped like the recorded fixture twilio/messages_create_201.json,
// or Twilio's error JSON {code, message, more_info, status} for the checks Twilio itself makes
// (authentication 20003, missing To 21604 / From 21603, invalid To 21211, no body 21602, body over
// 1600 characters 21617, rate limit 20429).
//
// It also plays Twilio's side of the webhooks: incoming messages and status callbacks posted to
// our server with a valid X-Twilio-Signature (computed here independently of our validator).
//
// Lives on the thread that creates it (the test thread); use it from there.
class FakeTwilio : public QObject
{
    Q_OBJECT

public:
    using Params = QList<std::pair<QString, QString>>;

    struct SentMessage {
        QString sid;
        Params form; // decoded, in request order
        QString value(const QString &name) const;
        QStringList values(const QString &name) const;
    };

    struct Answer {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };

    FakeTwilio(QString accountSid, QString authToken, QObject *parent = nullptr);

    FakeHttpServer &server() { return m_server; }
    // What [channels.twilio] base_url should be.
    QString baseUrl() const;

    // The next send gets this Twilio error instead of being accepted (scripts run in order).
    void queueError(int httpStatus, int code, const QString &message,
                    const QByteArray &retryAfter = {});
    // Twilio's 429 (error 20429), with Retry-After when `retryAfterSeconds` > 0.
    void queueRateLimit(int retryAfterSeconds);
    // An outage: every authenticated send gets `httpStatus` (Twilio error 20500) until called
    // with 0.
    void setOutage(int httpStatus);
    // Where message sids start counting, so two fake accounts never hand out the same sid.
    void setFirstSid(int number) { m_nextSid = number; }
    // Sends answered with an error, authentication failures included.
    int failedSends() const { return m_failedSends; }

    // Accepted messages, in order.
    QList<SentMessage> messages() const { return m_messages; }
    bool waitForMessages(int count, int timeoutMs = 10000);

    // Posts Twilio's status callback for an accepted message to the StatusCallback it was sent
    // with, signed; returns our server's answer.
    Answer postStatus(const QString &sid, const QString &status, const QString &errorCode = {});
    // Posts an incoming message webhook to `url` (the public URL Twilio was configured with),
    // signed with `signingToken` (default: the account's token).
    Answer postWebhook(const QUrl &url, const Params &params, const QString &signingToken = {});

    static QByteArray signature(const QString &authToken, const QString &url, const Params &params);
    static QByteArray encode(const Params &params);
    static Params decode(const QByteArray &body);
    // The fixture's Message resource with this message's values filled in.
    static QJsonObject messageResource(const QString &accountSid, const QString &sid,
                                       const Params &form);
    static QJsonObject fixture(const QString &relativePath);

private:
    FakeResponse handle(const RecordedRequest &request);
    static FakeResponse error(int httpStatus, int code, const QString &message);

    QString m_accountSid;
    QString m_authToken;
    FakeHttpServer m_server;
    QNetworkAccessManager m_network;
    QQueue<FakeResponse> m_errors;
    int m_outageStatus = 0;
    int m_failedSends = 0;
    QList<SentMessage> m_messages;
    int m_nextSid = 1;
};

} // namespace relaydesk
