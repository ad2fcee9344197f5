// libFuzzer target: one Telegram Bot API Update as the webhook (and getUpdates) delivers it.
#include "channels/telegramchannel.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)TelegramChannel::parseUpdate(body);
    return 0;
}
