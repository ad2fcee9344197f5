// libFuzzer target: SendGrid Inbound Parse (multipart/form-data, possibly carrying a raw MIME
// e-mail). The first line of the input is the request's Content-Type, the rest its body, so the
// fuzzer explores boundaries as well as bodies.
#include "channels/mimemessage.h"
#include "channels/multipartparser.h"
#include "channels/sendgridchannel.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArrayView contentType = newline < 0 ? QByteArrayView() : input.first(newline);
    const QByteArrayView body = newline < 0 ? input : input.sliced(newline + 1);

    (void)SendGridChannel::parseInbound(contentType, body);
    const Outcome<QList<MultipartPart>> parts = MultipartParser::parse(contentType, body);
    if (parts.isOk()) {
        for (const MultipartPart &part : parts.value())
            (void)MultipartParser::parameter(
                MultipartParser::headerValue(part.headers, "Content-Disposition"), "filename");
    }
    // The "email" field of raw mode is a whole RFC 5322 message; parse the body as one too.
    (void)MimeMessage::parse(body);
    return 0;
}
