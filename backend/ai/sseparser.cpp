#include "ai/sseparser.h"

namespace relaydesk {

QList<SseEvent> SseParser::feed(const QByteArray &bytes)
{
    QList<SseEvent> out;
    m_bytesSeen += bytes.size();
    m_buffer += bytes;
    if (m_atStart) {
        if (m_buffer.size() < 3 && QByteArray("\xEF\xBB\xBF").startsWith(m_buffer))
            return out; // could still be a byte order mark: wait for more
        if (m_buffer.startsWith("\xEF\xBB\xBF"))
            m_buffer.remove(0, 3);
        m_atStart = false;
    }
    qsizetype start = 0;
    if (m_skipLeadingLf && !m_buffer.isEmpty()) {
        if (m_buffer.at(0) == '\n')
            start = 1;
        m_skipLeadingLf = false;
    }
    for (qsizetype i = start; i < m_buffer.size(); ++i) {
        const char c = m_buffer.at(i);
        if (c != '\n' && c != '\r')
            continue;
        processLine(m_buffer.mid(start, i - start), out);
        if (c == '\r') {
            if (i + 1 < m_buffer.size()) {
                if (m_buffer.at(i + 1) == '\n')
                    ++i;
            } else {
                m_skipLeadingLf = true;
            }
        }
        start = i + 1;
    }
    m_buffer.remove(0, start);
    return out;
}

QList<SseEvent> SseParser::finish()
{
    QList<SseEvent> out;
    if (!m_buffer.isEmpty()) {
        processLine(m_buffer, out);
        m_buffer.clear();
    }
    dispatch(out);
    m_skipLeadingLf = false;
    return out;
}

void SseParser::processLine(const QByteArray &line, QList<SseEvent> &out)
{
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.startsWith(':'))
        return; // comment: servers send them as keep-alives
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);
    if (field == "event") {
        m_eventType = QString::fromUtf8(value);
    } else if (field == "data") {
        if (m_hasData)
            m_data += '\n';
        m_data += value;
        m_hasData = true;
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = QString::fromUtf8(value);
    }
    // "retry" and unknown fields are ignored: reconnection is the caller's business.
}

void SseParser::dispatch(QList<SseEvent> &out)
{
    if (m_hasData) {
        out.append(SseEvent{m_eventType.isEmpty() ? QStringLiteral("message") : m_eventType, m_data,
                            m_lastId});
    }
    m_eventType.clear();
    m_data.clear();
    m_hasData = false;
}

} // namespace relaydesk
