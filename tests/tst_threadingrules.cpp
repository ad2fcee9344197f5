#include "core/clock.h"
#include "engine/pipelinewrites.h"
#include "engine/threadingrules.h"
#include "storage/conversationrepository.h"
#include "testdatabase.h"

#include <QTest>

using namespace relaydesk;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

Message inbound(Platform platform, const QString &user, const QMap<QString, QString> &metadata = {},
                const QString &threadId = {})
{
    Message m;
    m.platform = platform;
    m.userId = user;
    m.authorId = user; // as the API parses a customer message
    m.content = QStringLiteral("hello");
    m.metadata = metadata;
    m.threadId = threadId;
    return m;
}

QMap<QString, QString> pair(const QString &from, const QString &to)
{
    return {{QStringLiteral("from"), from}, {QStringLiteral("to"), to}};
}

} // namespace

class TestThreadingRules : public QObject
{
    Q_OBJECT

    // Ingests through the same code the engine's writer runs; empty on failure (and the test
    // fails through the returned value not matching).
    QString ingest(TestDatabase &db, const Message &message)
    {
        PipelineWrites writes(db.connection(), PipelineOptions{});
        auto result = writes.ingestInbound(message);
        if (!result.isOk()) {
            qWarning("ingest failed: %s", qPrintable(result.error().message));
            return {};
        }
        return result.value().conversationId;
    }

    QString ingestOutbound(TestDatabase &db, Message message)
    {
        message.direction = Direction::Outbound;
        message.authorKind = AuthorKind::Operator;
        PipelineWrites writes(db.connection(), PipelineOptions{});
        auto result = writes.ingestOutbound(message);
        if (!result.isOk()) {
            qWarning("send failed: %s", qPrintable(result.error().message));
            return {};
        }
        return result.value().conversationId;
    }

    Conversation conversation(TestDatabase &db, const QString &id)
    {
        auto c = ConversationRepository(db.connection()).get(id);
        return c.isOk() ? c.value() : Conversation{};
    }

    bool setStatus(TestDatabase &db, const QString &id, ConversationStatus status)
    {
        ConversationPatch patch;
        patch.status = status;
        return ConversationRepository(db.connection()).update(id, patch).isOk();
    }

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }

    // ---- pure rules -------------------------------------------------------------------------

    void normalisePhone_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("formatted")
            << QStringLiteral("+1 (555) 123-4567") << QStringLiteral("+15551234567");
        QTest::newRow("digits only")
            << QStringLiteral("15551234567") << QStringLiteral("+15551234567");
        QTest::newRow("dots") << QStringLiteral("1.555.123.4567") << QStringLiteral("+15551234567");
        QTest::newRow("not a number") << QStringLiteral(" Support ") << QStringLiteral("support");
        QTest::newRow("empty") << QString() << QString();
    }
    void normalisePhone()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(ThreadingRules::normalisePhone(input), expected);
    }

    void normaliseEmail_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("display name")
            << QStringLiteral("Jane Doe <Jane@Example.COM>") << QStringLiteral("jane@example.com");
        QTest::newRow("bare") << QStringLiteral("  Bob@Example.org ")
                              << QStringLiteral("bob@example.org");
        QTest::newRow("quoted name") << QStringLiteral("\"Doe, Jane\" <jane@example.com>")
                                     << QStringLiteral("jane@example.com");
    }
    void normaliseEmail()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(ThreadingRules::normaliseEmail(input), expected);
    }

    void messageIds_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("one") << QStringLiteral("<a1@mail.example>")
                             << QStringList{QStringLiteral("a1@mail.example")};
        QTest::newRow("references chain")
            << QStringLiteral("<r1@x.test> <r2@x.test>\r\n <r3@x.test>")
            << QStringList{QStringLiteral("r1@x.test"), QStringLiteral("r2@x.test"),
                           QStringLiteral("r3@x.test")};
        QTest::newRow("without brackets")
            << QStringLiteral("r1@x.test, r2@x.test")
            << QStringList{QStringLiteral("r1@x.test"), QStringLiteral("r2@x.test")};
        QTest::newRow("empty") << QString() << QStringList();
    }
    void messageIds()
    {
        QFETCH(QString, header);
        QFETCH(QStringList, expected);
        QCOMPARE(ThreadingRules::messageIds(header), expected);
    }

    void keysForChatPlatforms()
    {
        const ThreadingKeys keys =
            ThreadingRules::keysFor(inbound(Platform::Telegram, QStringLiteral("u-42")));
        QCOMPARE(keys.sessionKey, QStringLiteral("telegram:user:u-42"));
        QCOMPARE(keys.participants, QStringList{QStringLiteral("u-42")});
        QVERIFY(keys.joinAliases.isEmpty());
        QVERIFY(keys.registerAliases.isEmpty());
        // The same user id on another platform is another person.
        QVERIFY(ThreadingRules::keysFor(inbound(Platform::Discord, QStringLiteral("u-42")))
                    .sessionKey != keys.sessionKey);

        const ThreadingKeys threaded = ThreadingRules::keysFor(
            inbound(Platform::Discord, QStringLiteral("u-42"), {}, QStringLiteral("T-1")));
        QCOMPARE(threaded.joinAliases, QStringList{QStringLiteral("thread:discord:T-1")});
        QCOMPARE(threaded.registerAliases, QStringList{QStringLiteral("thread:discord:T-1")});
    }

    void keysForSmsPairs()
    {
        const ThreadingKeys in = ThreadingRules::keysFor(
            inbound(Platform::Sms, QStringLiteral("+15551234567"),
                    pair(QStringLiteral("+1 (555) 123-4567"), QStringLiteral("+1 555 000 1111"))));
        Message reply =
            inbound(Platform::Sms, QStringLiteral("15551234567"),
                    pair(QStringLiteral("15550001111"), QStringLiteral("1-555-123-4567")));
        reply.direction = Direction::Outbound;
        const ThreadingKeys out = ThreadingRules::keysFor(reply);
        const ThreadingKeys mms = ThreadingRules::keysFor(
            inbound(Platform::Mms, QStringLiteral("+15551234567"),
                    pair(QStringLiteral("+15551234567"), QStringLiteral("+15550001111"))));
        QCOMPARE(in.sessionKey, QStringLiteral("sms:pair:+15550001111|+15551234567"));
        QCOMPARE(out.sessionKey, in.sessionKey);
        QCOMPARE(mms.sessionKey, in.sessionKey);
        QCOMPARE(in.participants,
                 (QStringList{QStringLiteral("+15550001111"), QStringLiteral("+15551234567")}));

        // Without from/to metadata the pair comes from the user and author ids.
        Message bare = inbound(Platform::Sms, QStringLiteral("+1 555 123 4567"));
        bare.authorId = QStringLiteral("+15550001111");
        QCOMPARE(ThreadingRules::keysFor(bare).sessionKey, in.sessionKey);

        // An explicit thread id of an MMS lands in the SMS family as well.
        const ThreadingKeys threadedMms = ThreadingRules::keysFor(
            inbound(Platform::Mms, QStringLiteral("+15551234567"), {}, QStringLiteral("x")));
        QCOMPARE(threadedMms.joinAliases, QStringList{QStringLiteral("thread:sms:x")});
    }

    void keysForEmailHeaders()
    {
        const ThreadingKeys keys = ThreadingRules::keysFor(inbound(
            Platform::Email, QStringLiteral("jane@customer.test"),
            {{QStringLiteral("from"), QStringLiteral("Jane <Jane@Customer.test>")},
             {QStringLiteral("to"), QStringLiteral("help@acme.test")},
             {QStringLiteral("In-Reply-To"), QStringLiteral("<p2@acme.test>")},
             {QStringLiteral("references"), QStringLiteral("<p1@acme.test> <p2@acme.test>")},
             {QStringLiteral("message_id"), QStringLiteral("<c3@customer.test>")}}));
        // The direct parent first, then the rest of the chain.
        QCOMPARE(keys.joinAliases, (QStringList{QStringLiteral("email:msgid:p2@acme.test"),
                                                QStringLiteral("email:msgid:p1@acme.test"),
                                                QStringLiteral("email:msgid:p2@acme.test")}));
        QCOMPARE(keys.registerAliases, QStringList{QStringLiteral("email:msgid:c3@customer.test")});
        QCOMPARE(keys.sessionKey,
                 QStringLiteral("email:participants:help@acme.test|jane@customer.test"));
    }

    // ---- through PipelineWrites against a real database -------------------------------------

    void sessionBoundary_data() { TestDatabase::addBackendRows(); }
    void sessionBoundary()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        const Message message = inbound(Platform::Telegram, QStringLiteral("alice"));

        const QString first = ingest(db, message);
        QVERIFY(!first.isEmpty());
        Clock::setOffsetForTesting(23 * kHour + 59 * kMinute);
        QCOMPARE(ingest(db, message), first);
        // The window runs from the last activity, which the message above just moved.
        Clock::setOffsetForTesting(2 * (23 * kHour + 59 * kMinute));
        QCOMPARE(ingest(db, message), first);

        Clock::setOffsetForTesting(2 * (23 * kHour + 59 * kMinute) + 24 * kHour + kMinute);
        const QString second = ingest(db, message);
        QVERIFY(!second.isEmpty());
        QVERIFY(second != first);
        QCOMPARE(ingest(db, message), second);

        // Another user, or the same id on another platform, is another conversation.
        const QString bob = ingest(db, inbound(Platform::Telegram, QStringLiteral("bob")));
        QVERIFY(bob != second && !bob.isEmpty());
        const QString discord = ingest(db, inbound(Platform::Discord, QStringLiteral("alice")));
        QVERIFY(discord != second && discord != bob && !discord.isEmpty());
    }

    void explicitThreadIds_data() { TestDatabase::addBackendRows(); }
    void explicitThreadIds()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));

        const QString session = ingest(db, inbound(Platform::Webhook, QStringLiteral("alice")));
        QVERIFY(!session.isEmpty());
        // An explicit thread is its own conversation, apart from the user's open session.
        const QString thread = ingest(db, inbound(Platform::Webhook, QStringLiteral("alice"), {},
                                                  QStringLiteral("order-77")));
        QVERIFY(thread != session && !thread.isEmpty());

        // Thirty days later the thread id still joins, whoever writes.
        Clock::setOffsetForTesting(30 * kDay);
        QCOMPARE(ingest(db, inbound(Platform::Webhook, QStringLiteral("alice"), {},
                                    QStringLiteral("order-77"))),
                 thread);
        QCOMPARE(ingest(db, inbound(Platform::Webhook, QStringLiteral("carol"), {},
                                    QStringLiteral("order-77"))),
                 thread);
        // A thread id that is one of our conversation ids joins that conversation.
        QCOMPARE(ingest(db, inbound(Platform::Telegram, QStringLiteral("dave"), {}, session)),
                 session);

        // The same thread id on another platform is another thread.
        const QString elsewhere = ingest(db, inbound(Platform::Discord, QStringLiteral("alice"), {},
                                                     QStringLiteral("order-77")));
        QVERIFY(elsewhere != thread && !elsewhere.isEmpty());
        // An unknown thread id opens a new conversation even inside the user's session.
        const QString fresh = ingest(db, inbound(Platform::Webhook, QStringLiteral("carol"), {},
                                                 QStringLiteral("order-78")));
        QVERIFY(fresh != thread && fresh != session && !fresh.isEmpty());
        QCOMPARE(ingest(db, inbound(Platform::Webhook, QStringLiteral("zed"), {},
                                    QStringLiteral("order-78"))),
                 fresh);

        // Everyone who wrote in the thread is a participant.
        const QStringList participants = conversation(db, thread).participants;
        QVERIFY(participants.contains(QStringLiteral("alice")));
        ConversationFilter carol;
        carol.participant = QStringLiteral("carol");
        const auto byCarol = ConversationRepository(db.connection()).list(carol);
        QVERIFY(byCarol.isOk());
        QStringList ids;
        for (const Conversation &c : byCarol.value().items)
            ids << c.id;
        QVERIFY(ids.contains(thread));
    }

    void smsPairs_data() { TestDatabase::addBackendRows(); }
    void smsPairs()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        const QString customer = QStringLiteral("+15551234567");

        const QString first = ingest(db, inbound(Platform::Sms, customer,
                                                 pair(QStringLiteral("+1 (555) 123-4567"),
                                                      QStringLiteral("+1 555 000 1111"))));
        QVERIFY(!first.isEmpty());
        QCOMPARE(conversation(db, first).participants,
                 (QStringList{QStringLiteral("+15550001111"), QStringLiteral("+15551234567")}));

        // Our reply, numbers reversed and written differently, continues it.
        Message reply;
        reply.platform = Platform::Sms;
        reply.content = QStringLiteral("On its way");
        reply.metadata = pair(QStringLiteral("15550001111"), QStringLiteral("1-555-123-4567"));
        reply.authorId = QStringLiteral("15550001111");
        reply.userId = QStringLiteral("1-555-123-4567");
        QCOMPARE(ingestOutbound(db, reply), first);

        // An MMS between the same two numbers belongs to the same conversation.
        QCOMPARE(ingest(db, inbound(Platform::Mms, customer,
                                    pair(customer, QStringLiteral("+15550001111")))),
                 first);
        // So does a message whose pair comes from the ids instead of metadata.
        Message bare = inbound(Platform::Sms, QStringLiteral("(555) 123-4567"));
        bare.userId = QStringLiteral("1 555 123 4567");
        bare.authorId = QStringLiteral("+1 555 000 1111");
        QCOMPARE(ingest(db, bare), first);

        // Another customer, or the customer writing to another of our numbers, is another pair.
        const QString other = ingest(
            db, inbound(Platform::Sms, QStringLiteral("+15559998888"),
                        pair(QStringLiteral("+15559998888"), QStringLiteral("+15550001111"))));
        QVERIFY(other != first && !other.isEmpty());
        const QString otherLine = ingest(
            db, inbound(Platform::Sms, customer, pair(customer, QStringLiteral("+15550002222"))));
        QVERIFY(otherLine != first && otherLine != other && !otherLine.isEmpty());

        // And the pair's session ends after 24 hours like any other.
        Clock::setOffsetForTesting(24 * kHour + kMinute);
        const QString later = ingest(
            db, inbound(Platform::Sms, customer, pair(customer, QStringLiteral("+15550001111"))));
        QVERIFY(later != first && !later.isEmpty());
    }

    void emailHeaders_data() { TestDatabase::addBackendRows(); }
    void emailHeaders()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));

        const QString first = ingest(
            db, inbound(Platform::Email, QStringLiteral("jane@customer.test"),
                        {{QStringLiteral("from"), QStringLiteral("Jane Doe <Jane@Customer.test>")},
                         {QStringLiteral("to"), QStringLiteral("help@acme.test")},
                         {QStringLiteral("message_id"), QStringLiteral("<a1@customer.test>")}}));
        QVERIFY(!first.isEmpty());

        // Forty days on, from another address: In-Reply-To names our message, so it joins.
        Clock::setOffsetForTesting(40 * kDay);
        QCOMPARE(
            ingest(db,
                   inbound(Platform::Email, QStringLiteral("boss@customer.test"),
                           {{QStringLiteral("from"), QStringLiteral("boss@customer.test")},
                            {QStringLiteral("to"), QStringLiteral("help@acme.test")},
                            {QStringLiteral("in_reply_to"), QStringLiteral("<a1@customer.test>")},
                            {QStringLiteral("message_id"), QStringLiteral("<b2@customer.test>")}})),
            first);
        // References with an unknown id first still find it further down the chain.
        Clock::setOffsetForTesting(80 * kDay);
        QCOMPARE(
            ingest(db, inbound(Platform::Email, QStringLiteral("cfo@customer.test"),
                               {{QStringLiteral("from"), QStringLiteral("cfo@customer.test")},
                                {QStringLiteral("to"), QStringLiteral("help@acme.test")},
                                {QStringLiteral("references"),
                                 QStringLiteral("<unknown@elsewhere.test> <a1@customer.test>")}})),
            first);
        // The second message's own Message-ID was recorded: replying to it joins too.
        Clock::setOffsetForTesting(120 * kDay);
        QCOMPARE(ingest(db, inbound(Platform::Email, QStringLiteral("jane@customer.test"),
                                    {{QStringLiteral("from"), QStringLiteral("jane@customer.test")},
                                     {QStringLiteral("to"), QStringLiteral("help@acme.test")},
                                     {QStringLiteral("In-Reply-To"),
                                      QStringLiteral("<b2@customer.test>")}})),
                 first);

        // Headers that name nothing we know fall back to the participants' session; an
        // expired one means a new conversation.
        Clock::setOffsetForTesting(200 * kDay);
        const QString unrelated = ingest(
            db, inbound(Platform::Email, QStringLiteral("jane@customer.test"),
                        {{QStringLiteral("from"), QStringLiteral("jane@customer.test")},
                         {QStringLiteral("to"), QStringLiteral("help@acme.test")},
                         {QStringLiteral("in_reply_to"), QStringLiteral("<never-seen@x.test>")}}));
        QVERIFY(unrelated != first && !unrelated.isEmpty());
    }

    void emailParticipants_data() { TestDatabase::addBackendRows(); }
    void emailParticipants()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        const auto mail = [](const QString &from, const QString &to) {
            return inbound(Platform::Email, from,
                           {{QStringLiteral("from"), from}, {QStringLiteral("to"), to}});
        };

        const QString first = ingest(db, mail(QStringLiteral("Jane <jane@customer.test>"),
                                              QStringLiteral("help@acme.test")));
        QVERIFY(!first.isEmpty());
        QCOMPARE(
            conversation(db, first).participants,
            (QStringList{QStringLiteral("help@acme.test"), QStringLiteral("jane@customer.test")}));
        // No headers: the same two addresses, however written, continue the session.
        Clock::setOffsetForTesting(3 * kHour);
        QCOMPARE(ingest(db, mail(QStringLiteral("JANE@Customer.TEST"),
                                 QStringLiteral("Help Desk <HELP@acme.test>"))),
                 first);
        // Our reply the other way round as well.
        Message reply;
        reply.platform = Platform::Email;
        reply.content = QStringLiteral("Thanks Jane");
        reply.metadata = {{QStringLiteral("from"), QStringLiteral("help@acme.test")},
                          {QStringLiteral("to"), QStringLiteral("jane@customer.test")}};
        QCOMPARE(ingestOutbound(db, reply), first);

        const QString colleague =
            ingest(db, mail(QStringLiteral("joe@customer.test"), QStringLiteral("help@acme.test")));
        QVERIFY(colleague != first && !colleague.isEmpty());

        Clock::setOffsetForTesting(3 * kHour + 24 * kHour + kMinute);
        const QString tomorrow = ingest(
            db, mail(QStringLiteral("jane@customer.test"), QStringLiteral("help@acme.test")));
        QVERIFY(tomorrow != first && tomorrow != colleague && !tomorrow.isEmpty());
    }

    void resolvedConversationReopens_data() { TestDatabase::addBackendRows(); }
    void resolvedConversationReopens()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        const QString id = ingest(
            db, inbound(Platform::Discord, QStringLiteral("erin"), {}, QStringLiteral("case-9")));
        QVERIFY(!id.isEmpty());

        // Our own message into a resolved conversation does not reopen it...
        QVERIFY(setStatus(db, id, ConversationStatus::Resolved));
        Message note;
        note.platform = Platform::Discord;
        note.userId = QStringLiteral("erin");
        note.threadId = QStringLiteral("case-9");
        note.content = QStringLiteral("Closing this, let us know if anything else comes up");
        QCOMPARE(ingestOutbound(db, note), id);
        QCOMPARE(toString(conversation(db, id).status), toString(ConversationStatus::Resolved));

        // ...the customer writing in it again does, however long afterwards.
        Clock::setOffsetForTesting(10 * kDay);
        QCOMPARE(ingest(db, inbound(Platform::Discord, QStringLiteral("erin"), {},
                                    QStringLiteral("case-9"))),
                 id);
        QCOMPARE(toString(conversation(db, id).status), toString(ConversationStatus::Open));

        // A conversation waiting on the customer (pending) reopens through the session too.
        QVERIFY(setStatus(db, id, ConversationStatus::Pending));
        QCOMPARE(ingest(db, inbound(Platform::Discord, QStringLiteral("erin"))), id);
        QCOMPARE(toString(conversation(db, id).status), toString(ConversationStatus::Open));

        // A resolved conversation is not picked up by the session key: a new message without a
        // thread reference starts a new conversation.
        QVERIFY(setStatus(db, id, ConversationStatus::Resolved));
        const QString next = ingest(db, inbound(Platform::Discord, QStringLiteral("erin")));
        QVERIFY(next != id && !next.isEmpty());
        QCOMPARE(toString(conversation(db, id).status), toString(ConversationStatus::Resolved));
        QCOMPARE(toString(conversation(db, next).status), toString(ConversationStatus::Open));
    }
};

QTEST_GUILESS_MAIN(TestThreadingRules)
#include "tst_threadingrules.moc"
