#include "fakes/faketwitter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace relaydesk {

namespace {

// X's windows are 15 minutes; the limits are the recorded ones (x-rate-limit-limit).
constexpr qint64 kWindowSeconds = 15 * 60;
constexpr int kReadLimit = 300;
constexpr int kSendLimit = 200;
constexpr int kMaxText = 10000;

const QStringList kEventsParameters{
    QStringLiteral("dm_event.fields"), QStringLiteral("event_types"),
    QStringLiteral("expansions"),      QStringLiteral("max_results"),
    QStringLiteral("media.fields"),    QStringLiteral("pagination_token"),
    QStringLiteral("tweet.fields"),    QStringLiteral("user.fields")};
const QStringList kEventFields{
    QStringLiteral("attachments"),        QStringLiteral("created_at"),
    QStringLiteral("dm_conversation_id"), QStringLiteral("entities"),
    QStringLiteral("event_type"),         QStringLiteral("id"),
    QStringLiteral("participant_ids"),    QStringLiteral("referenced_tweets"),
    QStringLiteral("sender_id"),          QStringLiteral("text")};
const QStringList kEventTypes{QStringLiteral("MessageCreate"), QStringLiteral("ParticipantsJoin"),
                              QStringLiteral("ParticipantsLeave")};
const QStringList kExpansions{QStringLiteral("attachments.media_keys"),
                              QStringLiteral("participant_ids"),
                              QStringLiteral("referenced_tweets.id"), QStringLiteral("sender_id")};
const QStringList kUserFields{QStringLiteral("created_at"),
                              QStringLiteral("description"),
                              QStringLiteral("entities"),
                              QStringLiteral("id"),
                              QStringLiteral("location"),
                              QStringLiteral("name"),
                              QStringLiteral("pinned_tweet_id"),
                              QStringLiteral("profile_image_url"),
                              QStringLiteral("protected"),
                              QStringLiteral("public_metrics"),
                              QStringLiteral("url"),
                              QStringLiteral("username"),
                              QStringLiteral("verified"),
                              QStringLiteral("withheld")};
const QStringList kMediaFields{QStringLiteral("alt_text"),
                               QStringLiteral("duration_ms"),
                               QStringLiteral("height"),
                               QStringLiteral("media_key"),
                               QStringLiteral("preview_image_url"),
                               QStringLiteral("public_metrics"),
                               QStringLiteral("type"),
                               QStringLiteral("url"),
                               QStringLiteral("variants"),
                               QStringLiteral("width")};

bool numericLess(const QString &a, const QString &b)
{
    if (a.size() != b.size())
        return a.size() < b.size();
    return a < b;
}

bool isDigits(const QString &text)
{
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,19}$"));
    return digits.match(text).hasMatch();
}

QStringList listParameter(const QUrlQuery &query, const QString &name)
{
    return query.queryItemValue(name, QUrl::FullyDecoded)
        .split(QLatin1Char(','), Qt::SkipEmptyParts);
}

QJsonObject pick(const QJsonObject &object, const QStringList &fields)
{
    QJsonObject projected;
    for (const QString &field : fields) {
        if (object.contains(field))
            projected.insert(field, object.value(field));
    }
    return projected;
}

} // namespace

FakeTwitter::FakeTwitter(QObject *parent)
    : QObject(parent)
{
    m_readTemplate = FakeResponse::fromFile(
        QStringLiteral("x_twitter/recorded_get_dm_conversation_events_200.json"));
    if (m_readTemplate.status != 200)
        m_readTemplate = FakeResponse::json(200, {});
    m_sendTemplate = FakeResponse::fromFile(
        QStringLiteral("x_twitter/recorded_post_dm_with_participant_201.json"));
    if (m_sendTemplate.status != 201)
        m_sendTemplate = FakeResponse::json(201, {});
    m_sendTemplate.headers.remove("set-cookie");
    setMe(QStringLiteral("1072250532645998596"), QStringLiteral("relaydesk_support"),
          QStringLiteral("Relaydesk Support"));
    const qint64 reset = QDateTime::currentSecsSinceEpoch() + kWindowSeconds;
    m_windows.insert(int(Endpoint::Me), Window{75, 75, reset, 0});
    m_windows.insert(int(Endpoint::DmEvents), Window{kReadLimit, kReadLimit, reset, 0});
    m_windows.insert(int(Endpoint::Send), Window{kSendLimit, kSendLimit, reset, 0});
    m_http.setHandler([this](const RecordedRequest &request) { return handle(request); });
}

void FakeTwitter::setMe(const QString &id, const QString &username, const QString &name)
{
    m_myId = id;
    addUser(id, username, name);
}

void FakeTwitter::addUser(const QString &id, const QString &username, const QString &name)
{
    m_users.insert(
        id, QJsonObject{{QStringLiteral("id"), id},
                        {QStringLiteral("username"), username},
                        {QStringLiteral("name"), name},
                        {QStringLiteral("profile_image_url"),
                         QStringLiteral("https://pbs.twimg.com/profile_images/%1/n.jpg").arg(id)},
                        {QStringLiteral("protected"), false}});
}

void FakeTwitter::addMedia(const QJsonObject &media)
{
    m_media.insert(media.value(QStringLiteral("media_key")).toString(), media);
}

QString FakeTwitter::oneToOneConversationId(const QString &a, const QString &b)
{
    return numericLess(a, b) ? a + QLatin1Char('-') + b : b + QLatin1Char('-') + a;
}

QString FakeTwitter::nextEventId()
{
    // Snowflakes grow with time; a step of a few thousand keeps them looking real.
    m_lastId += 4096 + quint64(m_events.size() % 7) * 512;
    return QString::number(m_lastId);
}

QString FakeTwitter::receive(const QString &senderId, const QString &text,
                             const QStringList &mediaKeys)
{
    QJsonObject event{
        {QStringLiteral("event_type"), QStringLiteral("MessageCreate")},
        {QStringLiteral("text"), text},
        {QStringLiteral("sender_id"), senderId},
        {QStringLiteral("dm_conversation_id"), oneToOneConversationId(senderId, m_myId)}};
    if (!mediaKeys.isEmpty())
        event.insert(
            QStringLiteral("attachments"),
            QJsonObject{{QStringLiteral("media_keys"), QJsonArray::fromStringList(mediaKeys)}});
    return addEvent(event);
}

QString FakeTwitter::addEvent(QJsonObject event)
{
    QString id = event.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        id = nextEventId();
        event.insert(QStringLiteral("id"), id);
    } else {
        bool ok = false;
        const quint64 numeric = id.toULongLong(&ok);
        if (ok && numeric > m_lastId)
            m_lastId = numeric;
    }
    if (!event.contains(QStringLiteral("created_at")))
        event.insert(QStringLiteral("created_at"), QDateTime::currentDateTimeUtc().toString(
                                                       QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")));
    m_events.append(event);
    return id;
}

void FakeTwitter::setWindow(Endpoint endpoint, int remaining, int resetInSeconds)
{
    Window &window = m_windows[int(endpoint)];
    window.remaining = remaining;
    window.reset = QDateTime::currentSecsSinceEpoch() + resetInSeconds;
}

int FakeTwitter::refusedCount(Endpoint endpoint) const
{
    return m_windows.value(int(endpoint)).refused;
}

qint64 FakeTwitter::resetOf(Endpoint endpoint) const
{
    return m_windows.value(int(endpoint)).reset;
}

void FakeTwitter::refuseSendsTo(const QString &participantId, int status, const QByteArray &body)
{
    m_refusals.insert(participantId, {status, body});
}

QList<RecordedRequest> FakeTwitter::requestsTo(Endpoint endpoint) const
{
    return m_requests.value(int(endpoint));
}

QByteArray FakeTwitter::problemBody(int status, const QString &title, const QString &detail)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("title"), title},
                                     {QStringLiteral("detail"), detail},
                                     {QStringLiteral("type"), QStringLiteral("about:blank")},
                                     {QStringLiteral("status"), status}})
        .toJson(QJsonDocument::Compact);
}

QByteArray FakeTwitter::invalidRequestBody(const QJsonObject &parameters, const QString &message)
{
    const QJsonObject error{{QStringLiteral("parameters"), parameters},
                            {QStringLiteral("message"), message}};
    return QJsonDocument(
               QJsonObject{{QStringLiteral("errors"), QJsonArray{error}},
                           {QStringLiteral("title"), QStringLiteral("Invalid Request")},
                           {QStringLiteral("detail"),
                            QStringLiteral("One or more parameters to your request was invalid.")},
                           {QStringLiteral("type"),
                            QStringLiteral("https://api.twitter.com/2/problems/invalid-request")}})
        .toJson(QJsonDocument::Compact);
}

FakeResponse FakeTwitter::withRateHeaders(FakeResponse response, Endpoint endpoint) const
{
    const Window window = m_windows.value(int(endpoint));
    response.headers.insert("x-rate-limit-limit", QByteArray::number(window.limit));
    response.headers.insert("x-rate-limit-remaining", QByteArray::number(window.remaining));
    response.headers.insert("x-rate-limit-reset", QByteArray::number(window.reset));
    response.headers.insert("date", QDateTime::currentDateTimeUtc()
                                        .toString(QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'UTC'"))
                                        .toLatin1());
    return response;
}

FakeResponse FakeTwitter::json(int status, const QByteArray &body, Endpoint endpoint) const
{
    FakeResponse response =
        endpoint == Endpoint::Send && status == 201 ? m_sendTemplate : m_readTemplate;
    response.status = status;
    response.body = body;
    if (endpoint != Endpoint::Send || status != 201)
        response.headers.remove("location");
    return withRateHeaders(response, endpoint);
}

std::optional<FakeResponse> FakeTwitter::admit(Endpoint endpoint)
{
    Window &window = m_windows[int(endpoint)];
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now >= window.reset) {
        window.remaining = window.limit;
        window.reset = now + kWindowSeconds;
    }
    if (window.remaining <= 0) {
        ++window.refused;
        return json(429,
                    problemBody(429, QStringLiteral("Too Many Requests"),
                                QStringLiteral("Too Many Requests")),
                    endpoint);
    }
    --window.remaining;
    return std::nullopt;
}

FakeResponse FakeTwitter::handle(const RecordedRequest &request)
{
    static const QRegularExpression withParticipant(
        QStringLiteral("^/2/dm_conversations/with/([^/]+)/messages$"));
    static const QRegularExpression toConversation(
        QStringLiteral("^/2/dm_conversations/([^/]+)/messages$"));

    Endpoint endpoint = Endpoint::DmEvents;
    QString participant;
    QString conversation;
    if (request.method == "GET" && request.path == QLatin1String("/2/users/me")) {
        endpoint = Endpoint::Me;
    } else if (request.method == "GET" && request.path == QLatin1String("/2/dm_events")) {
        endpoint = Endpoint::DmEvents;
    } else if (const auto match = withParticipant.match(request.path);
               request.method == "POST" && match.hasMatch()) {
        endpoint = Endpoint::Send;
        participant = match.captured(1);
    } else if (const auto group = toConversation.match(request.path);
               request.method == "POST" && group.hasMatch()) {
        endpoint = Endpoint::Send;
        conversation = group.captured(1);
    } else {
        return FakeResponse::json(404,
                                  problemBody(404, QStringLiteral("Not Found Error"),
                                              QStringLiteral("Sorry, that page does not exist")));
    }
    m_requests[int(endpoint)].append(request);

    const QByteArray expected = "Bearer " + m_token.toUtf8();
    if (request.header("authorization") != expected)
        return json(
            401, problemBody(401, QStringLiteral("Unauthorized"), QStringLiteral("Unauthorized")),
            endpoint);
    if (auto refused = admit(endpoint))
        return *refused;
    FakeResponse response;
    switch (endpoint) {
    case Endpoint::Me:
        response = usersMe(request);
        break;
    case Endpoint::DmEvents:
        response = dmEvents(request);
        break;
    case Endpoint::Send:
        response = sendDm(request, participant, conversation);
        break;
    }
    return response.withDelay(m_delays.value(int(endpoint)));
}

FakeResponse FakeTwitter::usersMe(const RecordedRequest &)
{
    const QJsonObject me =
        pick(m_users.value(m_myId),
             {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("username")});
    return json(
        200,
        QJsonDocument(QJsonObject{{QStringLiteral("data"), me}}).toJson(QJsonDocument::Compact),
        Endpoint::Me);
}

QJsonObject FakeTwitter::project(const QJsonObject &event, const QStringList &fields) const
{
    // id, text and event_type come by default; everything else only when asked for.
    QStringList wanted{QStringLiteral("id"), QStringLiteral("event_type")};
    if (event.value(QStringLiteral("event_type")).toString() == QLatin1String("MessageCreate"))
        wanted << QStringLiteral("text");
    wanted << fields;
    return pick(event, wanted);
}

FakeResponse FakeTwitter::dmEvents(const RecordedRequest &request)
{
    const QUrlQuery &query = request.query;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &[name, value] : items) {
        if (!kEventsParameters.contains(name))
            return json(
                400,
                invalidRequestBody(QJsonObject{{name, QJsonArray{value}}},
                                   QStringLiteral("The query parameter [%1] is not one of [%2]")
                                       .arg(name, kEventsParameters.join(QLatin1Char(',')))),
                Endpoint::DmEvents);
    }
    const auto checkList = [&](const QString &name,
                               const QStringList &allowed) -> std::optional<FakeResponse> {
        for (const QString &value : listParameter(query, name)) {
            if (!allowed.contains(value))
                return json(
                    400,
                    invalidRequestBody(
                        QJsonObject{{name, QJsonArray{value}}},
                        QStringLiteral("The `%1` query parameter value [%2] is not one of [%3]")
                            .arg(name, value, allowed.join(QLatin1Char(',')))),
                    Endpoint::DmEvents);
        }
        return std::nullopt;
    };
    for (const auto &[name, allowed] : {std::pair{QStringLiteral("dm_event.fields"), kEventFields},
                                        std::pair{QStringLiteral("event_types"), kEventTypes},
                                        std::pair{QStringLiteral("expansions"), kExpansions},
                                        std::pair{QStringLiteral("user.fields"), kUserFields},
                                        std::pair{QStringLiteral("media.fields"), kMediaFields}}) {
        if (auto invalid = checkList(name, allowed))
            return *invalid;
    }
    int maxResults = 100;
    if (query.hasQueryItem(QStringLiteral("max_results"))) {
        bool ok = false;
        maxResults = query.queryItemValue(QStringLiteral("max_results")).toInt(&ok);
        if (!ok || maxResults < 1 || maxResults > 100)
            return json(
                400,
                invalidRequestBody(
                    QJsonObject{{QStringLiteral("max_results"),
                                 QJsonArray{query.queryItemValue(QStringLiteral("max_results"))}}},
                    QStringLiteral("The `max_results` query parameter value [%1] is not "
                                   "between 1 and 100")
                        .arg(query.queryItemValue(QStringLiteral("max_results")))),
                Endpoint::DmEvents);
    }
    QString below;
    if (query.hasQueryItem(QStringLiteral("pagination_token"))) {
        const QString token = query.queryItemValue(QStringLiteral("pagination_token"));
        if (!m_tokens.contains(token))
            return json(400,
                        invalidRequestBody(
                            QJsonObject{{QStringLiteral("pagination_token"), QJsonArray{token}}},
                            QStringLiteral("The `pagination_token` query parameter "
                                           "value [%1] is not valid")
                                .arg(token)),
                        Endpoint::DmEvents);
        below = m_tokens.value(token);
    }

    const QStringList types = listParameter(query, QStringLiteral("event_types"));
    const QStringList fields = listParameter(query, QStringLiteral("dm_event.fields"));
    const QStringList expansions = listParameter(query, QStringLiteral("expansions"));
    QList<QJsonObject> matching;
    for (const QJsonObject &event : m_events) {
        const QString id = event.value(QStringLiteral("id")).toString();
        if (!types.isEmpty() &&
            !types.contains(event.value(QStringLiteral("event_type")).toString()))
            continue;
        if (!below.isEmpty() && !numericLess(id, below))
            continue;
        matching.append(event);
    }
    std::sort(matching.begin(), matching.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return numericLess(b.value(QStringLiteral("id")).toString(),
                           a.value(QStringLiteral("id")).toString());
    });
    const QList<QJsonObject> page = matching.mid(0, maxResults);
    if (page.isEmpty())
        return json(200, QByteArrayLiteral(R"({"meta":{"result_count":0}})"), Endpoint::DmEvents);

    QJsonArray data;
    QStringList userIds;
    QStringList mediaKeys;
    for (const QJsonObject &event : page) {
        data.append(project(event, fields));
        if (expansions.contains(QLatin1String("sender_id"))) {
            const QString sender = event.value(QStringLiteral("sender_id")).toString();
            if (!sender.isEmpty() && !userIds.contains(sender))
                userIds << sender;
        }
        if (expansions.contains(QLatin1String("participant_ids"))) {
            for (const QJsonValue &participant :
                 event.value(QStringLiteral("participant_ids")).toArray()) {
                if (!userIds.contains(participant.toString()))
                    userIds << participant.toString();
            }
        }
        if (expansions.contains(QLatin1String("attachments.media_keys"))) {
            const QJsonArray keys = event.value(QStringLiteral("attachments"))
                                        .toObject()
                                        .value(QStringLiteral("media_keys"))
                                        .toArray();
            for (const QJsonValue &key : keys) {
                if (!mediaKeys.contains(key.toString()))
                    mediaKeys << key.toString();
            }
        }
    }
    QJsonObject root{{QStringLiteral("data"), data}};
    QJsonObject includes;
    QJsonArray users;
    const QStringList userFields =
        QStringList{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("username")} +
        listParameter(query, QStringLiteral("user.fields"));
    for (const QString &id : std::as_const(userIds)) {
        if (m_users.contains(id))
            users.append(pick(m_users.value(id), userFields));
    }
    if (!users.isEmpty())
        includes.insert(QStringLiteral("users"), users);
    QJsonArray media;
    const QStringList mediaFields =
        QStringList{QStringLiteral("media_key"), QStringLiteral("type")} +
        listParameter(query, QStringLiteral("media.fields"));
    for (const QString &key : std::as_const(mediaKeys)) {
        if (m_media.contains(key))
            media.append(pick(m_media.value(key), mediaFields));
    }
    if (!media.isEmpty())
        includes.insert(QStringLiteral("media"), media);
    if (!includes.isEmpty())
        root.insert(QStringLiteral("includes"), includes);

    QJsonObject meta{{QStringLiteral("result_count"), int(page.size())}};
    if (matching.size() > page.size())
        meta.insert(QStringLiteral("next_token"),
                    tokenFor(page.last().value(QStringLiteral("id")).toString()));
    if (!below.isEmpty())
        meta.insert(QStringLiteral("previous_token"),
                    tokenFor(QString::number(
                        page.first().value(QStringLiteral("id")).toString().toULongLong() + 1)));
    root.insert(QStringLiteral("meta"), meta);
    return json(200, QJsonDocument(root).toJson(QJsonDocument::Compact), Endpoint::DmEvents);
}

QString FakeTwitter::tokenFor(const QString &olderThan)
{
    for (auto it = m_tokens.cbegin(); it != m_tokens.cend(); ++it) {
        if (it.value() == olderThan)
            return it.key();
    }
    // Opaque base32-looking tokens of the recorded length, as X hands out.
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
    quint64 value = olderThan.toULongLong() ^ 0x5DEECE66DULL;
    QString token = QStringLiteral("1");
    for (int i = 0; i < 19; ++i) {
        token += QLatin1Char(alphabet[value % 32]);
        value /= 32;
    }
    token += QStringLiteral("ZZZZ");
    m_tokens.insert(token, olderThan);
    return token;
}

FakeResponse FakeTwitter::sendDm(const RecordedRequest &request, const QString &participantId,
                                 const QString &conversationId)
{
    if (!request.header("content-type").startsWith("application/json"))
        return json(400,
                    invalidRequestBody({}, QStringLiteral("Requests with bodies must have "
                                                          "content-type of application/json.")),
                    Endpoint::Send);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return json(400, invalidRequestBody({}, QStringLiteral("Request body is not valid JSON.")),
                    Endpoint::Send);
    const QJsonObject body = document.object();
    const QString text = body.value(QStringLiteral("text")).toString();
    if (text.isEmpty() && !body.contains(QStringLiteral("attachments")))
        return json(400,
                    invalidRequestBody(QJsonObject{{QStringLiteral("text"), QJsonArray{}}},
                                       QStringLiteral("One of text or attachments is required.")),
                    Endpoint::Send);
    if (text.size() > kMaxText)
        return json(
            400,
            invalidRequestBody(QJsonObject{{QStringLiteral("text"), QJsonArray{}}},
                               QStringLiteral("text must be at most %1 characters.").arg(kMaxText)),
            Endpoint::Send);
    QString conversation = conversationId;
    if (!participantId.isEmpty()) {
        if (!isDigits(participantId))
            return json(
                400,
                invalidRequestBody(
                    QJsonObject{{QStringLiteral("participant_id"), QJsonArray{participantId}}},
                    QStringLiteral("The `participant_id` path parameter value "
                                   "[%1] is not valid")
                        .arg(participantId)),
                Endpoint::Send);
        if (m_refusals.contains(participantId)) {
            const auto &[status, refusal] = *m_refusals.constFind(participantId);
            return json(status, refusal, Endpoint::Send);
        }
        conversation = oneToOneConversationId(participantId, m_myId);
    }

    QJsonObject event{{QStringLiteral("event_type"), QStringLiteral("MessageCreate")},
                      {QStringLiteral("text"), text},
                      {QStringLiteral("sender_id"), m_myId},
                      {QStringLiteral("dm_conversation_id"), conversation}};
    const QString eventId = addEvent(event);
    m_sent.append(
        FakeTwitterSentDm{request.path, participantId, conversation, text, eventId, body});

    FakeResponse response = json(
        201,
        QJsonDocument(QJsonObject{{QStringLiteral("data"),
                                   QJsonObject{{QStringLiteral("dm_conversation_id"), conversation},
                                               {QStringLiteral("dm_event_id"), eventId}}}})
            .toJson(QJsonDocument::Compact),
        Endpoint::Send);
    // The recorded location header really quotes the id.
    const QByteArray location = "https://api.twitter.com/2/dm_events/\"" + eventId.toLatin1() + '"';
    response.headers.insert("location", location);
    return response;
}

} // namespace relaydesk
