// How a conversation becomes a prompt: persona, platform limit and instruction in the system
// prompt; alternating roles; the newest turns kept within the token budget.
#include "ai/promptbuilder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

Message said(AuthorKind author, const QString &content,
             const QString &state = QStringLiteral("sent"))
{
    Message m;
    m.authorKind = author;
    m.direction = author == AuthorKind::Customer ? Direction::Inbound : Direction::Outbound;
    m.content = content;
    m.state = state;
    return m;
}

DraftRequest requestWith(QList<Message> history, Platform platform = Platform::Sms)
{
    DraftRequest request;
    request.conversation.platform = platform;
    request.history = std::move(history);
    request.maxLength = platformLengthLimit(platform);
    return request;
}

} // namespace

class TestPromptBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void systemPromptStatesPersonaLimitAndInstruction()
    {
        PromptBuilder builder(PromptOptions{QStringLiteral("You are Ada from Acme."), 20, 8000});
        DraftRequest request = requestWith({said(AuthorKind::Customer, QStringLiteral("hi"))});
        request.instruction = QStringLiteral("  more formal ");
        const Prompt prompt = builder.build(request);
        QVERIFY(prompt.system.startsWith(QStringLiteral("You are Ada from Acme.")));
        QVERIFY(prompt.system.contains(QStringLiteral("SMS")));
        QVERIFY(prompt.system.contains(QStringLiteral("at most 1600 characters")));
        QVERIFY(prompt.system.endsWith(
            QStringLiteral("The operator asked for this draft: more formal")));
        QCOMPARE(prompt.maxLength, 1600);

        const Prompt discord =
            PromptBuilder(PromptOptions{})
                .build(requestWith({said(AuthorKind::Customer, QStringLiteral("hi"))},
                                   Platform::Discord));
        QVERIFY(discord.system.startsWith(PromptBuilder::defaultSystemPrompt()));
        QVERIFY(discord.system.contains(QStringLiteral("at most 2000 characters")));
        QVERIFY(!discord.system.contains(QStringLiteral("operator asked")));
    }

    void systemPromptFileWinsAndIsRelativeToTheConfig()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("persona.txt")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("  You are the Relaydesk test persona.\n");
        file.close();
        Settings settings;
        settings.configFile = dir.filePath(QStringLiteral("relaydesk.toml"));
        settings.systemPrompt = QStringLiteral("inline prompt");
        settings.systemPromptFile = QStringLiteral("persona.txt");
        settings.historyMessages = 7;
        const PromptOptions options = PromptBuilder::optionsFrom(settings, 1234);
        QCOMPARE(options.systemPrompt, QStringLiteral("You are the Relaydesk test persona."));
        QCOMPARE(options.historyMessages, 7);
        QCOMPARE(options.tokenBudget, 1234);

        settings.systemPromptFile = QStringLiteral("missing.txt");
        QCOMPARE(PromptBuilder::optionsFrom(settings).systemPrompt,
                 QStringLiteral("inline prompt"));
    }

    void rolesAlternateAndMerge()
    {
        PromptBuilder builder(PromptOptions{QString(), 20, 8000});
        const Prompt prompt = builder.build(requestWith({
            said(AuthorKind::Operator, QStringLiteral("Welcome!")), // nothing asked yet: dropped
            said(AuthorKind::Customer, QStringLiteral("Hello")),
            said(AuthorKind::Customer, QStringLiteral("Anyone there?")),
            said(AuthorKind::Ai, QStringLiteral("Yes, how can I help?"),
                 QStringLiteral("delivered")),
            said(AuthorKind::Ai, QStringLiteral("unsent draft"), QStringLiteral("drafted")),
            said(AuthorKind::Ai, QStringLiteral("rejected draft"), QStringLiteral("rejected")),
            said(AuthorKind::System, QStringLiteral("conversation reopened")),
            said(AuthorKind::Operator, QStringLiteral("Also, we have a sale.")),
            said(AuthorKind::Customer, QStringLiteral("Where is order 1234?")),
        }));
        const QList<PromptMessage> expected{
            {QStringLiteral("user"), QStringLiteral("Hello\n\nAnyone there?")},
            {QStringLiteral("assistant"),
             QStringLiteral("Yes, how can I help?\n\nAlso, we have a sale.")},
            {QStringLiteral("user"), QStringLiteral("Where is order 1234?")}};
        QCOMPARE(prompt.messages, expected);
    }

    void trailingOperatorTurnIsDroppedAndAttachmentsNamed()
    {
        Message photo = said(AuthorKind::Customer, QStringLiteral("See this"));
        photo.attachments = {
            Attachment{QStringLiteral("https://example.com/a.png"), QStringLiteral("image/png")}};
        const Prompt prompt = PromptBuilder(PromptOptions{})
                                  .build(requestWith({photo, said(AuthorKind::Operator,
                                                                  QStringLiteral("Looking now"))}));
        QCOMPARE(prompt.messages.size(), 1);
        QCOMPARE(prompt.messages.first().role, QStringLiteral("user"));
        QCOMPARE(prompt.messages.first().content,
                 QStringLiteral("See this\n[attachment: image/png]"));
    }

    void historyCountLimitsTurns()
    {
        QList<Message> history;
        for (int i = 0; i < 10; ++i) {
            history << said(AuthorKind::Customer, QStringLiteral("question %1").arg(i));
            history << said(AuthorKind::Operator, QStringLiteral("answer %1").arg(i));
        }
        history << said(AuthorKind::Customer, QStringLiteral("last question"));
        const Prompt prompt =
            PromptBuilder(PromptOptions{QString(), 4, 8000}).build(requestWith(history));
        // The newest four: answer 8, question 9, answer 9, last question; the leading answer goes.
        QCOMPARE(prompt.messages.size(), 3);
        QCOMPARE(prompt.messages.first().content, QStringLiteral("question 9"));
        QCOMPARE(prompt.messages.last().content, QStringLiteral("last question"));
    }

    void budgetKeepsTheNewestTurns()
    {
        QList<Message> history;
        for (int i = 0; i < 30; ++i) {
            history << said(AuthorKind::Customer,
                            QStringLiteral("Customer turn %1 ").arg(i).repeated(10));
            history << said(AuthorKind::Operator,
                            QStringLiteral("Operator turn %1 ").arg(i).repeated(10));
        }
        history << said(AuthorKind::Customer, QStringLiteral("The newest question?"));
        const int budget = 600;
        const Prompt prompt =
            PromptBuilder(PromptOptions{QStringLiteral("Short persona."), 100, budget})
                .build(requestWith(history));
        QVERIFY(prompt.estimatedTokens <= budget);
        QVERIFY(prompt.messages.size() >= 3);
        QVERIFY(prompt.messages.size() < 61);
        QCOMPARE(prompt.messages.last().content, QStringLiteral("The newest question?"));
        QCOMPARE(prompt.messages.first().role, QStringLiteral("user"));
        for (qsizetype i = 1; i < prompt.messages.size(); ++i)
            QVERIFY(prompt.messages.at(i).role != prompt.messages.at(i - 1).role);
        // What was kept is the most recent stretch: turn 29 is in, turn 0 is not.
        QVERIFY(prompt.messages.at(prompt.messages.size() - 2)
                    .content.contains(QStringLiteral("Operator turn 29")));
        for (const PromptMessage &message : prompt.messages)
            QVERIFY(!message.content.contains(QStringLiteral("turn 0 ")));
    }

    void oversizedNewestMessageIsCutNotDropped()
    {
        const QString huge = QStringLiteral("word ").repeated(4000); // ~5000 tokens
        const Prompt prompt =
            PromptBuilder(PromptOptions{QStringLiteral("P."), 20, 500})
                .build(requestWith({said(AuthorKind::Customer, huge)}, Platform::Email));
        QCOMPARE(prompt.messages.size(), 1);
        QVERIFY(prompt.messages.first().content.size() < huge.size());
        QVERIFY(prompt.messages.first().content.startsWith(QStringLiteral("word word")));
        QVERIFY(prompt.estimatedTokens <= 500);
    }

    void nothingToAnswerGivesNoMessages()
    {
        const Prompt prompt =
            PromptBuilder(PromptOptions{})
                .build(requestWith({said(AuthorKind::Operator, QStringLiteral("Hello from us"))}));
        QVERIFY(prompt.messages.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPromptBuilder)
#include "tst_promptbuilder.moc"
