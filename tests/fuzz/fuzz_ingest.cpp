// libFuzzer target: the ingest path of POST /api/v1/messages, /messages/send and
// /conversations/{id}/reply from raw body bytes to a validated Message — the JSON gate of
// HttpRequest (content type, nesting depth, top-level object) followed by MessageCodec.
#include "core/messagecodec.h"
#include "server/httprequest.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HttpRequest request;
    request.setMethod(QByteArrayLiteral("POST"));
    request.setHeaders(
        {{QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")}});
    request.setBody(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)));
    Problem problem;
    const std::optional<QJsonObject> body = request.jsonObjectBody(&problem);
    if (!body) {
        // Every refusal must be a well-formed problem document, never an empty answer.
        if (problem.status() < 400)
            __builtin_trap();
        return 0;
    }
    const Outcome<Message> inbound = MessageCodec::parseInbound(*body);
    if (inbound.isOk())
        (void)MessageCodec::toJson(inbound.value());
    const Outcome<Message> send = MessageCodec::parseSend(*body);
    if (send.isOk())
        (void)MessageCodec::toJson(send.value());
    const Outcome<Message> reply = MessageCodec::parseReply(*body);
    if (reply.isOk())
        (void)MessageCodec::toJson(reply.value());
    return 0;
}
