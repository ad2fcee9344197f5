// libFuzzer target: the SendGrid Event Webhook's JSON array of delivery events.
#include "channels/sendgridchannel.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)SendGridChannel::parseEvents(body);
    return 0;
}
