// libFuzzer target: Discord JSON — an Interactions webhook body and a gateway MESSAGE_CREATE
// payload, both parsed into customer messages.
#include "channels/discordchannel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    (void)DiscordChannel::parseInteraction(object);
    (void)DiscordChannel::parseMessageCreate(
        object, {QStringLiteral("1100000000000000000"), QStringLiteral("41771983423143937")},
        QStringLiteral("1000000000000000000"));
    // Gateway dispatches wrap the message in "d".
    (void)DiscordChannel::parseMessageCreate(object.value(QStringLiteral("d")).toObject(), {});
    return 0;
}
