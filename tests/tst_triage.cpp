// Keyboard-first triage and the operational docks against a real engine whose Telegram channel
// talks to a fake Bot API and whose AI chain calls a fake OpenAI: a draft approved by keyboard
// reaches Telegram, the triage keys change the conversation, the context dock edits it, a dead
// letter is retried or discarded from the queue dock, the health dock reports channels and
// providers, the event inspector shows a message's events and JSON, and F1 lists the keys.

#include "consolefixture.h"
#include "fakes/fakeopenai.h"
#include "fakes/faketelegram.h"
#include "ui/contextpanel.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/draftcard.h"
#include "ui/eventinspector.h"
#include "ui/healthpanel.h"
#include "ui/inboxpanel.h"
#include "ui/jsonhighlighter.h"
#include "ui/mainwindow.h"
#include "ui/messagebubble.h"
#include "ui/queuepanel.h"
#include "ui/shortcutsdialog.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QInputDialog>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableWidget>
#include <QToolButton>
#include <QTreeWidget>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

constexpr qint64 kFirstChat = 5550101;

} // namespace

class TestTriage : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;
    FakeTelegram m_telegram;
    FakeOpenAi m_openai;
    qint64 m_nextChat = kFirstChat;

    // A Telegram customer in a chat the bot knows, so replies can be delivered.
    Outcome<IngestResult> telegramCustomer(const QString &name, const QString &text,
                                           Priority priority = Priority::Normal)
    {
        const qint64 chat = m_nextChat++;
        m_telegram.addChat(chat);
        ConsoleFixture::Post post;
        post.user = name;
        post.text = text;
        post.priority = priority;
        post.metadata = {{QStringLiteral("chat_id"), QString::number(chat)},
                         {QStringLiteral("username"), name},
                         {QStringLiteral("message_id"), QString::number(chat % 1000)}};
        return m_console.ingest(post);
    }

    static void press(QWidget *target, Qt::Key key, Qt::KeyboardModifiers modifiers = {})
    {
        QTest::keyClick(target, key, modifiers);
        QCoreApplication::processEvents();
    }

    DraftCard *waitForDraftCard(MainWindow &window)
    {
        ConversationView *view = window.conversationView();
        if (!QTest::qWaitFor([&] { return view->newestDraftCard() != nullptr; },
                             ConsoleFixture::kJobTimeoutMs))
            return nullptr;
        return view->newestDraftCard();
    }

    QList<QJsonObject> telegramSends() const
    {
        return m_telegram.callParameters(QStringLiteral("sendMessage"));
    }

private slots:
    void initTestCase()
    {
        const QString telegram = m_telegram.baseUrl();
        const QString openai = m_openai.baseUrl();
        m_openai.setReply(QStringLiteral("Thanks for your patience! I have checked your order and "
                                         "it is on its way."));
        QVERIFY2(m_console.start(
                     QStringLiteral("tst_triage"),
                     [telegram, openai](Settings &settings) {
                         settings.telegram.enabled = true;
                         settings.telegram.botToken =
                             QString::fromLatin1(FakeTelegram::DefaultToken);
                         settings.telegram.baseUrl = telegram;
                         settings.telegram.webhookSecret = QStringLiteral("s3cret");
                         settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
                         settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
                         settings.openai.baseUrl = openai;
                     }),
                 qPrintable(m_console.errorString()));
    }

    void init()
    {
        QSettings().clear();
        QSettings().setValue(QStringLiteral("Operator/name"), QStringLiteral("dana"));
    }

    void cleanupTestCase() { m_console.stop(); }

    void draftApprovedByKeyboardReachesTelegram()
    {
        const auto posted =
            telegramCustomer(QStringLiteral("kim"), QStringLiteral("Where is my order 5521?"));
        QVERIFY(posted.isOk());
        QVERIFY(!m_console.waitForDraft(posted.value().conversationId).isEmpty());

        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.activateWindow();
        QListView *list = window.conversationList();
        list->setFocus();
        // J walks to the first conversation; Enter goes into its draft.
        QTRY_VERIFY(window.conversationModel()->rowCount() > 0);
        press(list, Qt::Key_J);
        QTRY_COMPARE(window.selectedConversationId(), posted.value().conversationId);
        DraftCard *card = waitForDraftCard(window);
        QVERIFY(card);
        const QString draftId = card->messageId();
        press(list, Qt::Key_Return);
        QTRY_VERIFY(card->editor()->hasFocus());
        // Back to the list; Ctrl+Return from there approves the newest draft.
        press(card->editor(), Qt::Key_Escape);
        QTRY_VERIFY(list->hasFocus());
        const int sendsBefore = int(telegramSends().size());
        press(list, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(telegramSends().size() > sendsBefore,
                                 ConsoleFixture::kJobTimeoutMs);
        const QJsonObject sent = telegramSends().constLast();
        QCOMPARE(sent.value(QStringLiteral("chat_id")).toVariant().toString(),
                 QString::number(kFirstChat));
        QCOMPARE(sent.value(QStringLiteral("text")).toString(), card->originalContent());
        QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(draftId), QStringLiteral("sent"),
                                  ConsoleFixture::kJobTimeoutMs);
        ConversationView *view = window.conversationView();
        QTRY_VERIFY(view->bubble(draftId) &&
                    view->bubble(draftId)->state() == QStringLiteral("sent"));
        bool approvedByDana = false;
        for (const MessageEvent &event : m_console.eventsOf(draftId))
            approvedByDana |=
                event.type == EventType::Approved && event.detail == QLatin1String("dana");
        QVERIFY(approvedByDana);

        // R goes to the composer; typing and Ctrl+Return there sends the operator's own reply.
        press(list, Qt::Key_R);
        QPlainTextEdit *composer = window.conversationView()->composer();
        QTRY_VERIFY(composer->hasFocus());
        QTest::keyClicks(composer, QStringLiteral("Anything else?"));
        QCOMPARE(composer->toPlainText(), QStringLiteral("Anything else?"));
        press(composer, Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(telegramSends().constLast().value(QStringLiteral("text")) ==
                                     QStringLiteral("Anything else?"),
                                 ConsoleFixture::kJobTimeoutMs);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("triage-after-keyboard")));
    }

    void triageKeysChangeTheConversation()
    {
        const auto first =
            telegramCustomer(QStringLiteral("lee"), QStringLiteral("The app logs me out"));
        const auto second =
            telegramCustomer(QStringLiteral("max"), QStringLiteral("Wrong size delivered"));
        QVERIFY(first.isOk() && second.isOk());
        const QString id = first.value().conversationId;
        QVERIFY(!m_console.waitForDraft(id).isEmpty());

        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.activateWindow();
        QListView *list = window.conversationList();
        QTRY_VERIFY(window.selectConversation(id));
        list->setFocus();
        QTRY_COMPARE(window.contextPanel()->conversationId(), id);

        // 1-4 set the priority.
        press(list, Qt::Key_4);
        QTRY_COMPARE(int(m_console.conversation(id).value().priority), int(Priority::Urgent));
        QTRY_COMPARE(window.contextPanel()->priorityBox()->currentData().toInt(),
                     int(Priority::Urgent));
        press(list, Qt::Key_1);
        QTRY_COMPARE(int(m_console.conversation(id).value().priority), int(Priority::Low));

        // G regenerates the draft with an instruction.
        DraftCard *card = waitForDraftCard(window);
        QVERIFY(card);
        const QString oldDraft = card->messageId();
        const int openaiCalls = int(m_openai.requests().size());
        press(list, Qt::Key_G);
        QInputDialog *dialog = nullptr;
        QTRY_VERIFY(
            (dialog = window.findChild<QInputDialog *>(QStringLiteral("regenerateDialog"))) &&
            dialog->isVisible());
        dialog->setTextValue(QStringLiteral("Mention the new app version"));
        dialog->accept();
        QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(oldDraft), QStringLiteral("rejected"),
                                  ConsoleFixture::kJobTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_openai.requests().size() > openaiCalls,
                                 ConsoleFixture::kJobTimeoutMs);
        // The operator's instruction travels to the provider.
        QVERIFY(QString::fromUtf8(m_openai.requests().constLast().body)
                    .contains(QStringLiteral("Mention the new app version")));
        QTRY_VERIFY_WITH_TIMEOUT(window.conversationView()->newestDraftCard() &&
                                     window.conversationView()->newestDraftCard()->messageId() !=
                                         oldDraft,
                                 ConsoleFixture::kJobTimeoutMs);

        // Ctrl+Shift+R resolves; J and K move through the inbox. (Closing the dialog gives the
        // activation back to the window, which the offscreen platform leaves to the caller.)
        window.activateWindow();
        QTRY_COMPARE(QApplication::activeWindow(), &window);
        press(list, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_COMPARE(int(m_console.conversation(id).value().status),
                     int(ConversationStatus::Resolved));
        QTRY_VERIFY(window.selectConversation(second.value().conversationId) ||
                    window.selectedConversationId() == second.value().conversationId);
        // Resolving reloads the list (the resolved row may leave it): let it settle so the
        // neighbours below are the ones K and J move between.
        auto *listModel = qobject_cast<ConversationListModel *>(list->model());
        QVERIFY(listModel);
        QTRY_VERIFY(!listModel->isLoading() &&
                    listModel->rowOf(second.value().conversationId) >= 0);
        QTest::qWait(2 * ConversationListModel::kDebounceMs);
        QTRY_VERIFY(!listModel->isLoading());
        const int row = listModel->rowOf(second.value().conversationId);
        const QString above = row > 0 ? listModel->idAt(row - 1) : QString();
        press(list, Qt::Key_K);
        if (row > 0) {
            QTRY_COMPARE(window.selectedConversationId(), above);
            press(list, Qt::Key_J);
        }
        QTRY_COMPARE(window.selectedConversationId(), second.value().conversationId);

        // Ctrl+F jumps to the search box; letters typed there are text, not shortcuts.
        press(list, Qt::Key_F, Qt::ControlModifier);
        QLineEdit *search = window.inboxPanel()->searchBox();
        QTRY_VERIFY(search->hasFocus());
        QTest::keyClicks(search, QStringLiteral("jk4"));
        QCOMPARE(search->text(), QStringLiteral("jk4"));
        QCOMPARE(window.selectedConversationId(), second.value().conversationId);
        QCOMPARE(int(m_console.conversation(second.value().conversationId).value().priority),
                 int(Priority::Normal));
    }

    void contextDockEditsTheConversation()
    {
        const auto posted = telegramCustomer(QStringLiteral("nia"),
                                             QStringLiteral("Please update my billing address"));
        QVERIFY(posted.isOk());
        const QString id = posted.value().conversationId;
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QTRY_VERIFY(window.selectConversation(id));
        ContextPanel *context = window.contextPanel();
        QTRY_COMPARE(context->conversation().id, id);
        QVERIFY2(
            context->platformIdsText().contains(QStringLiteral("chat_id: %1").arg(m_nextChat - 1)),
            qPrintable(context->platformIdsText()));

        // Labels: typed and added with Return, removed with their chip.
        QTest::keyClicks(context->labelEdit(), QStringLiteral("billing"));
        QTest::keyClick(context->labelEdit(), Qt::Key_Return);
        QTRY_COMPARE(m_console.conversation(id).value().labels,
                     QStringList{QStringLiteral("billing")});
        // The panel patches from its copy of the labels: let the first change come back first.
        QTRY_COMPARE(context->labelChips().size(), 1);
        QTest::keyClicks(context->labelEdit(), QStringLiteral("vip"));
        QTest::keyClick(context->labelEdit(), Qt::Key_Return);
        QTRY_COMPARE(m_console.conversation(id).value().labels,
                     (QStringList{QStringLiteral("billing"), QStringLiteral("vip")}));
        QTRY_COMPARE(context->labelChips().size(), 2);
        // The inbox row shows them too.
        QTRY_COMPARE(window.conversationModel()
                         ->index(window.conversationModel()->rowOf(id))
                         .data(ConversationListModel::LabelsRole)
                         .toStringList()
                         .size(),
                     2);
        context->labelChips().constFirst()->click();
        QTRY_COMPARE(m_console.conversation(id).value().labels, QStringList{QStringLiteral("vip")});

        // AI mode and assignee.
        context->aiModeButton(AiMode::Manual)->click();
        QTRY_COMPARE(int(m_console.conversation(id).value().aiMode), int(AiMode::Manual));
        QTRY_VERIFY(context->aiModeButton(AiMode::Manual)->isChecked());
        context->findChild<QPushButton *>(QStringLiteral("assignMeButton"))->click();
        QTRY_COMPARE(m_console.conversation(id).value().assignee, QStringLiteral("dana"));
        QTRY_COMPARE(context->assigneeBox()->currentText(), QStringLiteral("dana"));

        // Status: resolve, reopen, archive.
        context->resolveButton()->click();
        QTRY_COMPARE(int(m_console.conversation(id).value().status),
                     int(ConversationStatus::Resolved));
        QTRY_VERIFY(!context->resolveButton()->isEnabled() && context->reopenButton()->isEnabled());
        context->reopenButton()->click();
        QTRY_COMPARE(int(m_console.conversation(id).value().status), int(ConversationStatus::Open));
        QVERIFY(ConsoleFixture::screenshot(window.contextDock(), QStringLiteral("dock-context")));
        context->archiveButton()->click();
        QTRY_COMPARE(int(m_console.conversation(id).value().status),
                     int(ConversationStatus::Archived));
        // Archived conversations leave the active inbox; the open one stays on screen.
        QCOMPARE(window.conversationView()->conversationId(), id);
    }

    void deadLetterRetriedFromTheQueueDock()
    {
        const auto posted = telegramCustomer(
            QStringLiteral("ola"), QStringLiteral("Cancel my order please"), Priority::High);
        QVERIFY(posted.isOk());
        const QString draftId = m_console.waitForDraft(posted.value().conversationId);
        QVERIFY(!draftId.isEmpty());
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QueuePanel *queue = window.queuePanel();
        window.queueDock()->raise();
        QTRY_VERIFY(queue->shownCount(QStringLiteral("dead"), Priority::High) >= 0);
        const int deadBefore = queue->shownCount(QStringLiteral("dead"), Priority::High);

        // Telegram refuses the chat for good: the send job becomes a dead letter.
        m_telegram.failNext(
            QStringLiteral("sendMessage"),
            FakeTelegram::errorFixture(QStringLiteral("error_400_chat_not_found.json"), 400));
        QVERIFY(
            ConsoleFixture::await(m_console.engine()->approve(draftId, {}, QStringLiteral("dana")))
                .isOk());
        QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(draftId), QStringLiteral("dead_lettered"),
                                  ConsoleFixture::kJobTimeoutMs);
        QTRY_COMPARE(queue->shownCount(QStringLiteral("dead"), Priority::High), deadBefore + 1);
        QTreeWidget *dead = queue->deadLetters();
        QTreeWidgetItem *row = nullptr;
        QTRY_VERIFY([&] {
            for (int i = 0; i < dead->topLevelItemCount(); ++i) {
                if (dead->topLevelItem(i)->text(1).contains(QStringLiteral("ola")))
                    row = dead->topLevelItem(i);
            }
            return row != nullptr;
        }());
        // The platform's own words reach the operator.
        // The Bot API's description when its body is read, the status when it is not.
        QVERIFY2(row->text(2).contains(QStringLiteral("chat not found")) ||
                     row->text(2).contains(QStringLiteral("400")),
                 qPrintable(row->text(2)));
        QVERIFY(ConsoleFixture::screenshot(window.queueDock(), QStringLiteral("dock-queue")));

        dead->clearSelection();
        row->setSelected(true);
        QVERIFY(queue->retryButton()->isEnabled());
        const int sendsBefore = int(telegramSends().size());
        queue->retryButton()->click();
        QMessageBox *confirm = nullptr;
        QTRY_VERIFY(
            (confirm = queue->findChild<QMessageBox *>(QStringLiteral("retryConfirmation"))) &&
            confirm->isVisible());
        confirm->findChild<QPushButton *>(QStringLiteral("confirmRetryButton"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(draftId), QStringLiteral("sent"),
                                  ConsoleFixture::kJobTimeoutMs);
        QVERIFY(telegramSends().size() > sendsBefore);
        QTRY_COMPARE(queue->shownCount(QStringLiteral("dead"), Priority::High), deadBefore);
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("sent back")));
    }

    void bulkRetryShowsProgress()
    {
        // Discord has no channel here: these replies dead-letter every time.
        QStringList drafts;
        for (const QString &name :
             {QStringLiteral("pat#1"), QStringLiteral("quinn#2"), QStringLiteral("ray#3")}) {
            const auto posted =
                m_console.ingest(name, QStringLiteral("Hello from Discord"), Platform::Discord);
            QVERIFY(posted.isOk());
            const QString draft = m_console.waitForDraft(posted.value().conversationId);
            QVERIFY(!draft.isEmpty());
            QVERIFY(ConsoleFixture::await(
                        m_console.engine()->approve(draft, {}, QStringLiteral("dana")))
                        .isOk());
            drafts << draft;
        }
        for (const QString &draft : std::as_const(drafts))
            QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(draft), QStringLiteral("dead_lettered"),
                                      ConsoleFixture::kJobTimeoutMs);
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QueuePanel *queue = window.queuePanel();
        QTRY_VERIFY(queue->deadLetters()->topLevelItemCount() >= 3);
        const int letters = queue->deadLetters()->topLevelItemCount();
        queue->retryAllButton()->click();
        QMessageBox *confirm = nullptr;
        QTRY_VERIFY(
            (confirm = queue->findChild<QMessageBox *>(QStringLiteral("retryConfirmation"))) &&
            confirm->isVisible());
        QVERIFY(confirm->text().contains(QString::number(letters)));
        confirm->findChild<QPushButton *>(QStringLiteral("confirmRetryButton"))->click();
        QVERIFY(queue->progressBar()->isVisible() || !queue->isRetrying());
        QTRY_VERIFY_WITH_TIMEOUT(!queue->isRetrying(), ConsoleFixture::kJobTimeoutMs);
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(
            QStringLiteral("%1 dead letters sent back").arg(letters)));
        QVERIFY(queue->progressBar()->isHidden());
    }

    void deadLettersDiscardedFromTheQueueDock()
    {
        // Discord has no channel here: these replies dead-letter every time.
        QStringList drafts;
        for (const QString &name : {QStringLiteral("sol#4"), QStringLiteral("tam#5")}) {
            const auto posted =
                m_console.ingest(name, QStringLiteral("Please call me back"), Platform::Discord);
            QVERIFY(posted.isOk());
            const QString draft = m_console.waitForDraft(posted.value().conversationId);
            QVERIFY(!draft.isEmpty());
            QVERIFY(ConsoleFixture::await(
                        m_console.engine()->approve(draft, {}, QStringLiteral("dana")))
                        .isOk());
            drafts << draft;
        }
        for (const QString &draft : std::as_const(drafts))
            QTRY_COMPARE_WITH_TIMEOUT(m_console.stateOf(draft), QStringLiteral("dead_lettered"),
                                      ConsoleFixture::kJobTimeoutMs);
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QueuePanel *queue = window.queuePanel();
        window.queueDock()->raise();
        QTreeWidget *dead = queue->deadLetters();
        const auto rowsOf = [dead](const QStringList &names) {
            QList<QTreeWidgetItem *> rows;
            for (int i = 0; i < dead->topLevelItemCount(); ++i) {
                for (const QString &name : names) {
                    if (dead->topLevelItem(i)->text(1).contains(name))
                        rows << dead->topLevelItem(i);
                }
            }
            return rows;
        };
        const QStringList names{QStringLiteral("sol"), QStringLiteral("tam")};
        QTRY_COMPARE(rowsOf(names).size(), 2);
        QVERIFY(!queue->discardButton()->isEnabled());

        // Cancelling the confirmation keeps everything.
        dead->clearSelection();
        for (QTreeWidgetItem *row : rowsOf(names))
            row->setSelected(true);
        QVERIFY(queue->discardButton()->isEnabled());
        QCOMPARE(queue->discardButton()->text(), QStringLiteral("Discard 2"));
        dead->setFocus();
        // Delete on the list asks, like the button.
        QTest::keyClick(dead, Qt::Key_Delete);
        QMessageBox *confirm = nullptr;
        QTRY_VERIFY(
            (confirm = queue->findChild<QMessageBox *>(QStringLiteral("discardConfirmation"))) &&
            confirm->isVisible());
        QVERIFY(confirm->text().contains(QStringLiteral("2")));
        // Enter must not destroy anything: Cancel is the default.
        QVERIFY(confirm->defaultButton() !=
                confirm->findChild<QPushButton *>(QStringLiteral("confirmDiscardButton")));
        QVERIFY(ConsoleFixture::screenshot(confirm, QStringLiteral("dock-queue-discard-confirm")));
        confirm->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!queue->findChild<QMessageBox *>(QStringLiteral("discardConfirmation")));
        QCOMPARE(m_console.stateOf(drafts.first()), QStringLiteral("dead_lettered"));

        queue->discardButton()->click();
        QTRY_VERIFY(
            (confirm = queue->findChild<QMessageBox *>(QStringLiteral("discardConfirmation"))) &&
            confirm->isVisible());
        confirm->findChild<QPushButton *>(QStringLiteral("confirmDiscardButton"))->click();
        QVERIFY(queue->progressBar()->isVisible() || !queue->isRetrying());
        QTRY_VERIFY_WITH_TIMEOUT(!queue->isRetrying(), ConsoleFixture::kJobTimeoutMs);
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(
            QStringLiteral("2 dead letters discarded")));
        QVERIFY(queue->progressBar()->isHidden());
        for (const QString &draft : std::as_const(drafts)) {
            QCOMPARE(m_console.stateOf(draft), QStringLiteral("discarded"));
            bool byDana = false;
            for (const MessageEvent &event : m_console.eventsOf(draft))
                byDana |=
                    event.type == EventType::Discarded && event.detail == QLatin1String("dana");
            QVERIFY(byDana);
        }
        // Only these two went: letters of earlier tests may still come and go meanwhile.
        QTRY_VERIFY(rowsOf(names).isEmpty());
        QVERIFY(
            ConsoleFixture::screenshot(window.queueDock(), QStringLiteral("dock-queue-discarded")));
    }

    void healthDockReportsChannelsAndProviders()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        HealthPanel *health = window.healthPanel();
        window.healthDock()->raise();
        // Earlier tests sent through Telegram and called OpenAI.
        QTRY_VERIFY(health->keys().contains(QStringLiteral("channel:telegram")));
        QTRY_VERIFY(health->keys().contains(QStringLiteral("ai:openai")));
        QTRY_VERIFY(
            health->detailText(QStringLiteral("ai:openai")).contains(QStringLiteral("Today:")));
        QVERIFY(
            health->stateText(QStringLiteral("ai:openai")).startsWith(QStringLiteral("Circuit")));
        QVERIFY(health->level(QStringLiteral("ai:openai")) != HealthPanel::Level::Bad);
        QVERIFY2(
            health->detailText(QStringLiteral("channel:telegram")).contains(QStringLiteral("Last")),
            qPrintable(health->detailText(QStringLiteral("channel:telegram"))));
        QVERIFY(ConsoleFixture::screenshot(window.healthDock(), QStringLiteral("dock-health")));
    }

    void eventInspectorShowsTheTimelineAndJson()
    {
        const auto posted =
            telegramCustomer(QStringLiteral("sia"), QStringLiteral("Is there a student discount?"));
        QVERIFY(posted.isOk());
        QVERIFY(!m_console.waitForDraft(posted.value().conversationId).isEmpty());
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        MessageBubble *bubble = nullptr;
        QTRY_VERIFY((bubble = window.conversationView()->bubble(posted.value().messageId)) !=
                    nullptr);
        window.inspectorDock()->raise();
        QTest::mouseClick(bubble, Qt::LeftButton, {}, QPoint(30, 20));
        EventInspector *inspector = window.eventInspector();
        QTRY_COMPARE(inspector->messageId(), posted.value().messageId);
        QTRY_VERIFY(inspector->timeline()->topLevelItemCount() >= 2);
        QCOMPARE(inspector->timeline()->topLevelItem(0)->text(1), QStringLiteral("Queued"));
        const QString json = inspector->jsonView()->toPlainText();
        QVERIFY(json.contains(QStringLiteral("\"events\"")));
        QVERIFY(json.contains(QStringLiteral("Is there a student discount?")));
        QVERIFY(inspector->highlighter() != nullptr);
        inspector->copyButton()->click();
        QCOMPARE(QApplication::clipboard()->text(), json);
        QVERIFY(
            ConsoleFixture::screenshot(window.inspectorDock(), QStringLiteral("dock-inspector")));
    }

    void f1ShowsTheCheatSheet()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.activateWindow();
        press(window.conversationList(), Qt::Key_F1);
        ShortcutsDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<ShortcutsDialog *>()) && dialog->isVisible());
        QStringList keys;
        for (int row = 0; row < dialog->table()->rowCount(); ++row) {
            if (dialog->table()->item(row, 1))
                keys << dialog->table()->item(row, 1)->text();
        }
        for (const QString &expected :
             {QStringLiteral("J"), QStringLiteral("K"), QStringLiteral("Return"),
              QStringLiteral("Ctrl+Return, Ctrl+Enter"), QStringLiteral("E"), QStringLiteral("R"),
              QStringLiteral("G"), QStringLiteral("Ctrl+F"), QStringLiteral("1"),
              QStringLiteral("4"), QStringLiteral("Ctrl+Shift+R"), QStringLiteral("F1")})
            QVERIFY2(keys.contains(expected), qPrintable(expected + QStringLiteral(" in ") +
                                                         keys.join(QStringLiteral(" | "))));
        QVERIFY(ConsoleFixture::screenshot(dialog, QStringLiteral("dialog-shortcuts")));
        dialog->close();
    }

    void everyControlHasAnAccessibleName()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        const auto posted = telegramCustomer(QStringLiteral("tom"), QStringLiteral("Hi"));
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        QTRY_VERIFY(window.conversationView()->newestDraftCard() != nullptr);
        QStringList unnamed;
        for (QWidget *widget : window.findChildren<QWidget *>()) {
            const bool control =
                qobject_cast<QAbstractButton *>(widget) || qobject_cast<QLineEdit *>(widget) ||
                qobject_cast<QComboBox *>(widget) || qobject_cast<QPlainTextEdit *>(widget) ||
                qobject_cast<QAbstractItemView *>(widget);
            // Headers and corner buttons belong to their table, which carries the name.
            if (!control || !widget->isVisibleTo(&window) ||
                qobject_cast<QAbstractItemView *>(widget->parentWidget()))
                continue;
            // Buttons are named by their text; everything else needs an accessible name.
            const auto *button = qobject_cast<QAbstractButton *>(widget);
            const bool named = !widget->accessibleName().isEmpty() ||
                               (button && !button->text().isEmpty()) ||
                               widget->parentWidget()->inherits("QComboBox") ||
                               (qobject_cast<QLineEdit *>(widget) &&
                                qobject_cast<QComboBox *>(widget->parentWidget()));
            if (!named && !widget->objectName().startsWith(QLatin1String("qt_")))
                unnamed << QStringLiteral("%1 (%2)").arg(
                    widget->objectName(), QString::fromLatin1(widget->metaObject()->className()));
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    }
};

QTEST_MAIN(TestTriage)
#include "tst_triage.moc"
