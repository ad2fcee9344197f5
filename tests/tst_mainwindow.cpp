#include "consolefixture.h"
#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/draftcard.h"
#include "ui/mainwindow.h"
#include "ui/messagebubble.h"
#include "ui/translations.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <memory>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

constexpr int kJobTimeoutMs = ConsoleFixture::kJobTimeoutMs;

QStringList stateTexts(const ConversationView *view)
{
    QStringList states;
    for (const MessageBubble *bubble : view->bubbles())
        states << bubble->state();
    return states;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    Outcome<IngestResult> ingest(const QString &user, const QString &text,
                                 Platform platform = Platform::Telegram,
                                 Priority priority = Priority::Normal)
    {
        return m_console.ingest(user, text, platform, priority);
    }

    QList<MessageEvent> eventsOf(const QString &messageId) { return m_console.eventsOf(messageId); }
    QString stateOf(const QString &messageId) { return m_console.stateOf(messageId); }

    void screenshot(QWidget *widget, const QString &name)
    {
        QVERIFY2(ConsoleFixture::screenshot(widget, name), qPrintable(name));
    }

    // Shows a window and waits until its inbox finished the first load.
    void open(MainWindow &window)
    {
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(!window.conversationModel()->isLoading());
    }

    // Selects the conversation and waits for the view to show it and its draft card.
    DraftCard *openDraft(MainWindow &window, const QString &conversationId)
    {
        if (!QTest::qWaitFor([&] { return window.selectConversation(conversationId); }))
            return nullptr;
        ConversationView *view = window.conversationView();
        if (!QTest::qWaitFor([&] { return !view->draftCards().isEmpty(); }, kJobTimeoutMs))
            return nullptr;
        return view->draftCards().constLast();
    }

    ConsoleFixture m_console;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_console.start(QStringLiteral("tst_mainwindow"),
                                 [](Settings &settings) {
                                     QVERIFY(settings.defaultAiMode == AiMode::Review);
                                     // The original three attempts: failures still dead-letter
                                     // at once when no channel can take the message.
                                     settings.retryAttempts = 3;
                                 }),
                 qPrintable(m_console.errorString()));
    }

    void init() { QSettings().clear(); }

    void cleanupTestCase() { m_console.stop(); }

    void emptyWindowNamesEveryDockAndToolbar()
    {
        MainWindow window(m_console.engine());
        open(window);
        QCOMPARE(window.objectName(), QStringLiteral("relaydeskMainWindow"));
        const auto docks = window.findChildren<QDockWidget *>();
        QVERIFY(!docks.isEmpty());
        for (const QDockWidget *dock : docks) {
            QVERIFY2(!dock->objectName().isEmpty(), qPrintable(dock->windowTitle()));
            QVERIFY(window.viewMenu()->actions().contains(dock->toggleViewAction()));
        }
        const auto toolBars = window.findChildren<QToolBar *>();
        QVERIFY(!toolBars.isEmpty());
        for (const QToolBar *toolBar : toolBars)
            QVERIFY2(!toolBar->objectName().isEmpty(), qPrintable(toolBar->windowTitle()));
        QCOMPARE(window.conversationModel()->rowCount(), 0);
        QVERIFY(window.conversationView()->conversationId().isEmpty());
        QVERIFY(!window.conversationView()->sendButton()->isEnabled());
        screenshot(&window, QStringLiteral("01-empty"));
    }

    void viewMenuShowsAndHidesTheInbox()
    {
        MainWindow window(m_console.engine());
        open(window);
        QAction *toggle = window.inboxDock()->toggleViewAction();
        QVERIFY(toggle->isChecked());
        toggle->trigger();
        QVERIFY(window.inboxDock()->isHidden());
        toggle->trigger();
        QVERIFY(!window.inboxDock()->isHidden());
    }

    void dockFactoryRegistersNewPanels()
    {
        MainWindow window(m_console.engine());
        auto *panel = new QLabel(QStringLiteral("queue"));
        QDockWidget *dock = window.addDock(QStringLiteral("queueDock"), QStringLiteral("Queue"),
                                           panel, Qt::RightDockWidgetArea);
        QCOMPARE(dock->objectName(), QStringLiteral("queueDock"));
        QCOMPARE(dock->widget(), panel);
        QCOMPARE(window.dockWidgetArea(dock), Qt::RightDockWidgetArea);
        QVERIFY(window.viewMenu()->actions().contains(dock->toggleViewAction()));
    }

    void conversationsAppearAndUpdateInPlace()
    {
        // Newest first: new conversations go on top.
        QSettings().setValue(QStringLiteral("Inbox/sort"), QStringLiteral("newest"));
        MainWindow window(m_console.engine());
        open(window);
        ConversationListModel *model = window.conversationModel();
        const int before = model->rowCount();

        const auto alice =
            ingest(QStringLiteral("alice"), QStringLiteral("Hi, where is my order #1234?"));
        QVERIFY2(alice.isOk(), qPrintable(alice.error().message));
        QTRY_COMPARE(model->rowCount(), before + 1);
        QCOMPARE(model->idAt(0), alice.value().conversationId);
        QVERIFY(window.selectConversation(alice.value().conversationId));
        QCOMPARE(window.selectedConversationId(), alice.value().conversationId);
        QTRY_COMPARE(window.conversationView()->conversationId(), alice.value().conversationId);

        // A new conversation goes on top; the operator's selection stays where it was.
        const auto bob = ingest(QStringLiteral("bob"), QStringLiteral("My parcel arrived damaged"),
                                Platform::Discord, Priority::Urgent);
        QVERIFY(bob.isOk());
        QTRY_COMPARE(model->rowCount(), before + 2);
        QCOMPARE(model->idAt(0), bob.value().conversationId);
        QCOMPARE(window.selectedConversationId(), alice.value().conversationId);
        QCOMPARE(window.conversationList()->currentIndex().row(), 1);
        QCOMPARE(model->index(0).data(ConversationListModel::PriorityRole).toInt(),
                 int(Priority::Urgent));

        // A second message from alice joins her conversation and updates its row in place.
        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(model, &QAbstractItemModel::rowsInserted);
        const QModelIndex aliceRow = model->index(model->rowOf(alice.value().conversationId));
        const QDateTime firstActivity =
            aliceRow.data(ConversationListModel::LastActivityRole).toDateTime();
        QVERIFY(firstActivity.isValid());
        QTest::qWait(5); // the second message must be at least a millisecond younger
        const auto again =
            ingest(QStringLiteral("alice"), QStringLiteral("Any news on that order?"));
        QVERIFY(again.isOk());
        QCOMPARE(again.value().conversationId, alice.value().conversationId);
        QTRY_VERIFY(aliceRow.data(ConversationListModel::LastActivityRole).toDateTime() >
                    firstActivity);
        // The preview is the newest message: the customer's, or the draft answering it.
        const QString preview = aliceRow.data(ConversationListModel::PreviewRole).toString();
        QVERIFY2(preview == QStringLiteral("Any news on that order?") ||
                     preview == m_console.engine()->settings().offlineDefaultReply,
                 qPrintable(preview));
        QCOMPARE(model->rowCount(), before + 2);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserts.count(), 0);
        QCOMPARE(window.selectedConversationId(), alice.value().conversationId);
        QCOMPARE(window.conversationList()->currentIndex().row(), 1);

        // The view shows both customer messages, oldest first, and follows the new one.
        ConversationView *view = window.conversationView();
        QTRY_VERIFY(view->bubble(again.value().messageId) != nullptr);
        QVERIFY(view->bubble(alice.value().messageId) != nullptr);
        const auto bubbles = view->bubbles();
        QCOMPARE(bubbles.first()->messageId(), alice.value().messageId);
        QVERIFY(bubbles.first()->authorKind() == AuthorKind::Customer);
        QCOMPARE(bubbles.first()->shownContent(), QStringLiteral("Hi, where is my order #1234?"));

        // Review mode: a draft answers the conversation as it stands, announced by the badge
        // (a newer draft supersedes an older one).
        QTRY_COMPARE_WITH_TIMEOUT(aliceRow.data(ConversationListModel::PendingDraftsRole).toInt(),
                                  1, kJobTimeoutMs);
        QTRY_COMPARE(view->draftCards().size(), 1);

        const auto carol =
            ingest(QStringLiteral("carol@example.com"),
                   QStringLiteral("Please cancel my subscription."), Platform::Email);
        const auto dan = ingest(QStringLiteral("+1 555 0100"),
                                QStringLiteral("Is the store open on Sunday?"), Platform::Sms);
        QVERIFY(carol.isOk() && dan.isOk());
        QTRY_COMPARE(model->rowCount(), before + 4);
        QCOMPARE(window.selectedConversationId(), alice.value().conversationId);
        screenshot(&window, QStringLiteral("02-conversations"));

        // A change made elsewhere (another console, the API) updates the row and the header.
        ConversationPatch patch;
        patch.aiMode = AiMode::Manual;
        patch.priority = Priority::High;
        QVERIFY(ConsoleFixture::await(
                    m_console.engine()->updateConversation(alice.value().conversationId, patch))
                    .isOk());
        const QModelIndex aliceNow = model->index(model->rowOf(alice.value().conversationId));
        QTRY_COMPARE(aliceNow.data(ConversationListModel::AiModeRole).toInt(), int(AiMode::Manual));
        QCOMPARE(aliceNow.data(ConversationListModel::PriorityRole).toInt(), int(Priority::High));
        QCOMPARE(aliceNow.data(ConversationListModel::PendingDraftsRole).toInt(), 1);
        auto *subtitle = view->findChild<QLabel *>(QStringLiteral("conversationSubtitle"));
        QVERIFY(subtitle);
        QTRY_VERIFY2(subtitle->text().contains(QStringLiteral("Manual replies only")),
                     qPrintable(subtitle->text()));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(window.selectedConversationId(), alice.value().conversationId);

        // "Next draft" moves on to another conversation whose draft waits for review.
        for (const auto &other : {bob, carol, dan}) {
            QTRY_COMPARE_WITH_TIMEOUT(model->index(model->rowOf(other.value().conversationId))
                                          .data(ConversationListModel::PendingDraftsRole)
                                          .toInt(),
                                      1, kJobTimeoutMs);
        }
        window.findChild<QAction *>(QStringLiteral("nextDraftAction"))->trigger();
        QVERIFY(window.selectedConversationId() != alice.value().conversationId);
        QVERIFY(window.conversationList()
                    ->currentIndex()
                    .data(ConversationListModel::PendingDraftsRole)
                    .toInt() > 0);
        QTRY_COMPARE(view->conversationId(), window.selectedConversationId());
    }

    void burstOfMessagesIsCoalesced()
    {
        MainWindow window(m_console.engine());
        open(window);
        ConversationListModel *model = window.conversationModel();
        QSignalSpy refreshed(model, &ConversationListModel::rowsRefreshed);
        QSignalSpy added(m_console.engine(), &Engine::messageAdded);
        QList<QFuture<Outcome<IngestResult>>> futures;
        for (int i = 0; i < 40; ++i) {
            Message message;
            message.platform = Platform::Telegram;
            message.userId = QStringLiteral("burst-%1").arg(i % 4);
            message.content = QStringLiteral("burst message %1").arg(i);
            futures << m_console.engine()->ingest(message);
        }
        for (auto &future : futures)
            QVERIFY(ConsoleFixture::await(future).isOk());
        // Every burst conversation converges on what the database says.
        QSet<QString> conversations;
        for (auto &future : futures)
            conversations.insert(future.result().value().conversationId);
        QCOMPARE(conversations.size(), 4);
        for (const QString &id : std::as_const(conversations)) {
            const auto stored = ConsoleFixture::await(m_console.engine()->read<Conversation>(
                [id](QSqlDatabase &db) { return ConversationRepository(db).get(id); }));
            QVERIFY(stored.isOk());
            QTRY_VERIFY(model->rowOf(id) >= 0);
            QTRY_COMPARE(model->index(model->rowOf(id))
                             .data(ConversationListModel::LastActivityRole)
                             .toDateTime(),
                         stored.value().lastActivityAt);
        }
        qInfo("%lld list refreshes for %lld new messages", qlonglong(refreshed.count()),
              qlonglong(added.count()));
        QVERIFY(added.count() >= 40);
        // Every refresh covers all conversations that changed during the debounce interval.
        QVERIFY2(refreshed.count() * 4 < added.count(),
                 qPrintable(QStringLiteral("%1 refreshes for %2 messages")
                                .arg(refreshed.count())
                                .arg(added.count())));
    }

    void approveSendsTheEditedDraft()
    {
        MainWindow window(m_console.engine());
        open(window);
        const auto erin =
            ingest(QStringLiteral("erin"), QStringLiteral("Can I get a refund for order 77?"));
        QVERIFY(erin.isOk());
        DraftCard *card = openDraft(window, erin.value().conversationId);
        QVERIFY(card);
        const QString draftId = card->messageId();
        QCOMPARE(stateOf(draftId), QStringLiteral("drafted"));
        QVERIFY(!card->originalContent().isEmpty());
        QCOMPARE(card->editorText(), card->originalContent());
        const int row = window.conversationModel()->rowOf(erin.value().conversationId);
        QTRY_COMPARE(window.conversationModel()
                         ->index(row)
                         .data(ConversationListModel::PendingDraftsRole)
                         .toInt(),
                     1);
        screenshot(&window, QStringLiteral("03-draft-card"));

        const QString edited = QStringLiteral("Hi Erin, your refund for order 77 is on its way.");
        card->editor()->setPlainText(edited);
        QVERIFY(card->isEdited());
        QTest::mouseClick(card->findChild<QPushButton *>(QStringLiteral("approveButton")),
                          Qt::LeftButton);

        ConversationView *view = window.conversationView();
        QTRY_VERIFY(view->bubble(draftId) != nullptr);
        QVERIFY(view->draftCard(draftId) == nullptr);
        // No channel is configured in this test, so the send job dead-letters with a reason.
        QTRY_COMPARE_WITH_TIMEOUT(view->bubble(draftId)->state(), QStringLiteral("dead_lettered"),
                                  kJobTimeoutMs);
        MessageBubble *bubble = view->bubble(draftId);
        QCOMPARE(bubble->shownContent(), edited);
        QVERIFY2(bubble->stateDetail().contains(QStringLiteral("no channel")),
                 qPrintable(bubble->stateDetail()));

        bool approvedWithEdit = false;
        for (const MessageEvent &event : eventsOf(draftId)) {
            if (event.type == EventType::Approved && event.detail.contains(edited))
                approvedWithEdit = true;
        }
        QVERIFY(approvedWithEdit);
        QTRY_COMPARE(window.conversationModel()
                         ->index(row)
                         .data(ConversationListModel::PendingDraftsRole)
                         .toInt(),
                     0);
        screenshot(&window, QStringLiteral("04-after-approve"));
    }

    void ctrlReturnApprovesUneditedDraft()
    {
        MainWindow window(m_console.engine());
        open(window);
        const auto fay = ingest(QStringLiteral("fay"), QStringLiteral("Do you ship to Norway?"));
        QVERIFY(fay.isOk());
        DraftCard *card = openDraft(window, fay.value().conversationId);
        QVERIFY(card);
        const QString draftId = card->messageId();
        const QString original = card->originalContent();
        card->editor()->setFocus();
        QTest::keyClick(card->editor(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY(window.conversationView()->bubble(draftId) != nullptr);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(draftId) == QStringLiteral("dead_lettered"),
                                 kJobTimeoutMs);
        QCOMPARE(window.conversationView()->bubble(draftId)->shownContent(), original);
        // The shortcut approved; it did not also insert a line break into the draft.
        for (const MessageEvent &event : eventsOf(draftId))
            QVERIFY(!event.detail.contains(QStringLiteral("(edited)")));
    }

    void rejectAsksForAnOptionalReason()
    {
        MainWindow window(m_console.engine());
        open(window);
        const auto gus = ingest(QStringLiteral("gus"), QStringLiteral("I want to talk to a human"));
        QVERIFY(gus.isOk());
        DraftCard *card = openDraft(window, gus.value().conversationId);
        QVERIFY(card);
        const QString draftId = card->messageId();
        auto *reject = card->findChild<QPushButton *>(QStringLiteral("rejectButton"));

        // Cancelling the question keeps the draft.
        QTest::mouseClick(reject, Qt::LeftButton);
        QInputDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<QInputDialog *>(
                         QStringLiteral("rejectReasonDialog"))) != nullptr &&
                    dialog->isVisible());
        dialog->reject();
        QTRY_VERIFY(window.findChild<QInputDialog *>(QStringLiteral("rejectReasonDialog")) ==
                    nullptr);
        QCOMPARE(stateOf(draftId), QStringLiteral("drafted"));
        QVERIFY(window.conversationView()->draftCard(draftId) != nullptr);

        QTest::mouseClick(reject, Qt::LeftButton);
        QTRY_VERIFY((dialog = window.findChild<QInputDialog *>(
                         QStringLiteral("rejectReasonDialog"))) != nullptr &&
                    dialog->isVisible());
        dialog->setTextValue(QStringLiteral("Customer asked for a person"));
        dialog->accept();
        QTRY_VERIFY(window.conversationView()->bubble(draftId) != nullptr);
        MessageBubble *bubble = window.conversationView()->bubble(draftId);
        QTRY_COMPARE(bubble->state(), QStringLiteral("rejected"));
        QVERIFY2(bubble->stateDetail().contains(QStringLiteral("Customer asked for a person")),
                 qPrintable(bubble->stateDetail()));
        QCOMPARE(stateOf(draftId), QStringLiteral("rejected"));
        QTRY_VERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("rejected")));
    }

    void manualReplyGoesThroughTheComposer()
    {
        MainWindow window(m_console.engine());
        open(window);
        const auto hal =
            ingest(QStringLiteral("hal"), QStringLiteral("Where do I find my invoice?"));
        QVERIFY(hal.isOk());
        QTRY_VERIFY(window.selectConversation(hal.value().conversationId));
        ConversationView *view = window.conversationView();
        QTRY_VERIFY(view->bubble(hal.value().messageId) != nullptr);

        QPlainTextEdit *composer = view->composer();
        QVERIFY(!view->sendButton()->isEnabled());
        QTest::keyClicks(composer, QStringLiteral("Your invoice is under Account > Billing."));
        QVERIFY(view->sendButton()->isEnabled());
        QTest::mouseClick(view->sendButton(), Qt::LeftButton);
        QTRY_VERIFY(composer->toPlainText().isEmpty());

        const auto operatorBubbles = [view] {
            QList<MessageBubble *> found;
            for (MessageBubble *bubble : view->bubbles()) {
                if (bubble->authorKind() == AuthorKind::Operator)
                    found << bubble;
            }
            return found;
        };
        QTRY_COMPARE(operatorBubbles().size(), 1);
        QCOMPARE(operatorBubbles().first()->shownContent(),
                 QStringLiteral("Your invoice is under Account > Billing."));
        QTRY_COMPARE_WITH_TIMEOUT(operatorBubbles().first()->state(),
                                  QStringLiteral("dead_lettered"), kJobTimeoutMs);

        // Ctrl+Return sends from the composer as well.
        composer->setFocus();
        QTest::keyClicks(composer, QStringLiteral("Anything else I can help with?"));
        QTest::keyClick(composer, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE(operatorBubbles().size(), 2);
        QCOMPARE(operatorBubbles().last()->shownContent(),
                 QStringLiteral("Anything else I can help with?"));
        QTRY_VERIFY(composer->toPlainText().isEmpty());
        QVERIFY(stateTexts(view).size() >= 3);
    }

    void engineErrorsAreShownInReadableWords()
    {
        MainWindow window(m_console.engine());
        open(window);
        const auto ida =
            ingest(QStringLiteral("ida"), QStringLiteral("Is my warranty still valid?"));
        QVERIFY(ida.isOk());
        DraftCard *card = openDraft(window, ida.value().conversationId);
        QVERIFY(card);
        const QString draftId = card->messageId();

        // An empty edit is refused by the card before the engine is asked.
        card->editor()->clear();
        QTest::mouseClick(card->findChild<QPushButton *>(QStringLiteral("approveButton")),
                          Qt::LeftButton);
        QCOMPARE(stateOf(draftId), QStringLiteral("drafted"));
        auto *cardError = card->findChild<QLabel *>(QStringLiteral("draftError"));
        QVERIFY(cardError && !cardError->isHidden());
        card->editor()->setPlainText(card->originalContent());

        // Someone else approves first (without letting the window hear about it); the
        // console's own approval then conflicts and says so.
        auto elsewhere =
            m_console.engine()->approve(draftId, QString(), QStringLiteral("colleague"));
        elsewhere.waitForFinished();
        QVERIFY(elsewhere.result().isOk());
        QVERIFY(window.conversationView()->draftCard(draftId) == card);
        QTest::mouseClick(card->findChild<QPushButton *>(QStringLiteral("approveButton")),
                          Qt::LeftButton);
        QTRY_VERIFY2(window.statusBar()->currentMessage().contains(QStringLiteral("already")),
                     qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(window.statusBar()->currentMessage().startsWith(
            QStringLiteral("Approving the draft failed.")));
        QTRY_VERIFY(window.conversationView()->bubble(draftId) != nullptr);
    }

    void statusBarShowsEngineCounters()
    {
        MainWindow window(m_console.engine());
        open(window);
        auto *stats = window.findChild<QLabel *>(QStringLiteral("statsLabel"));
        QVERIFY(stats);
        const auto added = ingest(QStringLiteral("jo"), QStringLiteral("Hello there"));
        QVERIFY(added.isOk());
        const QString expected =
            QStringLiteral("Ingested: %1").arg(m_console.engine()->stats().messagesIngested);
        QTRY_VERIFY2_WITH_TIMEOUT(stats->text().contains(expected), qPrintable(stats->text()),
                                  3000);
        QVERIFY(stats->text().contains(QStringLiteral("Queue:")));
    }

    void aboutShowsTheVersion()
    {
        MainWindow window(m_console.engine());
        open(window);
        auto *about = window.findChild<QAction *>(QStringLiteral("aboutAction"));
        QVERIFY(about);
        about->trigger();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox *>(QStringLiteral("aboutBox"))) &&
                    box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral(RELAYDESK_VERSION)));
        box->close();
    }

    void windowStateIsSavedAndRestored()
    {
        {
            MainWindow window(m_console.engine());
            open(window);
            window.resize(1100, 720);
            window.addDockWidget(Qt::RightDockWidgetArea, window.inboxDock());
            window.findChild<QToolBar *>(QStringLiteral("mainToolBar"))->hide();
            QCoreApplication::processEvents();
            window.close(); // saves
        }
        QVERIFY(QSettings().contains(QStringLiteral("MainWindow/state")));
        {
            MainWindow window(m_console.engine());
            QCOMPARE(window.dockWidgetArea(window.inboxDock()), Qt::RightDockWidgetArea);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QCOMPARE(window.size(), QSize(1100, 720));
            QVERIFY(window.findChild<QToolBar *>(QStringLiteral("mainToolBar"))->isHidden());
            QVERIFY(!window.inboxDock()->isHidden());
            window.inboxDock()->hide();
            window.saveWindowState();
        }
        {
            MainWindow window(m_console.engine());
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            QVERIFY(window.inboxDock()->isHidden());
            QVERIFY(!window.inboxDock()->toggleViewAction()->isChecked());
            // Destroyed while shown (the application quitting on SIGTERM): still saved.
            window.inboxDock()->show();
            window.addDockWidget(Qt::LeftDockWidgetArea, window.inboxDock());
        }
        {
            MainWindow window(m_console.engine());
            QCOMPARE(window.dockWidgetArea(window.inboxDock()), Qt::LeftDockWidgetArea);
            QVERIFY(!window.inboxDock()->isHidden());
        }
    }

    void germanTranslationIsEmbedded()
    {
        QVERIFY(installTranslations(qApp, QLocale(QLocale::German, QLocale::Germany)));
        {
            MainWindow window(m_console.engine());
            QStringList menus;
            for (const QAction *action : window.menuBar()->actions())
                menus << action->text();
            QCOMPARE(menus, (QStringList{QStringLiteral("&Datei"), QStringLiteral("&Gehe zu"),
                                         QStringLiteral("&Unterhaltung"),
                                         QStringLiteral("&Ansicht"), QStringLiteral("&Hilfe")}));
            QCOMPARE(window.inboxDock()->windowTitle(), QStringLiteral("Posteingang"));
            QCOMPARE(window.conversationView()->sendButton()->text(), QStringLiteral("Senden"));
            open(window);
            QVERIFY(window.conversationModel()->rowCount() > 0);
            QVERIFY(window.selectConversation(window.conversationModel()->idAt(0)));
            QTRY_VERIFY(!window.conversationView()->bubbles().isEmpty());
            screenshot(&window, QStringLiteral("05-german"));
        }
        QVERIFY(!installTranslations(qApp, QLocale(QLocale::English, QLocale::UnitedStates)));
        MainWindow window(m_console.engine());
        QCOMPARE(window.inboxDock()->windowTitle(), QStringLiteral("Inbox"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
