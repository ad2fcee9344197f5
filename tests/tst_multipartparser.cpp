// The multipart/form-data and MIME parsers behind SendGrid Inbound Parse: the recorded
// fixtures (LF as stored, and CRLF as sent on the wire), the corners of RFC 2046, and a fuzz run
// that feeds them garbage and mutated fixtures.
#include "channels/mimemessage.h"
#include "channels/multipartparser.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace relaydesk;

namespace {

QByteArray fixture(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR")).filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray toCrlf(QByteArray lf)
{
    lf.replace("\r\n", "\n");
    return lf.replace("\n", "\r\n");
}

const MultipartPart *field(const QList<MultipartPart> &parts, const char *name)
{
    for (const MultipartPart &part : parts) {
        if (part.name == QLatin1String(name))
            return &part;
    }
    return nullptr;
}

QStringList latin1List(std::initializer_list<const char *> items)
{
    QStringList result;
    for (const char *item : items)
        result << QLatin1String(item);
    return result;
}

QStringList names(const QList<MultipartPart> &parts)
{
    QStringList result;
    for (const MultipartPart &part : parts)
        result << part.name;
    return result;
}

const QByteArray kFormType = "multipart/form-data; boundary=xYzZY";

} // namespace

class TestMultipartParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void boundaryFromContentType_data();
    void boundaryFromContentType();
    void parsesDefaultFixtureWithLfLineEndings();
    void parsesDefaultFixtureWithCrlfLineEndings();
    void filesAndExtendedParameters();
    void preambleEpiloguePaddingAndLookalikes();
    void emptyPartsAndPartsWithoutHeaders();
    void malformedBodiesAreErrors_data();
    void malformedBodiesAreErrors();
    void partCountIsBounded();
    void headersUnfoldAndSkipGarbage();
    void rawFixtureMimeMessage();
    void rawFixtureWithAttachment();
    void encodedWordsAndTransferEncodings();
    void htmlToText();
    void fuzzNeverCrashes();
};

void TestMultipartParser::boundaryFromContentType_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary"); // empty: none
    QTest::newRow("unquoted") << QByteArray("multipart/form-data; boundary=xYzZY")
                              << QByteArray("xYzZY");
    QTest::newRow("quoted with specials")
        << QByteArray("multipart/form-data; boundary=\"a b;c=d\"") << QByteArray("a b;c=d");
    QTest::newRow("case and spacing")
        << QByteArray("Multipart/Form-Data ;BOUNDARY = x1 ; charset=utf-8") << QByteArray("x1");
    QTest::newRow("after other params")
        << QByteArray("multipart/mixed; charset=\"x;y\"; boundary=zz") << QByteArray("zz");
    QTest::newRow("escaped quote")
        << QByteArray("multipart/mixed; boundary=\"a\\\"b\"") << QByteArray("a\"b");
    QTest::newRow("missing") << QByteArray("multipart/form-data") << QByteArray();
    QTest::newRow("empty") << QByteArray("multipart/form-data; boundary=\"\"") << QByteArray();
    QTest::newRow("not multipart") << QByteArray("text/plain; boundary=x") << QByteArray();
    QTest::newRow("overlong") << QByteArray("multipart/form-data; boundary=" + QByteArray(201, 'a'))
                              << QByteArray();
    QTest::newRow("unterminated quote")
        << QByteArray("multipart/form-data; boundary=\"abc") << QByteArray("abc");
}

void TestMultipartParser::boundaryFromContentType()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    const auto found = MultipartParser::boundaryFrom(contentType);
    if (boundary.isEmpty()) {
        QVERIFY(!found);
    } else {
        QVERIFY(found);
        QCOMPARE(*found, boundary);
    }
}

void TestMultipartParser::parsesDefaultFixtureWithLfLineEndings()
{
    const QByteArray body = fixture(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt"));
    QVERIFY2(!body.isEmpty(), "fixture sendgrid/inbound_parse_default.multipart.txt not found");
    const auto parts = MultipartParser::parse(kFormType, body);
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    QCOMPARE(names(parts.value()),
             latin1List({"headers", "dkim", "to", "html", "from", "text", "sender_ip", "envelope",
                         "attachments", "subject", "charsets", "SPF"}));
    QCOMPARE(field(parts.value(), "text")->body, QByteArray("Hello Twilio SendGrid!\n"));
    QCOMPARE(field(parts.value(), "subject")->body, QByteArray("Testing non-raw"));
    QCOMPARE(field(parts.value(), "SPF")->body, QByteArray("pass"));
    QCOMPARE(field(parts.value(), "from")->body, QByteArray("Example User <test@example.com>"));
    QVERIFY(field(parts.value(), "headers")->body.startsWith("MIME-Version: 1.0\n"));
    QVERIFY(
        field(parts.value(), "headers")->body.endsWith("boundary=001a113df448cad2d00539c16e89\n"));
    QVERIFY(field(parts.value(), "text")->filename.isEmpty());
}

void TestMultipartParser::parsesDefaultFixtureWithCrlfLineEndings()
{
    const QByteArray body =
        toCrlf(fixture(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt")));
    const auto parts = MultipartParser::parse(kFormType, body);
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    QCOMPARE(parts.value().size(), 12);
    QCOMPARE(field(parts.value(), "text")->body, QByteArray("Hello Twilio SendGrid!\r\n"));
    QCOMPARE(field(parts.value(), "envelope")->body,
             QByteArray(R"({"to":["inbound@inbound.example.com"],"from":"test@example.com"})"));
}

void TestMultipartParser::filesAndExtendedParameters()
{
    const QByteArray binary("\xff\xd8\x00\r\n\x01", 6);
    const QByteArray body =
        "--b\r\n"
        "Content-Disposition: form-data; name=\"attachment1\"; filename=\"a;b.jpg\"\r\n"
        "Content-Type: Image/JPEG\r\n"
        "\r\n" +
        binary +
        "\r\n--b\r\n"
        "Content-Disposition: form-data; name=attachment2; filename=\"plain.txt\"; "
        "filename*=UTF-8''na%C3%AFve.txt\r\n"
        "\r\n"
        "x\r\n"
        "--b--\r\n";
    const auto parts = MultipartParser::parse("multipart/form-data; boundary=b", body);
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    QCOMPARE(parts.value().size(), 2);
    QCOMPARE(parts.value()[0].name, QStringLiteral("attachment1"));
    QCOMPARE(parts.value()[0].filename, QStringLiteral("a;b.jpg"));
    QCOMPARE(parts.value()[0].contentType, QByteArray("image/jpeg"));
    QCOMPARE(parts.value()[0].body, binary); // binary, with a NUL and a line break, kept intact
    QCOMPARE(parts.value()[1].name, QStringLiteral("attachment2"));
    QCOMPARE(parts.value()[1].filename, QString::fromUtf8("na\xc3\xafve.txt"));
}

void TestMultipartParser::preambleEpiloguePaddingAndLookalikes()
{
    const QByteArray body = "This is the preamble.\r\n"
                            "--b \t\r\n" // transport padding after the delimiter
                            "Content-Disposition: form-data; name=\"a\"\r\n"
                            "\r\n"
                            "line one\r\n"
                            "--bogus is not our boundary\r\n"
                            "x--b in the middle of a line is content\r\n"
                            "--b\r\n"
                            "Content-Disposition: form-data; name=\"b\"\r\n"
                            "\r\n"
                            "two\r\n"
                            "--b--\r\n"
                            "epilogue --b\r\n";
    const auto parts = MultipartParser::parse("multipart/form-data; boundary=b", body);
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    QCOMPARE(parts.value().size(), 2);
    QCOMPARE(parts.value()[0].body, QByteArray("line one\r\n--bogus is not our boundary\r\n"
                                               "x--b in the middle of a line is content"));
    QCOMPARE(parts.value()[1].body, QByteArray("two"));
}

void TestMultipartParser::emptyPartsAndPartsWithoutHeaders()
{
    const QByteArray body = "--b\r\n"
                            "\r\n"
                            "no headers\r\n"
                            "--b\r\n"
                            "Content-Disposition: form-data; name=\"empty\"\r\n"
                            "\r\n"
                            "\r\n"
                            "--b\r\n"
                            "--b--";
    const auto parts = MultipartParser::parse("multipart/mixed; boundary=b", body);
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    QCOMPARE(parts.value().size(), 3);
    QVERIFY(parts.value()[0].headers.isEmpty());
    QCOMPARE(parts.value()[0].body, QByteArray("no headers"));
    QCOMPARE(parts.value()[1].name, QStringLiteral("empty"));
    QCOMPARE(parts.value()[1].body, QByteArray());
    QCOMPARE(parts.value()[2].body, QByteArray());
}

void TestMultipartParser::malformedBodiesAreErrors_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("no boundary parameter")
        << QByteArray("multipart/form-data") << QByteArray("--b--");
    QTest::newRow("not multipart") << QByteArray("application/json") << QByteArray("{}");
    QTest::newRow("no delimiter") << QByteArray("multipart/form-data; boundary=b")
                                  << QByteArray("hello");
    QTest::newRow("empty body") << QByteArray("multipart/form-data; boundary=b") << QByteArray();
    QTest::newRow("ends in delimiter line")
        << QByteArray("multipart/form-data; boundary=b") << QByteArray("--b");
    QTest::newRow("no closing boundary")
        << QByteArray("multipart/form-data; boundary=b")
        << QByteArray("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntruncated");
}

void TestMultipartParser::malformedBodiesAreErrors()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    const auto parts = MultipartParser::parse(contentType, body);
    QVERIFY(!parts.isOk());
    QCOMPARE(parts.error().kind, ErrorKind::Invalid);
    QVERIFY(!parts.error().message.isEmpty());
}

void TestMultipartParser::partCountIsBounded()
{
    QByteArray body;
    for (int i = 0; i <= MultipartParser::kMaxParts; ++i)
        body += "--b\r\n\r\nx\r\n";
    body += "--b--\r\n";
    const auto parts = MultipartParser::parse("multipart/form-data; boundary=b", body);
    QVERIFY(!parts.isOk());
    QVERIFY(parts.error().message.contains(QString::number(MultipartParser::kMaxParts)));
}

void TestMultipartParser::headersUnfoldAndSkipGarbage()
{
    const MimeHeaders headers = MultipartParser::parseHeaders("Subject: a long\r\n"
                                                              "\tsubject line\r\n"
                                                              "no colon here\r\n"
                                                              ": empty name\r\n"
                                                              "References: <a@x>\n"
                                                              " <b@y>\n"
                                                              "X-Empty:\r\n"
                                                              "\r\n"
                                                              "Body: not a header\r\n");
    QCOMPARE(headers.size(), 3);
    QCOMPARE(MultipartParser::headerValue(headers, "subject"), QByteArray("a long subject line"));
    QCOMPARE(MultipartParser::headerValue(headers, "REFERENCES"), QByteArray("<a@x> <b@y>"));
    QCOMPARE(MultipartParser::headerValue(headers, "X-Empty"), QByteArray());
    QCOMPARE(MultipartParser::headerValue(headers, "Body"), QByteArray());
}

void TestMultipartParser::rawFixtureMimeMessage()
{
    const auto parts = MultipartParser::parse(
        kFormType, toCrlf(fixture(QStringLiteral("sendgrid/inbound_parse_raw.multipart.txt"))));
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    const MultipartPart *email = field(parts.value(), "email");
    QVERIFY(email);
    const MimeMessage mime = MimeMessage::parse(email->body);
    QCOMPARE(mime.header("Subject"), QStringLiteral("Inbound Parse Test Raw Data"));
    QCOMPARE(mime.header("from"), QStringLiteral("Example User <test@example.com>"));
    QCOMPARE(mime.text(), QStringLiteral("Hello Twilio SendGrid!\r\n"));
    QCOMPARE(mime.html(),
             QStringLiteral("<html><body><strong>Hello Twilio SendGrid!</body></html>\r\n"));
    QVERIFY(mime.attachments().isEmpty());
}

void TestMultipartParser::rawFixtureWithAttachment()
{
    // As stored (LF) — the parser takes bare LF too.
    const auto parts = MultipartParser::parse(
        kFormType,
        fixture(QStringLiteral("sendgrid/inbound_parse_raw_with_attachments.multipart.txt")));
    QVERIFY2(parts.isOk(), qPrintable(parts.error().message));
    const MimeMessage mime = MimeMessage::parse(field(parts.value(), "email")->body);
    QCOMPARE(mime.header("Subject"), QStringLiteral("Inbound Parse Test Raw Data with Attachment"));
    QCOMPARE(mime.text(), QStringLiteral("Hello Twilio SendGrid!\n"));
    QCOMPARE(mime.attachments().size(), 1);
    QCOMPARE(mime.attachments()[0].filename, QStringLiteral("SendGrid.jpg"));
    QCOMPARE(mime.attachments()[0].contentType, QByteArray("image/jpeg"));
    QCOMPARE(mime.attachments()[0].size, qsizetype(10295)); // the base64 part, decoded
}

void TestMultipartParser::encodedWordsAndTransferEncodings()
{
    QCOMPARE(MimeMessage::decodeEncodedWords("=?UTF-8?B?SGVsbG8gd8O2cmxk?="),
             QString::fromUtf8("Hello w\xc3\xb6rld"));
    QCOMPARE(
        MimeMessage::decodeEncodedWords("Re: =?ISO-8859-1?Q?caf=E9_cr=E8me?= =?UTF-8?Q?_ok?= end"),
        QString::fromUtf8("Re: caf\xc3\xa9 cr\xc3\xa8me ok end"));
    QCOMPARE(MimeMessage::decodeEncodedWords("=?broken"), QStringLiteral("=?broken"));
    QCOMPARE(MimeMessage::decodeEncodedWords("=?UTF-8?X?abc?="), QStringLiteral("=?UTF-8?X?abc?="));
    QCOMPARE(MimeMessage::decodeQuotedPrintable("a=3Db=\r\nc=\nd =ZZ="), QByteArray("a=bcd =ZZ="));
    QCOMPARE(MimeMessage::decodeTransfer("aGk=", "Base64"), QByteArray("hi"));
    QCOMPARE(MimeMessage::decodeTransfer("raw=3D", "8bit"), QByteArray("raw=3D"));
    QCOMPARE(MimeMessage::decodeText("caf\xe9", "iso-8859-1"), QString::fromUtf8("caf\xc3\xa9"));
    QCOMPARE(MimeMessage::decodeText("ok", "no-such-charset"), QStringLiteral("ok"));

    const QByteArray nested =
        "Subject: =?UTF-8?Q?Hi?=\r\n"
        "Content-Type: multipart/mixed; boundary=outer\r\n"
        "\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
        "\r\n"
        "--inner\r\n"
        "Content-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "caf=E9\r\n"
        "--inner--\r\n"
        "--outer\r\n"
        "Content-Type: application/pdf; name=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.pdf?=\"\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        "JVBERi0=\r\n"
        "--outer--\r\n";
    const MimeMessage mime = MimeMessage::parse(nested);
    QCOMPARE(mime.header("Subject"), QStringLiteral("Hi"));
    QCOMPARE(mime.text(), QString::fromUtf8("caf\xc3\xa9"));
    QCOMPARE(mime.attachments().size(), 1);
    QCOMPARE(mime.attachments()[0].filename, QString::fromUtf8("r\xc3\xa9sum\xc3\xa9.pdf"));
    QCOMPARE(mime.attachments()[0].size, qsizetype(5));
}

void TestMultipartParser::htmlToText()
{
    QCOMPARE(
        MimeMessage::htmlToText(QStringLiteral(
            "<html><head><title>t</title><style>p{}</style></head><body>"
            "<p>Hello&nbsp;<b>there</b> &amp; welcome</p><!-- hidden --><script>alert(1)</script>"
            "<div>Line&#39;s two<br>three &#x263A; &unknown;</div>   </body></html>")),
        QString::fromUtf8("Hello there & welcome\n\nLine's two\nthree \xe2\x98\xba &unknown;"));
    QCOMPARE(MimeMessage::htmlToText(QStringLiteral(
                 "<div dir=\"ltr\">Here&#39;s an email<div><br></div><img src=\"x\"></div>")),
             QStringLiteral("Here's an email"));
    QCOMPARE(MimeMessage::htmlToText(QStringLiteral("a < b and <unclosed")),
             QStringLiteral("a < b and <unclosed"));
    QCOMPARE(MimeMessage::htmlToText(QStringLiteral("<script>never closed")), QString());
    QCOMPARE(MimeMessage::htmlToText(QStringLiteral("&#0; &#xD800; &#99999999;")),
             QStringLiteral("&#0; &#xD800; &#99999999;"));
}

void TestMultipartParser::fuzzNeverCrashes()
{
    QRandomGenerator random(20240501);
    const QList<QByteArray> seeds{
        fixture(QStringLiteral("sendgrid/inbound_parse_default.multipart.txt")),
        toCrlf(fixture(QStringLiteral("sendgrid/inbound_parse_raw.multipart.txt"))),
        fixture(QStringLiteral("sendgrid/inbound_parse_raw_with_attachments.multipart.txt"))
            .left(4000)};
    const QList<QByteArray> tokens{
        "--xYzZY",  "--xYzZY--", "\r\n",    "\n",
        "\r\n\r\n", "=?",        "?=",      "Content-Type: multipart/mixed; boundary=xYzZY\r\n",
        "\"",       ";",         "=",       "<",
        ">",        "&#x",       "<script>"};
    int parsed = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray data;
        if (round % 4 == 0) {
            data.resize(random.bounded(600));
            for (char &c : data)
                c = char(random.bounded(256));
        } else {
            data = seeds[random.bounded(int(seeds.size()))];
            const int mutations = 1 + random.bounded(8);
            for (int m = 0; m < mutations && !data.isEmpty(); ++m) {
                const int at = random.bounded(int(data.size()));
                switch (random.bounded(4)) {
                case 0:
                    data[at] = char(random.bounded(256));
                    break;
                case 1:
                    data.truncate(at);
                    break;
                case 2:
                    data.insert(at, tokens[random.bounded(int(tokens.size()))]);
                    break;
                default:
                    data.remove(at, random.bounded(64));
                    break;
                }
            }
        }
        const auto parts = MultipartParser::parse(kFormType, data);
        if (parts.isOk()) {
            ++parsed;
            QVERIFY(parts.value().size() <= MultipartParser::kMaxParts);
            for (const MultipartPart &part : parts.value()) {
                QVERIFY(part.headers.size() <= MultipartParser::kMaxHeadersPerPart);
                QVERIFY(part.body.size() <= data.size());
                const MimeMessage mime = MimeMessage::parse(part.body);
                QVERIFY(mime.attachments().size() <= MimeMessage::kMaxAttachments);
            }
        } else {
            QVERIFY(!parts.error().message.isEmpty());
        }
        const MimeMessage mime = MimeMessage::parse(data);
        QVERIFY(mime.text().size() <= data.size());
        QVERIFY(MimeMessage::decodeEncodedWords(data).size() <= data.size() * 3 + 3);
        QVERIFY(MimeMessage::htmlToText(QString::fromLatin1(data)).size() <= data.size() + 1);
        QVERIFY(MultipartParser::parameter(data, "name").value_or(QString()).size() <= data.size());
    }
    // The mutations leave many inputs well-formed: the fuzz reaches the part parsing too.
    QVERIFY(parsed > 100);
}

QTEST_GUILESS_MAIN(TestMultipartParser)
#include "tst_multipartparser.moc"
