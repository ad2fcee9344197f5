// The inbox dock against a real engine: order by waiting time, sort orders remembered across
// windows, filters and full-text search narrowing the list, paging on scroll, and live updates
// that keep the operator's selection and scroll position.

#include "consolefixture.h"
#include "fakes/fakehttpserver.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/inboxpanel.h"
#include "ui/mainwindow.h"

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QToolButton>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

// The ids among `ids` in the order the inbox shows them.
QStringList shownOrder(const ConversationListModel *model, const QStringList &ids)
{
    QStringList shown;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (ids.contains(model->idAt(row)))
            shown << model->idAt(row);
    }
    return shown;
}

// What an operator's click on a combo box item does (activated is the user's signal).
void choose(QComboBox *box, const QString &data)
{
    const int index = box->findData(data);
    QVERIFY2(index >= 0, qPrintable(data));
    box->setCurrentIndex(index);
    Q_EMIT box->activated(index);
}

bool allRows(const ConversationListModel *model, int role, const QVariant &value)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row).data(role) != value)
            return false;
    }
    return true;
}

} // namespace

class TestInbox : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;
    // Every reply goes out through the generic webhook channel to this server.
    FakeHttpServer m_webhook;

    QString post(const QString &user, const QString &text, Platform platform = Platform::Telegram,
                 Priority priority = Priority::Normal)
    {
        // Distinct activity times, so the waiting order is unambiguous.
        QTest::qWait(3);
        const auto result = m_console.ingest(user, text, platform, priority);
        return result.isOk() ? result.value().conversationId : QString();
    }

    bool patch(const QString &conversationId, const ConversationPatch &patch)
    {
        return ConsoleFixture::await(m_console.engine()->updateConversation(conversationId, patch))
            .isOk();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_webhook.isListening());
        const QString outbound = m_webhook.url(QStringLiteral("/outbound")).toString();
        QVERIFY2(m_console.start(QStringLiteral("tst_inbox"),
                                 [outbound](Settings &settings) {
                                     settings.webhookEnabled = true;
                                     settings.webhookOutboundUrl = outbound;
                                 }),
                 qPrintable(m_console.errorString()));
    }

    void init() { QSettings().clear(); }
    void cleanupTestCase() { m_console.stop(); }

    void longestWaitingComesFirst()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationListModel *model = window.conversationModel();
        QCOMPARE(window.inboxPanel()->sortOrder()->currentData().toString(),
                 QStringLiteral("waiting"));

        const QString anna = post(QStringLiteral("anna"), QStringLiteral("Where is order 4411?"));
        const QString ben =
            post(QStringLiteral("ben"), QStringLiteral("Refund please"), Platform::Discord);
        const QString cleo = post(QStringLiteral("cleo@example.com"),
                                  QStringLiteral("Invoice copy?"), Platform::Email);
        QVERIFY(!anna.isEmpty() && !ben.isEmpty() && !cleo.isEmpty());
        const QStringList ids{anna, ben, cleo};
        QTRY_COMPARE(shownOrder(model, ids), ids);
        const QPersistentModelIndex annaRow = model->index(model->rowOf(anna));
        QTRY_COMPARE(annaRow.data(ConversationListModel::UnreadRole).toInt(), 1);
        QVERIFY(annaRow.data(ConversationListModel::WaitingSinceRole).toDateTime().isValid());

        // Ben is being read; his row stays put while others move.
        QVERIFY(window.selectConversation(ben));
        QTRY_COMPARE(window.conversationView()->conversationId(), ben);
        QSignalSpy resets(model, &QAbstractItemModel::modelReset);

        // Anna writes again: still waiting since her first message, but her activity is the
        // newest now, so she sorts after the others.
        const QDateTime annaWaiting =
            annaRow.data(ConversationListModel::WaitingSinceRole).toDateTime();
        QCOMPARE(post(QStringLiteral("anna"), QStringLiteral("Hello? Any news?")), anna);
        QTRY_COMPARE(shownOrder(model, ids), (QStringList{ben, cleo, anna}));
        const QModelIndex annaNow = model->index(model->rowOf(anna));
        QTRY_COMPARE(annaNow.data(ConversationListModel::UnreadRole).toInt(), 2);
        QCOMPARE(annaNow.data(ConversationListModel::WaitingSinceRole).toDateTime(), annaWaiting);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(window.selectedConversationId(), ben);

        // An operator reply answers the customer: nobody waits on Cleo any more.
        Message reply;
        reply.authorKind = AuthorKind::Operator;
        reply.content = QStringLiteral("Attached to this mail.");
        QVERIFY(ConsoleFixture::await(m_console.engine()->reply(cleo, reply)).isOk());
        const auto cleoRow = [model, cleo] { return model->index(model->rowOf(cleo)); };
        QTRY_COMPARE(cleoRow().data(ConversationListModel::UnreadRole).toInt(), 0);
        QVERIFY(!cleoRow().data(ConversationListModel::WaitingSinceRole).toDateTime().isValid());
        QTRY_VERIFY(m_webhook.requestCount() > 0);
        QCOMPARE(window.selectedConversationId(), ben);
        QVERIFY(ConsoleFixture::screenshot(window.inboxDock(), QStringLiteral("inbox-waiting")));
    }

    void sortOrderIsRemembered()
    {
        const QString low =
            post(QStringLiteral("lou"), QStringLiteral("No rush"), Platform::Sms, Priority::Low);
        const QString urgent = post(QStringLiteral("ursula"), QStringLiteral("Site is down!"),
                                    Platform::Webhook, Priority::Urgent);
        const QString high = post(QStringLiteral("hank"), QStringLiteral("Billing error"),
                                  Platform::Twitter, Priority::High);
        const QStringList ids{low, urgent, high};
        {
            MainWindow window(m_console.engine());
            QVERIFY(ConsoleFixture::open(window));
            ConversationListModel *model = window.conversationModel();
            QCOMPARE(shownOrder(model, ids), ids);
            choose(window.inboxPanel()->sortOrder(), QStringLiteral("priority"));
            QTRY_COMPARE(shownOrder(model, ids), (QStringList{urgent, high, low}));
            QVERIFY(model->filter().sort == ConversationSort::Priority);
            // Priority first: the urgent conversation leads the whole inbox.
            QCOMPARE(model->index(0).data(ConversationListModel::PriorityRole).toInt(),
                     int(Priority::Urgent));
        }
        QCOMPARE(QSettings().value(QStringLiteral("Inbox/sort")).toString(),
                 QStringLiteral("priority"));
        {
            MainWindow window(m_console.engine());
            QVERIFY(ConsoleFixture::open(window));
            QCOMPARE(window.inboxPanel()->sortOrder()->currentData().toString(),
                     QStringLiteral("priority"));
            ConversationListModel *model = window.conversationModel();
            QCOMPARE(shownOrder(model, ids), (QStringList{urgent, high, low}));
            choose(window.inboxPanel()->sortOrder(), QStringLiteral("newest"));
            QTRY_COMPARE(shownOrder(model, ids), (QStringList{high, urgent, low}));
        }
        MainWindow window(m_console.engine());
        QCOMPARE(window.inboxPanel()->sortOrder()->currentData().toString(),
                 QStringLiteral("newest"));
    }

    void filtersNarrowTheList()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        InboxPanel *inbox = window.inboxPanel();
        ConversationListModel *model = window.conversationModel();

        const QString discord =
            post(QStringLiteral("dina#2231"), QStringLiteral("Bot keeps kicking me"),
                 Platform::Discord, Priority::Urgent);
        const QString sms =
            post(QStringLiteral("+14155550123"), QStringLiteral("Store hours?"), Platform::Sms);
        // A card number: moderation flags the conversation for a person.
        const QString flagged = post(QStringLiteral("fritz"),
                                     QStringLiteral("My card is 4111 1111 1111 1111, charge it"));
        QVERIFY(!discord.isEmpty() && !sms.isEmpty() && !flagged.isEmpty());
        QTRY_VERIFY(model->rowOf(sms) >= 0);
        const int everything = model->rowCount();

        choose(inbox->platformFilter(), QStringLiteral("discord"));
        QTRY_VERIFY(!model->isLoading() && model->rowOf(sms) < 0);
        QVERIFY(model->rowOf(discord) >= 0);
        QVERIFY(allRows(model, ConversationListModel::PlatformRole, int(Platform::Discord)));
        QVERIFY(model->rowCount() < everything);

        choose(inbox->priorityFilter(), QStringLiteral("urgent"));
        QTRY_VERIFY(!model->isLoading());
        QVERIFY(model->rowOf(discord) >= 0);
        QVERIFY(allRows(model, ConversationListModel::PriorityRole, int(Priority::Urgent)));
        QVERIFY(ConsoleFixture::screenshot(window.inboxDock(), QStringLiteral("inbox-filtered")));

        // Nothing matches: the empty page offers to clear the filters.
        choose(inbox->platformFilter(), QStringLiteral("mms"));
        QTRY_COMPARE(model->rowCount(), 0);
        auto *clear = inbox->findChild<QPushButton *>(QStringLiteral("clearFiltersButton"));
        QVERIFY(clear && clear->isVisible());
        QVERIFY(ConsoleFixture::screenshot(window.inboxDock(), QStringLiteral("inbox-no-match")));
        clear->click();
        QTRY_VERIFY(!model->isLoading() && model->rowCount() == everything);
        QCOMPARE(inbox->platformFilter()->currentIndex(), 0);

        // Status: resolving a conversation elsewhere takes it out of the active inbox live.
        ConversationPatch resolve;
        resolve.status = ConversationStatus::Resolved;
        QVERIFY(patch(sms, resolve));
        QTRY_VERIFY(model->rowOf(sms) < 0);
        choose(inbox->statusFilter(), QStringLiteral("resolved"));
        QTRY_VERIFY(!model->isLoading() && model->rowOf(sms) >= 0);
        QVERIFY(
            allRows(model, ConversationListModel::StatusRole, int(ConversationStatus::Resolved)));
        choose(inbox->statusFilter(), QStringLiteral("active"));
        QTRY_VERIFY(!model->isLoading() && model->rowOf(sms) < 0);

        // Flagged by moderation.
        inbox->flaggedFilter()->setChecked(true);
        QTRY_VERIFY(!model->isLoading() && model->rowOf(flagged) >= 0);
        QVERIFY(allRows(model, ConversationListModel::FlaggedRole, true));
        QVERIFY(model->rowOf(discord) < 0);
        inbox->flaggedFilter()->setChecked(false);

        // Needs review: only conversations with a draft waiting.
        QVERIFY(!m_console.waitForDraft(discord).isEmpty());
        inbox->needsReviewFilter()->setChecked(true);
        QTRY_VERIFY(!model->isLoading() && model->rowOf(discord) >= 0);
        QTRY_VERIFY(model->rowCount() > 0 &&
                    !allRows(model, ConversationListModel::PendingDraftsRole, 0));
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->index(row).data(ConversationListModel::PendingDraftsRole).toInt() > 0);
        inbox->needsReviewFilter()->setChecked(false);

        // Assigned to me, live: assigning a conversation to the operator brings it in.
        const QString me = window.conversationView()->operatorName();
        inbox->mineFilter()->setChecked(true);
        QTRY_VERIFY(!model->isLoading());
        QVERIFY(model->rowOf(discord) < 0);
        ConversationPatch assign;
        assign.assignee = me;
        QVERIFY(patch(discord, assign));
        QTRY_VERIFY(model->rowOf(discord) >= 0);
        QVERIFY(allRows(model, ConversationListModel::AssigneeRole, me));
        inbox->mineFilter()->setChecked(false);

        // Labels: a label given elsewhere becomes a choice of the label filter.
        ConversationPatch label;
        label.labels = QStringList{QStringLiteral("vip")};
        QVERIFY(patch(flagged, label));
        QTRY_VERIFY(inbox->labelFilter()->findData(QStringLiteral("vip")) >= 0);
        choose(inbox->labelFilter(), QStringLiteral("vip"));
        QTRY_VERIFY(!model->isLoading() && model->rowOf(flagged) >= 0);
        QCOMPARE(model->rowCount(), 1);

        // Every filter is remembered.
        MainWindow again(m_console.engine());
        QCOMPARE(again.inboxPanel()->labelFilter()->currentData().toString(),
                 QStringLiteral("vip"));
        QVERIFY(again.inboxPanel()->hasActiveFilters());
        QCOMPARE(again.conversationModel()->filter().label, QStringLiteral("vip"));
    }

    void searchNarrowsTheList()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        InboxPanel *inbox = window.inboxPanel();
        ConversationListModel *model = window.conversationModel();
        const QString match =
            post(QStringLiteral("sam"), QStringLiteral("The zeppelin tracking page is blank"));
        const QString other = post(QStringLiteral("tia"), QStringLiteral("Password reset mail"));
        QTRY_VERIFY(model->rowOf(other) >= 0);

        inbox->focusSearch();
        QTest::keyClicks(inbox->searchBox(), QStringLiteral("zeppel"));
        QTRY_VERIFY(model->filter().search == QStringLiteral("zeppel"));
        QTRY_VERIFY(!model->isLoading());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->idAt(0), match);

        // New messages are checked against the search as they arrive.
        const QString later =
            post(QStringLiteral("uma"), QStringLiteral("Is the zeppelin tour still on?"));
        const QString unrelated = post(QStringLiteral("vic"), QStringLiteral("Change my address"));
        QTRY_VERIFY(model->rowOf(later) >= 0);
        QTest::qWait(ConversationListModel::kDebounceMs * 3);
        QVERIFY(model->rowOf(unrelated) < 0);
        QCOMPARE(model->rowCount(), 2);
        // The search is not remembered.
        QVERIFY(!QSettings().contains(QStringLiteral("Inbox/search")));

        inbox->searchBox()->clear();
        QTRY_VERIFY(!model->isLoading() && model->rowOf(unrelated) >= 0);
    }

    void pagesLoadOnScrollAndLiveUpdatesKeepTheView()
    {
        // More conversations than one page, all carrying a word that isolates them.
        QList<QFuture<Outcome<IngestResult>>> futures;
        const int total = ConversationListModel::kPageSize + 40;
        for (int i = 0; i < total; ++i) {
            Message message;
            message.platform = Platform(i % 7);
            message.userId = QStringLiteral("pager-%1").arg(i);
            message.content = QStringLiteral("quokka question number %1").arg(i);
            futures << m_console.engine()->ingest(message);
        }
        for (auto &future : futures)
            QVERIFY(ConsoleFixture::await(future).isOk());

        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        InboxPanel *inbox = window.inboxPanel();
        ConversationListModel *model = window.conversationModel();
        choose(inbox->sortOrder(), QStringLiteral("newest"));
        inbox->searchBox()->setText(QStringLiteral("quokka"));
        QTRY_VERIFY(model->filter().search == QStringLiteral("quokka") && !model->isLoading());
        QCOMPARE(model->rowCount(), ConversationListModel::kPageSize);
        QVERIFY(model->hasMore());

        // Scrolling to the end asks for the next page.
        QListView *list = inbox->list();
        list->scrollToBottom();
        QTRY_COMPARE(model->rowCount(), total);
        QVERIFY(!model->hasMore());
        QSet<QString> unique;
        for (int row = 0; row < model->rowCount(); ++row)
            unique.insert(model->idAt(row));
        QCOMPARE(unique.size(), total);

        // Scrolled into the middle with a row selected, a new conversation arrives on top:
        // the rows in view and the selection stay.
        const int middle = total / 2;
        QVERIFY(window.selectConversation(model->idAt(middle)));
        const QString selected = model->idAt(middle);
        list->scrollTo(model->index(middle), QAbstractItemView::PositionAtTop);
        QCoreApplication::processEvents();
        QVERIFY(list->verticalScrollBar()->value() > 0);
        const QString topBefore =
            list->indexAt(QPoint(1, 1)).data(ConversationListModel::IdRole).toString();
        QVERIFY(!topBefore.isEmpty());
        QSignalSpy inserted(model, &QAbstractItemModel::rowsInserted);
        const QString fresh = post(QStringLiteral("pager-new"),
                                   QStringLiteral("one more quokka question"), Platform::Email);
        QTRY_COMPARE(model->rowOf(fresh), 0);
        QCOMPARE(inserted.count(), 1);
        QCoreApplication::processEvents();
        QCOMPARE(list->indexAt(QPoint(1, 1)).data(ConversationListModel::IdRole).toString(),
                 topBefore);
        QCOMPARE(window.selectedConversationId(), selected);
        QCOMPARE(window.conversationView()->conversationId(), selected);

        // J/K walk the list from the selection.
        QVERIFY(inbox->selectRelative(1));
        QCOMPARE(window.selectedConversationId(), model->idAt(model->rowOf(selected) + 1));
        QVERIFY(inbox->selectRelative(-1));
        QCOMPARE(window.selectedConversationId(), selected);
        QVERIFY(ConsoleFixture::screenshot(window.inboxDock(), QStringLiteral("inbox-paged")));
    }
};

QTEST_MAIN(TestInbox)
#include "tst_inbox.moc"
