// libFuzzer target: text/event-stream decoding of streamed LLM responses. The first byte picks
// where the network "splits" the rest into reads, so chunk boundaries land everywhere; the
// events must not depend on where they fall.
#include "ai/sseparser.h"

#include <cstddef>
#include <cstdint>

using namespace relaydesk;

namespace {

QList<SseEvent> decode(const QByteArray &stream, qsizetype chunk)
{
    SseParser parser;
    QList<SseEvent> events;
    for (qsizetype at = 0; at < stream.size(); at += chunk)
        events += parser.feed(stream.mid(at, chunk));
    events += parser.finish();
    if (parser.bytesSeen() != stream.size())
        __builtin_trap();
    return events;
}

bool same(const QList<SseEvent> &a, const QList<SseEvent> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].event != b[i].event || a[i].data != b[i].data || a[i].id != b[i].id)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunk = 1 + data[0] % 16;
    const QByteArray stream(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);
    const QList<SseEvent> whole = decode(stream, qMax<qsizetype>(1, stream.size()));
    const QList<SseEvent> pieces = decode(stream, chunk);
    if (!same(whole, pieces))
        __builtin_trap();
    return 0;
}
