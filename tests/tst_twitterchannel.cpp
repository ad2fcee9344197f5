// X (Twitter) DMs: the adapter's parsing against the fixtures, the fake against the recordings,
// and the whole channel against the fake: a real engine on a real SQLite file polls the fake,
// the real API server approves drafts, and replies go back to the fake over HTTP.
#include "channels/twitterchannel.h"
#include "engine/engine.h"
#include "fakes/faketwitter.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"

#include <QCoro/QCoroTask>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace relaydesk;

namespace {

const QByteArray kApiToken = "test-token-0123456789abcdef";
const QString kCustomer = QStringLiteral("9876543210");
const QString kOtherCustomer = QStringLiteral("750362064426721281");

struct Response {
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QMap<QByteArray, QByteArray> headers;
};

struct StoredMessage {
    QString id;
    QString conversationId;
    QString userId;
    QString content;
    QString clientMessageId;
    QJsonObject metadata;
    QJsonArray attachments;
};

QByteArray fixture(const QString &name)
{
    QFile file(QDir(qEnvironmentVariable("RELAYDESK_FIXTURES_DIR"))
                   .filePath(QStringLiteral("x_twitter/") + name));
    if (!file.open(QIODevice::ReadOnly))
        qWarning("cannot read fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

QJsonObject fixtureObject(const QString &name)
{
    return QJsonDocument::fromJson(fixture(name)).object();
}

QStringList keysOf(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

} // namespace

class TestTwitterChannel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void parsesDocsEventsPage();
    void parsesExpansionUsernames();
    void parsesRecordedConversationEvents();
    void parsesEmptyRecordedPage();
    void parsesSendResponses();
    void errorDetailReadsXErrors();
    void splitsLongTextOnBoundaries();
    void comparesSnowflakeIds();
    void sendPathPrefersGroupThenParticipantThenUser();
    void eventsQueryUsesOnlyDocumentedParameters();

    void fakeSpeaksTheRecordedShapes();

    void outboundRequestShape();
    void outboundSplitsOverTheLimit();
    void outboundRateLimitHonoursReset();
    void outboundRefusalIsNotRetryable();

    void pollingIngestsFixtureShapedEvents();
    void paginationWalksBackToSinceId();
    void sinceIdSurvivesRestart();
    void rateLimitWaitsForReset();
    void rateLimitMidWalkResumesWithSameToken();
    void unauthorizedMarksChannelUnhealthy();
    void stopDuringPollIsPromptAndLosesNothing();
    void forbiddenDmIsDeadLettered();
    void endToEndConversation();

private:
    void startStack();
    void stopStack();
    Response request(const QByteArray &method, const QString &path, const QByteArray &body = {});
    Response get(const QString &path) { return request("GET", path); }
    Response post(const QString &path, const QJsonObject &body)
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response fakeRequest(const QByteArray &method, const QString &pathAndQuery,
                         const QByteArray &body = {}, const QByteArray &token = {});
    QList<StoredMessage> customerMessages();
    bool waitForCustomerMessages(int count, int timeoutMs = 20000);
    QString savedSinceId();
    QJsonObject waitForMessageState(const QString &messageId, const QString &state);
    QString waitForDraft(const QString &conversationId);
    QJsonObject twitterChannelStatus();
    TwitterSettings channelSettings() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FakeTwitter> m_x;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestTwitterChannel::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_x = std::make_unique<FakeTwitter>();
    QVERIFY(m_x->http().isListening());
    m_x->setToken(QStringLiteral("x-user-token-abc"));
    m_x->addUser(kCustomer, QStringLiteral("example_user"), QStringLiteral("Example User"));
    m_x->addUser(kOtherCustomer, QStringLiteral("other_user"), QStringLiteral("Other User"));
    m_settings = Settings{};
    m_settings.dataDir = m_dir->path();
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.apiTokens = {QString::fromLatin1(kApiToken)};
    m_settings.retryBaseMs = 20;
    m_settings.retryMaxMs = 100;
    m_settings.twitter = channelSettings();
}

void TestTwitterChannel::cleanup()
{
    stopStack();
    m_x.reset();
    m_dir.reset();
}

TwitterSettings TestTwitterChannel::channelSettings() const
{
    TwitterSettings settings;
    settings.enabled = true;
    settings.bearerToken = m_x->token();
    settings.pollIntervalSeconds = 1;
    settings.baseUrl = m_x->url().toString();
    return settings;
}

void TestTwitterChannel::startStack()
{
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    QVERIFY2(started.isOk(), qPrintable(started.error().message));
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    QVERIFY2(port.isOk(), qPrintable(port.error().message));
    m_port = port.value();
}

void TestTwitterChannel::stopStack()
{
    if (m_api)
        m_api->stop();
    m_api.reset();
    if (m_engine)
        m_engine->stop();
    m_engine.reset();
}

Response TestTwitterChannel::request(const QByteArray &method, const QString &path,
                                     const QByteArray &body)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
    request.setRawHeader("Authorization", "Bearer " + kApiToken);
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

Response TestTwitterChannel::fakeRequest(const QByteArray &method, const QString &pathAndQuery,
                                         const QByteArray &body, const QByteArray &token)
{
    QNetworkRequest request(m_x->http().url(pathAndQuery));
    request.setRawHeader("Authorization",
                         "Bearer " + (token.isEmpty() ? m_x->token().toUtf8() : token));
    if (!body.isEmpty())
        request.setRawHeader("Content-Type", "application/json");
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

QList<StoredMessage> TestTwitterChannel::customerMessages()
{
    if (!m_engine)
        return {};
    auto rows =
        m_engine
            ->read<QList<StoredMessage>>([](QSqlDatabase &db) -> Outcome<QList<StoredMessage>> {
                QSqlQuery query(db);
                if (!query.exec(QStringLiteral(
                        "SELECT id, conversation_id, user_id, content, client_message_id, "
                        "metadata, attachments FROM messages WHERE direction = 'inbound' "
                        "ORDER BY id")))
                    return Outcome<QList<StoredMessage>>::failure(ErrorKind::Internal,
                                                                  query.lastError().text());
                QList<StoredMessage> messages;
                while (query.next()) {
                    messages.append(StoredMessage{
                        query.value(0).toString(), query.value(1).toString(),
                        query.value(2).toString(), query.value(3).toString(),
                        query.value(4).toString(),
                        QJsonDocument::fromJson(query.value(5).toByteArray()).object(),
                        QJsonDocument::fromJson(query.value(6).toByteArray()).array()});
                }
                return messages;
            })
            .result();
    return rows.isOk() ? rows.value() : QList<StoredMessage>();
}

bool TestTwitterChannel::waitForCustomerMessages(int count, int timeoutMs)
{
    return QTest::qWaitFor([&] { return customerMessages().size() >= count; }, timeoutMs);
}

QString TestTwitterChannel::savedSinceId()
{
    const auto state =
        m_engine->loadState(QStringLiteral("twitter"), QStringLiteral("since_id")).result();
    return state.isOk() ? state.value().value_or(QString()) : QString();
}

QJsonObject TestTwitterChannel::waitForMessageState(const QString &messageId, const QString &state)
{
    QJsonObject message;
    const bool reached = QTest::qWaitFor(
        [&] {
            message = get(QStringLiteral("/api/v1/messages/") + messageId).json;
            return message.value(QStringLiteral("status")).toString() == state;
        },
        15000);
    if (!reached)
        qWarning() << "message" << messageId << "stayed" << message.value(QStringLiteral("status"))
                   << "instead of" << state;
    return message;
}

QString TestTwitterChannel::waitForDraft(const QString &conversationId)
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
        15000);
    return draftId;
}

QJsonObject TestTwitterChannel::twitterChannelStatus()
{
    const QJsonArray channels =
        get(QStringLiteral("/api/v1/channels")).json.value(QStringLiteral("data")).toArray();
    for (const QJsonValue &value : channels) {
        if (value.toObject().value(QStringLiteral("name")).toString() == QLatin1String("twitter"))
            return value.toObject();
    }
    return {};
}

// --- parsing the fixtures -------------------------------------------------------------------

void TestTwitterChannel::parsesDocsEventsPage()
{
    const auto page = TwitterChannel::parseEventsPage(
        fixture(QStringLiteral("docs_get_dm_events_response.json")));
    QVERIFY2(page.isOk(), qPrintable(page.error().message));
    QCOMPARE(page.value().events.size(), 1);
    QCOMPARE(page.value().nextToken, QStringLiteral("abc123"));
    QCOMPARE(page.value().resultCount, 1);
    const auto message = TwitterChannel::parseEvent(page.value().events.first(), page.value());
    QVERIFY2(message.isOk(), qPrintable(message.error().message));
    QVERIFY(message.value().platform == Platform::Twitter);
    QVERIFY(message.value().direction == Direction::Inbound);
    QCOMPARE(message.value().userId, kCustomer);
    QCOMPARE(message.value().content, QStringLiteral("Hello! How are you?"));
    QCOMPARE(message.value().clientMessageId, QStringLiteral("twitter:1234567890"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("dm_event_id")),
             QStringLiteral("1234567890"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("participant_id")), kCustomer);
    QCOMPARE(message.value().metadata.value(QStringLiteral("created_at")),
             QStringLiteral("2024-01-15T10:30:00.000Z"));
}

void TestTwitterChannel::parsesExpansionUsernames()
{
    const auto page = TwitterChannel::parseEventsPage(
        fixture(QStringLiteral("docs_get_dm_events_response_with_expansion.json")));
    QVERIFY(page.isOk());
    QCOMPARE(page.value().users.size(), 1);
    QVERIFY(page.value().nextToken.isEmpty());
    const auto message = TwitterChannel::parseEvent(page.value().events.first(), page.value());
    QVERIFY(message.isOk());
    QCOMPARE(message.value().content, QStringLiteral("Hello!"));
    QCOMPARE(message.value().metadata.value(QStringLiteral("username")),
             QStringLiteral("example_user"));
}

void TestTwitterChannel::parsesRecordedConversationEvents()
{
    const auto page = TwitterChannel::parseEventsPage(
        fixture(QStringLiteral("recorded_get_dm_conversation_events_200.json")));
    QVERIFY(page.isOk());
    QCOMPARE(page.value().events.size(), 2);
    QCOMPARE(page.value().nextToken, QStringLiteral("18LAA5G1SL0NR5OG0G00ZZZZ"));
    // Newest first, as X sends them.
    QCOMPARE(page.value().events.at(0).value(QStringLiteral("text")).toString(),
             QStringLiteral("Testing 2"));
    QVERIFY(
        TwitterChannel::isNewer(page.value().events.at(0).value(QStringLiteral("id")).toString(),
                                page.value().events.at(1).value(QStringLiteral("id")).toString()));
    // Recorded without dm_event.fields, so no sender: such an event cannot become a message.
    const auto message = TwitterChannel::parseEvent(page.value().events.first(), page.value());
    QVERIFY(!message.isOk());
    QVERIFY(message.error().message.contains(QStringLiteral("sender_id")));
}

void TestTwitterChannel::parsesEmptyRecordedPage()
{
    const auto page = TwitterChannel::parseEventsPage(
        fixture(QStringLiteral("recorded_get_dm_events_empty_200.json")));
    QVERIFY(page.isOk());
    QVERIFY(page.value().events.isEmpty());
    QVERIFY(page.value().nextToken.isEmpty());
    QCOMPARE(page.value().resultCount, 0);
    QVERIFY(!TwitterChannel::parseEventsPage("<html>").isOk());
    QVERIFY(!TwitterChannel::parseEventsPage(R"({"data":{"id":"1"}})").isOk());
    QVERIFY(!TwitterChannel::parseEventsPage(QByteArray()).isOk());
    // Junk inside data is skipped, not fatal.
    const auto mixed = TwitterChannel::parseEventsPage(
        R"({"data":[1,"x",{"id":"5","event_type":"MessageCreate"}]})");
    QVERIFY(mixed.isOk());
    QCOMPARE(mixed.value().events.size(), 1);
}

void TestTwitterChannel::parsesSendResponses()
{
    auto id = TwitterChannel::parseSendResponse(
        fixture(QStringLiteral("docs_post_dm_with_participant_response.json")));
    QVERIFY(id.isOk());
    QCOMPARE(id.value(), QStringLiteral("1582103724607971332"));
    id = TwitterChannel::parseSendResponse(
        fixture(QStringLiteral("recorded_post_dm_with_participant_201.json")));
    QCOMPARE(id.value(), QStringLiteral("1585800613253812228"));
    id = TwitterChannel::parseSendResponse(
        fixture(QStringLiteral("recorded_post_dm_to_conversation_201.json")));
    QCOMPARE(id.value(), QStringLiteral("1585800613752881156"));
    id = TwitterChannel::parseSendResponse(
        fixture(QStringLiteral("recorded_post_dm_conversation_create_group_201.json")));
    QCOMPARE(id.value(), QStringLiteral("1585800614365339652"));
    QVERIFY(!TwitterChannel::parseSendResponse("{}").isOk());
    QVERIFY(!TwitterChannel::parseSendResponse("garbage").isOk());
}

void TestTwitterChannel::errorDetailReadsXErrors()
{
    const QString invalid = TwitterChannel::errorDetail(FakeTwitter::invalidRequestBody(
        QJsonObject{{QStringLiteral("since_id"), QJsonArray{QStringLiteral("1")}}},
        QStringLiteral("The query parameter [since_id] is not one of [max_results]")));
    QVERIFY(invalid.contains(QStringLiteral("Invalid Request")));
    QVERIFY(invalid.contains(QStringLiteral("One or more parameters")));
    QVERIFY(invalid.contains(QStringLiteral("[since_id]")));
    const QString limited = TwitterChannel::errorDetail(
        R"({"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429})");
    QCOMPARE(limited, QStringLiteral("Too Many Requests"));
    QCOMPARE(TwitterChannel::errorDetail("upstream connect error"),
             QStringLiteral("upstream connect error"));
    QCOMPARE(TwitterChannel::errorDetail(""), QStringLiteral("empty body"));
}

void TestTwitterChannel::splitsLongTextOnBoundaries()
{
    QCOMPARE(TwitterChannel::splitText(QStringLiteral("short")),
             QStringList{QStringLiteral("short")});
    QVERIFY(TwitterChannel::splitText(QString()).isEmpty());
    const QString words = QStringLiteral("alpha beta gamma delta epsilon");
    const QStringList parts = TwitterChannel::splitText(words, 12);
    QCOMPARE(parts.join(QString()), words);
    for (const QString &part : parts)
        QVERIFY(part.size() <= 12);
    QCOMPARE(parts.first(), QStringLiteral("alpha beta "));
    // No boundary to use: a hard cut, but never through a surrogate pair.
    const QString emoji =
        QString(9, QLatin1Char('x')) + QString::fromUtf8("\xF0\x9F\x98\x80") + QStringLiteral("yy");
    const QStringList hard = TwitterChannel::splitText(emoji, 10);
    QCOMPARE(hard.join(QString()), emoji);
    QCOMPARE(hard.first().size(), 9);
    for (const QString &part : hard)
        QVERIFY(!part.back().isHighSurrogate());
    const QString huge = QString(25000, QLatin1Char('a'));
    const QStringList big = TwitterChannel::splitText(huge);
    QCOMPARE(big.size(), 3);
    QCOMPARE(big.first().size(), TwitterChannel::kMaxTextLength);
}

void TestTwitterChannel::comparesSnowflakeIds()
{
    QVERIFY(TwitterChannel::isNewer(QStringLiteral("1585800613752881156"),
                                    QStringLiteral("1585800613253812228")));
    QVERIFY(!TwitterChannel::isNewer(QStringLiteral("1585800613253812228"),
                                     QStringLiteral("1585800613752881156")));
    QVERIFY(TwitterChannel::isNewer(QStringLiteral("10000000000"), QStringLiteral("9999999999")));
    QVERIFY(!TwitterChannel::isNewer(QStringLiteral("42"), QStringLiteral("42")));
    QVERIFY(TwitterChannel::isNewer(QStringLiteral("1"), QString()));
    QVERIFY(!TwitterChannel::isNewer(QString(), QStringLiteral("1")));
}

void TestTwitterChannel::sendPathPrefersGroupThenParticipantThenUser()
{
    OutboundContext context;
    context.message.userId = kOtherCustomer;
    QCOMPARE(TwitterChannel::sendPathFor(context).value(),
             QStringLiteral("/2/dm_conversations/with/750362064426721281/messages"));
    Message inbound;
    inbound.metadata.insert(QStringLiteral("participant_id"), kCustomer);
    inbound.metadata.insert(QStringLiteral("dm_conversation_id"),
                            QStringLiteral("1072250532645998596-9876543210"));
    inbound.metadata.insert(QStringLiteral("dm_conversation_type"), QStringLiteral("one_to_one"));
    context.lastInbound = inbound;
    QCOMPARE(TwitterChannel::sendPathFor(context).value(),
             QStringLiteral("/2/dm_conversations/with/9876543210/messages"));
    inbound.metadata.insert(QStringLiteral("dm_conversation_id"),
                            QStringLiteral("1585800614365339648"));
    inbound.metadata.insert(QStringLiteral("dm_conversation_type"), QStringLiteral("group"));
    context.lastInbound = inbound;
    QCOMPARE(TwitterChannel::sendPathFor(context).value(),
             QStringLiteral("/2/dm_conversations/1585800614365339648/messages"));
    // Nothing numeric to send to (and no way to smuggle a path in).
    OutboundContext bad;
    bad.message.userId = QStringLiteral("../../2/tweets");
    QVERIFY(!TwitterChannel::sendPathFor(bad).isOk());
    bad.message.userId.clear();
    QVERIFY(!TwitterChannel::sendPathFor(bad).isOk());
}

void TestTwitterChannel::eventsQueryUsesOnlyDocumentedParameters()
{
    const QUrlQuery query = TwitterChannel::eventsQuery(QString());
    QStringList names;
    for (const auto &[name, value] : query.queryItems())
        names << name;
    names.sort();
    QCOMPARE(names, QStringList({QStringLiteral("dm_event.fields"), QStringLiteral("event_types"),
                                 QStringLiteral("expansions"), QStringLiteral("max_results"),
                                 QStringLiteral("media.fields"), QStringLiteral("user.fields")}));
    QVERIFY(query.queryItemValue(QStringLiteral("dm_event.fields"))
                .contains(QStringLiteral("sender_id")));
    QVERIFY(query.queryItemValue(QStringLiteral("dm_event.fields"))
                .contains(QStringLiteral("dm_conversation_id")));
    QCOMPARE(query.queryItemValue(QStringLiteral("max_results")), QStringLiteral("100"));
    QCOMPARE(TwitterChannel::eventsQuery(QStringLiteral("18LAA5G1SL0NR5OG0G00ZZZZ"))
                 .queryItemValue(QStringLiteral("pagination_token")),
             QStringLiteral("18LAA5G1SL0NR5OG0G00ZZZZ"));
}

// --- the fake against the recordings --------------------------------------------------------

void TestTwitterChannel::fakeSpeaksTheRecordedShapes()
{
    // No events: byte for byte the recorded empty answer, with the recorded headers.
    Response empty = fakeRequest("GET", QStringLiteral("/2/dm_events"));
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.body, fixture(QStringLiteral("recorded_get_dm_events_empty_200.json")));
    QCOMPARE(empty.headers.value("content-type"), QByteArray("application/json; charset=utf-8"));
    QCOMPARE(empty.headers.value("x-access-level"), QByteArray("read-write-directmessages"));
    QCOMPARE(empty.headers.value("x-rate-limit-limit"), QByteArray("300"));
    QVERIFY(empty.headers.value("x-rate-limit-reset").toLongLong() >
            QDateTime::currentSecsSinceEpoch());
    QVERIFY(empty.headers.contains("x-rate-limit-remaining"));

    // The recorded events, projected without dm_event.fields: the recorded data, exactly.
    const QJsonObject recorded =
        fixtureObject(QStringLiteral("recorded_get_dm_conversation_events_200.json"));
    const QJsonArray recordedData = recorded.value(QStringLiteral("data")).toArray();
    for (qsizetype i = recordedData.size() - 1; i >= 0; --i) {
        QJsonObject event = recordedData.at(i).toObject();
        event.insert(QStringLiteral("sender_id"), m_x->myId());
        m_x->addEvent(event);
    }
    Response page = fakeRequest("GET", QStringLiteral("/2/dm_events"));
    QCOMPARE(page.json.value(QStringLiteral("data")).toArray(), recordedData);
    QCOMPARE(page.json.value(QStringLiteral("meta"))
                 .toObject()
                 .value(QStringLiteral("result_count"))
                 .toInt(),
             2);

    // Pages carry opaque next tokens of the recorded length that lead to the rest.
    page = fakeRequest("GET", QStringLiteral("/2/dm_events?max_results=1"));
    const QString token = page.json.value(QStringLiteral("meta"))
                              .toObject()
                              .value(QStringLiteral("next_token"))
                              .toString();
    QCOMPARE(token.size(), recorded.value(QStringLiteral("meta"))
                               .toObject()
                               .value(QStringLiteral("next_token"))
                               .toString()
                               .size());
    page =
        fakeRequest("GET", QStringLiteral("/2/dm_events?max_results=1&pagination_token=") + token);
    QCOMPARE(page.json.value(QStringLiteral("data"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("text"))
                 .toString(),
             QStringLiteral("Testing 1"));
    QVERIFY(
        !page.json.value(QStringLiteral("meta")).toObject().contains(QStringLiteral("next_token")));

    // X refuses parameters the endpoint does not have, such as since_id.
    const Response sinceId = fakeRequest("GET", QStringLiteral("/2/dm_events?since_id=1"));
    QCOMPARE(sinceId.status, 400);
    QCOMPARE(sinceId.json.value(QStringLiteral("title")).toString(),
             QStringLiteral("Invalid Request"));
    QVERIFY(sinceId.body.contains("[since_id]"));
    QCOMPARE(fakeRequest("GET", QStringLiteral("/2/dm_events?max_results=500")).status, 400);
    QCOMPARE(fakeRequest("GET", QStringLiteral("/2/dm_events?dm_event.fields=bogus")).status, 400);
    const Response unauthorized = fakeRequest("GET", QStringLiteral("/2/dm_events"), {}, "wrong");
    QCOMPARE(unauthorized.status, 401);
    QCOMPARE(unauthorized.json.value(QStringLiteral("title")).toString(),
             QStringLiteral("Unauthorized"));

    // users/me names the account behind the token.
    const Response me = fakeRequest("GET", QStringLiteral("/2/users/me"));
    QCOMPARE(
        me.json.value(QStringLiteral("data")).toObject().value(QStringLiteral("id")).toString(),
        m_x->myId());

    // A send answers like the recording: same keys, one-to-one id of the sorted pair, location.
    const Response sent =
        fakeRequest("POST", QStringLiteral("/2/dm_conversations/with/750362064426721281/messages"),
                    R"({"text":"Hello"})");
    QCOMPARE(sent.status, 201);
    const QJsonObject recordedSend =
        fixtureObject(QStringLiteral("recorded_post_dm_with_participant_201.json"));
    QCOMPARE(keysOf(sent.json), keysOf(recordedSend));
    QCOMPARE(keysOf(sent.json.value(QStringLiteral("data")).toObject()),
             keysOf(recordedSend.value(QStringLiteral("data")).toObject()));
    QCOMPARE(sent.json.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("dm_conversation_id"))
                 .toString(),
             recordedSend.value(QStringLiteral("data"))
                 .toObject()
                 .value(QStringLiteral("dm_conversation_id"))
                 .toString());
    QCOMPARE(sent.headers.value("x-rate-limit-limit"), QByteArray("200"));
    QVERIFY(sent.headers.value("location")
                .contains(sent.json.value(QStringLiteral("data"))
                              .toObject()
                              .value(QStringLiteral("dm_event_id"))
                              .toString()
                              .toLatin1()));
    // The sent DM shows up in the event list, from us, newest first.
    page = fakeRequest("GET", QStringLiteral("/2/dm_events?dm_event.fields=sender_id,text"));
    const QJsonObject newest = page.json.value(QStringLiteral("data")).toArray().first().toObject();
    QCOMPARE(newest.value(QStringLiteral("text")).toString(), QStringLiteral("Hello"));
    QCOMPARE(newest.value(QStringLiteral("sender_id")).toString(), m_x->myId());
    QCOMPARE(fakeRequest("POST",
                         QStringLiteral("/2/dm_conversations/with/750362064426721281/messages"),
                         "{}")
                 .status,
             400);

    // A closed window: 429 with X's body and headers.
    m_x->setWindow(FakeTwitter::Endpoint::DmEvents, 0, 60);
    const Response limited = fakeRequest("GET", QStringLiteral("/2/dm_events"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.json.value(QStringLiteral("title")).toString(),
             QStringLiteral("Too Many Requests"));
    QCOMPARE(limited.headers.value("x-rate-limit-remaining"), QByteArray("0"));
    QCOMPARE(limited.headers.value("x-rate-limit-reset").toLongLong(),
             m_x->resetOf(FakeTwitter::Endpoint::DmEvents));
}

// --- outbound against the fake ----------------------------------------------------------------

void TestTwitterChannel::outboundRequestShape()
{
    QNetworkAccessManager network;
    TwitterChannel channel(&network, channelSettings());
    OutboundContext context;
    context.message.platform = Platform::Twitter;
    context.message.userId = kOtherCustomer;
    context.message.content = QStringLiteral("Thanks, we're on it \"now\"");
    Message inbound;
    inbound.metadata.insert(QStringLiteral("participant_id"), kCustomer);
    context.lastInbound = inbound;

    const SendResult result = QCoro::waitFor(channel.send(context));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(m_x->sent().size(), 1);
    QCOMPARE(result.externalId, m_x->sent().first().eventId);
    const RecordedRequest sent = m_x->requestsTo(FakeTwitter::Endpoint::Send).first();
    QCOMPARE(sent.method, QByteArray("POST"));
    QCOMPARE(sent.path, QStringLiteral("/2/dm_conversations/with/9876543210/messages"));
    QCOMPARE(sent.header("authorization"), QByteArray("Bearer x-user-token-abc"));
    QCOMPARE(sent.header("content-type"), QByteArray("application/json"));
    QCOMPARE(sent.body, QByteArray("{\"text\":\"Thanks, we're on it \\\"now\\\"\"}"));
    QVERIFY(sent.query.isEmpty());
    QCOMPARE(channel.health().consecutiveFailures, 0);
    QVERIFY(channel.health().lastSuccessAt.isValid());

    // No inbound to answer: the message's user id is the participant.
    context.lastInbound.reset();
    context.message.content = QStringLiteral("Following up");
    const SendResult direct = QCoro::waitFor(channel.send(context));
    QVERIFY(direct.ok);
    QCOMPARE(m_x->sent().last().path,
             QStringLiteral("/2/dm_conversations/with/750362064426721281/messages"));
    QCOMPARE(m_x->sent().last().conversationId,
             QStringLiteral("750362064426721281-1072250532645998596"));

    // A group conversation is answered in the group.
    inbound.metadata.insert(QStringLiteral("dm_conversation_id"),
                            QStringLiteral("1585800614365339648"));
    inbound.metadata.insert(QStringLiteral("dm_conversation_type"), QStringLiteral("group"));
    context.lastInbound = inbound;
    const SendResult group = QCoro::waitFor(channel.send(context));
    QVERIFY(group.ok);
    QCOMPARE(m_x->sent().last().path,
             QStringLiteral("/2/dm_conversations/1585800614365339648/messages"));

    // Attachments travel as links: X only attaches media uploaded to X.
    context.lastInbound.reset();
    context.message.content = QStringLiteral("See the label");
    context.message.attachments = {Attachment{QStringLiteral("https://files.example/label.pdf"),
                                              QStringLiteral("application/pdf")}};
    QVERIFY(QCoro::waitFor(channel.send(context)).ok);
    QCOMPARE(m_x->sent().last().text,
             QStringLiteral("See the label\nhttps://files.example/label.pdf"));
}

void TestTwitterChannel::outboundSplitsOverTheLimit()
{
    QNetworkAccessManager network;
    TwitterChannel channel(&network, channelSettings());
    OutboundContext context;
    context.message.userId = kCustomer;
    QString text;
    while (text.size() < TwitterChannel::kMaxTextLength + 500)
        text += QStringLiteral("All work and no play. ");
    context.message.content = text;
    const SendResult result = QCoro::waitFor(channel.send(context));
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(m_x->sent().size(), 2);
    QCOMPARE(result.externalId, m_x->sent().first().eventId);
    QVERIFY(m_x->sent().at(0).text.size() <= TwitterChannel::kMaxTextLength);
    QCOMPARE(m_x->sent().at(0).text + m_x->sent().at(1).text, text);
    QVERIFY(m_x->sent().at(0).text.endsWith(QLatin1Char(' ')));
}

void TestTwitterChannel::outboundRateLimitHonoursReset()
{
    QNetworkAccessManager network;
    TwitterChannel channel(&network, channelSettings());
    OutboundContext context;
    context.message.userId = kCustomer;
    context.message.content = QStringLiteral("hello");
    m_x->setWindow(FakeTwitter::Endpoint::Send, 0, 30);
    const SendResult result = QCoro::waitFor(channel.send(context));
    QVERIFY(!result.ok);
    QVERIFY(result.retryable);
    QVERIFY2(result.retryAfterSeconds >= 28 && result.retryAfterSeconds <= 31,
             qPrintable(QString::number(result.retryAfterSeconds)));
    QVERIFY(result.error.contains(QStringLiteral("429")));
    QVERIFY(result.error.contains(QStringLiteral("Too Many Requests")));
    QCOMPARE(m_x->sent().size(), 0);
    QCOMPARE(channel.health().consecutiveFailures, 1);
}

void TestTwitterChannel::outboundRefusalIsNotRetryable()
{
    QNetworkAccessManager network;
    TwitterChannel channel(&network, channelSettings());
    OutboundContext context;
    context.message.userId = kCustomer;
    context.message.content = QStringLiteral("hello");
    m_x->refuseSendsTo(
        kCustomer, 403,
        FakeTwitter::problemBody(403, QStringLiteral("Forbidden"),
                                 QStringLiteral("You cannot send messages to this user.")));
    const SendResult forbidden = QCoro::waitFor(channel.send(context));
    QVERIFY(!forbidden.ok);
    QVERIFY(!forbidden.retryable);
    QVERIFY(forbidden.error.contains(QStringLiteral("403")));
    QVERIFY(forbidden.error.contains(QStringLiteral("You cannot send messages to this user.")));
    QCOMPARE(channel.health().lastError, forbidden.error);

    // A bad participant id is X's 400 invalid-request.
    m_x->refuseSendsTo(
        kCustomer, 400,
        FakeTwitter::invalidRequestBody({}, QStringLiteral("text must not be empty")));
    const SendResult invalid = QCoro::waitFor(channel.send(context));
    QVERIFY(!invalid.retryable);
    QVERIFY(invalid.error.contains(QStringLiteral("text must not be empty")));

    // Nothing to send to: refused before any request.
    const int before = m_x->requestsTo(FakeTwitter::Endpoint::Send).size();
    context.message.userId = QStringLiteral("@someone");
    const SendResult nowhere = QCoro::waitFor(channel.send(context));
    QVERIFY(!nowhere.ok);
    QVERIFY(!nowhere.retryable);
    QCOMPARE(m_x->requestsTo(FakeTwitter::Endpoint::Send).size(), before);
}

// --- inbound polling through the engine -------------------------------------------------------

void TestTwitterChannel::pollingIngestsFixtureShapedEvents()
{
    // The docs' example event, our own recorded DMs, and a customer photo.
    QJsonObject docs = fixtureObject(QStringLiteral("docs_get_dm_events_response.json"))
                           .value(QStringLiteral("data"))
                           .toArray()
                           .first()
                           .toObject();
    docs.insert(QStringLiteral("dm_conversation_id"),
                FakeTwitter::oneToOneConversationId(kCustomer, m_x->myId()));
    m_x->addEvent(docs);
    const QJsonArray recorded =
        fixtureObject(QStringLiteral("recorded_get_dm_conversation_events_200.json"))
            .value(QStringLiteral("data"))
            .toArray();
    for (qsizetype i = recorded.size() - 1; i >= 0; --i) {
        QJsonObject own = recorded.at(i).toObject();
        own.insert(QStringLiteral("sender_id"), m_x->myId());
        own.insert(QStringLiteral("dm_conversation_id"),
                   FakeTwitter::oneToOneConversationId(kOtherCustomer, m_x->myId()));
        m_x->addEvent(own);
    }
    m_x->addMedia(
        QJsonObject{{QStringLiteral("media_key"), QStringLiteral("3_1585800613253812300")},
                    {QStringLiteral("type"), QStringLiteral("photo")},
                    {QStringLiteral("url"),
                     QStringLiteral("https://ton.twitter.com/1.1/ton/data/dm/1/2/receipt.png")},
                    {QStringLiteral("width"), 640}});
    const QString photoEvent =
        m_x->receive(kOtherCustomer, QStringLiteral("here is the receipt https://t.co/abc"),
                     {QStringLiteral("3_1585800613253812300")});

    startStack();
    QVERIFY(waitForCustomerMessages(2));
    QTest::qWait(1500); // another poll: still nothing more, our own DMs stay out
    const QList<StoredMessage> messages = customerMessages();
    QCOMPARE(messages.size(), 2);

    const StoredMessage &hello = messages.at(0);
    QCOMPARE(hello.content, QStringLiteral("Hello! How are you?"));
    QCOMPARE(hello.userId, kCustomer);
    QCOMPARE(hello.clientMessageId, QStringLiteral("twitter:1234567890"));
    QCOMPARE(hello.metadata.value(QStringLiteral("dm_event_id")).toString(),
             QStringLiteral("1234567890"));
    QCOMPARE(hello.metadata.value(QStringLiteral("participant_id")).toString(), kCustomer);
    QCOMPARE(hello.metadata.value(QStringLiteral("dm_conversation_id")).toString(),
             QStringLiteral("9876543210-1072250532645998596"));
    QCOMPARE(hello.metadata.value(QStringLiteral("username")).toString(),
             QStringLiteral("example_user"));
    QCOMPARE(hello.metadata.value(QStringLiteral("name")).toString(),
             QStringLiteral("Example User"));

    const StoredMessage &photo = messages.at(1);
    QCOMPARE(photo.clientMessageId, QStringLiteral("twitter:") + photoEvent);
    QCOMPARE(photo.userId, kOtherCustomer);
    QCOMPARE(photo.attachments.size(), 1);
    QCOMPARE(photo.attachments.first().toObject().value(QStringLiteral("url")).toString(),
             QStringLiteral("https://ton.twitter.com/1.1/ton/data/dm/1/2/receipt.png"));
    QCOMPARE(photo.attachments.first().toObject().value(QStringLiteral("content_type")).toString(),
             QStringLiteral("image/png"));
    QVERIFY(hello.conversationId != photo.conversationId);

    // The newest event (the photo) is the saved cursor.
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), photoEvent, 5000);

    // Our requests: who we are once, then the documented parameters with the user token.
    QCOMPARE(m_x->requestsTo(FakeTwitter::Endpoint::Me).size(), 1);
    const RecordedRequest poll = m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).first();
    QCOMPARE(poll.header("authorization"), QByteArray("Bearer x-user-token-abc"));
    QCOMPARE(poll.query.queryItemValue(QStringLiteral("expansions")),
             QStringLiteral("sender_id,attachments.media_keys"));
    QCOMPARE(poll.query.queryItemValue(QStringLiteral("event_types")),
             QStringLiteral("MessageCreate"));
    QVERIFY(!poll.query.hasQueryItem(QStringLiteral("since_id")));
    QVERIFY(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size() >= 2);
    QCOMPARE(twitterChannelStatus().value(QStringLiteral("healthy")).toBool(), true);
}

void TestTwitterChannel::paginationWalksBackToSinceId()
{
    m_settings.defaultAiMode = AiMode::Manual;
    QStringList ids;
    for (int i = 0; i < 250; ++i)
        ids << m_x->receive(i % 2 ? kCustomer : kOtherCustomer,
                            QStringLiteral("message %1").arg(i));

    startStack();
    QVERIFY(waitForCustomerMessages(250, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), ids.last(), 5000);
    const QList<StoredMessage> messages = customerMessages();
    QCOMPARE(messages.size(), 250);
    // Ingested oldest first although X pages newest first.
    for (int i = 0; i < 250; ++i)
        QCOMPARE(messages.at(i).content, QStringLiteral("message %1").arg(i));

    // Three pages, each following the previous page's next_token.
    const QList<RecordedRequest> pages = m_x->requestsTo(FakeTwitter::Endpoint::DmEvents);
    QVERIFY(pages.size() >= 3);
    QVERIFY(!pages.at(0).query.hasQueryItem(QStringLiteral("pagination_token")));
    QVERIFY(pages.at(1).query.hasQueryItem(QStringLiteral("pagination_token")));
    QVERIFY(pages.at(2).query.hasQueryItem(QStringLiteral("pagination_token")));
    QVERIFY(pages.at(1).query.queryItemValue(QStringLiteral("pagination_token")) !=
            pages.at(2).query.queryItemValue(QStringLiteral("pagination_token")));

    // Later polls stop at the saved id: one page each.
    const int before = int(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size());
    const QString fresh = m_x->receive(kCustomer, QStringLiteral("one more"));
    QVERIFY(waitForCustomerMessages(251));
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), fresh, 5000);
    const QList<RecordedRequest> later =
        m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).mid(before);
    for (const RecordedRequest &request : later)
        QVERIFY(!request.query.hasQueryItem(QStringLiteral("pagination_token")));
}

void TestTwitterChannel::sinceIdSurvivesRestart()
{
    m_settings.defaultAiMode = AiMode::Manual;
    for (int i = 0; i < 120; ++i)
        m_x->receive(kCustomer, QStringLiteral("before %1").arg(i));
    const QString lastBefore = m_x->receive(kOtherCustomer, QStringLiteral("before last"));
    startStack();
    QVERIFY(waitForCustomerMessages(121, 30000));
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), lastBefore, 5000);
    stopStack();

    // While we are down: two customers write, and our own DM (sent from the phone) arrives.
    const QString first = m_x->receive(kCustomer, QStringLiteral("while down 1"));
    const QString second = m_x->receive(kOtherCustomer, QStringLiteral("while down 2"));
    const QString own =
        m_x->addEvent(QJsonObject{{QStringLiteral("event_type"), QStringLiteral("MessageCreate")},
                                  {QStringLiteral("text"), QStringLiteral("sent from the phone")},
                                  {QStringLiteral("sender_id"), m_x->myId()},
                                  {QStringLiteral("dm_conversation_id"),
                                   FakeTwitter::oneToOneConversationId(kCustomer, m_x->myId())}});
    const int requestsBefore = int(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size());

    startStack();
    QVERIFY(waitForCustomerMessages(123));
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), own, 5000);
    QTest::qWait(1500);
    const QList<StoredMessage> messages = customerMessages();
    QCOMPARE(messages.size(), 123);
    QCOMPARE(messages.at(121).clientMessageId, QStringLiteral("twitter:") + first);
    QCOMPARE(messages.at(122).clientMessageId, QStringLiteral("twitter:") + second);
    QSet<QString> unique;
    for (const StoredMessage &message : messages)
        unique.insert(message.clientMessageId);
    QCOMPARE(unique.size(), 123);
    // The restarted engine delivered only the two new ones (duplicates would not count, but
    // would have needed the second page)...
    QCOMPARE(m_engine->stats().messagesIngested, quint64(2));
    // ...and never walked past the saved id: no page beyond the first.
    const QList<RecordedRequest> after =
        m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).mid(requestsBefore);
    QVERIFY(!after.isEmpty());
    for (const RecordedRequest &request : after)
        QVERIFY(!request.query.hasQueryItem(QStringLiteral("pagination_token")));
}

void TestTwitterChannel::rateLimitWaitsForReset()
{
    const QString id = m_x->receive(kCustomer, QStringLiteral("are you there?"));
    m_x->setWindow(FakeTwitter::Endpoint::DmEvents, 0, 2);
    const qint64 reset = m_x->resetOf(FakeTwitter::Endpoint::DmEvents);
    startStack();
    QVERIFY(waitForCustomerMessages(1, 15000));
    QCOMPARE(customerMessages().first().clientMessageId, QStringLiteral("twitter:") + id);
    // One refusal, then silence until the reset: no hammering.
    QCOMPARE(m_x->refusedCount(FakeTwitter::Endpoint::DmEvents), 1);
    const QList<RecordedRequest> requests = m_x->requestsTo(FakeTwitter::Endpoint::DmEvents);
    QVERIFY(requests.size() >= 2);
    QVERIFY(requests.at(1).receivedAt.toSecsSinceEpoch() >= reset);
    // Waiting for a reset is not a failure of the channel.
    QCOMPARE(twitterChannelStatus().value(QStringLiteral("healthy")).toBool(), true);

    // x-rate-limit-remaining: 0 on a good answer: wait for the reset without drawing a 429.
    for (int i = 0; i < 150; ++i)
        m_x->receive(kOtherCustomer, QStringLiteral("burst %1").arg(i));
    const int seen = int(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size());
    m_x->setWindow(FakeTwitter::Endpoint::DmEvents, 1, 3);
    const qint64 secondReset = m_x->resetOf(FakeTwitter::Endpoint::DmEvents);
    QVERIFY(waitForCustomerMessages(151, 20000));
    QCOMPARE(m_x->refusedCount(FakeTwitter::Endpoint::DmEvents), 1);
    const QList<RecordedRequest> walk = m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).mid(seen);
    QVERIFY(walk.size() >= 2);
    QVERIFY(walk.at(1).query.hasQueryItem(QStringLiteral("pagination_token")));
    QVERIFY(walk.at(1).receivedAt.toSecsSinceEpoch() >= secondReset);
}

void TestTwitterChannel::rateLimitMidWalkResumesWithSameToken()
{
    m_settings.defaultAiMode = AiMode::Manual;
    for (int i = 0; i < 150; ++i)
        m_x->receive(kCustomer, QStringLiteral("walk %1").arg(i));
    // The second page request is refused.
    QObject guard;
    qint64 closedUntil = 0;
    connect(&m_x->http(), &FakeHttpServer::requestReceived, &guard,
            [this, &closedUntil](const RecordedRequest &request) {
                if (request.path == QLatin1String("/2/dm_events") &&
                    request.query.hasQueryItem(QStringLiteral("pagination_token")) &&
                    closedUntil == 0) {
                    m_x->setWindow(FakeTwitter::Endpoint::DmEvents, 0, 2);
                    closedUntil = m_x->resetOf(FakeTwitter::Endpoint::DmEvents);
                }
            });
    startStack();
    QVERIFY(waitForCustomerMessages(150, 20000));
    const QList<RecordedRequest> requests = m_x->requestsTo(FakeTwitter::Endpoint::DmEvents);
    QCOMPARE(m_x->refusedCount(FakeTwitter::Endpoint::DmEvents), 1);
    QVERIFY(requests.size() >= 3);
    const QString token = requests.at(1).query.queryItemValue(QStringLiteral("pagination_token"));
    QVERIFY(!token.isEmpty());
    // After the reset the walk goes on where it stopped, not from the top.
    QCOMPARE(requests.at(2).query.queryItemValue(QStringLiteral("pagination_token")), token);
    QVERIFY(closedUntil > 0);
    QVERIFY(requests.at(2).receivedAt.toSecsSinceEpoch() >= closedUntil);
    const QList<StoredMessage> messages = customerMessages();
    for (int i = 0; i < 150; ++i)
        QCOMPARE(messages.at(i).content, QStringLiteral("walk %1").arg(i));
}

void TestTwitterChannel::unauthorizedMarksChannelUnhealthy()
{
    m_x->receive(kCustomer, QStringLiteral("hello?"));
    m_settings.twitter.bearerToken = QStringLiteral("expired-token");
    startStack();
    QTRY_VERIFY_WITH_TIMEOUT(
        twitterChannelStatus().value(QStringLiteral("consecutive_failures")).toInt() >= 1, 10000);
    const QJsonObject status = twitterChannelStatus();
    QCOMPARE(status.value(QStringLiteral("healthy")).toBool(), false);
    const QString error = status.value(QStringLiteral("last_error")).toString();
    QVERIFY2(error.contains(QStringLiteral("401")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("bearer_token")), qPrintable(error));
    QVERIFY2(!error.contains(QStringLiteral("expired-token")), qPrintable(error));
    QCOMPARE(customerMessages().size(), 0);
    QCOMPARE(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size(), 0);
}

void TestTwitterChannel::stopDuringPollIsPromptAndLosesNothing()
{
    const QString id = m_x->receive(kCustomer, QStringLiteral("slow network"));
    m_x->setDelay(FakeTwitter::Endpoint::DmEvents, 4000);
    startStack();
    QTRY_VERIFY_WITH_TIMEOUT(m_x->requestsTo(FakeTwitter::Endpoint::DmEvents).size() >= 1, 10000);
    // Shutting down aborts the request in flight instead of waiting for X.
    QElapsedTimer stopping;
    stopping.start();
    stopStack();
    QVERIFY2(stopping.elapsed() < 3000, qPrintable(QString::number(stopping.elapsed())));

    m_x->setDelay(FakeTwitter::Endpoint::DmEvents, 0);
    startStack();
    QVERIFY(waitForCustomerMessages(1));
    QCOMPARE(customerMessages().first().clientMessageId, QStringLiteral("twitter:") + id);
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), id, 5000);
    QCOMPARE(twitterChannelStatus().value(QStringLiteral("healthy")).toBool(), true);
}

void TestTwitterChannel::forbiddenDmIsDeadLettered()
{
    m_x->receive(kCustomer, QStringLiteral("please reply"));
    m_x->refuseSendsTo(
        kCustomer, 403,
        FakeTwitter::problemBody(403, QStringLiteral("Forbidden"),
                                 QStringLiteral("You cannot send messages to this user.")));
    startStack();
    QVERIFY(waitForCustomerMessages(1));
    const QString conversationId = customerMessages().first().conversationId;
    const QString draftId = waitForDraft(conversationId);
    QVERIFY(!draftId.isEmpty());
    waitForMessageState(draftId, QStringLiteral("drafted"));
    QCOMPARE(
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"), {}).status,
        202);
    const QJsonObject dead = waitForMessageState(draftId, QStringLiteral("dead_lettered"));
    const QString detail = dead.value(QStringLiteral("events"))
                               .toArray()
                               .last()
                               .toObject()
                               .value(QStringLiteral("detail"))
                               .toString();
    QVERIFY2(detail.contains(QStringLiteral("You cannot send messages to this user.")),
             qPrintable(detail));
    QVERIFY2(detail.contains(QStringLiteral("403")), qPrintable(detail));
    // Not retried: X said no.
    QCOMPARE(m_x->requestsTo(FakeTwitter::Endpoint::Send).size(), 1);
    QCOMPARE(m_x->sent().size(), 0);
}

void TestTwitterChannel::endToEndConversation()
{
    const QString incoming = m_x->receive(kCustomer, QStringLiteral("Where is my order?"));
    startStack();
    QVERIFY(waitForCustomerMessages(1));
    const StoredMessage customer = customerMessages().first();
    QCOMPARE(customer.clientMessageId, QStringLiteral("twitter:") + incoming);

    const QString draftId = waitForDraft(customer.conversationId);
    QVERIFY(!draftId.isEmpty());
    const QJsonObject draft = waitForMessageState(draftId, QStringLiteral("drafted"));
    QCOMPARE(m_x->sent().size(), 0); // review mode: nothing goes out before approval

    const Response approved =
        post(QStringLiteral("/api/v1/messages/") + draftId + QStringLiteral("/approve"),
             QJsonObject{{QStringLiteral("content"),
                          QStringLiteral("It ships tomorrow. Sorry for the wait!")}});
    QCOMPARE(approved.status, 202);
    QTRY_COMPARE_WITH_TIMEOUT(m_x->sent().size(), 1, 10000);
    const FakeTwitterSentDm dm = m_x->sent().first();
    QCOMPARE(dm.participantId, kCustomer);
    QCOMPARE(dm.text, QStringLiteral("It ships tomorrow. Sorry for the wait!"));
    QCOMPARE(dm.body, QJsonObject({{QStringLiteral("text"), dm.text}}));

    const QJsonObject sent = waitForMessageState(draftId, QStringLiteral("sent"));
    const QJsonArray events = sent.value(QStringLiteral("events")).toArray();
    QCOMPARE(events.last().toObject().value(QStringLiteral("detail")).toString(), dm.eventId);

    const QJsonObject conversation =
        get(QStringLiteral("/api/v1/conversations/") + customer.conversationId).json;
    QCOMPARE(conversation.value(QStringLiteral("platform")).toString(), QStringLiteral("twitter"));
    QStringList contents;
    for (const QJsonValue &value : conversation.value(QStringLiteral("messages")).toArray())
        contents << value.toObject().value(QStringLiteral("content")).toString();
    QVERIFY(contents.contains(QStringLiteral("Where is my order?")));
    QCOMPARE(draft.value(QStringLiteral("id")).toString(), draftId);

    // Our DM comes back in the next polls as an event from us: it is not a customer message.
    QTRY_COMPARE_WITH_TIMEOUT(savedSinceId(), dm.eventId, 5000);
    QCOMPARE(customerMessages().size(), 1);

    // The customer answers: same conversation.
    m_x->receive(kCustomer, QStringLiteral("Great, thanks"));
    QVERIFY(waitForCustomerMessages(2));
    QCOMPARE(customerMessages().last().conversationId, customer.conversationId);
}

QTEST_GUILESS_MAIN(TestTwitterChannel)
#include "tst_twitterchannel.moc"
