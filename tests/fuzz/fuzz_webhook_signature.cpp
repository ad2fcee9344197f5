// libFuzzer target: Standard Webhooks verification of an inbound request. The input is four
// newline-separated fields — webhook-id, webhook-timestamp, webhook-signature and the body —
// checked against a fixed secret, plus the same header parsed as a secret.
#include "channels/webhooksigner.h"

#include <QDateTime>
#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<QByteArray> fields = input.split('\n');
    while (fields.size() < 4)
        fields.append(QByteArray());
    const QByteArray &id = fields.at(0);
    const QByteArray &timestamp = fields.at(1);
    const QByteArray &signature = fields.at(2);
    const QByteArray body = input.mid(id.size() + timestamp.size() + signature.size() + 3);

    // The secret of the Standard Webhooks test vector.
    static const WebhookSigner signer(QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1614265330, Qt::UTC);
    (void)signer.verify(id, timestamp, body, signature, 300, now);
    // A signature we made ourselves must always verify: the parser may not reject valid headers.
    bool numeric = false;
    const qint64 seconds = timestamp.toLongLong(&numeric);
    if (numeric && seconds == 1614265330 && !id.contains(' ')) {
        const QByteArray own = signer.sign(id, seconds, body);
        if (!signer.verify(id, timestamp, body, signature + ' ' + own, 300, now))
            __builtin_trap();
    }
    const WebhookSigner fromInput(QString::fromUtf8(signature));
    if (fromInput.isValid())
        (void)fromInput.verify(id, timestamp, body, signature, 300, now);
    return 0;
}
