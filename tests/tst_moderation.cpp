// Safety before drafting: sanitising, moderation rules and PII detectors, the per-user AI limit.
#include "ai/moderator.h"
#include "ai/sanitizer.h"
#include "ai/userratelimiter.h"

#include <QTest>

using namespace relaydesk;

class TestModeration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sanitizerNormalisesAndStrips()
    {
        // "e" + combining acute becomes the precomposed form (NFC).
        QCOMPARE(Sanitizer::clean(QStringLiteral("Cafe\u0301")), QStringLiteral("Caf\u00e9"));
        // NUL, BEL, ESC (a terminal colour code), DEL and NEL (a C1 control).
        const QString controls = QStringLiteral("a") + QChar(0x00) + QStringLiteral("b") +
                                 QChar(0x07) + QStringLiteral("c") + QChar(0x1B) +
                                 QStringLiteral("[31md") + QChar(0x7F) + QChar(0x85) +
                                 QStringLiteral("e");
        QCOMPARE(Sanitizer::clean(controls), QStringLiteral("abc[31mde"));
        QCOMPARE(Sanitizer::clean(QStringLiteral("one\r\ntwo\rthree\nfour\tfive")),
                 QStringLiteral("one\ntwo\nthree\nfour\tfive"));
        // Emoji (surrogate pairs) survive; a lone surrogate does not.
        QCOMPARE(Sanitizer::clean(QStringLiteral("ok \U0001F600")),
                 QStringLiteral("ok \U0001F600"));
        QString broken = QStringLiteral("x");
        broken += QChar(0xD800);
        broken += QStringLiteral("y");
        QCOMPARE(Sanitizer::clean(broken), QStringLiteral("xy"));
    }

    void sanitizerCutsToThePlatformLimit()
    {
        bool truncated = false;
        const QString sms =
            Sanitizer::forPlatform(QString(2000, QLatin1Char('a')), Platform::Sms, &truncated);
        QVERIFY(truncated);
        QCOMPARE(sms.size(), 1600);
        QString emoji;
        for (int i = 0; i < 1500; ++i)
            emoji += QStringLiteral("\U0001F600");
        const QString discord = Sanitizer::forPlatform(emoji, Platform::Discord, &truncated);
        QVERIFY(truncated);
        QVERIFY(discord.size() <= 2000);
        QVERIFY(!discord.back().isHighSurrogate());
        QCOMPARE(Sanitizer::forPlatform(QStringLiteral("short"), Platform::Telegram, &truncated),
                 QStringLiteral("short"));
        QVERIFY(!truncated);
    }

    void blockedTermsAreWholeWordsCaseInsensitive()
    {
        const Moderator moderator(
            {QStringLiteral("lawsuit"), QStringLiteral("c.o.d."), QStringLiteral("  ")}, {}, false);
        QCOMPARE(moderator.check(QStringLiteral("I will file a LAWSUIT tomorrow")),
                 std::optional<QString>(QStringLiteral("blocked term \"lawsuit\"")));
        QVERIFY(moderator.check(QStringLiteral("I will pay C.O.D. please")).has_value());
        QVERIFY(!moderator.check(QStringLiteral("lawsuits are not words we match")).has_value());
        QVERIFY(!moderator.check(QStringLiteral("nothing to see")).has_value());
    }

    void blockedPatternsAndInvalidOnes()
    {
        const Moderator moderator(
            {}, {QStringLiteral("refund\\s+now"), QStringLiteral("([unclosed")}, false);
        QCOMPARE(moderator.invalidPatterns(), QStringList{QStringLiteral("([unclosed")});
        const auto reason = moderator.check(QStringLiteral("I want my REFUND   now!"));
        QVERIFY(reason.has_value());
        QVERIFY(reason->contains(QStringLiteral("refund\\s+now")));
        QVERIFY(!moderator.check(QStringLiteral("a refund later is fine")).has_value());
    }

    void luhn()
    {
        QVERIFY(Moderator::luhnValid(QStringLiteral("4111111111111111")));
        QVERIFY(Moderator::luhnValid(QStringLiteral("5555555555554444")));
        QVERIFY(Moderator::luhnValid(QStringLiteral("378282246310005")));
        QVERIFY(!Moderator::luhnValid(QStringLiteral("4111111111111112")));
        QVERIFY(!Moderator::luhnValid(QStringLiteral("41111x1111111111")));
        QVERIFY(!Moderator::luhnValid(QString()));
    }

    void cardNumbers()
    {
        QCOMPARE(Moderator::findCardNumber(QStringLiteral("my card is 4111 1111 1111 1111 thanks")),
                 std::optional<QString>(QStringLiteral("1111")));
        QCOMPARE(Moderator::findCardNumber(QStringLiteral("amex 3782-822463-10005")),
                 std::optional<QString>(QStringLiteral("0005")));
        QVERIFY(!Moderator::findCardNumber(QStringLiteral("order 4111111111111112")).has_value());
        QVERIFY(!Moderator::findCardNumber(QStringLiteral("call +1 555 123 4567")).has_value());
        QVERIFY(!Moderator::findCardNumber(QStringLiteral("0000 0000 0000 0000")).has_value());
        QVERIFY(!Moderator::findCardNumber(QStringLiteral("tracking 12345678901234567890123"))
                     .has_value());
    }

    void nationalIds()
    {
        QCOMPARE(Moderator::findNationalId(QStringLiteral("SSN 123-45-6789")),
                 std::optional<QString>(QStringLiteral("US social security number")));
        QVERIFY(Moderator::findNationalId(QStringLiteral("ssn: 123 45 6789")).has_value());
        QVERIFY(!Moderator::findNationalId(QStringLiteral("000-12-3456")).has_value());
        QVERIFY(!Moderator::findNationalId(QStringLiteral("666-12-3456")).has_value());
        QVERIFY(!Moderator::findNationalId(QStringLiteral("900-12-3456")).has_value());
        QVERIFY(!Moderator::findNationalId(QStringLiteral("123-00-6789")).has_value());
        QVERIFY(!Moderator::findNationalId(QStringLiteral("call 555-123-4567")).has_value());
        QCOMPARE(Moderator::findNationalId(QStringLiteral("my NI number is AB 12 34 56 C")),
                 std::optional<QString>(QStringLiteral("UK national insurance number")));
        QVERIFY(!Moderator::findNationalId(QStringLiteral("code GB123456A")).has_value());
    }

    void piiReasonsNeverRepeatTheNumber()
    {
        const Moderator moderator({}, {}, true);
        const auto card = moderator.check(QStringLiteral("4111-1111-1111-1111"));
        QVERIFY(card.has_value());
        QVERIFY(!card->contains(QStringLiteral("4111")));
        QVERIFY(card->contains(QStringLiteral("ending in 1111")));
        const auto ssn = moderator.check(QStringLiteral("it's 123-45-6789"));
        QVERIFY(ssn.has_value());
        QVERIFY(!ssn->contains(QStringLiteral("6789")));
        QVERIFY(!Moderator({}, {}, false).check(QStringLiteral("4111 1111 1111 1111")).has_value());
    }

    void fromSettings()
    {
        Settings settings;
        settings.blockedTerms = {QStringLiteral("chargeback")};
        settings.detectPii = true;
        const Moderator moderator = Moderator::fromSettings(settings);
        QVERIFY(moderator.check(QStringLiteral("I'll do a chargeback")).has_value());
        QVERIFY(moderator.check(QStringLiteral("5555 5555 5555 4444")).has_value());
    }

    void userRateLimiterBucket()
    {
        qint64 now = 0;
        UserRateLimiter limiter(3, [&now] { return now; });
        const QString alice =
            UserRateLimiter::keyFor(QStringLiteral("sms"), QStringLiteral("+15550001"));
        const QString bob =
            UserRateLimiter::keyFor(QStringLiteral("sms"), QStringLiteral("+15550002"));
        QVERIFY(limiter.allow(alice));
        QVERIFY(limiter.allow(alice));
        QVERIFY(limiter.allow(alice));
        QVERIFY(!limiter.allow(alice));
        QVERIFY(limiter.allow(bob)); // one user's burst does not touch another's
        now += 20000;                // a third of a minute refills one token
        QVERIFY(limiter.allow(alice));
        QVERIFY(!limiter.allow(alice));
        now += 600000;
        for (int i = 0; i < 3; ++i)
            QVERIFY(limiter.allow(alice));
        QVERIFY(!limiter.allow(alice));
        // The same id on another platform is another person.
        QVERIFY(limiter.allow(
            UserRateLimiter::keyFor(QStringLiteral("telegram"), QStringLiteral("+15550001"))));
    }

    void userRateLimiterDisabledAndBounded()
    {
        UserRateLimiter off(0);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(off.allow(QStringLiteral("k")));
        qint64 now = 0;
        UserRateLimiter limiter(100, [&now] { return now; });
        for (int i = 0; i < 10000; ++i)
            limiter.allow(QString::number(i));
        now += 120000; // everyone's bucket is full again: forgettable
        limiter.allow(QStringLiteral("newcomer"));
        QVERIFY(limiter.trackedKeys() < 100);
    }
};

QTEST_GUILESS_MAIN(TestModeration)
#include "tst_moderation.moc"
