// The storage reads behind the console's inbox and retry actions: the filters, the sort orders
// with their keyset cursors, finding and discarding the dead letter of a message, and the
// private notes shown among a conversation's messages.

#include "core/uuid7.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "storage/noterepository.h"
#include "testdatabase.h"

#include <QTest>

using namespace relaydesk;

namespace {

const QDateTime kBase = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);

struct Seed {
    QString name;
    Platform platform;
    ConversationStatus status;
    Priority priority;
    int activityMinutes; // after kBase
    QStringList labels;
    QString assignee;
    bool flagged;
    QString text;
};

QStringList namesOf(const QList<Conversation> &conversations)
{
    QStringList names;
    for (const Conversation &c : conversations)
        names << c.participants.value(0);
    return names;
}

} // namespace

class TestInboxQueries : public QObject
{
    Q_OBJECT

private:
    // Conversations are created in the order listed (so Newest is the reverse) with activity
    // times that order them differently.
    static bool seed(TestDatabase &db)
    {
        const QList<Seed> seeds{
            {QStringLiteral("anna"),
             Platform::Telegram,
             ConversationStatus::Open,
             Priority::Normal,
             30,
             {QStringLiteral("billing")},
             QString(),
             false,
             QStringLiteral("My invoice shows the wrong amount")},
            {QStringLiteral("ben"),
             Platform::Discord,
             ConversationStatus::Pending,
             Priority::Urgent,
             10,
             {QStringLiteral("bug"), QStringLiteral("billing_vip")},
             QStringLiteral("sam"),
             false,
             QStringLiteral("The app crashes on start")},
            {QStringLiteral("cleo"),
             Platform::Email,
             ConversationStatus::Resolved,
             Priority::High,
             5,
             {},
             QStringLiteral("sam"),
             true,
             QStringLiteral("Please delete my account")},
            {QStringLiteral("dev"),
             Platform::Sms,
             ConversationStatus::Open,
             Priority::Urgent,
             20,
             {QStringLiteral("billing")},
             QString(),
             false,
             QStringLiteral("Charged twice for one order")},
            {QStringLiteral("eve"),
             Platform::Telegram,
             ConversationStatus::Archived,
             Priority::Low,
             40,
             {},
             QString(),
             false,
             QStringLiteral("Thanks, all good now")},
        };
        QSqlDatabase connection = db.connection();
        ConversationRepository conversations(connection);
        MessageRepository messages(connection);
        for (const Seed &s : seeds) {
            Conversation c;
            c.id = Uuid7::generate();
            c.platform = s.platform;
            c.threadKey = s.name;
            c.participants = {s.name};
            c.status = s.status;
            c.priority = s.priority;
            c.labels = s.labels;
            c.assignee = s.assignee;
            c.lastActivityAt = kBase.addSecs(s.activityMinutes * 60);
            c.createdAt = kBase;
            if (!conversations.insert(c).isOk())
                return false;
            if (s.flagged) {
                ConversationPatch patch;
                patch.flagged = true;
                if (!conversations.update(c.id, patch).isOk())
                    return false;
            }
            Message m;
            m.id = Uuid7::generate();
            m.conversationId = c.id;
            m.platform = s.platform;
            m.userId = s.name;
            m.content = s.text;
            m.createdAt = c.lastActivityAt;
            if (!messages.insert(m).isOk())
                return false;
        }
        return true;
    }

    static QStringList list(TestDatabase &db, ConversationFilter filter)
    {
        auto page = ConversationRepository(db.connection()).list(filter);
        if (!page.isOk())
            return {QStringLiteral("error: ") + page.error().message};
        return namesOf(page.value().items);
    }

    // Reads every page of `filter` two rows at a time.
    static QStringList allPages(TestDatabase &db, ConversationFilter filter)
    {
        filter.limit = 2;
        QStringList names;
        for (int guard = 0; guard < 10; ++guard) {
            auto page = ConversationRepository(db.connection()).list(filter);
            if (!page.isOk())
                return {QStringLiteral("error: ") + page.error().message};
            names << namesOf(page.value().items);
            if (page.value().nextCursor.isEmpty())
                return names;
            filter.cursor = page.value().nextCursor;
        }
        return {QStringLiteral("error: paging did not end")};
    }

private slots:
    void defaultOrderIsNewestFirst_data() { TestDatabase::addBackendRows(); }
    void defaultOrderIsNewestFirst()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        const QStringList newest{QStringLiteral("eve"), QStringLiteral("dev"),
                                 QStringLiteral("cleo"), QStringLiteral("ben"),
                                 QStringLiteral("anna")};
        QCOMPARE(list(db, {}), newest);
        QCOMPARE(allPages(db, {}), newest);
        // The API's cursor stays a plain conversation id.
        ConversationFilter filter;
        filter.limit = 2;
        auto page = ConversationRepository(db.connection()).list(filter);
        QVERIFY(page.isOk());
        QCOMPARE(page.value().nextCursor, page.value().items.constLast().id);
    }

    void sortOrdersPageWithTheirOwnCursor_data() { TestDatabase::addBackendRows(); }
    void sortOrdersPageWithTheirOwnCursor()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        ConversationFilter waiting;
        waiting.sort = ConversationSort::LongestWaiting;
        const QStringList byWaiting{QStringLiteral("cleo"), QStringLiteral("ben"),
                                    QStringLiteral("dev"), QStringLiteral("anna"),
                                    QStringLiteral("eve")};
        QCOMPARE(list(db, waiting), byWaiting);
        QCOMPARE(allPages(db, waiting), byWaiting);

        ConversationFilter priority;
        priority.sort = ConversationSort::Priority;
        const QStringList byPriority{QStringLiteral("ben"), QStringLiteral("dev"),
                                     QStringLiteral("cleo"), QStringLiteral("anna"),
                                     QStringLiteral("eve")};
        QCOMPARE(list(db, priority), byPriority);
        QCOMPARE(allPages(db, priority), byPriority);
        for (int limit = 1; limit <= 4; ++limit) {
            priority.limit = limit;
            QStringList names;
            ConversationFilter paged = priority;
            for (int guard = 0; guard < 10; ++guard) {
                auto page = ConversationRepository(db.connection()).list(paged);
                QVERIFY(page.isOk());
                names << namesOf(page.value().items);
                if (page.value().nextCursor.isEmpty())
                    break;
                paged.cursor = page.value().nextCursor;
            }
            QCOMPARE(names, byPriority);
        }
    }

    void foreignOrGarbageCursorsAreRefused_data() { TestDatabase::addBackendRows(); }
    void foreignOrGarbageCursorsAreRefused()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        ConversationRepository repository(db.connection());
        ConversationFilter filter;
        filter.sort = ConversationSort::LongestWaiting;
        filter.limit = 2;
        auto first = repository.list(filter);
        QVERIFY(first.isOk());
        for (const QString &cursor :
             {QStringLiteral("nonsense"), QStringLiteral("w:abc:x"), QStringLiteral("w:12:"),
              QStringLiteral("p:1:2:x"), QStringLiteral("w:1:2:3:4")}) {
            filter.cursor = cursor;
            auto page = repository.list(filter);
            QVERIFY2(!page.isOk(), qPrintable(cursor));
            QCOMPARE(page.error().kind, ErrorKind::Invalid);
        }
        // A waiting cursor handed to the priority order is refused rather than misread.
        filter.sort = ConversationSort::Priority;
        filter.cursor = first.value().nextCursor;
        QVERIFY(!repository.list(filter).isOk());
    }

    void filtersNarrowTheList_data() { TestDatabase::addBackendRows(); }
    void filtersNarrowTheList()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        ConversationFilter filter;
        filter.sort = ConversationSort::LongestWaiting;

        ConversationFilter active = filter;
        active.statuses = {ConversationStatus::Open, ConversationStatus::Pending};
        QCOMPARE(list(db, active), (QStringList{QStringLiteral("ben"), QStringLiteral("dev"),
                                                QStringLiteral("anna")}));

        ConversationFilter telegram = filter;
        telegram.platform = Platform::Telegram;
        QCOMPARE(list(db, telegram), (QStringList{QStringLiteral("anna"), QStringLiteral("eve")}));

        ConversationFilter urgent = filter;
        urgent.priority = Priority::Urgent;
        QCOMPARE(list(db, urgent), (QStringList{QStringLiteral("ben"), QStringLiteral("dev")}));

        ConversationFilter flagged = filter;
        flagged.flagged = true;
        QCOMPARE(list(db, flagged), QStringList{QStringLiteral("cleo")});

        ConversationFilter mine = filter;
        mine.assignee = QStringLiteral("sam");
        QCOMPARE(list(db, mine), (QStringList{QStringLiteral("cleo"), QStringLiteral("ben")}));

        // A whole label, not a prefix of another one ("billing" is not "billing_vip"); LIKE's
        // wildcards in the label are taken literally.
        ConversationFilter billing = filter;
        billing.label = QStringLiteral("billing");
        QCOMPARE(list(db, billing), (QStringList{QStringLiteral("dev"), QStringLiteral("anna")}));
        billing.label = QStringLiteral("billing%");
        QCOMPARE(list(db, billing), QStringList());
        billing.label = QStringLiteral("billing_vip");
        QCOMPARE(list(db, billing), QStringList{QStringLiteral("ben")});

        ConversationFilter search = filter;
        search.search = QStringLiteral("charged");
        QCOMPARE(list(db, search), QStringList{QStringLiteral("dev")});

        // Filters combine.
        ConversationFilter combined = active;
        combined.label = QStringLiteral("billing");
        combined.priority = Priority::Urgent;
        QCOMPARE(list(db, combined), QStringList{QStringLiteral("dev")});
    }

    void needsReviewFindsWaitingDrafts_data() { TestDatabase::addBackendRows(); }
    void needsReviewFindsWaitingDrafts()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        QSqlDatabase connection = db.connection();
        ConversationFilter byName;
        byName.participant = QStringLiteral("dev");
        auto dev = ConversationRepository(connection).list(byName);
        QVERIFY(dev.isOk() && dev.value().items.size() == 1);
        Message draft;
        draft.id = Uuid7::generate();
        draft.conversationId = dev.value().items.first().id;
        draft.direction = Direction::Outbound;
        draft.platform = Platform::Sms;
        draft.authorKind = AuthorKind::Ai;
        draft.content = QStringLiteral("Sorry about that, the second charge is refunded.");
        draft.createdAt = kBase.addSecs(3600);
        MessageRepository messages(connection);
        QVERIFY(messages.insert(draft).isOk());
        QVERIFY(messages.addEvent(draft.id, EventType::Drafted).isOk());

        ConversationFilter review;
        review.needsReview = true;
        QCOMPARE(list(db, review), QStringList{QStringLiteral("dev")});
        QVERIFY(messages.addEvent(draft.id, EventType::Approved).isOk());
        QCOMPARE(list(db, review), QStringList());
    }

    void deadForFindsTheNewestDeadLetterOfAMessage_data() { TestDatabase::addBackendRows(); }
    void deadForFindsTheNewestDeadLetterOfAMessage()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        auto none = queue.deadFor(QStringLiteral("m1"));
        QVERIFY(none.isOk());
        QVERIFY(!none.value().has_value());

        auto first =
            queue.enqueue(QStringLiteral("send"), QStringLiteral("m1"), {}, Priority::Normal, 1);
        auto other =
            queue.enqueue(QStringLiteral("send"), QStringLiteral("m2"), {}, Priority::Normal, 1);
        QVERIFY(first.isOk() && other.isOk());
        // Still ready: not a dead letter.
        QVERIFY(!queue.deadFor(QStringLiteral("m1")).value().has_value());
        const auto claimed = queue.claim(10, QStringLiteral("test"), 60);
        QVERIFY(claimed.isOk());
        QCOMPARE(claimed.value().size(), 2);
        for (const Job &job : claimed.value()) {
            auto failed = queue.fail(job.id, QStringLiteral("no channel for ") + job.messageId,
                                     RetryPolicy{});
            QVERIFY(failed.isOk() && failed.value());
        }
        auto found = queue.deadFor(QStringLiteral("m1"));
        QVERIFY(found.isOk() && found.value().has_value());
        QCOMPARE(found.value()->id, first.value());
        QCOMPARE(found.value()->lastError, QStringLiteral("no channel for m1"));

        QVERIFY(queue.retry(first.value()).isOk());
        QVERIFY(!queue.deadFor(QStringLiteral("m1")).value().has_value());
        QVERIFY(queue.deadFor(QStringLiteral("m2")).value().has_value());
    }

    void discardRemovesOnlyDeadLetters_data() { TestDatabase::addBackendRows(); }
    void discardRemovesOnlyDeadLetters()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        JobQueue queue(db.connection());
        auto doomed =
            queue.enqueue(QStringLiteral("send"), QStringLiteral("m1"), {}, Priority::High, 1);
        auto living =
            queue.enqueue(QStringLiteral("send"), QStringLiteral("m2"), {}, Priority::Normal, 1);
        QVERIFY(doomed.isOk() && living.isOk());
        // A ready job may still succeed: refusing it is the point.
        auto early = queue.discard(doomed.value());
        QVERIFY(!early.isOk());
        QCOMPARE(early.error().kind, ErrorKind::Conflict);
        auto claimed = queue.claim(1, QStringLiteral("test"), 60);
        QVERIFY(claimed.isOk());
        QCOMPARE(claimed.value().size(), 1);
        QCOMPARE(claimed.value().first().id, doomed.value());
        QVERIFY(
            queue.fail(doomed.value(), QStringLiteral("chat not found"), RetryPolicy{}).value());
        QCOMPARE(queue.counts().value().total(QStringLiteral("dead")), 1);

        auto discarded = queue.discard(doomed.value());
        QVERIFY2(discarded.isOk(), qPrintable(discarded.error().message));
        QCOMPARE(discarded.value().state, QStringLiteral("dead"));
        QCOMPARE(discarded.value().lastError, QStringLiteral("chat not found"));
        QCOMPARE(queue.counts().value().total(QStringLiteral("dead")), 0);
        QCOMPARE(queue.get(doomed.value()).error().kind, ErrorKind::NotFound);
        QVERIFY(!queue.deadFor(QStringLiteral("m1")).value().has_value());
        QCOMPARE(queue.discard(doomed.value()).error().kind, ErrorKind::NotFound);
        // The other job is untouched.
        QCOMPARE(queue.get(living.value()).value().state, QStringLiteral("ready"));
    }

    void notesListInIdOrderFromAMessage_data() { TestDatabase::addBackendRows(); }
    void notesListInIdOrderFromAMessage()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(seed(db));
        const auto conversations =
            ConversationRepository(db.connection()).list(ConversationFilter{});
        QVERIFY(conversations.isOk());
        const QString conversationId = conversations.value().items.first().id;
        const QString otherId = conversations.value().items.last().id;
        NoteRepository notes(db.connection());
        QStringList ids;
        for (const QString &text :
             {QStringLiteral("first"), QStringLiteral("second"), QStringLiteral("third")}) {
            const Note note{Uuid7::generate(), conversationId, QStringLiteral("dana"), text, kBase};
            QVERIFY(notes.insert(note).isOk());
            ids << note.id;
        }
        QVERIFY(
            notes
                .insert(Note{Uuid7::generate(), otherId, QString(), QStringLiteral("other"), kBase})
                .isOk());
        auto all = notes.forConversation(conversationId);
        QVERIFY2(all.isOk(), qPrintable(all.error().message));
        QCOMPARE(all.value().size(), 3);
        QCOMPARE(all.value().at(0).content, QStringLiteral("first"));
        QCOMPARE(all.value().at(2).content, QStringLiteral("third"));
        QCOMPARE(all.value().at(0).author, QStringLiteral("dana"));
        QCOMPARE(all.value().at(0).createdAt, kBase);
        auto fromSecond = notes.forConversation(conversationId, ids.at(1));
        QVERIFY(fromSecond.isOk());
        QCOMPARE(fromSecond.value().size(), 2);
        QCOMPARE(fromSecond.value().first().id, ids.at(1));
        // A note is not a message: nothing that reads messages sees it.
        auto recent = MessageRepository(db.connection()).recent(conversationId, 50);
        QVERIFY(recent.isOk());
        for (const Message &m : recent.value())
            QVERIFY(!m.content.startsWith(QStringLiteral("first")));
        // A note about a conversation that does not exist is refused by the database.
        QVERIFY(!notes
                     .insert(Note{Uuid7::generate(), QStringLiteral("nope"), QString(),
                                  QStringLiteral("orphan"), kBase})
                     .isOk());
    }
};

QTEST_GUILESS_MAIN(TestInboxQueries)
#include "tst_inboxqueries.moc"
