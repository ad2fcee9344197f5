#include "channels/webhooksigner.h"

#include <QMessageAuthenticationCode>

namespace relaydesk {

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= uchar(a[i]) ^ uchar(b[i]);
    return difference == 0;
}

} // namespace

WebhookSigner::WebhookSigner(const QString &secret)
{
    QString encoded = secret.trimmed();
    if (encoded.startsWith(QLatin1String("whsec_")))
        encoded = encoded.mid(6);
    const auto decoded =
        QByteArray::fromBase64Encoding(encoded.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    // Secrets that are not base64 are used as raw bytes, as several senders do.
    m_key = decoded ? *decoded : secret.toUtf8();
}

QByteArray WebhookSigner::sign(const QByteArray &id, qint64 timestamp, const QByteArray &body) const
{
    const QByteArray content = id + '.' + QByteArray::number(timestamp) + '.' + body;
    return "v1," +
           QMessageAuthenticationCode::hash(content, m_key, QCryptographicHash::Sha256).toBase64();
}

bool WebhookSigner::verify(const QByteArray &id, const QByteArray &timestamp,
                           const QByteArray &body, const QByteArray &signatureHeader,
                           int toleranceSeconds, const QDateTime &now) const
{
    bool numeric = false;
    const qint64 seconds = timestamp.toLongLong(&numeric);
    if (!numeric || !isValid())
        return false;
    // Compared as a window around now: "now - seconds" overflows for a hostile timestamp such
    // as -9223372036854775808 (found by tests/fuzz/fuzz_webhook_signature).
    const qint64 nowSeconds = now.toSecsSinceEpoch();
    if (seconds < nowSeconds - toleranceSeconds || seconds > nowSeconds + toleranceSeconds)
        return false;
    const QByteArray expected = sign(id, seconds, body);
    bool matched = false;
    for (const QByteArray &candidate : signatureHeader.split(' ')) {
        if (constantTimeEquals(candidate.trimmed(), expected))
            matched = true;
    }
    return matched;
}

} // namespace relaydesk
