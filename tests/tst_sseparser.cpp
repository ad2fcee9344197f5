// The SSE decoder against the grammar's corner cases and the recorded provider streams, split at
// every possible byte boundary.
#include "ai/sseparser.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace relaydesk;

namespace {

QByteArray fixture(const QString &relativePath)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(relativePath));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

QList<SseEvent> parseWhole(const QByteArray &stream)
{
    SseParser parser;
    QList<SseEvent> events = parser.feed(stream);
    events += parser.finish();
    return events;
}

QList<SseEvent> parseInPieces(const QByteArray &stream, const QList<qsizetype> &cuts)
{
    SseParser parser;
    QList<SseEvent> events;
    qsizetype start = 0;
    for (qsizetype cut : cuts) {
        events += parser.feed(stream.mid(start, cut - start));
        start = cut;
    }
    events += parser.feed(stream.mid(start));
    events += parser.finish();
    return events;
}

bool sameEvents(const QList<SseEvent> &a, const QList<SseEvent> &b)
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

class TestSseParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namedEventsAndDefaultType()
    {
        const auto events = parseWhole("event: ping\ndata: {}\n\ndata: plain\n\n");
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].event, QStringLiteral("ping"));
        QCOMPARE(events[0].data, QByteArray("{}"));
        QCOMPARE(events[1].event, QStringLiteral("message"));
        QCOMPARE(events[1].data, QByteArray("plain"));
    }

    void lineEndingsCrLfAndCr()
    {
        const auto crlf = parseWhole("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n");
        QCOMPARE(crlf.size(), 3);
        QCOMPARE(crlf[0].event, QStringLiteral("a"));
        QCOMPARE(crlf[0].data, QByteArray("1"));
        QCOMPARE(crlf[1].event, QStringLiteral("b"));
        QCOMPARE(crlf[1].data, QByteArray("2"));
        QCOMPARE(crlf[2].data, QByteArray("3"));
        // A CR at the end of one read and its LF at the start of the next are one line break,
        // not a line break and an empty line (which would dispatch early).
        SseParser parser;
        QCOMPARE(parser.feed("data: x\r").size(), 0);
        QCOMPARE(parser.feed("\ndata: y\r").size(), 0);
        const auto split = parser.feed("\n\r\n");
        QCOMPARE(split.size(), 1);
        QCOMPARE(split[0].data, QByteArray("x\ny"));
    }

    void commentsMultiLineDataAndFields()
    {
        const auto events = parseWhole(": keep-alive\n"
                                       "id: 7\n"
                                       "retry: 1000\n"
                                       "data:first\n"
                                       "data:  second (one space kept)\n"
                                       "data\n"
                                       "unknown: ignored\n"
                                       "\n"
                                       ":only a comment\n\n"
                                       "event: empty\n\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("first\n second (one space kept)\n"));
        QCOMPARE(events[0].id, QStringLiteral("7"));
    }

    void byteOrderMarkAtTheStartOnly()
    {
        SseParser parser;
        QVERIFY(parser.feed("\xEF").isEmpty());
        QVERIFY(parser.feed("\xBB").isEmpty());
        const auto events = parser.feed("\xBF"
                                        "data: a\n\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QByteArray("a"));
    }

    void unterminatedLastEventCountsAtTheEnd()
    {
        // The recorded basic stream ends without its final line break.
        SseParser parser;
        const auto events = parser.feed("event: message_stop\ndata: {\"type\":\"message_stop\"}");
        QVERIFY(events.isEmpty());
        const auto rest = parser.finish();
        QCOMPARE(rest.size(), 1);
        QCOMPARE(rest[0].event, QStringLiteral("message_stop"));
    }

    void multiByteUtf8SplitAcrossReads()
    {
        const QByteArray stream = QStringLiteral("data: caf\u00e9 \U0001F600\n\n").toUtf8();
        for (qsizetype cut = 1; cut < stream.size(); ++cut) {
            const auto events = parseInPieces(stream, {cut});
            QCOMPARE(events.size(), 1);
            QCOMPARE(QString::fromUtf8(events[0].data), QStringLiteral("caf\u00e9 \U0001F600"));
        }
    }

    void everyFixtureParses_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("events");
        QTest::newRow("anthropic basic")
            << QStringLiteral("anthropic/messages_stream_basic.sse") << 9;
        QTest::newRow("anthropic recorded")
            << QStringLiteral("anthropic/messages_stream_recorded.sse") << 10;
        QTest::newRow("anthropic tool use")
            << QStringLiteral("anthropic/messages_stream_tool_use.sse") << 15;
        QTest::newRow("anthropic error")
            << QStringLiteral("anthropic/stream_error_event_overloaded.sse") << 1;
        QTest::newRow("openai text")
            << QStringLiteral("openai/chat_completion_stream_text.sse") << 34;
        QTest::newRow("openai length")
            << QStringLiteral("openai/chat_completion_stream_finish_length.sse") << 5;
        QTest::newRow("openai usage")
            << QStringLiteral("openai/vcr_chat_completion_stream_include_usage_200.sse") << 5;
    }

    void everyFixtureParses()
    {
        QFETCH(QString, path);
        QFETCH(int, events);
        const QByteArray stream = fixture(path);
        QVERIFY2(!stream.isEmpty(), qPrintable(path + QStringLiteral(" not found")));
        const auto parsed = parseWhole(stream);
        QCOMPARE(parsed.size(), events);
    }

    void splitAtEveryByteGivesTheSameEvents_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("anthropic recorded")
            << QStringLiteral("anthropic/messages_stream_recorded.sse");
        QTest::newRow("openai usage")
            << QStringLiteral("openai/vcr_chat_completion_stream_include_usage_200.sse");
    }

    void splitAtEveryByteGivesTheSameEvents()
    {
        QFETCH(QString, path);
        const QByteArray stream = fixture(path);
        QVERIFY(!stream.isEmpty());
        const auto whole = parseWhole(stream);
        for (qsizetype cut = 1; cut < stream.size(); ++cut)
            QVERIFY2(sameEvents(parseInPieces(stream, {cut}), whole),
                     qPrintable(QStringLiteral("differs when split at byte %1").arg(cut)));
        // And fed one byte at a time, with CRLF line ends instead of LF.
        QByteArray crlf = stream;
        crlf.replace("\n", "\r\n");
        SseParser parser;
        QList<SseEvent> bytewise;
        for (char c : std::as_const(crlf))
            bytewise += parser.feed(QByteArray(1, c));
        bytewise += parser.finish();
        QVERIFY(sameEvents(bytewise, whole));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
