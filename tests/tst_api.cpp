// Integration tests of the HTTP API: a real engine on a real SQLite file, the real server on a
// free loopback port, driven over HTTP; the outbound webhook channel delivers to a fake receiver.
#include "channels/webhooksigner.h"
#include "engine/engine.h"
#include "fakes/fakehttpserver.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kToken = "test-token-0123456789abcdef";

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QMap<QByteArray, QByteArray> headers;
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

} // namespace

class TestApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void healthIsPublicAndSeedShaped();
    void readyReportsDatabase();
    void seed000MessageIsAcceptedAndStored();
    void seed001SendIsAcceptedAndThreadedByPair();
    void authIsRequired();
    void malformedJsonIs400();
    void oversizedBodyIs413();
    void wrongContentTypeIs415();
    void invalidFieldsAre422NamingEachField();
    void unknownPathIs404AndUnknownIdIs404();
    void wrongMethodIs405();
    void backpressureIs503WithRetryAfter();
    void paginationIsStableUnderInserts();
    void searchFindsConversations();
    void draftApproveWithEditDeliversToWebhook();
    void draftRejectRecordsReason();
    void autoModeSendsWithoutReview();
    void patchConversationAndValidation();
    void replyIsDelivered();
    void deadLetterCanBeRetried();
    void deadLetterCanBeDiscarded();
    void privateNotesAreKeptAndNeverSent();
    void metricsPrometheusAndJson();
    void restartKeepsEverything();
    void genericWebhookVerifiesAndDeduplicates();
    void channelsReportHealth();

private:
    void startStack();
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QMap<QByteArray, QByteArray> &headers = {}, bool authenticated = true);
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response get(const QString &path) { return request("GET", path); }
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    QString waitForDraft(const QString &conversationId);
    QJsonObject inbound(const QString &userId, const QString &content) const
    {
        return QJsonObject{{QStringLiteral("user_id"), userId},
                           {QStringLiteral("platform"), QStringLiteral("Discord")},
                           {QStringLiteral("content"), content},
                           {QStringLiteral("priority"), QStringLiteral("Normal")},
                           {QStringLiteral("metadata"),
                            QJsonObject{{QStringLiteral("source"), QStringLiteral("test")}}}};
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeHttpServer> m_receiver;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestApi::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_receiver = std::make_unique<FakeHttpServer>();
    QVERIFY(m_receiver->isListening());
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_settings.webhookEnabled = true;
    m_settings.webhookOutboundUrl = m_receiver->url(QStringLiteral("/outbound")).toString();
    m_settings.webhookSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.maxBodyBytes = 64 * 1024;
    m_settings.webhookSourceSecrets = {
        {QStringLiteral("crm"), QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")}};
    m_settings.offlineAnswers = {
        CannedAnswer{{QStringLiteral("refund"), QStringLiteral("money back")},
                     QStringLiteral("Refunds take 3-5 business days.")}};
    startStack();
}

void TestApi::cleanup()
{
    stopStack();
    m_receiver.reset();
    m_dir.reset();
}

void TestApi::startStack()
{
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestApi::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestApi::request(const QByteArray &method, const QString &path, const QByteArray &body,
                          const QMap<QByteArray, QByteArray> &headers, bool authenticated)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!body.isEmpty() && !headers.contains("Content-Type"))
        request.setRawHeader("Content-Type", "application/json");
    if (authenticated)
        request.setRawHeader("Authorization", "Bearer " + kToken);
    for (auto it = headers.cbegin(); it != headers.cend(); ++it)
        request.setRawHeader(it.key(), it.value());
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(10000);
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.json = QJsonDocument::fromJson(response.body).object();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.insert(name.toLower(), value);
    return response;
}

QJsonObject TestApi::waitForMessageState(const QString &messageId, const QString &state)
{
    QJsonObject message;
    const bool reached = QTest::qWaitFor(
        [&] {
            message = get(QStringLiteral("/api/v1/messages/") + messageId).json;
            return message.value(QStringLiteral("status")).toString() == state;
        },
        10000);
    if (!reached)
        qWarning() << "message" << messageId << "stayed" << message.value(QStringLiteral("status"))
                   << "instead of" << state;
    return message;
}

QString TestApi::waitForDraft(const QString &conversationId)
{
    QString draftId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            const QJsonArray messages =
                get(QStringLiteral("/api/v1/conversations/") + conversationId)
                    .json.value(QStringLiteral("messages"))
                    .toArray();
            for (const QJsonValue &value : messages) {
                const QJsonObject message = value.toObject();
                if (message.value(QStringLiteral("author_kind")).toString() == QLatin1String("ai"))
                    draftId = message.value(QStringLiteral("id")).toString();
            }
            return !draftId.isEmpty();
        },
        10000);
    return draftId;
}

void TestApi::healthIsPublicAndSeedShaped()
{
    const Response response = request("GET", QStringLiteral("/health"), {}, {}, false);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    QCOMPARE(response.json.value(QStringLiteral("version")).toString(),
             QStringLiteral(RELAYDESK_VERSION));
    QVERIFY(std::abs(response.json.value(QStringLiteral("timestamp")).toInteger() -
                     QDateTime::currentSecsSinceEpoch()) < 60);
    QVERIFY2(!response.body.contains('\n'), "JSON must be compact");
}

void TestApi::readyReportsDatabase()
{
    const Response response = request("GET", QStringLiteral("/ready"), {}, {}, false);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json.value(QStringLiteral("database")).toString(), QStringLiteral("ok"));
}

void TestApi::seed000MessageIsAcceptedAndStored()
{
    const Response accepted =
        post(QStringLiteral("/message"),
             inbound(QStringLiteral("user-1"), QStringLiteral("Hello there")));
    QCOMPARE(accepted.status, 202);
    const QString id = accepted.json.value(QStringLiteral("id")).toString();
    const QString conversationId =
        accepted.json.value(QStringLiteral("conversation_id")).toString();
    QVERIFY(!id.isEmpty());
    QVERIFY(!conversationId.isEmpty());
    QCOMPARE(accepted.json.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));

    // Durable before the 202: the row is readable at once, with its queued event.
    const Response stored = get(QStringLiteral("/api/v1/messages/") + id);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json.value(QStringLiteral("platform")).toString(), QStringLiteral("discord"));
    QCOMPARE(stored.json.value(QStringLiteral("priority")).toString(), QStringLiteral("normal"));
    QCOMPARE(stored.json.value(QStringLiteral("content")).toString(),
             QStringLiteral("Hello there"));
    QCOMPARE(
        stored.json.value(QStringLiteral("metadata")).toObject().value(QStringLiteral("source")),
        QJsonValue(QStringLiteral("test")));
    const QJsonArray events = stored.json.value(QStringLiteral("events")).toArray();
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.first().toObject().value(QStringLiteral("type")).toString(),
             QStringLiteral("queued"));

    // The same user within the session joins the same conversation; a thread id joins its own.
    const Response second = post(QStringLiteral("/message"),
                                 inbound(QStringLiteral("user-1"), QStringLiteral("Again")));
    QCOMPARE(second.json.value(QStringLiteral("conversation_id")).toString(), conversationId);
    QJsonObject threaded = inbound(QStringLiteral("user-1"), QStringLiteral("Other topic"));
    threaded.insert(QStringLiteral("thread_id"), QStringLiteral("ticket-42"));
    const Response third = post(QStringLiteral("/message"), threaded);
    QVERIFY(third.json.value(QStringLiteral("conversation_id")).toString() != conversationId);
    const Response fourth = post(QStringLiteral("/message"), threaded);
    QCOMPARE(fourth.json.value(QStringLiteral("conversation_id")),
             third.json.value(QStringLiteral("conversation_id")));
}

void TestApi::seed001SendIsAcceptedAndThreadedByPair()
{
    const QJsonObject body{{QStringLiteral("from"), QStringLiteral("+15551234567")},
                           {QStringLiteral("to"), QStringLiteral("+15559876543")},
                           {QStringLiteral("type"), QStringLiteral("sms")},
                           {QStringLiteral("body"), QStringLiteral("Hello from Hatch!")}};
    const Response accepted = post(QStringLiteral("/api/v1/messages/send"), body);
    QCOMPARE(accepted.status, 202);
    const QString conversationId =
        accepted.json.value(QStringLiteral("conversation_id")).toString();
    // The reverse direction with formatting differences is the same pair.
    const QJsonObject reverse{
        {QStringLiteral("from"), QStringLiteral("+1 (555) 987-6543")},
        {QStringLiteral("to"), QStringLiteral("+15551234567")},
        {QStringLiteral("type"), QStringLiteral("mms")},
        {QStringLiteral("body"), QStringLiteral("Picture")},
        {QStringLiteral("attachments"), QJsonArray{QStringLiteral("https://example.com/a.png")}}};
    const Response second = post(QStringLiteral("/api/v1/messages/send"), reverse);
    QCOMPARE(second.status, 202);
    QCOMPARE(second.json.value(QStringLiteral("conversation_id")).toString(), conversationId);

    // Delivered through the webhook channel, signed.
    QVERIFY(m_receiver->waitForRequests(2, 10000));
    const RecordedRequest delivered = m_receiver->requests().first();
    QCOMPARE(delivered.path, QStringLiteral("/outbound"));
    QVERIFY(delivered.header("webhook-signature").startsWith("v1,"));
    QCOMPARE(delivered.header("idempotency-key"),
             accepted.json.value(QStringLiteral("id")).toString().toUtf8());
    const QJsonObject payload = QJsonDocument::fromJson(delivered.body).object();
    QCOMPARE(payload.value(QStringLiteral("content")).toString(),
             QStringLiteral("Hello from Hatch!"));

    const Response byParticipant =
        get(QStringLiteral("/api/v1/conversations?participant=+15559876543"));
    QCOMPARE(byParticipant.status, 200);
    const QJsonArray data = byParticipant.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.first().toObject().value(QStringLiteral("id")).toString(), conversationId);
}

void TestApi::authIsRequired()
{
    const QJsonObject body = inbound(QStringLiteral("u"), QStringLiteral("x"));
    const QByteArray json = QJsonDocument(body).toJson();
    const Response missing = request("POST", QStringLiteral("/message"), json, {}, false);
    QCOMPARE(missing.status, 401);
    QVERIFY(missing.header("content-type").startsWith("application/problem+json"));
    QVERIFY(missing.header("www-authenticate").startsWith("Bearer"));
    const Response wrong = request("GET", QStringLiteral("/api/v1/messages"), {},
                                   {{"Authorization", "Bearer not-the-token-at-all"}}, false);
    QCOMPARE(wrong.status, 401);
    QCOMPARE(wrong.json.value(QStringLiteral("status")).toInt(), 401);
}

void TestApi::malformedJsonIs400()
{
    const Response response = request("POST", QStringLiteral("/message"), "{\"user_id\": \"u\",");
    QCOMPARE(response.status, 400);
    QVERIFY(response.header("content-type").startsWith("application/problem+json"));
    QCOMPARE(response.json.value(QStringLiteral("status")).toInt(), 400);
    QVERIFY(!response.json.value(QStringLiteral("detail")).toString().isEmpty());
    QVERIFY(!response.json.value(QStringLiteral("title")).toString().isEmpty());
}

void TestApi::oversizedBodyIs413()
{
    QJsonObject body = inbound(QStringLiteral("u"), QString(70 * 1024, QLatin1Char('a')));
    const Response response = post(QStringLiteral("/message"), body);
    QCOMPARE(response.status, 413);
    QCOMPARE(response.json.value(QStringLiteral("status")).toInt(), 413);
    // Nothing was stored.
    QCOMPARE(
        get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray().size(),
        0);
}

void TestApi::wrongContentTypeIs415()
{
    const Response response = request("POST", QStringLiteral("/message"), "user_id=u",
                                      {{"Content-Type", "application/x-www-form-urlencoded"}});
    QCOMPARE(response.status, 415);
    QCOMPARE(response.json.value(QStringLiteral("status")).toInt(), 415);
}

void TestApi::invalidFieldsAre422NamingEachField()
{
    const QJsonObject body{{QStringLiteral("platform"), QStringLiteral("carrier-pigeon")},
                           {QStringLiteral("content"), 42},
                           {QStringLiteral("priority"), QStringLiteral("asap")},
                           {QStringLiteral("metadata"), QJsonArray{1}}};
    const Response response = post(QStringLiteral("/message"), body);
    QCOMPARE(response.status, 422);
    QStringList fields;
    for (const QJsonValue &error : response.json.value(QStringLiteral("errors")).toArray())
        fields << error.toObject().value(QStringLiteral("field")).toString();
    fields.sort();
    QCOMPARE(fields, QStringList({QStringLiteral("content"), QStringLiteral("metadata"),
                                  QStringLiteral("platform"), QStringLiteral("priority"),
                                  QStringLiteral("user_id")}));

    const Response send = post(QStringLiteral("/api/v1/messages/send"),
                               QJsonObject{{QStringLiteral("from"), QStringLiteral("nobody")},
                                           {QStringLiteral("to"), QStringLiteral("+15559876543")},
                                           {QStringLiteral("type"), QStringLiteral("fax")},
                                           {QStringLiteral("body"), QStringLiteral("hi")}});
    QCOMPARE(send.status, 422);
    QCOMPARE(send.json.value(QStringLiteral("errors")).toArray().size(), 1);
    QCOMPARE(send.json.value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("field")),
             QJsonValue(QStringLiteral("type")));
}

void TestApi::unknownPathIs404AndUnknownIdIs404()
{
    const Response path = get(QStringLiteral("/api/v1/nothing-here"));
    QCOMPARE(path.status, 404);
    QVERIFY(path.header("content-type").startsWith("application/problem+json"));
    const Response id =
        get(QStringLiteral("/api/v1/messages/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9"));
    QCOMPARE(id.status, 404);
    QCOMPARE(id.json.value(QStringLiteral("status")).toInt(), 404);
    const Response conversation =
        get(QStringLiteral("/api/v1/conversations/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9"));
    QCOMPARE(conversation.status, 404);
}

void TestApi::wrongMethodIs405()
{
    const Response response = request("DELETE", QStringLiteral("/message"));
    QCOMPARE(response.status, 405);
    QVERIFY(response.header("allow").contains("POST"));
    QCOMPARE(response.json.value(QStringLiteral("status")).toInt(), 405);
}

void TestApi::backpressureIs503WithRetryAfter()
{
    stopStack();
    // One worker stuck on a slow receiver, so ready jobs pile up to the queue size.
    m_settings.workers = 1;
    m_settings.queueSize = 2;
    m_settings.webhookTimeoutMs = 20000;
    m_receiver->setHandler(
        [](const RecordedRequest &) { return FakeResponse::json(200, "{}").withDelay(3000); });
    startStack();
    const QJsonObject body{{QStringLiteral("from"), QStringLiteral("+15551234567")},
                           {QStringLiteral("to"), QStringLiteral("+15559876543")},
                           {QStringLiteral("type"), QStringLiteral("sms")},
                           {QStringLiteral("body"), QStringLiteral("Hello")}};
    QCOMPARE(post(QStringLiteral("/api/v1/messages/send"), body).status, 202);
    QVERIFY(m_receiver->waitForRequests(1, 5000)); // the worker is now busy
    QCOMPARE(post(QStringLiteral("/api/v1/messages/send"), body).status, 202);
    QCOMPARE(post(QStringLiteral("/api/v1/messages/send"), body).status, 202);
    const Response refused = post(QStringLiteral("/api/v1/messages/send"), body);
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.header("retry-after").toInt() > 0);
    QCOMPARE(refused.json.value(QStringLiteral("status")).toInt(), 503);
    // Refused means not stored: three messages, not four.
    QCOMPARE(
        get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray().size(),
        3);
}

void TestApi::paginationIsStableUnderInserts()
{
    QStringList posted;
    for (int i = 0; i < 7; ++i)
        posted << post(QStringLiteral("/message"), inbound(QStringLiteral("pager-%1").arg(i),
                                                           QStringLiteral("page me %1").arg(i)))
                      .json.value(QStringLiteral("id"))
                      .toString();
    QStringList seen;
    QString cursor;
    int pages = 0;
    do {
        const Response page =
            get(QStringLiteral("/api/v1/messages?limit=3&conversation_id=&cursor=") + cursor);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &message : page.json.value(QStringLiteral("data")).toArray()) {
            const QJsonObject object = message.toObject();
            if (object.value(QStringLiteral("author_kind")).toString() == QLatin1String("customer"))
                seen << object.value(QStringLiteral("id")).toString();
        }
        cursor = page.json.value(QStringLiteral("next_cursor")).toString();
        // A message arriving mid-pagination lands before the cursor and never shifts a page.
        if (pages == 0)
            post(QStringLiteral("/message"),
                 inbound(QStringLiteral("late"), QStringLiteral("late")));
        ++pages;
    } while (!cursor.isEmpty() && pages < 50);
    for (const QString &id : posted)
        QCOMPARE(seen.count(id), 1);

    const Response bad = get(QStringLiteral("/api/v1/messages?limit=0&cursor=nonsense"));
    QCOMPARE(bad.status, 422);
    QCOMPARE(bad.json.value(QStringLiteral("errors")).toArray().size(), 2);
}

void TestApi::searchFindsConversations()
{
    const QString wanted = post(QStringLiteral("/message"),
                                inbound(QStringLiteral("searcher"),
                                        QStringLiteral("My parcel never arrived in Zurich")))
                               .json.value(QStringLiteral("conversation_id"))
                               .toString();
    post(QStringLiteral("/message"),
         inbound(QStringLiteral("other"), QStringLiteral("Password reset")));
    const Response found = get(QStringLiteral("/api/v1/conversations?q=zurich%20parcel"));
    QCOMPARE(found.status, 200);
    const QJsonArray data = found.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.first().toObject().value(QStringLiteral("id")).toString(), wanted);
    // FTS syntax in user input is data, not an error.
    QCOMPARE(get(QStringLiteral("/api/v1/conversations?q=%22AND%20OR(*")).status, 200);
    QCOMPARE(get(QStringLiteral("/api/v1/messages?q=zurich"))
                 .json.value(QStringLiteral("data"))
                 .toArray()
                 .size(),
             1);
}

void TestApi::draftApproveWithEditDeliversToWebhook()
{
    const Response accepted =
        post(QStringLiteral("/message"),
             inbound(QStringLiteral("buyer"), QStringLiteral("I want a refund")));
    const QString conversationId =
        accepted.json.value(QStringLiteral("conversation_id")).toString();
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    const QJsonObject draft = waitForMessageState(draftId, QStringLiteral("drafted"));
    QCOMPARE(draft.value(QStringLiteral("content")).toString(),
             QStringLiteral("Refunds take 3-5 business days."));
    QCOMPARE(m_receiver->requestCount(), 0); // review mode: nothing sent yet

    const Response approved = post(
        QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"),
        QJsonObject{{QStringLiteral("content"), QStringLiteral("Refunds take 3 business days.")}});
    QCOMPARE(approved.status, 202);
    QVERIFY(m_receiver->waitForRequests(1, 10000));
    const QJsonObject payload =
        QJsonDocument::fromJson(m_receiver->requests().first().body).object();
    QCOMPARE(payload.value(QStringLiteral("content")).toString(),
             QStringLiteral("Refunds take 3 business days."));
    const QJsonObject sent = waitForMessageState(draftId, QStringLiteral("sent"));
    QStringList types;
    for (const QJsonValue &event : sent.value(QStringLiteral("events")).toArray())
        types << event.toObject().value(QStringLiteral("type")).toString();
    QCOMPARE(types, QStringList({QStringLiteral("drafted"), QStringLiteral("approved"),
                                 QStringLiteral("sent")}));
    // Approving twice is a conflict, not a second send.
    QCOMPARE(
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"), {}).status,
        409);
}

void TestApi::draftRejectRecordsReason()
{
    const QString conversationId =
        post(QStringLiteral("/message"), inbound(QStringLiteral("r"), QStringLiteral("hello")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const QString draftId = waitForDraft(conversationId);
    waitForMessageState(draftId, QStringLiteral("drafted"));
    const Response rejected =
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/reject"),
             QJsonObject{{QStringLiteral("reason"), QStringLiteral("too generic")}});
    QCOMPARE(rejected.status, 200);
    QCOMPARE(rejected.json.value(QStringLiteral("status")).toString(), QStringLiteral("rejected"));
    const QJsonArray events = get(QStringLiteral("/api/v1/messages/") + draftId)
                                  .json.value(QStringLiteral("events"))
                                  .toArray();
    QVERIFY(events.last()
                .toObject()
                .value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("too generic")));
    QCOMPARE(m_receiver->requestCount(), 0);
    // A customer message is not a draft.
    const QString customerId = get(QStringLiteral("/api/v1/conversations/") + conversationId)
                                   .json.value(QStringLiteral("messages"))
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(QStringLiteral("id"))
                                   .toString();
    QCOMPARE(post(QStringLiteral("/api/v1/messages/") + customerId + QStringLiteral("/approve"), {})
                 .status,
             409);
}

void TestApi::autoModeSendsWithoutReview()
{
    const QString conversationId =
        post(QStringLiteral("/message"),
             inbound(QStringLiteral("auto-user"), QStringLiteral("first")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    waitForDraft(conversationId);
    QCOMPARE(request("PATCH", QStringLiteral("/api/v1/conversations/") + conversationId,
                     R"({"ai_mode":"auto"})")
                 .status,
             200);
    post(QStringLiteral("/message"),
         inbound(QStringLiteral("auto-user"), QStringLiteral("money back please")));
    QVERIFY(m_receiver->waitForRequests(1, 10000));
    const QJsonObject payload =
        QJsonDocument::fromJson(m_receiver->requests().first().body).object();
    QCOMPARE(payload.value(QStringLiteral("content")).toString(),
             QStringLiteral("Refunds take 3-5 business days."));
    QCOMPARE(payload.value(QStringLiteral("author_kind")).toString(), QStringLiteral("ai"));
}

void TestApi::patchConversationAndValidation()
{
    const QString conversationId =
        post(QStringLiteral("/message"), inbound(QStringLiteral("p"), QStringLiteral("hi")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const Response patched = request(
        "PATCH", QStringLiteral("/api/v1/conversations/") + conversationId,
        R"({"status":"pending","ai_mode":"manual","priority":"urgent","labels":["vip","billing"],"assignee":"alice"})");
    QCOMPARE(patched.status, 200);
    QCOMPARE(patched.json.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
    QCOMPARE(patched.json.value(QStringLiteral("ai_mode")).toString(), QStringLiteral("manual"));
    QCOMPARE(patched.json.value(QStringLiteral("priority")).toString(), QStringLiteral("urgent"));
    QCOMPARE(patched.json.value(QStringLiteral("labels")).toArray().size(), 2);
    QCOMPARE(patched.json.value(QStringLiteral("assignee")).toString(), QStringLiteral("alice"));
    const Response filtered = get(QStringLiteral("/api/v1/conversations?status=pending"));
    QCOMPARE(filtered.json.value(QStringLiteral("data")).toArray().size(), 1);

    const Response invalid =
        request("PATCH", QStringLiteral("/api/v1/conversations/") + conversationId,
                R"({"status":"closed","colour":"red"})");
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json.value(QStringLiteral("errors")).toArray().size(), 2);
    QCOMPARE(request("PATCH",
                     QStringLiteral("/api/v1/conversations/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9"),
                     R"({"status":"open"})")
                 .status,
             404);
    QCOMPARE(get(QStringLiteral("/api/v1/conversations?status=closed")).status, 422);
}

void TestApi::replyIsDelivered()
{
    const QString conversationId =
        post(QStringLiteral("/message"),
             inbound(QStringLiteral("needs-human"), QStringLiteral("help")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const Response reply =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("A human here!")}});
    QCOMPARE(reply.status, 202);
    QCOMPARE(reply.json.value(QStringLiteral("conversation_id")).toString(), conversationId);
    QVERIFY(m_receiver->waitForRequests(1, 10000));
    const QJsonObject payload =
        QJsonDocument::fromJson(m_receiver->requests().first().body).object();
    QCOMPARE(payload.value(QStringLiteral("content")).toString(), QStringLiteral("A human here!"));
    QCOMPARE(payload.value(QStringLiteral("user_id")).toString(), QStringLiteral("needs-human"));
    waitForMessageState(reply.json.value(QStringLiteral("id")).toString(), QStringLiteral("sent"));
    QCOMPARE(
        post(QStringLiteral("/api/v1/conversations/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("x")}})
            .status,
        404);
    QCOMPARE(
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("   ")}})
            .status,
        422);
}

void TestApi::deadLetterCanBeRetried()
{
    m_receiver->setHandler(
        [](const RecordedRequest &) { return FakeResponse::json(400, R"({"error":"bad"})"); });
    const QString conversationId =
        post(QStringLiteral("/message"), inbound(QStringLiteral("dl"), QStringLiteral("hi")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("Try me")}})
            .json.value(QStringLiteral("id"))
            .toString();
    const QJsonObject dead = waitForMessageState(messageId, QStringLiteral("dead_lettered"));
    QVERIFY(dead.value(QStringLiteral("events"))
                .toArray()
                .last()
                .toObject()
                .value(QStringLiteral("detail"))
                .toString()
                .contains(QStringLiteral("400")));
    const QJsonArray jobs =
        get(QStringLiteral("/api/v1/jobs?state=dead")).json.value(QStringLiteral("data")).toArray();
    QCOMPARE(jobs.size(), 1);
    const QString jobId = jobs.first().toObject().value(QStringLiteral("id")).toString();
    QVERIFY(jobs.first()
                .toObject()
                .value(QStringLiteral("last_error"))
                .toString()
                .contains(QStringLiteral("400")));

    m_receiver->setHandler(
        [](const RecordedRequest &) { return FakeResponse::json(200, R"({"id":"ext-1"})"); });
    const Response retried =
        post(QStringLiteral("/api/v1/jobs/") + jobId + QStringLiteral("/retry"), {});
    QCOMPARE(retried.status, 202);
    waitForMessageState(messageId, QStringLiteral("sent"));
    // A job that is not dead cannot be retried.
    QCOMPARE(post(QStringLiteral("/api/v1/jobs/") + jobId + QStringLiteral("/retry"), {}).status,
             409);
    QCOMPARE(
        post(QStringLiteral("/api/v1/jobs/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9/retry"), {}).status,
        404);
}

void TestApi::deadLetterCanBeDiscarded()
{
    m_receiver->setHandler(
        [](const RecordedRequest &) { return FakeResponse::json(400, R"({"error":"bad"})"); });
    const QString conversationId =
        post(QStringLiteral("/message"), inbound(QStringLiteral("gone"), QStringLiteral("hi")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const QString messageId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("Never mind")}})
            .json.value(QStringLiteral("id"))
            .toString();
    waitForMessageState(messageId, QStringLiteral("dead_lettered"));
    const QJsonArray jobs =
        get(QStringLiteral("/api/v1/jobs?state=dead")).json.value(QStringLiteral("data")).toArray();
    QCOMPARE(jobs.size(), 1);
    const QString jobId = jobs.first().toObject().value(QStringLiteral("id")).toString();

    const Response discarded =
        post(QStringLiteral("/api/v1/jobs/") + jobId + QStringLiteral("/discard"), {});
    QCOMPARE(discarded.status, 200);
    QCOMPARE(discarded.json.value(QStringLiteral("state")).toString(), QStringLiteral("discarded"));
    QCOMPARE(discarded.json.value(QStringLiteral("message_id")).toString(), messageId);
    // The dead letter is gone, the message says why it was never sent.
    QVERIFY(get(QStringLiteral("/api/v1/jobs?state=dead"))
                .json.value(QStringLiteral("data"))
                .toArray()
                .isEmpty());
    const QJsonObject message = waitForMessageState(messageId, QStringLiteral("discarded"));
    QCOMPARE(message.value(QStringLiteral("status")).toString(), QStringLiteral("discarded"));
    // Gone jobs cannot be discarded or retried again.
    const Response again =
        post(QStringLiteral("/api/v1/jobs/") + jobId + QStringLiteral("/discard"), {});
    QCOMPARE(again.status, 404);
    QCOMPARE(again.header("content-type"), QByteArray("application/problem+json"));
    QCOMPARE(post(QStringLiteral("/api/v1/jobs/") + jobId + QStringLiteral("/retry"), {}).status,
             404);
    QCOMPARE(post(QStringLiteral("/api/v1/jobs/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9/discard"), {})
                 .status,
             404);
}

void TestApi::privateNotesAreKeptAndNeverSent()
{
    m_receiver->setHandler(
        [](const RecordedRequest &) { return FakeResponse::json(200, R"({"id":"ext-3"})"); });
    const QString conversationId =
        post(QStringLiteral("/message"), inbound(QStringLiteral("noted"), QStringLiteral("hi")))
            .json.value(QStringLiteral("conversation_id"))
            .toString();
    const QString notesPath =
        QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/notes");
    const Response created =
        post(notesPath, QJsonObject{{QStringLiteral("content"), QStringLiteral("VIP, be kind")},
                                    {QStringLiteral("author"), QStringLiteral("dana")}});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json.value(QStringLiteral("author")).toString(), QStringLiteral("dana"));
    QCOMPARE(created.json.value(QStringLiteral("content")).toString(),
             QStringLiteral("VIP, be kind"));
    QCOMPARE(created.json.value(QStringLiteral("conversation_id")).toString(), conversationId);

    // Validation names the field; an unknown conversation is a 404, both as problem+json.
    const Response empty = post(notesPath, QJsonObject{{QStringLiteral("content"), QString()}});
    QCOMPARE(empty.status, 422);
    QVERIFY(empty.body.contains("content"));
    const Response wrongType = post(notesPath, QJsonObject{{QStringLiteral("content"), 5}});
    QCOMPARE(wrongType.status, 422);
    const Response unknown =
        post(QStringLiteral("/api/v1/conversations/01a206d6-3a63-77a1-ad96-fceb1fb9c8f9/notes"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("lost")}});
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.header("content-type"), QByteArray("application/problem+json"));

    // A reply queued after the note is delivered; the note never is.
    const QString replyId =
        post(QStringLiteral("/api/v1/conversations/") + conversationId + QStringLiteral("/reply"),
             QJsonObject{{QStringLiteral("content"), QStringLiteral("How can I help?")}})
            .json.value(QStringLiteral("id"))
            .toString();
    waitForMessageState(replyId, QStringLiteral("sent"));
    bool replySent = false;
    for (const RecordedRequest &sent : m_receiver->requests()) {
        QVERIFY(!sent.body.contains("VIP, be kind"));
        replySent |= sent.body.contains("How can I help?");
    }
    QVERIFY(replySent);

    // The conversation's record carries the note apart from its messages.
    const QJsonObject conversation =
        get(QStringLiteral("/api/v1/conversations/") + conversationId).json;
    const QJsonArray notes = conversation.value(QStringLiteral("notes")).toArray();
    QCOMPARE(notes.size(), 1);
    QCOMPARE(notes.first().toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("VIP, be kind"));
    for (const QJsonValue &message : conversation.value(QStringLiteral("messages")).toArray())
        QVERIFY(message.toObject().value(QStringLiteral("content")).toString() !=
                QStringLiteral("VIP, be kind"));
}

void TestApi::metricsPrometheusAndJson()
{
    post(QStringLiteral("/message"), inbound(QStringLiteral("m"), QStringLiteral("count me")));
    const Response text = get(QStringLiteral("/metrics"));
    QCOMPARE(text.status, 200);
    QVERIFY(text.header("content-type").startsWith("text/plain; version=0.0.4"));
    QVERIFY(text.body.contains("relaydesk_http_requests_total"));
    QVERIFY(text.body.contains("relaydesk_ingest_duration_seconds_bucket"));
    QVERIFY(text.body.contains("relaydesk_http_request_duration_seconds_bucket"));
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (!promtool.isEmpty()) {
        QProcess check;
        check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        check.write(text.body);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(20000));
        const QByteArray output = check.readAllStandardOutput() + check.readAllStandardError();
        QVERIFY2(check.exitCode() == 0, output.constData());
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        request("GET", QStringLiteral("/metrics"), {}, {{"Accept", "application/json"}})
                .json.value(QStringLiteral("active_conversations"))
                .toInt() >= 1,
        5000);
    const Response json =
        request("GET", QStringLiteral("/metrics"), {}, {{"Accept", "application/json"}});
    for (const char *key :
         {"messages_processed", "queue_size", "error_rate", "active_conversations"})
        QVERIFY2(json.json.contains(QLatin1String(key)), key);
    QVERIFY(json.json.value(QStringLiteral("messages_processed")).toInt() >= 1);
}

void TestApi::restartKeepsEverything()
{
    const Response accepted =
        post(QStringLiteral("/message"),
             inbound(QStringLiteral("persist"), QStringLiteral("remember me")));
    const QString id = accepted.json.value(QStringLiteral("id")).toString();
    stopStack();
    startStack();
    const Response stored = get(QStringLiteral("/api/v1/messages/") + id);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json.value(QStringLiteral("content")).toString(),
             QStringLiteral("remember me"));
    // The conversation continues after the restart.
    const Response next = post(QStringLiteral("/message"),
                               inbound(QStringLiteral("persist"), QStringLiteral("still there?")));
    QCOMPARE(next.json.value(QStringLiteral("conversation_id")),
             accepted.json.value(QStringLiteral("conversation_id")));
}

void TestApi::genericWebhookVerifiesAndDeduplicates()
{
    const WebhookSigner signer(QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    const WebhookSigner oldKey(QStringLiteral("whsec_b2xkLXNlY3JldC1iZWZvcmUtcm90YXRpb24="));
    const QByteArray body = R"({"user_id":"crm-42","content":"Ticket escalated: printer on fire"})";
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    auto deliver = [&](const QByteArray &id, qint64 timestamp, const QByteArray &signature,
                       const QString &source = QStringLiteral("crm")) {
        return request("POST", QStringLiteral("/api/v1/webhooks/generic/") + source, body,
                       {{"webhook-id", id},
                        {"webhook-timestamp", QByteArray::number(timestamp)},
                        {"webhook-signature", signature}},
                       false);
    };
    // Key rotation: the header may carry several signatures; one valid one is enough.
    const QByteArray rotated =
        oldKey.sign("msg_1", now, body) + ' ' + signer.sign("msg_1", now, body);
    const Response accepted = deliver("msg_1", now, rotated);
    QCOMPARE(accepted.status, 202);
    QCOMPARE(accepted.json.value(QStringLiteral("duplicate")).toBool(), false);
    const QString id = accepted.json.value(QStringLiteral("id")).toString();
    QCOMPARE(get(QStringLiteral("/api/v1/messages/") + id)
                 .json.value(QStringLiteral("platform"))
                 .toString(),
             QStringLiteral("webhook"));

    // The same webhook-id again is acknowledged and maps to the stored message.
    const Response again = deliver("msg_1", now, signer.sign("msg_1", now, body));
    QCOMPARE(again.status, 202);
    QCOMPARE(again.json.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(again.json.value(QStringLiteral("duplicate")).toBool(), true);

    QCOMPARE(deliver("msg_2", now, oldKey.sign("msg_2", now, body)).status, 401);
    QCOMPARE(deliver("msg_3", now - 600, signer.sign("msg_3", now - 600, body)).status, 401);
    QCOMPARE(deliver("msg_4", now, "v1,AAAA").status, 401);
    QCOMPARE(
        deliver("msg_5", now, signer.sign("msg_5", now, body), QStringLiteral("unknown")).status,
        404);
    // Only one customer message was stored for all of that (the other row is its AI draft).
    int customerMessages = 0;
    for (const QJsonValue &message :
         get(QStringLiteral("/api/v1/messages")).json.value(QStringLiteral("data")).toArray())
        customerMessages += message.toObject().value(QStringLiteral("author_kind")).toString() ==
                            QLatin1String("customer");
    QCOMPARE(customerMessages, 1);
}

void TestApi::channelsReportHealth()
{
    const Response before = get(QStringLiteral("/api/v1/channels"));
    QCOMPARE(before.status, 200);
    QJsonArray channels = before.json.value(QStringLiteral("data")).toArray();
    QCOMPARE(channels.size(), 1);
    QCOMPARE(channels.first().toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("webhook"));

    m_receiver->setHandler([](const RecordedRequest &) { return FakeResponse::json(503, "{}"); });
    const QJsonObject body{{QStringLiteral("from"), QStringLiteral("+15551234567")},
                           {QStringLiteral("to"), QStringLiteral("+15559876543")},
                           {QStringLiteral("type"), QStringLiteral("sms")},
                           {QStringLiteral("body"), QStringLiteral("Hello")}};
    post(QStringLiteral("/api/v1/messages/send"), body);
    QTRY_VERIFY_WITH_TIMEOUT(get(QStringLiteral("/api/v1/channels"))
                                     .json.value(QStringLiteral("data"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QStringLiteral("consecutive_failures"))
                                     .toInt() >= 1,
                             10000);
    const QJsonObject webhook = get(QStringLiteral("/api/v1/channels"))
                                    .json.value(QStringLiteral("data"))
                                    .toArray()
                                    .first()
                                    .toObject();
    QCOMPARE(webhook.value(QStringLiteral("healthy")).toBool(), false);
    QVERIFY(webhook.value(QStringLiteral("last_error")).toString().contains(QStringLiteral("503")));
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
