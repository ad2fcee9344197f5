#pragma once

#include "fakes/fakehttpserver.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QQueue>
#include <QString>
#include <QUrl>

#include <utility>

namespace relaydesk {

// Twilio SendGrid on 127.0.0.1, speaking its wire protocol.
//
// v3 Mail Send: POST /v3/mail/send with "Authorization: Bearer <api key>" and the JSON mail
// object; 202 with an empty body and X-Message-Id, or SendGrid's error JSON
// {"errors":[{"message","field","help"}]} for the checks SendGrid makes (401 bad key, 400 for
// personalizations, from, subject or content missing); 429 "too many requests" with
// X-RateLimit-Limit / -Remaining / -Reset as the v3 API sends them.
//
// It also plays SendGrid's side of the webhooks: the Event Webhook signed with its own P-256 key
// (publicKey() is what [channels.sendgrid] event_public_key must be; events are shaped like
// sendgrid/docs_event_webhook_all_event_types.json), and Inbound Parse posts as
// multipart/form-data with CRLF line breaks.
//
// Lives on the thread that creates it (the test thread); use it from there.
class FakeSendGrid : public QObject
{
    Q_OBJECT

public:
    // Form fields of an Inbound Parse POST; a field with a filename is an uploaded file.
    struct FormField {
        QString name;
        QByteArray value;
        QString filename;
        QByteArray contentType;
    };

    struct Answer {
        int status = 0;
        QByteArray body;
        QJsonObject json() const;
    };

    explicit FakeSendGrid(QString apiKey, QObject *parent = nullptr);

    FakeHttpServer &server() { return m_server; }
    // What [channels.sendgrid] base_url should be.
    QString baseUrl() const;
    // Base64 DER SubjectPublicKeyInfo of the key events are signed with.
    QString publicKey() const { return m_publicKey; }

    // The next send gets this error instead of being accepted (scripts run in order).
    void queueError(int httpStatus, const QString &message, const QString &field = {});
    // SendGrid's 429 with its rate-limit headers; the limit resets `resetInSeconds` from now.
    void queueRateLimit(int resetInSeconds);
    // An outage: every authenticated send gets `httpStatus` until called with 0.
    void setOutage(int httpStatus);

    // Accepted mails (request bodies) and the X-Message-Id each got, in order.
    QList<QJsonObject> mails() const { return m_mails; }
    QStringList messageIds() const { return m_messageIds; }
    bool waitForMails(int count, int timeoutMs = 10000);

    // One event in the documented shape (the fixture's entry of that type) for a message we
    // accepted; sg_message_id is its X-Message-Id plus SendGrid's ".filter..." suffix.
    QJsonObject event(const QString &type, const QString &messageId, const QString &email);
    // Base64 DER ECDSA signature over timestamp + payload, as the Event Webhook sends it.
    QByteArray sign(const QByteArray &timestamp, const QByteArray &payload) const;
    Answer postEvents(const QUrl &url, const QJsonArray &events);
    Answer postSigned(const QUrl &url, const QByteArray &payload, const QByteArray &timestamp,
                      const QByteArray &signature);

    static QByteArray multipartBody(const QList<FormField> &fields, const QByteArray &boundary);
    Answer postInbound(const QUrl &url, const QList<FormField> &fields,
                       const QByteArray &boundary = "xYzZY");
    Answer post(const QUrl &url, const QByteArray &contentType, const QByteArray &body,
                const QList<std::pair<QByteArray, QByteArray>> &headers = {});

    static QByteArray fixtureBytes(const QString &relativePath);

private:
    FakeResponse handle(const RecordedRequest &request);
    static FakeResponse errors(int httpStatus, const QList<std::pair<QString, QString>> &problems);

    QString m_apiKey;
    QByteArray m_privateKey; // DER, reloaded per signature so no OpenSSL handle lives here
    QString m_publicKey;
    FakeHttpServer m_server;
    QNetworkAccessManager m_network;
    QQueue<FakeResponse> m_scripted;
    int m_outageStatus = 0;
    QList<QJsonObject> m_mails;
    QStringList m_messageIds;
    int m_nextEvent = 1;
};

} // namespace relaydesk
