#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace relaydesk {

struct SseEvent {
    QString event; // "message" when the stream named none
    QByteArray data;
    QString id;
};

// Incremental decoder for text/event-stream (the WHATWG "server-sent events" grammar). Network
// reads split the stream anywhere — inside a line, between CR and LF, inside a UTF-8 sequence —
// so bytes are buffered until a whole line is there, and events are handed out only when their
// terminating blank line has arrived.
class SseParser
{
public:
    // Feeds the next bytes of the stream; returns the events they completed, in order.
    QList<SseEvent> feed(const QByteArray &bytes);
    // The stream ended: a last line without its line break and an event without its blank line
    // still count, because real servers (and recorded fixtures) end that way.
    QList<SseEvent> finish();
    // Bytes fed so far, for limits on runaway streams.
    qint64 bytesSeen() const { return m_bytesSeen; }

private:
    void processLine(const QByteArray &line, QList<SseEvent> &out);
    void dispatch(QList<SseEvent> &out);

    QByteArray m_buffer;
    bool m_skipLeadingLf = false; // the previous chunk ended with CR: a following LF is its pair
    bool m_atStart = true;        // a UTF-8 byte order mark is only skipped at the very start
    QString m_eventType;
    QByteArray m_data;
    bool m_hasData = false;
    QString m_lastId;
    qint64 m_bytesSeen = 0;
};

} // namespace relaydesk
