#include "channels/webhooksigner.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "engine/pipelinewrites.h"
#include "fakes/fakehttpserver.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "testdatabase.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <memory>

using namespace relaydesk;

namespace {

const QString kSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
const QString kOrderReply = QStringLiteral("Your order is on its way and arrives within two days.");
constexpr int kTimeoutMs = 10000;

Settings settingsFor(const TestDatabase &db, const FakeHttpServer &server, AiMode mode)
{
    Settings s;
    s.dataDir = db.dataDir();
    s.databaseUrl = db.url();
    s.defaultAiMode = mode;
    s.offlineAnswers = {CannedAnswer{{QStringLiteral("order")}, kOrderReply}};
    s.webhookEnabled = true;
    s.webhookOutboundUrl = server.url(QStringLiteral("/outbound")).toString();
    s.webhookSecret = kSecret;
    s.webhookTimeoutMs = 5000;
    // Retries come due within milliseconds so the retry path runs at test speed.
    s.retryBaseMs = 10;
    s.retryMaxMs = 40;
    s.retryAttempts = 3;
    s.leaseSeconds = 30;
    s.workers = 4;
    return s;
}

Message customerMessage(const QString &user, const QString &content)
{
    Message m;
    m.platform = Platform::Webhook;
    m.userId = user;
    m.authorId = user;
    m.content = content;
    return m;
}

// Waits for an engine future while the event loop keeps running (the fake server answers on
// this thread).
template <typename T> Outcome<T> settle(QFuture<Outcome<T>> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, kTimeoutMs))
        return Outcome<T>::failure(ErrorKind::Internal, QStringLiteral("timed out"));
    return future.result();
}

QString stateOf(TestDatabase &db, const QString &messageId)
{
    auto message = MessageRepository(db.connection()).get(messageId);
    return message.isOk() ? message.value().state : message.error().message;
}

QStringList eventsOf(TestDatabase &db, const QString &messageId)
{
    QStringList types;
    auto events = MessageRepository(db.connection()).events(messageId);
    if (events.isOk()) {
        for (const MessageEvent &event : events.value())
            types << toString(event.type);
    }
    return types;
}

QString detailOf(TestDatabase &db, const QString &messageId, EventType type)
{
    auto events = MessageRepository(db.connection()).events(messageId);
    if (events.isOk()) {
        for (const MessageEvent &event : events.value()) {
            if (event.type == type)
                return event.detail;
        }
    }
    return {};
}

QString draftIn(TestDatabase &db, const QString &conversationId)
{
    return db
        .scalar(QStringLiteral("SELECT id FROM messages WHERE conversation_id = ? AND "
                               "author_kind = 'ai' ORDER BY id LIMIT 1"),
                {conversationId})
        .toString();
}

int countOf(TestDatabase &db, const QString &sql, const QVariantList &values = {})
{
    const QVariant value = db.scalar(sql, values);
    return value.isValid() ? value.toInt() : -1;
}

Job jobFor(TestDatabase &db, const QString &kind, const QString &messageId)
{
    const QString id = db.scalar(QStringLiteral("SELECT id FROM jobs WHERE kind = ? AND "
                                                "message_id = ? ORDER BY id DESC LIMIT 1"),
                                 {kind, messageId})
                           .toString();
    auto job = JobQueue(db.connection()).get(id);
    return job.isOk() ? job.value() : Job{};
}

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }

    // ingest -> queued + draft job -> offline draft waits for review -> approved with an edit ->
    // delivered by the webhook channel with the edited text -> sent.
    void reviewFlow_data() { TestDatabase::addBackendRows(); }
    void reviewFlow()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        server.setHandler([](const RecordedRequest &) {
            return FakeResponse::json(200, R"({"id":"delivery-1"})");
        });
        Engine engine(settingsFor(db, server, AiMode::Review));
        QStringList states;
        connect(
            &engine, &Engine::messageStateChanged, this,
            [&states](const QString &, const QString &, const QString &state) { states << state; });
        auto started = engine.start();
        QVERIFY2(started.isOk(), qPrintable(started.error().message));

        const auto ingested = settle(engine.ingest(
            customerMessage(QStringLiteral("user-1"), QStringLiteral("Where is my ORDER?"))));
        QVERIFY2(ingested.isOk(), qPrintable(ingested.error().message));
        const IngestResult r = ingested.value();
        QVERIFY(!r.duplicate);
        QVERIFY(!r.jobId.isEmpty());
        // Durable by the time the caller hears back: message, conversation, queued event, job.
        auto stored = MessageRepository(db.connection()).get(r.messageId);
        QVERIFY2(stored.isOk(), qPrintable(stored.error().message));
        QCOMPARE(stored.value().conversationId, r.conversationId);
        QCOMPARE(stored.value().content, QStringLiteral("Where is my ORDER?"));
        QVERIFY(ConversationRepository(db.connection()).get(r.conversationId).isOk());
        QCOMPARE(eventsOf(db, r.messageId).value(0), QStringLiteral("queued"));
        QCOMPARE(
            countOf(db, QStringLiteral("SELECT COUNT(*) FROM jobs WHERE id = ? AND kind = 'draft'"),
                    {r.jobId}),
            1);

        QString draft;
        QTRY_VERIFY_WITH_TIMEOUT(!(draft = draftIn(db, r.conversationId)).isEmpty() &&
                                     stateOf(db, draft) == QLatin1String("drafted"),
                                 kTimeoutMs);
        auto draftMessage = MessageRepository(db.connection()).get(draft);
        QCOMPARE(draftMessage.value().content, kOrderReply);
        QCOMPARE(draftMessage.value().metadata.value(QStringLiteral("in_reply_to")), r.messageId);
        QCOMPARE(draftMessage.value().metadata.value(QStringLiteral("provider")),
                 QStringLiteral("offline"));
        QCOMPARE(eventsOf(db, r.messageId),
                 (QStringList{QStringLiteral("queued"), QStringLiteral("processing"),
                              QStringLiteral("drafted")}));
        QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Draft, r.messageId).state,
                                  QStringLiteral("done"), kTimeoutMs);
        // Review mode: nothing goes out before an operator approves.
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM jobs WHERE kind = 'send'")), 0);
        QCOMPARE(server.requestCount(), 0);
        auto listed = ConversationRepository(db.connection()).list(ConversationFilter{});
        QCOMPARE(listed.value().items.value(0).pendingDrafts, 1);

        const QString edited = QStringLiteral("Edited: your order ships today.");
        const auto approved = settle(engine.approve(draft, edited, QStringLiteral("jane")));
        QVERIFY2(approved.isOk(), qPrintable(approved.error().message));
        QCOMPARE(approved.value().state, QStringLiteral("approved"));
        QVERIFY(detailOf(db, draft, EventType::Approved).contains(QLatin1String("jane (edited)")));

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, draft), QStringLiteral("sent"), kTimeoutMs);
        QCOMPARE(server.requestCount(), 1);
        const RecordedRequest request = server.requests().first();
        QCOMPARE(request.path, QStringLiteral("/outbound"));
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        QCOMPARE(body.value(QStringLiteral("content")).toString(), edited);
        QCOMPARE(body.value(QStringLiteral("id")).toString(), draft);
        QCOMPARE(body.value(QStringLiteral("conversation_id")).toString(), r.conversationId);
        QCOMPARE(request.header("webhook-id"), draft.toUtf8());
        QCOMPARE(request.header("idempotency-key"), draft.toUtf8());
        QVERIFY(WebhookSigner(kSecret).verify(request.header("webhook-id"),
                                              request.header("webhook-timestamp"), request.body,
                                              request.header("webhook-signature"), 60));
        QCOMPARE(eventsOf(db, draft),
                 (QStringList{QStringLiteral("drafted"), QStringLiteral("approved"),
                              QStringLiteral("sent")}));
        QCOMPARE(detailOf(db, draft, EventType::Sent), QStringLiteral("delivery-1"));
        // The stored message is immutable: the edit lives in the approval, not in the row.
        QCOMPARE(MessageRepository(db.connection()).get(draft).value().content, kOrderReply);
        QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Send, draft).state, QStringLiteral("done"),
                                  kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(states.contains(QStringLiteral("sent")), kTimeoutMs);
        QVERIFY(states.contains(QStringLiteral("drafted")));
        QVERIFY(states.contains(QStringLiteral("approved")));

        // A sent draft cannot be approved again.
        const auto again = settle(engine.approve(draft, QString(), QStringLiteral("jane")));
        QVERIFY(!again.isOk());
        QCOMPARE(again.error().kind, ErrorKind::Conflict);
        QTRY_COMPARE_WITH_TIMEOUT(engine.stats().jobsSucceeded, quint64(2), kTimeoutMs);
        QCOMPARE(engine.stats().messagesIngested, quint64(1));
    }

    void autoModeSendsWithoutApproval_data() { TestDatabase::addBackendRows(); }
    void autoModeSendsWithoutApproval()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        Engine engine(settingsFor(db, server, AiMode::Auto));
        QVERIFY(engine.start().isOk());

        const auto r = settle(engine.ingest(
            customerMessage(QStringLiteral("user-2"), QStringLiteral("order status please"))));
        QVERIFY2(r.isOk(), qPrintable(r.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, kTimeoutMs);
        const QJsonObject body = QJsonDocument::fromJson(server.requests().first().body).object();
        QCOMPARE(body.value(QStringLiteral("content")).toString(), kOrderReply);
        const QString draft = draftIn(db, r.value().conversationId);
        QCOMPARE(body.value(QStringLiteral("id")).toString(), draft);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, draft), QStringLiteral("sent"), kTimeoutMs);
        QCOMPARE(eventsOf(db, draft),
                 (QStringList{QStringLiteral("drafted"), QStringLiteral("approved"),
                              QStringLiteral("sent")}));
        QCOMPARE(detailOf(db, draft, EventType::Approved), QStringLiteral("auto"));
    }

    void manualModeDraftsNothing_data() { TestDatabase::addBackendRows(); }
    void manualModeDraftsNothing()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        Engine engine(settingsFor(db, server, AiMode::Manual));
        QVERIFY(engine.start().isOk());

        const auto r = settle(engine.ingest(
            customerMessage(QStringLiteral("user-3"), QStringLiteral("Where is my order?"))));
        QVERIFY2(r.isOk(), qPrintable(r.error().message));
        QVERIFY(r.value().jobId.isEmpty());
        // No job was ever queued, so no draft can appear later either.
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM jobs")), 0);
        QCOMPARE(eventsOf(db, r.value().messageId), QStringList{QStringLiteral("queued")});

        // The operator writes the answer by hand; it is delivered as written.
        Message reply;
        reply.content = QStringLiteral("Hi! I checked: it left the warehouse this morning.");
        reply.authorKind = AuthorKind::Operator;
        reply.authorId = QStringLiteral("jane");
        const auto sent = settle(engine.reply(r.value().conversationId, reply));
        QVERIFY2(sent.isOk(), qPrintable(sent.error().message));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, sent.value().messageId), QStringLiteral("sent"),
                                  kTimeoutMs);
        QCOMPARE(server.requestCount(), 1);
        const QJsonObject body = QJsonDocument::fromJson(server.requests().first().body).object();
        QCOMPARE(body.value(QStringLiteral("content")).toString(), reply.content);
        QCOMPARE(body.value(QStringLiteral("user_id")).toString(), QStringLiteral("user-3"));
        QCOMPARE(
            countOf(db, QStringLiteral("SELECT COUNT(*) FROM messages WHERE author_kind = 'ai'")),
            0);
    }

    void rejectedDraftIsNeverSent_data() { TestDatabase::addBackendRows(); }
    void rejectedDraftIsNeverSent()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        Engine engine(settingsFor(db, server, AiMode::Review));
        QVERIFY(engine.start().isOk());
        const auto r = settle(engine.ingest(
            customerMessage(QStringLiteral("user-4"), QStringLiteral("anything about my order"))));
        QVERIFY(r.isOk());
        QString draft;
        QTRY_VERIFY_WITH_TIMEOUT(!(draft = draftIn(db, r.value().conversationId)).isEmpty() &&
                                     stateOf(db, draft) == QLatin1String("drafted"),
                                 kTimeoutMs);

        const auto rejected =
            settle(engine.reject(draft, QStringLiteral("wrong tone"), QStringLiteral("jane")));
        QVERIFY2(rejected.isOk(), qPrintable(rejected.error().message));
        QCOMPARE(rejected.value().state, QStringLiteral("rejected"));
        QCOMPARE(detailOf(db, draft, EventType::Rejected), QStringLiteral("jane: wrong tone"));
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM jobs WHERE kind = 'send'")), 0);

        const auto approve = settle(engine.approve(draft, QString(), QStringLiteral("jane")));
        QVERIFY(!approve.isOk());
        QCOMPARE(approve.error().kind, ErrorKind::Conflict);
        const auto twice = settle(engine.reject(draft, QString(), QStringLiteral("jane")));
        QCOMPARE(twice.error().kind, ErrorKind::Conflict);
        // Only AI drafts can be approved: the customer's own message cannot.
        const auto customer =
            settle(engine.approve(r.value().messageId, QString(), QStringLiteral("jane")));
        QCOMPARE(customer.error().kind, ErrorKind::Conflict);
        const auto missing =
            settle(engine.approve(QStringLiteral("no-such-message"), QString(), QString()));
        QCOMPARE(missing.error().kind, ErrorKind::NotFound);
        QCOMPARE(server.requestCount(), 0);
    }

    // 500, 500, then 200: the third attempt delivers, with the same idempotency key each time.
    void serverErrorsAreRetried_data() { TestDatabase::addBackendRows(); }
    void serverErrorsAreRetried()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        server.queueResponse(FakeResponse::json(500, R"({"error":"boom"})"));
        server.queueResponse(FakeResponse::json(500, R"({"error":"boom"})"));
        Engine engine(settingsFor(db, server, AiMode::Auto));
        QVERIFY(engine.start().isOk());

        const auto r = settle(
            engine.ingest(customerMessage(QStringLiteral("user-5"), QStringLiteral("my order?"))));
        QVERIFY(r.isOk());
        QString draft;
        QTRY_VERIFY_WITH_TIMEOUT(!(draft = draftIn(db, r.value().conversationId)).isEmpty() &&
                                     stateOf(db, draft) == QLatin1String("sent"),
                                 kTimeoutMs);
        QCOMPARE(server.requestCount(), 3);
        for (const RecordedRequest &request : server.requests())
            QCOMPARE(request.header("idempotency-key"), draft.toUtf8());
        QCOMPARE(eventsOf(db, draft),
                 (QStringList{QStringLiteral("drafted"), QStringLiteral("approved"),
                              QStringLiteral("failed"), QStringLiteral("failed"),
                              QStringLiteral("sent")}));
        QVERIFY(detailOf(db, draft, EventType::Failed).contains(QLatin1String("attempt 1 of 3")));
        QVERIFY(detailOf(db, draft, EventType::Failed).contains(QLatin1String("500")));
        QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Send, draft).state, QStringLiteral("done"),
                                  kTimeoutMs);
        QCOMPARE(jobFor(db, JobKind::Send, draft).attempts, 3);
    }

    // A 400 will not heal: dead letter at once; an operator's retry then delivers it.
    void clientErrorDeadLettersThenRetryDelivers_data() { TestDatabase::addBackendRows(); }
    void clientErrorDeadLettersThenRetryDelivers()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        server.queueResponse(FakeResponse::json(400, R"({"error":"bad payload"})"));
        Engine engine(settingsFor(db, server, AiMode::Auto));
        QVERIFY(engine.start().isOk());

        const auto r = settle(
            engine.ingest(customerMessage(QStringLiteral("user-6"), QStringLiteral("order"))));
        QVERIFY(r.isOk());
        QString draft;
        QTRY_VERIFY_WITH_TIMEOUT(!(draft = draftIn(db, r.value().conversationId)).isEmpty() &&
                                     stateOf(db, draft) == QLatin1String("dead_lettered"),
                                 kTimeoutMs);
        QCOMPARE(server.requestCount(), 1);
        const Job dead = jobFor(db, JobKind::Send, draft);
        QCOMPARE(dead.state, QStringLiteral("dead"));
        QCOMPARE(dead.attempts, dead.maxAttempts);
        QVERIFY2(dead.lastError.contains(QLatin1String("400")), qPrintable(dead.lastError));
        QVERIFY(detailOf(db, draft, EventType::DeadLettered).contains(QLatin1String("400")));

        // Only a dead job can be retried.
        const auto notDead =
            settle(engine.retryJob(jobFor(db, JobKind::Draft, r.value().messageId).id));
        QCOMPARE(notDead.error().kind, ErrorKind::Conflict);

        const auto retried = settle(engine.retryJob(dead.id));
        QVERIFY2(retried.isOk(), qPrintable(retried.error().message));
        QCOMPARE(retried.value().state, QStringLiteral("ready"));
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, draft), QStringLiteral("sent"), kTimeoutMs);
        QCOMPARE(server.requestCount(), 2);
        QCOMPARE(server.requests().at(1).header("idempotency-key"), draft.toUtf8());
        QCOMPARE(eventsOf(db, draft).mid(2),
                 (QStringList{QStringLiteral("dead_lettered"), QStringLiteral("queued"),
                              QStringLiteral("sent")}));
        QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Send, draft).state, QStringLiteral("done"),
                                  kTimeoutMs);
    }

    // A busy worker and a full queue: new messages are refused (retry later), none is lost.
    void fullQueueRefusesIngest_data() { TestDatabase::addBackendRows(); }
    void fullQueueRefusesIngest()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        // The first delivery hangs for a while, holding the only worker.
        server.queueResponse(FakeResponse::json(200, "{}").withDelay(1000));
        Settings settings = settingsFor(db, server, AiMode::Auto);
        settings.workers = 1;
        settings.queueSize = 2;
        Engine engine(settings);
        QVERIFY(engine.start().isOk());

        QVERIFY(
            settle(engine.ingest(customerMessage(QStringLiteral("a"), QStringLiteral("order 1"))))
                .isOk());
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, kTimeoutMs);
        QVERIFY(
            settle(engine.ingest(customerMessage(QStringLiteral("b"), QStringLiteral("order 2"))))
                .isOk());
        QVERIFY(
            settle(engine.ingest(customerMessage(QStringLiteral("c"), QStringLiteral("order 3"))))
                .isOk());
        const auto refused =
            settle(engine.ingest(customerMessage(QStringLiteral("d"), QStringLiteral("order 4"))));
        QVERIFY(!refused.isOk());
        QCOMPARE(refused.error().kind, ErrorKind::Unavailable);
        QVERIFY(refused.error().retryAfterSeconds > 0);
        QVERIFY2(refused.error().message.contains(QLatin1String("queue is full")),
                 qPrintable(refused.error().message));

        // Everything accepted is still delivered once the worker frees up; the refused one
        // was never stored.
        QTRY_COMPARE_WITH_TIMEOUT(
            countOf(db, QStringLiteral(
                            "SELECT COUNT(*) FROM jobs WHERE kind = 'send' AND state = 'done'")),
            3, kTimeoutMs);
        QCOMPARE(server.requestCount(), 3);
        QCOMPARE(countOf(db, QStringLiteral(
                                 "SELECT COUNT(*) FROM messages WHERE direction = 'inbound'")),
                 3);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM messages WHERE user_id = 'd'")),
                 0);
        // With the backlog gone the engine accepts again.
        QTRY_VERIFY_WITH_TIMEOUT(engine.stats().readyJobs == 0, kTimeoutMs);
        QVERIFY(
            settle(engine.ingest(customerMessage(QStringLiteral("d"), QStringLiteral("order 4"))))
                .isOk());
        QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 4, kTimeoutMs);
    }

    // Stop, start a new engine on the same data: everything is still there, and a job a crashed
    // run left leased is reclaimed at start and delivered.
    void restartKeepsDataAndReclaimsLeases_data() { TestDatabase::addBackendRows(); }
    void restartKeepsDataAndReclaimsLeases()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        const Settings settings = settingsFor(db, server, AiMode::Review);
        IngestResult first;
        QString draft;
        {
            Engine engine(settings);
            QVERIFY(engine.start().isOk());
            const auto r = settle(engine.ingest(
                customerMessage(QStringLiteral("user-7"), QStringLiteral("where is my order"))));
            QVERIFY(r.isOk());
            first = r.value();
            QTRY_VERIFY_WITH_TIMEOUT(!(draft = draftIn(db, first.conversationId)).isEmpty() &&
                                         stateOf(db, draft) == QLatin1String("drafted"),
                                     kTimeoutMs);
            QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Draft, first.messageId).state,
                                      QStringLiteral("done"), kTimeoutMs);
            engine.stop();
            QVERIFY(!engine.isRunning());
            const auto refused =
                settle(engine.ingest(customerMessage(QStringLiteral("x"), QStringLiteral("y"))));
            QCOMPARE(refused.error().kind, ErrorKind::Unavailable);
        }

        // A crashed instance: it had approved the draft and claimed the send, then died holding
        // the lease. (PostgreSQL is shared between instances, so only an expired lease may be
        // taken back there; SQLite belongs to this process, so any lease is stale at start.)
        {
            PipelineWrites writes(db.connection(), PipelineOptions{});
            QVERIFY(writes.approve(draft, QString(), QStringLiteral("jane")).isOk());
            const int lease = db.isPostgresql() ? 1 : 3600;
            auto claimed =
                JobQueue(db.connection()).claim(1, QStringLiteral("crashed-host:1:dead"), lease);
            QVERIFY(claimed.isOk());
            QCOMPARE(claimed.value().size(), 1);
            QCOMPARE(claimed.value().first().kind, JobKind::Send);
            if (db.isPostgresql())
                Clock::setOffsetForTesting(2000);
        }

        Engine engine(settings);
        auto started = engine.start();
        QVERIFY2(started.isOk(), qPrintable(started.error().message));
        auto message = MessageRepository(db.connection()).get(first.messageId);
        QVERIFY(message.isOk());
        QCOMPARE(message.value().content, QStringLiteral("where is my order"));
        QVERIFY(ConversationRepository(db.connection()).get(first.conversationId).isOk());

        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, draft), QStringLiteral("sent"), kTimeoutMs);
        QCOMPARE(server.requestCount(), 1);
        const Job send = jobFor(db, JobKind::Send, draft);
        QCOMPARE(send.attempts, 2); // the crashed attempt counts
        QTRY_COMPARE_WITH_TIMEOUT(jobFor(db, JobKind::Send, draft).state, QStringLiteral("done"),
                                  kTimeoutMs);

        // The conversation continues in the restarted engine.
        const auto next = settle(
            engine.ingest(customerMessage(QStringLiteral("user-7"), QStringLiteral("thanks!"))));
        QVERIFY(next.isOk());
        QCOMPARE(next.value().conversationId, first.conversationId);
    }

    // Stopping while a delivery hangs: after the grace period the job goes back to the queue
    // untouched (the attempt does not count), and the next run delivers it.
    void stopReleasesInFlightJobs_data() { TestDatabase::addBackendRows(); }
    void stopReleasesInFlightJobs()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        server.queueResponse(FakeResponse::json(200, "{}").withDelay(3000));
        const Settings settings = settingsFor(db, server, AiMode::Auto);
        QString draft;
        {
            Engine engine(settings);
            QVERIFY(engine.start().isOk());
            const auto r = settle(
                engine.ingest(customerMessage(QStringLiteral("user-9"), QStringLiteral("order?"))));
            QVERIFY(r.isOk());
            QTRY_COMPARE_WITH_TIMEOUT(server.requestCount(), 1, kTimeoutMs);
            draft = draftIn(db, r.value().conversationId);
            QCOMPARE(jobFor(db, JobKind::Send, draft).state, QStringLiteral("running"));
            QElapsedTimer timer;
            timer.start();
            engine.stop(100);
            QVERIFY2(timer.elapsed() < 2500, qPrintable(QString::number(timer.elapsed())));
        }
        const Job released = jobFor(db, JobKind::Send, draft);
        QCOMPARE(released.state, QStringLiteral("ready"));
        QCOMPARE(released.attempts, 0);
        QCOMPARE(stateOf(db, draft), QStringLiteral("approved"));

        Engine engine(settings);
        QVERIFY(engine.start().isOk());
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(db, draft), QStringLiteral("sent"), kTimeoutMs);
        QCOMPARE(server.requestCount(), 2);
    }

    void duplicateClientMessageId_data() { TestDatabase::addBackendRows(); }
    void duplicateClientMessageId()
    {
        RELAYDESK_TEST_DATABASE(db);
        FakeHttpServer server;
        Engine engine(settingsFor(db, server, AiMode::Manual));
        QVERIFY(engine.start().isOk());
        Message message = customerMessage(QStringLiteral("user-8"), QStringLiteral("hello"));
        message.clientMessageId = QStringLiteral("client-42");
        const auto once = settle(engine.ingest(message));
        const auto twice = settle(engine.ingest(message));
        QVERIFY(once.isOk() && twice.isOk());
        QVERIFY(!once.value().duplicate);
        QVERIFY(twice.value().duplicate);
        QCOMPARE(twice.value().messageId, once.value().messageId);
        QCOMPARE(twice.value().conversationId, once.value().conversationId);
        QCOMPARE(countOf(db, QStringLiteral("SELECT COUNT(*) FROM messages")), 1);
        QCOMPARE(engine.stats().messagesIngested, quint64(1));
    }

    void newerSchemaIsRefusedAtStart_data() { TestDatabase::addBackendRows(); }
    void newerSchemaIsRefusedAtStart()
    {
        RELAYDESK_TEST_DATABASE(db);
        QVERIFY2(db.migrate(), qPrintable(db.errorString()));
        QVERIFY(db.exec(QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) "
                                       "VALUES (999, 'future', 1)")));
        FakeHttpServer server;
        Engine engine(settingsFor(db, server, AiMode::Review));
        const auto started = engine.start();
        QVERIFY(!started.isOk());
        QCOMPARE(started.error().kind, ErrorKind::Conflict);
        QVERIFY(started.error().message.contains(QLatin1String("999")));
        QVERIFY(!engine.isRunning());
        const auto refused =
            settle(engine.ingest(customerMessage(QStringLiteral("x"), QStringLiteral("y"))));
        QCOMPARE(refused.error().kind, ErrorKind::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
