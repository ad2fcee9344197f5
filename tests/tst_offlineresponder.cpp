#include "ai/offlineresponder.h"

#include <QTest>

using namespace relaydesk;

namespace {

const QString kDefault = QStringLiteral("Thanks, we will get back to you.");
const QString kShipping = QStringLiteral("Orders ship within two business days.");
const QString kPassword = QStringLiteral("You can change your password under Settings.");
const QString kReset = QStringLiteral("Use the reset link on the sign-in page.");
const QString kRefund = QStringLiteral("Refunds are processed within 5 days.");
const QString kLogin = QStringLiteral("Try signing in with your e-mail address.");

OfflineResponder responder()
{
    return OfflineResponder(
        {CannedAnswer{{QStringLiteral("shipping"), QStringLiteral("delivery"),
                       QStringLiteral("where is my order")},
                      kShipping},
         CannedAnswer{{QStringLiteral("password")}, kPassword},
         CannedAnswer{{QStringLiteral("reset password"), QStringLiteral("forgot password")},
                      kReset},
         CannedAnswer{{QStringLiteral("Refund"), QStringLiteral("money back")}, kRefund},
         CannedAnswer{
             {QStringLiteral("log-in"), QString(), QStringLiteral("  "), QStringLiteral("!!!")},
             kLogin}},
        kDefault);
}

Message customer(const QString &content)
{
    Message m;
    m.authorKind = AuthorKind::Customer;
    m.content = content;
    return m;
}

} // namespace

class TestOfflineResponder : public QObject
{
    Q_OBJECT

private slots:
    void replyFor_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");

        QTest::newRow("single keyword")
            << QStringLiteral("how long does shipping take") << kShipping;
        QTest::newRow("case-insensitive") << QStringLiteral("SHIPPING???") << kShipping;
        QTest::newRow("keyword written in capitals")
            << QStringLiteral("I want a refund") << kRefund;
        QTest::newRow("punctuation around words")
            << QStringLiteral("Refund... now!!! (please)") << kRefund;
        QTest::newRow("phrase") << QStringLiteral("Hi, where is my order?") << kShipping;
        QTest::newRow("phrase across punctuation")
            << QStringLiteral("where-is-my ORDER") << kShipping;
        QTest::newRow("whole words only") << QStringLiteral("passwords and refunding") << kDefault;
        QTest::newRow("phrase beats word") << QStringLiteral("I forgot password again") << kReset;
        QTest::newRow("broken phrase is only a word")
            << QStringLiteral("please reset my password") << kPassword;
        QTest::newRow("two keywords beat one")
            << QStringLiteral("shipping and delivery, also my password") << kShipping;
        QTest::newRow("punctuated keyword") << QStringLiteral("cannot log in") << kLogin;
        QTest::newRow("punctuated keyword as written") << QStringLiteral("log-in fails") << kLogin;
        QTest::newRow("blank keywords never match") << QStringLiteral("!!!   ") << kDefault;
        QTest::newRow("no match") << QStringLiteral("What are your opening hours?") << kDefault;
        QTest::newRow("empty") << QString() << kDefault;
    }
    void replyFor()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(responder().replyFor(text, 4096), expected);
    }

    void tieGoesToTheFirstAnswer()
    {
        const OfflineResponder tied({CannedAnswer{{QStringLiteral("alpha")}, QStringLiteral("A")},
                                     CannedAnswer{{QStringLiteral("beta")}, QStringLiteral("B")}},
                                    kDefault);
        QCOMPARE(tied.replyFor(QStringLiteral("beta alpha"), 100), QStringLiteral("A"));
    }

    void unicodeCaseFolding()
    {
        const OfflineResponder r({CannedAnswer{{QStringLiteral("ΣΟΦΙΑ")}, QStringLiteral("sofia")},
                                  CannedAnswer{{QStringLiteral("café")}, QStringLiteral("coffee")}},
                                 kDefault);
        QCOMPARE(r.replyFor(QStringLiteral("για τη σοφια"), 100), QStringLiteral("sofia"));
        QCOMPARE(r.replyFor(QStringLiteral("CAFÉ au lait"), 100), QStringLiteral("coffee"));
    }

    void noAnswersGivesTheDefault()
    {
        const OfflineResponder empty({}, kDefault);
        QCOMPARE(empty.replyFor(QStringLiteral("shipping"), 100), kDefault);
    }

    void fitToLength_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("limit");
        QTest::addColumn<QString>("expected");
        const QChar ellipsis(0x2026);

        QTest::newRow("short enough")
            << QStringLiteral("hello world") << 20 << QStringLiteral("hello world");
        QTest::newRow("exactly the limit")
            << QStringLiteral("hello world") << 11 << QStringLiteral("hello world");
        QTest::newRow("no limit") << QStringLiteral("hello world") << 0
                                  << QStringLiteral("hello world");
        QTest::newRow("cut at a word")
            << QStringLiteral("The quick brown fox jumps over the lazy dog") << 20
            << QStringLiteral("The quick brown fox") + ellipsis;
        QTest::newRow("cut inside a word backs up to the space")
            << QStringLiteral("The quick brown fox jumps over the lazy dog") << 22
            << QStringLiteral("The quick brown fox") + ellipsis;
        QTest::newRow("one long word is cut hard")
            << QStringLiteral("Supercalifragilisticexpialidocious") << 10
            << QStringLiteral("Supercali") + ellipsis;
        QTest::newRow("space too early is ignored")
            << QStringLiteral("A verylongwordthatgoesonandon") << 12
            << QStringLiteral("A verylongw") + ellipsis;
        QTest::newRow("one character") << QStringLiteral("hello") << 1 << QString(ellipsis);
    }
    void fitToLength()
    {
        QFETCH(QString, text);
        QFETCH(int, limit);
        QFETCH(QString, expected);
        const QString fitted = OfflineResponder::fitToLength(text, limit);
        QCOMPARE(fitted, expected);
        if (limit > 0)
            QVERIFY(fitted.size() <= limit);
    }

    void replyRespectsTheLimit()
    {
        const QString longReply = QStringLiteral("word ").repeated(100).trimmed();
        const OfflineResponder r({CannedAnswer{{QStringLiteral("long")}, longReply}}, kDefault);
        const QString reply = r.replyFor(QStringLiteral("long please"), 50);
        QVERIFY(reply.size() <= 50);
        QVERIFY(reply.endsWith(QChar(0x2026)));
        QVERIFY(longReply.startsWith(reply.chopped(1)));
        QVERIFY(!reply.chopped(1).endsWith(QLatin1Char(' ')));
    }

    // The coroutine answers the newest customer message, not our own replies after it.
    void draftAnswersTheLatestCustomerMessage()
    {
        OfflineResponder r = responder();
        DraftRequest request;
        request.maxLength = 4096;
        request.history << customer(QStringLiteral("I need a refund"))
                        << customer(QStringLiteral("Actually, where is my order?"));
        Message ours;
        ours.authorKind = AuthorKind::Operator;
        ours.content = QStringLiteral("Let me check the password reset for you");
        request.history << ours;

        const Outcome<Draft> draft = QCoro::waitFor(r.draft(request));
        QVERIFY(draft.isOk());
        QCOMPARE(draft.value().text, kShipping);
        QCOMPARE(draft.value().provider, QStringLiteral("offline"));
        QCOMPARE(draft.value().model, QStringLiteral("canned"));
        QCOMPARE(r.name(), QStringLiteral("offline"));

        request.maxLength = 10;
        const Outcome<Draft> shortDraft = QCoro::waitFor(r.draft(request));
        QVERIFY(shortDraft.value().text.size() <= 10);

        request.history.clear();
        QCOMPARE(QCoro::waitFor(r.draft(request)).value().text,
                 QStringLiteral("Thanks,") + QChar(0x2026));
    }
};

QTEST_GUILESS_MAIN(TestOfflineResponder)
#include "tst_offlineresponder.moc"
