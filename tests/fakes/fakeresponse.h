#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>

namespace relaydesk {

// What FakeHttpServer answers to one request. Build it with the helpers below, e.g.
// FakeResponse::json(503, "{}").withHeader("retry-after", "1"), or set the fields directly:
// designated initializers that skip fields trip GCC 12's -Wmissing-field-initializers.
struct FakeResponse {
    int status = 200;
    // Written as given; a value containing '\n' becomes one header line per part, which is how
    // repeated headers such as set-cookie are expressed. Content-Length and Transfer-Encoding are
    // always computed by the server.
    QMap<QByteArray, QByteArray> headers;
    QByteArray body;
    int delayMs = 0;
    // Close the TCP connection without answering, after delayMs.
    bool dropConnection = false;
    // When > 0 the body goes out with Transfer-Encoding: chunked in pieces of this many bytes,
    // chunkIntervalMs apart, so streaming parsers (SSE) are exercised across partial reads.
    int chunkSize = 0;
    int chunkIntervalMs = 0;

    static FakeResponse json(int status, const QByteArray &body);
    static FakeResponse text(int status, const QByteArray &body);
    static FakeResponse dropped();

    // Copies with one aspect changed, so scripted sequences read as one expression per step.
    FakeResponse withHeader(const QByteArray &name, const QByteArray &value) const;
    FakeResponse withDelay(int milliseconds) const;
    FakeResponse streamed(int bytesPerChunk, int intervalMs) const;

    // Serves a fixture. A relative path is resolved against RELAYDESK_FIXTURES_DIR. A sibling
    // "<name>.headers.txt" (one "name: value" per line, optional "# status: 200 OK" line), as the
    // recorded fixtures ship, supplies the status and headers; framing headers from the recording
    // (length, chunking, gzip encoding) are dropped because the body on disk is already decoded.
    // An explicit status wins over the recorded one. A missing file yields a 500 naming the path,
    // so the test fails loudly instead of the fake crashing.
    static FakeResponse fromFile(const QString &path, std::optional<int> status = std::nullopt);
};

} // namespace relaydesk
