// libFuzzer target: Twilio's application/x-www-form-urlencoded webhook body — form decoding,
// then the incoming-message and status-callback parsers the webhook route runs on it.
#include "channels/twiliochannel.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const FormFields fields = TwilioChannel::parseForm(body);
    if (TwilioChannel::isStatusCallback(fields)) {
        const Outcome<TwilioStatus> status = TwilioChannel::parseStatus(fields);
        if (status.isOk())
            (void)TwilioChannel::receiptKey(status.value());
    } else {
        (void)TwilioChannel::parseInbound(fields);
    }
    // The signature check hashes every parameter; it must cope with whatever was decoded.
    (void)TwilioChannel::verifySignature(QStringLiteral("token"),
                                         QStringLiteral("https://example.com/hook"), fields,
                                         QByteArrayLiteral("c2lnbmF0dXJl"));
    // Re-encoding and decoding again must reproduce the same fields.
    if (TwilioChannel::parseForm(TwilioChannel::encodeForm(fields)) != fields)
        __builtin_trap();
    return 0;
}
