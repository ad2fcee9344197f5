// JSON validation of the API's request shapes: every problem reported, with its field.
#include "core/messagecodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace relaydesk;

namespace {

QJsonObject parse(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

QStringList names(std::initializer_list<const char *> list)
{
    QStringList result;
    for (const char *name : list)
        result << QString::fromLatin1(name);
    return result;
}

QStringList fieldsOf(const Error &error)
{
    QStringList fields;
    for (const FieldError &field : error.fields)
        fields << field.field;
    fields.sort();
    return fields;
}

} // namespace

class TestMessageCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void seed000BodyParses();
    void inboundInvalidFields_data();
    void inboundInvalidFields();
    void metadataScalarsBecomeText();
    void attachmentsAcceptUrlsAndObjects();
    void seed001SendParses();
    void sendValidatesAddresses_data();
    void sendValidatesAddresses();
    void replyRequiresContent();
    void serialisationRoundTrip();
};

void TestMessageCodec::seed000BodyParses()
{
    const auto message = MessageCodec::parseInbound(parse(
        R"({"user_id":"string","platform":"Discord","content":"string","priority":"Normal",
            "thread_id":"t-1","metadata":{"key":"value"}})"));
    QVERIFY(message.isOk());
    QCOMPARE(toString(message.value().platform), toString(Platform::Discord));
    QCOMPARE(toString(message.value().priority), toString(Priority::Normal));
    QCOMPARE(toString(message.value().direction), toString(Direction::Inbound));
    QCOMPARE(toString(message.value().authorKind), toString(AuthorKind::Customer));
    QCOMPARE(message.value().threadId, QStringLiteral("t-1"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("key")), QStringLiteral("value"));
    // thread_id may be null and priority absent, as seed 000 clients send them.
    const auto minimal = MessageCodec::parseInbound(
        parse(R"({"user_id":"u","platform":"TELEGRAM","content":"hi","thread_id":null})"));
    QVERIFY(minimal.isOk());
    QCOMPARE(toString(minimal.value().priority), toString(Priority::Normal));
    QVERIFY(minimal.value().threadId.isEmpty());
    const auto x =
        MessageCodec::parseInbound(parse(R"({"user_id":"u","platform":"x","content":"hi"})"));
    QCOMPARE(toString(x.value().platform), toString(Platform::Twitter));
}

void TestMessageCodec::inboundInvalidFields_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("fields");
    QTest::newRow("empty object") << QByteArray("{}") << names({"content", "platform", "user_id"});
    QTest::newRow("wrong types") << QByteArray(R"({"user_id":7,"platform":true,"content":[]})")
                                 << names({"content", "platform", "user_id"});
    QTest::newRow("unknown enums")
        << QByteArray(R"({"user_id":"u","platform":"fax","content":"x","priority":"asap"})")
        << names({"platform", "priority"});
    QTest::newRow("blank strings")
        << QByteArray(R"({"user_id":"  ","platform":"sms","content":" "})")
        << names({"content", "user_id"});
    QTest::newRow("too long") << (QByteArray(R"({"user_id":")") + QByteArray(300, 'u') +
                                  R"(","platform":"sms","content":")" + QByteArray(70000, 'c') +
                                  R"("})")
                              << names({"content", "user_id"});
    QTest::newRow("nested metadata")
        << QByteArray(R"({"user_id":"u","platform":"sms","content":"x","metadata":{"a":{"b":1}}})")
        << names({"metadata.a"});
    QTest::newRow("metadata not an object")
        << QByteArray(R"({"user_id":"u","platform":"sms","content":"x","metadata":"k=v"})")
        << names({"metadata"});
    QTest::newRow("NUL in content")
        << QByteArray("{\"user_id\":\"u\",\"platform\":\"sms\",\"content\":\"a\\u0000b\"}")
        << names({"content"});
}

void TestMessageCodec::inboundInvalidFields()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, fields);
    const auto message = MessageCodec::parseInbound(QJsonDocument::fromJson(json).object());
    QVERIFY(!message.isOk());
    QCOMPARE(message.error().kind, ErrorKind::Invalid);
    QCOMPARE(fieldsOf(message.error()), fields);
    for (const FieldError &field : message.error().fields)
        QVERIFY2(!field.message.isEmpty(), qPrintable(field.field));
}

void TestMessageCodec::metadataScalarsBecomeText()
{
    const auto message = MessageCodec::parseInbound(parse(
        R"({"user_id":"u","platform":"sms","content":"x","metadata":{"n":42,"f":1.5,"b":false}})"));
    QVERIFY(message.isOk());
    QCOMPARE(message.value().metadata.value(QStringLiteral("n")), QStringLiteral("42"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("f")), QStringLiteral("1.5"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("b")), QStringLiteral("false"));
}

void TestMessageCodec::attachmentsAcceptUrlsAndObjects()
{
    const auto message = MessageCodec::parseInbound(parse(
        R"({"user_id":"u","platform":"mms","content":"","attachments":["https://e.com/a.png",
            {"url":"https://e.com/b.pdf","content_type":"application/pdf"}]})"));
    QVERIFY(message.isOk()); // empty content is fine when there are attachments
    QCOMPARE(message.value().attachments.size(), 2);
    QCOMPARE(message.value().attachments[1].contentType, QStringLiteral("application/pdf"));
    const auto bad = MessageCodec::parseInbound(parse(
        R"({"user_id":"u","platform":"mms","content":"x","attachments":["ftp://e.com/a", 3]})"));
    QVERIFY(!bad.isOk());
    QCOMPARE(fieldsOf(bad.error()), names({"attachments[0].url", "attachments[1]"}));
}

void TestMessageCodec::seed001SendParses()
{
    const auto message = MessageCodec::parseSend(parse(
        R"({"from":"+15551234567","to":"+15559876543","type":"sms","body":"Hello from Hatch!"})"));
    QVERIFY(message.isOk());
    QCOMPARE(toString(message.value().direction), toString(Direction::Outbound));
    QCOMPARE(toString(message.value().platform), toString(Platform::Sms));
    QCOMPARE(message.value().userId, QStringLiteral("+15559876543"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("from")),
             QStringLiteral("+15551234567"));
    // An SMS carrying media is an MMS.
    const auto mms = MessageCodec::parseSend(
        parse(R"({"from":"+15551234567","to":"+15559876543","type":"sms","body":"pic",
                  "attachments":["https://e.com/p.jpg"]})"));
    QCOMPARE(toString(mms.value().platform), toString(Platform::Mms));
    const auto email = MessageCodec::parseSend(parse(
        R"({"from":"support@example.com","to":"Jane@Example.com","type":"email","body":"Hi"})"));
    QVERIFY(email.isOk());
    QCOMPARE(toString(email.value().platform), toString(Platform::Email));
}

void TestMessageCodec::sendValidatesAddresses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("fields");
    QTest::newRow("email to a phone")
        << QByteArray(R"({"from":"+15551234567","to":"x@y.com","type":"email","body":"b"})")
        << names({"from"});
    QTest::newRow("sms to an email")
        << QByteArray(R"({"from":"+15551234567","to":"x@y.com","type":"sms","body":"b"})")
        << names({"to"});
    QTest::newRow("unsupported type")
        << QByteArray(R"({"from":"+15551234567","to":"+15559876543","type":"discord","body":"b"})")
        << names({"type"});
    QTest::newRow("all missing") << QByteArray("{}") << names({"body", "from", "to", "type"});
}

void TestMessageCodec::sendValidatesAddresses()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, fields);
    const auto message = MessageCodec::parseSend(QJsonDocument::fromJson(json).object());
    QVERIFY(!message.isOk());
    QCOMPARE(fieldsOf(message.error()), fields);
}

void TestMessageCodec::replyRequiresContent()
{
    QVERIFY(MessageCodec::parseReply(parse(R"({"content":"Hi"})")).isOk());
    QCOMPARE(fieldsOf(MessageCodec::parseReply(parse(R"({"content":""})")).error()),
             names({"content"}));
    QCOMPARE(fieldsOf(MessageCodec::parseReply(parse(R"({"author_id":5})")).error()),
             names({"author_id", "content"}));
}

void TestMessageCodec::serialisationRoundTrip()
{
    Message message;
    message.id = QStringLiteral("01a206d6-3a63-77a1-ad96-fceb1fb9c8f9");
    message.platform = Platform::Telegram;
    message.priority = Priority::Urgent;
    message.content = QStringLiteral("Grüße \"quoted\"");
    message.createdAt = QDateTime::fromMSecsSinceEpoch(1700000000123, Qt::UTC);
    const QJsonObject json = MessageCodec::toJson(message);
    QCOMPARE(json.value(QStringLiteral("platform")).toString(), QStringLiteral("telegram"));
    QCOMPARE(json.value(QStringLiteral("priority")).toString(), QStringLiteral("urgent"));
    QCOMPARE(json.value(QStringLiteral("created_at")).toString(),
             QStringLiteral("2023-11-14T22:13:20.123Z"));
    QVERIFY(json.value(QStringLiteral("thread_id")).isNull());
    // What we write, we read back.
    QJsonObject inbound{{QStringLiteral("user_id"), QStringLiteral("u")},
                        {QStringLiteral("platform"), json.value(QStringLiteral("platform"))},
                        {QStringLiteral("priority"), json.value(QStringLiteral("priority"))},
                        {QStringLiteral("content"), json.value(QStringLiteral("content"))}};
    const auto parsed = MessageCodec::parseInbound(inbound);
    QVERIFY(parsed.isOk());
    QCOMPARE(parsed.value().content, message.content);
    QCOMPARE(toString(parsed.value().priority), toString(Priority::Urgent));
}

QTEST_GUILESS_MAIN(TestMessageCodec)
#include "tst_messagecodec.moc"
