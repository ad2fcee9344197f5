#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace relaydesk {

// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// "id.timestamp.body", keyed with the base64 secret after its "whsec_" prefix, sent as
// "v1,<base64>". Used for what we send and, with a tolerance window, what we receive.
class WebhookSigner
{
public:
    explicit WebhookSigner(const QString &secret);

    bool isValid() const { return !m_key.isEmpty(); }
    QByteArray sign(const QByteArray &id, qint64 timestamp, const QByteArray &body) const;
    // Accepts any "v1,..." entry of a space-separated signature header, in constant time, and
    // only when the timestamp is within `toleranceSeconds` of now.
    bool verify(const QByteArray &id, const QByteArray &timestamp, const QByteArray &body,
                const QByteArray &signatureHeader, int toleranceSeconds,
                const QDateTime &now = QDateTime::currentDateTimeUtc()) const;

private:
    QByteArray m_key;
};

} // namespace relaydesk
