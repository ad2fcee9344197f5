// Private notes in the console against a real engine whose Telegram channel talks to a fake Bot
// API: N opens the composer in note mode, Ctrl+Return keeps the note with the conversation, the
// note is shown as a note among the messages, and Telegram receives nothing of it — while a
// reply written right after it does reach the customer.

#include "consolefixture.h"
#include "fakes/faketelegram.h"
#include "storage/noterepository.h"
#include "ui/composer.h"
#include "ui/conversationview.h"
#include "ui/mainwindow.h"
#include "ui/messagebubble.h"
#include "ui/notebubble.h"
#include "ui/translations.h"

#include <QApplication>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

constexpr qint64 kFirstChat = 7770101;
const QString kNoteText = QStringLiteral("VIP customer, refund approved by finance on Monday");

} // namespace

class TestNotes : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;
    FakeTelegram m_telegram;
    qint64 m_nextChat = kFirstChat;

    Outcome<IngestResult> telegramCustomer(const QString &name, const QString &text)
    {
        const qint64 chat = m_nextChat++;
        m_telegram.addChat(chat);
        ConsoleFixture::Post post;
        post.user = name;
        post.text = text;
        post.metadata = {{QStringLiteral("chat_id"), QString::number(chat)},
                         {QStringLiteral("username"), name},
                         {QStringLiteral("message_id"), QString::number(chat % 1000)}};
        return m_console.ingest(post);
    }

    QList<QJsonObject> telegramSends() const
    {
        return m_telegram.callParameters(QStringLiteral("sendMessage"));
    }

    static void press(QWidget *target, Qt::Key key, Qt::KeyboardModifiers modifiers = {})
    {
        QTest::keyClick(target, key, modifiers);
        QCoreApplication::processEvents();
    }

    // The position of `widget` among the conversation's bubbles, top to bottom.
    static int layoutIndex(QWidget *widget)
    {
        QWidget *host = widget->parentWidget();
        auto *layout = host ? qobject_cast<QVBoxLayout *>(host->layout()) : nullptr;
        return layout ? layout->indexOf(widget) : -1;
    }

private slots:
    void initTestCase()
    {
        const QString telegram = m_telegram.baseUrl();
        QVERIFY2(m_console.start(QStringLiteral("tst_notes"),
                                 [telegram](Settings &settings) {
                                     settings.telegram.enabled = true;
                                     settings.telegram.botToken =
                                         QString::fromLatin1(FakeTelegram::DefaultToken);
                                     settings.telegram.baseUrl = telegram;
                                     settings.telegram.webhookSecret = QStringLiteral("s3cret");
                                     // Replies go out at once; nothing waits for review.
                                     settings.defaultAiMode = AiMode::Manual;
                                 }),
                 qPrintable(m_console.errorString()));
    }

    void init()
    {
        QSettings().clear();
        QSettings().setValue(QStringLiteral("Operator/name"), QStringLiteral("dana"));
    }

    void cleanupTestCase() { m_console.stop(); }

    void noteByKeyboardIsShownAndNeverSent()
    {
        const auto posted = telegramCustomer(QStringLiteral("nora"),
                                             QStringLiteral("I was charged twice for order 881"));
        QVERIFY(posted.isOk());
        const QString conversationId = posted.value().conversationId;
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.activateWindow();
        QTRY_VERIFY(window.selectConversation(conversationId));
        ConversationView *view = window.conversationView();
        QTRY_VERIFY(view->bubble(posted.value().messageId));
        QListView *list = window.conversationList();
        list->setFocus();
        const int sendsBefore = int(telegramSends().size());

        // N: the composer, in note mode, amber and labelled as a note.
        press(list, Qt::Key_N);
        Composer *composer = view->composerWidget();
        QTRY_VERIFY(composer->editor()->hasFocus());
        QVERIFY(composer->isNoteMode());
        QVERIFY(composer->noteToggle()->isChecked());
        QCOMPARE(composer->sendButton()->text(), QStringLiteral("Add note"));
        QCOMPARE(composer->editor()->accessibleName(), QStringLiteral("Private note"));
        // A note is not held to the platform's limit: it never goes there.
        QCOMPARE(composer->limit(), int(Engine::kNoteMaxLength));
        QTest::keyClicks(composer->editor(), kNoteText);
        QVERIFY(ConsoleFixture::screenshot(view, QStringLiteral("notes-composer")));
        press(composer->editor(), Qt::Key_Return, Qt::ControlModifier);

        QTRY_COMPARE_WITH_TIMEOUT(view->noteBubbles().size(), 1, ConsoleFixture::kJobTimeoutMs);
        NoteBubble *note = view->noteBubbles().first();
        QCOMPARE(note->text(), kNoteText);
        QVERIFY2(note->headerText().contains(QStringLiteral("dana")),
                 qPrintable(note->headerText()));
        QVERIFY(note->headerText().contains(QStringLiteral("not sent")));
        QCOMPARE(note->accessibleName(), QStringLiteral("Private note by dana"));
        // Shown after the message it was written about.
        QVERIFY(layoutIndex(note) > layoutIndex(view->bubble(posted.value().messageId)));
        // Back to replying, with an empty box.
        QTRY_VERIFY(composer->text().isEmpty());
        QVERIFY(!composer->isNoteMode());
        QCOMPARE(composer->sendButton()->text(), QStringLiteral("Send"));
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("not sent")));

        // Stored with the conversation, as a note.
        const auto stored = ConsoleFixture::await(
            m_console.engine()->read<QList<Note>>([conversationId](QSqlDatabase &db) {
                return NoteRepository(db).forConversation(conversationId);
            }));
        QVERIFY(stored.isOk());
        QCOMPARE(stored.value().size(), 1);
        QCOMPARE(stored.value().first().author, QStringLiteral("dana"));
        QCOMPARE(stored.value().first().content, kNoteText);

        // A reply written after the note reaches Telegram; the note never does.
        press(list, Qt::Key_R);
        QTRY_VERIFY(composer->editor()->hasFocus());
        QTest::keyClicks(composer->editor(), QStringLiteral("We have refunded the second charge."));
        press(composer->editor(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(telegramSends().size() > sendsBefore,
                                 ConsoleFixture::kJobTimeoutMs);
        QCOMPARE(int(telegramSends().size()), sendsBefore + 1);
        QCOMPARE(telegramSends().constLast().value(QStringLiteral("text")).toString(),
                 QStringLiteral("We have refunded the second charge."));
        for (const QString &method : {QStringLiteral("sendMessage"), QStringLiteral("sendPhoto"),
                                      QStringLiteral("sendDocument")}) {
            for (const RecordedRequest &call : m_telegram.calls(method))
                QVERIFY(!call.body.contains("VIP customer"));
        }
        // The note stays a note after the reply arrives and the view reloads.
        QTRY_VERIFY(view->bubbles().size() >= 2);
        QCOMPARE(view->noteBubbles().size(), 1);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("notes-conversation")));
        QVERIFY(ConsoleFixture::screenshot(view, QStringLiteral("notes-view")));
    }

    void toggleSwitchesModeAndEachConversationOpensReplying()
    {
        const auto first =
            telegramCustomer(QStringLiteral("olga"), QStringLiteral("Is the shop open Sunday?"));
        const auto second =
            telegramCustomer(QStringLiteral("piet"), QStringLiteral("Where do I find my invoice?"));
        QVERIFY(first.isOk() && second.isOk());
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QTRY_VERIFY(window.selectConversation(first.value().conversationId));
        ConversationView *view = window.conversationView();
        Composer *composer = view->composerWidget();
        // Read: the composer knows the conversation's platform.
        QTRY_COMPARE(view->conversation().id, first.value().conversationId);
        QVERIFY(composer->noteToggle()->isEnabled());
        composer->noteToggle()->click();
        QVERIFY(composer->isNoteMode());
        QCOMPARE(composer->sendButton()->text(), QStringLiteral("Add note"));
        composer->noteToggle()->click();
        QVERIFY(!composer->isNoteMode());
        QCOMPARE(composer->limit(), platformLengthLimit(Platform::Telegram));

        composer->noteToggle()->click();
        QVERIFY(composer->isNoteMode());
        QTRY_VERIFY(window.selectConversation(second.value().conversationId));
        QTRY_COMPARE(view->conversationId(), second.value().conversationId);
        QVERIFY(!composer->isNoteMode());

        // An empty note is not offered; whitespace is not a note either.
        composer->setNoteMode(true);
        composer->setText(QStringLiteral("   "));
        QVERIFY(!composer->sendButton()->isEnabled());
        const auto refused = ConsoleFixture::await(m_console.engine()->addNote(
            second.value().conversationId, QStringLiteral("  "), QStringLiteral("dana")));
        QVERIFY(!refused.isOk());
        QCOMPARE(refused.error().kind, ErrorKind::Invalid);
        const auto unknown = ConsoleFixture::await(
            m_console.engine()->addNote(QStringLiteral("01a206d6-3a63-77a1-ad96-fceb1fb9c8f9"),
                                        QStringLiteral("hello"), QStringLiteral("dana")));
        QVERIFY(!unknown.isOk());
        QCOMPARE(unknown.error().kind, ErrorKind::NotFound);
    }

    void germanComposerNamesTheNote()
    {
        QVERIFY(installTranslations(qApp, QLocale(QLocale::German, QLocale::Germany)));
        {
            MainWindow window(m_console.engine());
            Composer *composer = window.conversationView()->composerWidget();
            QCOMPARE(composer->noteToggle()->text(), QStringLiteral("Notiz"));
            composer->setNoteMode(true);
            QCOMPARE(composer->sendButton()->text(), QStringLiteral("Notiz speichern"));
        }
        QVERIFY(!installTranslations(qApp, QLocale(QLocale::English, QLocale::UnitedStates)));
    }
};

QTEST_MAIN(TestNotes)
#include "tst_notes.moc"
