// Secrets and data, over real HTTP against SQLite and (with RELAYDESK_TEST_PG_URL) PostgreSQL:
// customer export and deletion with their audit records, SQL metacharacters through every
// field and search, and a full run whose logs must not reveal any configured secret or an
// unmasked phone number or e-mail address.
#include "channels/webhooksigner.h"
#include "engine/engine.h"
#include "fakes/fakeanthropic.h"
#include "fakes/fakehttpserver.h"
#include "observability/logger.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"
#include "server/apitokenstore.h"
#include "storage/conversationrepository.h"
#include "testdatabase.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kToken = "dataprotection-token-0123456789";
const QString kWebhookSecret = QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
};

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QString encoded(const QString &segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

} // namespace

class TestDataProtection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void customerExportAndDeletion_data() { TestDatabase::addBackendRows(); }
    void customerExportAndDeletion();
    void sqlMetacharactersAreStoredVerbatim_data() { TestDatabase::addBackendRows(); }
    void sqlMetacharactersAreStoredVerbatim();
    void logsRevealNoSecretsOrContacts_data() { TestDatabase::addBackendRows(); }
    void logsRevealNoSecretsOrContacts();

private:
    void startStack(const TestDatabase &db);
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                     const QByteArray &token = kToken,
                     const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, compact(body));
    }
    Response get(const QString &path) { return request("GET", path); }
    QJsonObject ingest(const QString &userId, const QString &content,
                       const QString &platform = QStringLiteral("discord"));

    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestDataProtection::cleanup()
{
    stopStack();
    m_network.clearConnectionCache();
}

void TestDataProtection::startStack(const TestDatabase &db)
{
    m_settings.dataDir = db.dataDir();
    m_settings.databaseUrl = db.url();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kToken)};
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestDataProtection::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestDataProtection::request(const QByteArray &method, const QString &path,
                                     const QByteArray &body, const QByteArray &token,
                                     const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(
        QUrl::fromEncoded(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path).toUtf8()));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);
    std::unique_ptr<QNetworkReply> reply(m_network.sendCustomRequest(request, method, body));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(20000);
    Response response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    response.json = QJsonDocument::fromJson(response.body).object();
    return response;
}

QJsonObject TestDataProtection::ingest(const QString &userId, const QString &content,
                                       const QString &platform)
{
    const Response accepted =
        post(QStringLiteral("/api/v1/messages"), QJsonObject{{QStringLiteral("user_id"), userId},
                                                             {QStringLiteral("platform"), platform},
                                                             {QStringLiteral("content"), content}});
    if (accepted.status != 202)
        qWarning() << "ingest answered" << accepted.status << accepted.body;
    return accepted.json;
}

void TestDataProtection::customerExportAndDeletion()
{
    RELAYDESK_TEST_DATABASE(db);
    m_settings = Settings{};
    m_settings.defaultAiMode = AiMode::Manual;
    startStack(db);

    const QString alice = QStringLiteral("alice-123");
    const QJsonObject first = ingest(alice, QStringLiteral("my parcel zebracorn is late"));
    const QJsonObject second = ingest(alice, QStringLiteral("still waiting"));
    const QString conversation = first.value(QStringLiteral("conversation_id")).toString();
    QCOMPARE(second.value(QStringLiteral("conversation_id")).toString(), conversation);
    QCOMPARE(post(QStringLiteral("/api/v1/conversations/%1/reply").arg(conversation),
                  QJsonObject{{QStringLiteral("content"), QStringLiteral("On its way")}})
                 .status,
             202);
    const QJsonObject bob = ingest(QStringLiteral("bob-456"), QStringLiteral("zebracorn too"));

    // Export: every conversation, message (both directions) with events, and jobs.
    const Response exported = get(QStringLiteral("/api/v1/customers/discord/") + alice);
    QCOMPARE(exported.status, 200);
    QCOMPARE(exported.json.value(QStringLiteral("user_id")).toString(), alice);
    QCOMPARE(exported.json.value(QStringLiteral("platform")).toString(), QStringLiteral("discord"));
    QVERIFY(!exported.json.value(QStringLiteral("audit_id")).toString().isEmpty());
    const QJsonArray conversations = exported.json.value(QStringLiteral("conversations")).toArray();
    QCOMPARE(conversations.size(), 1);
    const QJsonObject exportedConversation = conversations.first().toObject();
    QCOMPARE(exportedConversation.value(QStringLiteral("id")).toString(), conversation);
    const QJsonArray messages = exportedConversation.value(QStringLiteral("messages")).toArray();
    QCOMPARE(messages.size(), 3);
    QCOMPARE(messages.at(0).toObject().value(QStringLiteral("content")).toString(),
             QStringLiteral("my parcel zebracorn is late"));
    QCOMPARE(messages.at(2).toObject().value(QStringLiteral("direction")).toString(),
             QStringLiteral("outbound"));
    for (const QJsonValue &message : messages)
        QVERIFY(!message.toObject().value(QStringLiteral("events")).toArray().isEmpty());
    QCOMPARE(exportedConversation.value(QStringLiteral("jobs")).toArray().size(), 1); // the send
    QVERIFY(!exported.body.contains("bob-456"));

    // Unknown customers and bad platforms.
    QCOMPARE(get(QStringLiteral("/api/v1/customers/discord/nobody")).status, 404);
    QCOMPARE(get(QStringLiteral("/api/v1/customers/fax/") + alice).status, 422);
    QCOMPARE(
        request("DELETE", QStringLiteral("/api/v1/customers/discord/") + alice, {}, QByteArray())
            .status,
        401);

    // Deletion removes the customer's rows and nothing else, search index included.
    const Response deleted =
        request("DELETE", QStringLiteral("/api/v1/customers/discord/") + alice);
    QCOMPARE(deleted.status, 200);
    const QJsonObject counts = deleted.json.value(QStringLiteral("deleted")).toObject();
    QCOMPARE(counts.value(QStringLiteral("conversations")).toInt(), 1);
    QCOMPARE(counts.value(QStringLiteral("messages")).toInt(), 3);
    QVERIFY(counts.value(QStringLiteral("events")).toInt() >= 3);
    QCOMPARE(counts.value(QStringLiteral("jobs")).toInt(), 1);
    QCOMPARE(get(QStringLiteral("/api/v1/customers/discord/") + alice).status, 404);
    QCOMPARE(get(QStringLiteral("/api/v1/conversations/") + conversation).status, 404);
    QCOMPARE(get(QStringLiteral("/api/v1/messages/") + first.value(QStringLiteral("id")).toString())
                 .status,
             404);
    const QJsonArray found = get(QStringLiteral("/api/v1/messages?q=zebracorn"))
                                 .json.value(QStringLiteral("data"))
                                 .toArray();
    QCOMPARE(found.size(), 1);
    QCOMPARE(found.first().toObject().value(QStringLiteral("id")).toString(),
             bob.value(QStringLiteral("id")).toString());
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM messages WHERE user_id = ?"), {alice})
                 .toInt(),
             0);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM conversation_participants WHERE "
                                      "participant = ?"),
                       {alice})
                 .toInt(),
             0);
    if (!db.isPostgresql()) {
        // The FTS5 index itself no longer matches the deleted text.
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM messages_fts WHERE messages_fts "
                                          "MATCH 'late'"))
                     .toInt(),
                 0);
    }
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/customers/discord/") + alice).status, 404);

    // Every request is on record: two exports and two deletions (the second of each found
    // nothing).
    const QString subject = QStringLiteral("customer:discord:") + alice;
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND "
                                      "action = 'customer.export'"),
                       {subject})
                 .toInt(),
             2);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE subject = ? AND "
                                      "action = 'customer.delete'"),
                       {subject})
                 .toInt(),
             2);
    QCOMPARE(db.scalar(QStringLiteral("SELECT actor FROM audit_log WHERE subject = ? AND action "
                                      "= 'customer.delete' ORDER BY id LIMIT 1"),
                       {subject})
                 .toString(),
             ApiTokenStore::idForToken(kToken));
    const QJsonObject detail =
        QJsonDocument::fromJson(db.scalar(QStringLiteral("SELECT detail FROM audit_log WHERE "
                                                         "subject = ? AND action = "
                                                         "'customer.delete' ORDER BY id LIMIT 1"),
                                          {subject})
                                    .toString()
                                    .toUtf8())
            .object();
    QCOMPARE(detail.value(QStringLiteral("messages")).toInt(), 3);

    // Phone customers are found however the number is written.
    const QJsonObject sms =
        ingest(QStringLiteral("+1 (555) 010-9999"), QStringLiteral("hi"), QStringLiteral("sms"));
    QVERIFY(!sms.isEmpty());
    const Response phone = get(QStringLiteral("/api/v1/customers/sms/") +
                               encoded(QStringLiteral("+1 (555) 010-9999")));
    QCOMPARE(phone.status, 200);
    QCOMPARE(phone.json.value(QStringLiteral("conversations")).toArray().size(), 1);
}

void TestDataProtection::sqlMetacharactersAreStoredVerbatim()
{
    RELAYDESK_TEST_DATABASE(db);
    m_settings = Settings{};
    m_settings.defaultAiMode = AiMode::Manual;
    startStack(db);

    const QStringList hostile{
        QStringLiteral("'; DROP TABLE messages; --"),
        QStringLiteral("100% _done_"),
        QStringLiteral("back\\slash \\' \\\""),
        QStringLiteral("\"double\" 'single' `tick`"),
        QStringLiteral("x' OR '1'='1"),
        QStringLiteral("%_%"),
        QStringLiteral("Ünïcödé ✓ 日本語 🙂 ‮rtl"),
        QStringLiteral("$1 ?; :name @p0 {fn now()}"),
        QStringLiteral("\") OR 1=1; DELETE FROM conversations; --"),
    };
    int index = 0;
    for (const QString &text : hostile) {
        ++index;
        const QString userId = QStringLiteral("u%1 %2").arg(index).arg(text);
        const QJsonObject body{
            {QStringLiteral("user_id"), userId},
            {QStringLiteral("platform"), QStringLiteral("discord")},
            {QStringLiteral("content"), text},
            {QStringLiteral("thread_id"), QStringLiteral("t%1 %2").arg(index).arg(text)},
            {QStringLiteral("client_message_id"), QStringLiteral("c%1 %2").arg(index).arg(text)},
            {QStringLiteral("metadata"), QJsonObject{{text, text}}}};
        const Response accepted = post(QStringLiteral("/api/v1/messages"), body);
        QVERIFY2(accepted.status == 202, accepted.body.constData());
        const QString id = accepted.json.value(QStringLiteral("id")).toString();
        const QString conversation =
            accepted.json.value(QStringLiteral("conversation_id")).toString();

        const QJsonObject stored = get(QStringLiteral("/api/v1/messages/") + id).json;
        QCOMPARE(stored.value(QStringLiteral("content")).toString(), text);
        QCOMPARE(stored.value(QStringLiteral("user_id")).toString(), userId);
        QCOMPARE(stored.value(QStringLiteral("thread_id")).toString(),
                 body.value(QStringLiteral("thread_id")).toString());
        QCOMPARE(stored.value(QStringLiteral("client_message_id")).toString(),
                 body.value(QStringLiteral("client_message_id")).toString());
        QCOMPARE(stored.value(QStringLiteral("metadata")).toObject().value(text).toString(), text);
        // The id de-duplicates verbatim too.
        QCOMPARE(post(QStringLiteral("/api/v1/messages"), body).json.value(QStringLiteral("id")),
                 QJsonValue(id));

        // Conversation update: labels and assignee.
        const QString label = text.left(64).trimmed();
        const Response patched =
            request("PATCH", QStringLiteral("/api/v1/conversations/") + conversation,
                    compact(QJsonObject{{QStringLiteral("labels"), QJsonArray{label}},
                                        {QStringLiteral("assignee"), text}}));
        QVERIFY2(patched.status == 200, patched.body.constData());
        const QJsonObject updated =
            get(QStringLiteral("/api/v1/conversations/") + conversation).json;
        QCOMPARE(updated.value(QStringLiteral("assignee")).toString(), text);
        QCOMPARE(updated.value(QStringLiteral("labels")).toArray(), QJsonArray{label});

        // Outbound send: the body (phone numbers are validated, so only the text is free).
        const Response sent =
            post(QStringLiteral("/api/v1/messages/send"),
                 QJsonObject{{QStringLiteral("from"), QStringLiteral("+15550001111")},
                             {QStringLiteral("to"), QStringLiteral("+1555000%1").arg(2000 + index)},
                             {QStringLiteral("type"), QStringLiteral("sms")},
                             {QStringLiteral("body"), text},
                             {QStringLiteral("client_message_id"),
                              QStringLiteral("s%1 %2").arg(index).arg(text)},
                             {QStringLiteral("metadata"), QJsonObject{{text, text}}}});
        QVERIFY2(sent.status == 202, sent.body.constData());
        QCOMPARE(get(QStringLiteral("/api/v1/messages/") +
                     sent.json.value(QStringLiteral("id")).toString())
                     .json.value(QStringLiteral("content"))
                     .toString(),
                 text);

        // Searches: messages and conversations (FTS5 / tsvector), and filters.
        for (const QString &path :
             {QStringLiteral("/api/v1/messages?q="), QStringLiteral("/api/v1/conversations?q="),
              QStringLiteral("/api/v1/conversations?participant="),
              QStringLiteral("/api/v1/messages?conversation_id=")}) {
            const Response searched = get(path + encoded(text));
            QVERIFY2(searched.status == 200,
                     qPrintable(path + QLatin1Char(' ') + QString::fromUtf8(searched.body)));
        }
        const Response byParticipant =
            get(QStringLiteral("/api/v1/conversations?participant=") + encoded(userId));
        QCOMPARE(byParticipant.json.value(QStringLiteral("data")).toArray().size(), 1);

        // The label filter uses LIKE: % and _ must match themselves only.
        auto labelled = m_engine
                            ->read<Page<Conversation>>([label](QSqlDatabase &connection) {
                                ConversationFilter filter;
                                filter.label = label;
                                return ConversationRepository(connection).list(filter);
                            })
                            .result();
        QVERIFY2(labelled.isOk(), qPrintable(labelled.error().message));
        QCOMPARE(labelled.value().items.size(), 1);
        QCOMPARE(labelled.value().items.first().id, conversation);

        // Customer export of a hostile user id.
        const Response exported =
            get(QStringLiteral("/api/v1/customers/discord/") + encoded(userId));
        QCOMPARE(exported.status, 200);
        QCOMPARE(exported.json.value(QStringLiteral("user_id")).toString(), userId);
    }

    // Words are found; nothing was dropped or deleted.
    const QJsonArray unicode =
        get(QStringLiteral("/api/v1/messages?q=") + encoded(QStringLiteral("Ünïcödé")))
            .json.value(QStringLiteral("data"))
            .toArray();
    QVERIFY(!unicode.isEmpty());
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM messages")).toInt(),
             2 * int(hostile.size()));
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM conversations")).toInt(),
             2 * int(hostile.size()));
    for (const QString &table : {QStringLiteral("messages"), QStringLiteral("conversations"),
                                 QStringLiteral("message_events"), QStringLiteral("jobs")})
        QVERIFY2(db.tables().contains(table), qPrintable(table));

    // And the customer deletion of the hostile ids removes exactly their conversations.
    const QString first = QStringLiteral("u1 ") + hostile.first();
    QCOMPARE(
        request("DELETE", QStringLiteral("/api/v1/customers/discord/") + encoded(first)).status,
        200);
    QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM conversations")).toInt(),
             2 * int(hostile.size()) - 1);
}

void TestDataProtection::logsRevealNoSecretsOrContacts()
{
    RELAYDESK_TEST_DATABASE(db);
    QMutex mutex;
    QList<QByteArray> lines;
    Logger::setSinkForTesting([&](const QByteArray &line) {
        QMutexLocker lock(&mutex);
        lines.append(line);
    });
    const auto restore = qScopeGuard([] {
        Logger::setSinkForTesting({});
        Logger::install(QStringLiteral("info"));
    });
    QVERIFY(Logger::install(QStringLiteral("debug")));

    FakeAnthropic anthropic;
    FakeHttpServer receiver;
    QVERIFY(receiver.isListening());
    // The first outbound delivery fails so retry and error paths log too.
    receiver.queueResponse(FakeResponse::json(500, "{\"error\":\"boom\"}"));

    const QString outboundSecret = QStringLiteral("whsec_C2VjcmV0LW91dGJvdW5kLXNpZ25pbmcta2V5");
    const QString openAiKey = QStringLiteral("sk-proj-SECRETopenai0123456789abcdef");
    const QString twilioToken = QStringLiteral("twilio-auth-SECRET-0123456789abcdef");
    const QString sendgridKey = QStringLiteral("SG.SECRETsendgrid.0123456789abcdefghij");
    const QString telegramToken = QStringLiteral("123456789:AAH-SECRETtelegramBotToken0123456");
    m_settings = Settings{};
    m_settings.aiChain = {QStringLiteral("anthropic")};
    m_settings.anthropic.apiKey = QString::fromLatin1(FakeAnthropic::kApiKey);
    m_settings.anthropic.baseUrl = anthropic.baseUrl();
    m_settings.openai.apiKey = openAiKey;
    m_settings.defaultAiMode = AiMode::Auto;
    m_settings.webhookEnabled = true;
    m_settings.webhookOutboundUrl = receiver.url(QStringLiteral("/outbound")).toString();
    m_settings.webhookSecret = outboundSecret;
    m_settings.webhookSourceSecrets = {{QStringLiteral("crm"), kWebhookSecret}};
    m_settings.twilio.authToken = twilioToken;
    m_settings.twilio.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
    m_settings.sendgrid.apiKey = sendgridKey;
    m_settings.telegram.botToken = telegramToken;
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    startStack(db);

    const QString phone = QStringLiteral("+15551234567");
    const QString email = QStringLiteral("jane.doe@example.com");
    // Customers identified by phone and e-mail, mentioning contact details in the text.
    const QJsonObject byPhone =
        ingest(QStringLiteral("+15557654321"),
               QStringLiteral("call me at %1 or write to %2").arg(phone, email),
               QStringLiteral("webhook"));
    QVERIFY(!byPhone.isEmpty());
    QVERIFY(!ingest(email, QStringLiteral("my number is %1").arg(phone), QStringLiteral("webhook"))
                 .isEmpty());
    QCOMPARE(
        post(QStringLiteral("/api/v1/messages/send"),
             QJsonObject{{QStringLiteral("from"), QStringLiteral("+15550001111")},
                         {QStringLiteral("to"), phone},
                         {QStringLiteral("type"), QStringLiteral("sms")},
                         {QStringLiteral("body"), QString(QStringLiteral("Reply to ") + email)}})
            .status,
        202);
    // A signed webhook, a forged one, a wrong token, a search and a customer export.
    const QByteArray webhook = compact(QJsonObject{
        {QStringLiteral("user_id"), email},
        {QStringLiteral("content"), QString(QStringLiteral("from the CRM, phone ") + phone)}});
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const WebhookSigner signer(kWebhookSecret);
    QCOMPARE(request("POST", QStringLiteral("/api/v1/webhooks/generic/crm"), webhook, {},
                     {{"webhook-id", "msg_logs_1"},
                      {"webhook-timestamp", QByteArray::number(now)},
                      {"webhook-signature", signer.sign("msg_logs_1", now, webhook)}})
                 .status,
             202);
    QCOMPARE(request("POST", QStringLiteral("/api/v1/webhooks/generic/crm"), webhook, {},
                     {{"webhook-id", "msg_logs_2"},
                      {"webhook-timestamp", QByteArray::number(now)},
                      {"webhook-signature", "v1,Zm9yZ2VkLXNpZ25hdHVyZQ=="}})
                 .status,
             401);
    const QByteArray wrongToken = "wrong-SECRET-token-0123456789";
    QCOMPARE(request("GET", QStringLiteral("/api/v1/conversations"), {}, wrongToken).status, 401);
    QCOMPARE(get(QStringLiteral("/api/v1/messages?q=") + encoded(phone)).status, 200);
    QCOMPARE(get(QStringLiteral("/api/v1/customers/webhook/") + encoded(email)).status, 200);
    QCOMPARE(get(QStringLiteral("/api/v1/customers/sms/") + encoded(phone)).status, 200);
    QCOMPARE(
        get(QStringLiteral("/api/v1/customers/webhook/") + encoded(QStringLiteral("+15557654321")))
            .status,
        200);
    // The AI drafted (with the key) and auto mode delivered through the outbound webhook
    // (signed with its secret), after one failed attempt.
    QVERIFY(receiver.waitForRequests(3, 20000));
    QTRY_VERIFY_WITH_TIMEOUT(!anthropic.requests().isEmpty(), 20000);
    stopStack(); // flushes and logs the shutdown too

    QMutexLocker lock(&mutex);
    // The access log names every request, customer routes with the contact in the path: the
    // check below has something to bite on.
    QVERIFY2(lines.size() >= 10, "the run should have logged something to check");
    QVERIFY(std::any_of(lines.cbegin(), lines.cend(),
                        [](const QByteArray &line) { return line.contains("j***@example.com"); }));
    const QStringList secrets{QString::fromLatin1(kToken),
                              QString::fromLatin1(wrongToken),
                              kWebhookSecret,
                              kWebhookSecret.mid(6),
                              outboundSecret,
                              outboundSecret.mid(6),
                              QString::fromLatin1(FakeAnthropic::kApiKey),
                              openAiKey,
                              twilioToken,
                              sendgridKey,
                              telegramToken,
                              phone,
                              phone.mid(1),
                              QStringLiteral("+15557654321"),
                              QStringLiteral("5557654321"),
                              email};
    for (const QByteArray &line : std::as_const(lines)) {
        const QString text = QString::fromUtf8(line);
        for (const QString &secret : secrets)
            QVERIFY2(!text.contains(secret, Qt::CaseInsensitive),
                     qPrintable(QStringLiteral("log line reveals %1: %2")
                                    .arg(secret.left(4) + QStringLiteral("..."), text)));
    }

    // Only the token's digest is kept: the SQLite files hold no API token.
    if (!db.isPostgresql()) {
        const QStringList files = QDir(db.dataDir()).entryList(QDir::Files);
        for (const QString &name : files) {
            QFile file(QDir(db.dataDir()).filePath(name));
            if (!file.open(QIODevice::ReadOnly)) {
                // SQLite's transient journal files may go between listing and opening.
                QVERIFY2(!file.exists(), qPrintable(name));
                continue;
            }
            QVERIFY2(!file.readAll().contains(kToken), qPrintable(name));
        }
    }
}

QTEST_GUILESS_MAIN(TestDataProtection)
#include "tst_dataprotection.moc"
