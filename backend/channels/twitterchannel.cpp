#include "channels/twitterchannel.h"

#include "channels/inboundsink.h"
#include "observability/logger.h"

#include <QCoro/QCoroFuture>
#include <QCoro/QCoroNetworkReply>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <algorithm>

namespace relaydesk {

namespace {

const QString kStateKey = QStringLiteral("since_id");
constexpr int kTransferTimeoutMs = 30000;
// A first start walks back through the 30 days X keeps; this bounds the walk (5000 events).
constexpr int kMaxWalkPages = 50;
// X's rate-limit windows are 15 minutes; a reset further out than that is a broken header.
constexpr qint64 kMaxRateLimitWaitSeconds = 15 * 60 + 5;
constexpr qint64 kDefaultRateLimitWaitSeconds = 60;

bool isDigits(const QString &text, int minLength, int maxLength)
{
    if (text.size() < minLength || text.size() > maxLength)
        return false;
    return std::all_of(text.cbegin(), text.cend(),
                       [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

// One-to-one conversations are "<smaller user id>-<larger user id>"; groups are a single id.
bool isOneToOneConversation(const QString &id)
{
    const qsizetype dash = id.indexOf(QLatin1Char('-'));
    return dash > 0 && isDigits(id.left(dash), 1, 19) && isDigits(id.mid(dash + 1), 1, 19);
}

bool isGroupConversation(const QString &id)
{
    return isDigits(id, 15, 19);
}

QString contentTypeForPhoto(const QString &url)
{
    const QString path = QUrl(url).path().toLower();
    if (path.endsWith(QLatin1String(".png")))
        return QStringLiteral("image/png");
    if (path.endsWith(QLatin1String(".gif")))
        return QStringLiteral("image/gif");
    if (path.endsWith(QLatin1String(".webp")))
        return QStringLiteral("image/webp");
    return QStringLiteral("image/jpeg");
}

std::optional<Attachment> attachmentFor(const QJsonObject &media)
{
    const QString type = media.value(QStringLiteral("type")).toString();
    const QString url = media.value(QStringLiteral("url")).toString();
    if (!url.isEmpty())
        return Attachment{url, type == QLatin1String("photo") ? contentTypeForPhoto(url)
                                                              : QStringLiteral("video/mp4")};
    // Videos and GIFs have no url, only encodings: take the best MP4.
    const QJsonArray variants = media.value(QStringLiteral("variants")).toArray();
    QString best;
    QString bestType;
    qint64 bestRate = -1;
    for (const QJsonValue &value : variants) {
        const QJsonObject variant = value.toObject();
        const QString variantUrl = variant.value(QStringLiteral("url")).toString();
        const QString contentType = variant.value(QStringLiteral("content_type")).toString();
        const qint64 rate = variant.value(QStringLiteral("bit_rate")).toInteger(0);
        if (variantUrl.isEmpty() || contentType != QLatin1String("video/mp4"))
            continue;
        if (rate > bestRate) {
            best = variantUrl;
            bestType = contentType;
            bestRate = rate;
        }
    }
    if (!best.isEmpty())
        return Attachment{best, bestType};
    const QString preview = media.value(QStringLiteral("preview_image_url")).toString();
    if (!preview.isEmpty())
        return Attachment{preview, contentTypeForPhoto(preview)};
    return std::nullopt;
}

QString stripLeadingZeros(const QString &digits)
{
    qsizetype first = 0;
    while (first < digits.size() - 1 && digits.at(first) == QLatin1Char('0'))
        ++first;
    return digits.mid(first);
}

QByteArray sendBody(const QString &text)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("text"), text}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

TwitterChannel::TwitterChannel(QNetworkAccessManager *network, TwitterSettings settings)
    : m_network(network)
    , m_settings(std::move(settings))
{
    while (m_settings.baseUrl.endsWith(QLatin1Char('/')))
        m_settings.baseUrl.chop(1);
}

TwitterChannel::~TwitterChannel()
{
    *m_alive = false;
}

QString TwitterChannel::name() const
{
    return QStringLiteral("twitter");
}

bool TwitterChannel::handles(Platform platform) const
{
    return platform == Platform::Twitter;
}

void TwitterChannel::start(InboundSink *sink)
{
    m_sink = sink;
    m_stopped = false;
    if (m_settings.bearerToken.isEmpty()) {
        SendResult missing;
        missing.error = QStringLiteral(
            "[channels.twitter] bearer_token is not set (or RELAYDESK_TWITTER_BEARER_TOKEN): X "
            "needs an OAuth 2.0 user access token with the dm.read, dm.write, tweet.read and "
            "users.read scopes");
        missing.retryable = false;
        recordResult(missing);
        qCWarning(lcChannels).noquote() << missing.error;
        return;
    }
    m_timer = std::make_unique<QTimer>();
    m_timer->setSingleShot(true);
    QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [this] { poll(); });
    qCInfo(lcChannels).noquote() << "X DMs: polling" << m_settings.baseUrl << "every"
                                 << std::max(1, m_settings.pollIntervalSeconds) << "s";
    schedule(0);
}

void TwitterChannel::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    // Aborting resumes the waiting coroutines, which see m_stopped and end quietly.
    const QList<QPointer<QNetworkReply>> inFlight = m_inFlight;
    for (const QPointer<QNetworkReply> &reply : inFlight) {
        if (reply)
            reply->abort();
    }
}

QNetworkRequest TwitterChannel::request(const QString &path, const QUrlQuery &query) const
{
    QUrl url(m_settings.baseUrl + path);
    if (!query.isEmpty())
        url.setQuery(query);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_settings.bearerToken.toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("Relaydesk/" RELAYDESK_VERSION));
    request.setTransferTimeout(kTransferTimeoutMs);
    return request;
}

QUrlQuery TwitterChannel::eventsQuery(const QString &paginationToken)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("dm_event.fields"),
                       QStringLiteral("id,text,event_type,dm_conversation_id,sender_id,"
                                      "participant_ids,referenced_tweets,attachments,created_at"));
    query.addQueryItem(QStringLiteral("event_types"), QStringLiteral("MessageCreate"));
    query.addQueryItem(QStringLiteral("expansions"),
                       QStringLiteral("sender_id,attachments.media_keys"));
    query.addQueryItem(QStringLiteral("user.fields"), QStringLiteral("username,name"));
    query.addQueryItem(QStringLiteral("media.fields"),
                       QStringLiteral("url,type,preview_image_url,variants"));
    query.addQueryItem(QStringLiteral("max_results"), QString::number(kPageSize));
    if (!paginationToken.isEmpty())
        query.addQueryItem(QStringLiteral("pagination_token"), paginationToken);
    return query;
}

TwitterChannel::HttpAnswer TwitterChannel::answerOf(QNetworkReply *reply)
{
    HttpAnswer answer;
    if (!reply) {
        answer.error = QNetworkReply::OperationCanceledError;
        answer.errorString = QStringLiteral("the request was cancelled");
        return answer;
    }
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.error = reply->error();
    answer.errorString = reply->errorString();
    // An aborted reply is closed; reading it only earns a warning.
    if (reply->isOpen())
        answer.body = reply->readAll();
    bool ok = false;
    const qint64 reset = reply->rawHeader("x-rate-limit-reset").trimmed().toLongLong(&ok);
    if (ok)
        answer.rateLimitReset = reset;
    const int remaining = reply->rawHeader("x-rate-limit-remaining").trimmed().toInt(&ok);
    if (ok)
        answer.rateLimitRemaining = remaining;
    return answer;
}

// GCC 12 miscompiles some temporaries inside coroutine bodies, so the coroutines below await and
// branch only on named locals; the decisions live in the plain functions they call.
QCoro::Task<TwitterChannel::HttpAnswer> TwitterChannel::exchange(QNetworkRequest request,
                                                                 QByteArray body, bool post)
{
    if (post)
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    QNetworkReply *reply = post ? m_network->post(request, body) : m_network->get(request);
    const QPointer<QNetworkReply> guard(reply);
    const std::shared_ptr<bool> alive = m_alive;
    m_inFlight.append(guard);
    co_await reply;
    const HttpAnswer answer = answerOf(guard.data());
    if (*alive)
        m_inFlight.removeAll(guard);
    if (guard)
        guard->deleteLater();
    co_return answer;
}

void TwitterChannel::schedule(qint64 delayMs)
{
    if (m_stopped || !m_timer)
        return;
    m_timer->start(int(std::clamp<qint64>(delayMs, 0, kMaxRateLimitWaitSeconds * 1000)));
}

QCoro::Task<> TwitterChannel::poll()
{
    if (m_stopped || m_polling || !m_sink)
        co_return;
    const std::shared_ptr<bool> alive = m_alive;
    const qint64 wait = msUntilAllowed();
    if (wait > 0) {
        schedule(wait);
        co_return;
    }
    m_polling = true;

    if (!m_stateLoaded) {
        QFuture<Outcome<std::optional<QString>>> load = m_sink->loadState(name(), kStateKey);
        const Outcome<std::optional<QString>> state = co_await load;
        if (!*alive)
            co_return;
        const Step loaded = acceptSavedState(state);
        if (loaded != Step::Continue) {
            finishPoll();
            co_return;
        }
    }

    if (m_ownUserId.isEmpty()) {
        const QNetworkRequest me = request(QStringLiteral("/2/users/me"));
        const QByteArray none;
        QCoro::Task<HttpAnswer> call = exchange(me, none, false);
        const HttpAnswer answer = co_await call;
        if (!*alive)
            co_return;
        const Step known = acceptMe(answer);
        if (known != Step::Continue) {
            finishPoll();
            co_return;
        }
    }

    m_walkInProgress = true;
    Step step = Step::Continue;
    while (step == Step::Continue) {
        const QUrlQuery query = eventsQuery(m_walkToken);
        const QNetworkRequest page = request(QStringLiteral("/2/dm_events"), query);
        const QByteArray none;
        QCoro::Task<HttpAnswer> call = exchange(page, none, false);
        const HttpAnswer answer = co_await call;
        if (!*alive)
            co_return;
        step = acceptPage(answer);
    }
    if (step != Step::Done) {
        finishPoll();
        co_return;
    }

    const QList<QJsonObject> pending = pendingOldestFirst();
    bool delivered = true;
    for (const QJsonObject &event : pending) {
        const QString eventId = event.value(QStringLiteral("id")).toString();
        const std::optional<Message> message = messageFor(event);
        if (!message) {
            m_processedUpTo = eventId;
            continue;
        }
        QFuture<Outcome<IngestResult>> delivery = m_sink->deliverInbound(*message);
        const Outcome<IngestResult> result = co_await delivery;
        if (!*alive)
            co_return;
        const Step accepted = acceptDelivery(eventId, result);
        if (accepted != Step::Continue) {
            delivered = false;
            break;
        }
    }

    const QString newest = m_processedUpTo;
    const bool advanced = isNewer(newest, m_sinceId);
    if (advanced) {
        QFuture<Outcome<Done>> save = m_sink->saveState(name(), kStateKey, newest);
        const Outcome<Done> saved = co_await save;
        if (!*alive)
            co_return;
        const bool kept = acceptSaved(newest, saved);
        delivered = delivered && kept;
    }
    resetWalk();
    if (delivered)
        pollSucceeded();
    finishPoll();
}

bool TwitterChannel::acceptSaved(const QString &newest, const Outcome<Done> &saved)
{
    if (!saved.isOk()) {
        pollFailed(
            QStringLiteral("cannot save the X since_id %1: %2").arg(newest, saved.error().message));
        return false;
    }
    m_sinceId = newest;
    return true;
}

void TwitterChannel::pollSucceeded()
{
    SendResult ok;
    ok.ok = true;
    recordResult(ok);
}

TwitterChannel::Step TwitterChannel::acceptSavedState(const Outcome<std::optional<QString>> &state)
{
    if (!state.isOk()) {
        pollFailed(QStringLiteral("cannot read the saved X since_id: ") + state.error().message);
        return Step::Failed;
    }
    m_sinceId = state.value().value_or(QString());
    m_stateLoaded = true;
    if (!m_sinceId.isEmpty())
        qCInfo(lcChannels).noquote() << "X DMs: resuming after event" << m_sinceId;
    return Step::Continue;
}

TwitterChannel::Step TwitterChannel::acceptMe(const HttpAnswer &answer)
{
    if (m_stopped)
        return Step::Failed;
    if (answer.status == 429) {
        waitForRateLimit(answer, QStringLiteral("GET /2/users/me"));
        return Step::Wait;
    }
    if (answer.status != 200) {
        pollFailed(failureText(answer, QStringLiteral("GET /2/users/me")));
        return Step::Failed;
    }
    const QJsonObject data =
        QJsonDocument::fromJson(answer.body).object().value(QStringLiteral("data")).toObject();
    const QString id = data.value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        pollFailed(QStringLiteral("GET /2/users/me answered without data.id"));
        return Step::Failed;
    }
    m_ownUserId = id;
    qCInfo(lcChannels).noquote() << "X DMs: signed in as"
                                 << QLatin1Char('@') +
                                        data.value(QStringLiteral("username")).toString()
                                 << QStringLiteral("(%1)").arg(id);
    return Step::Continue;
}

TwitterChannel::Step TwitterChannel::acceptPage(const HttpAnswer &answer)
{
    if (m_stopped)
        return Step::Failed;
    if (answer.status == 429) {
        // The walk so far is kept: it resumes with the same pagination token after the reset.
        waitForRateLimit(answer, QStringLiteral("GET /2/dm_events"));
        return Step::Wait;
    }
    if (answer.status != 200) {
        resetWalk();
        pollFailed(failureText(answer, QStringLiteral("GET /2/dm_events")));
        return Step::Failed;
    }
    const Outcome<TwitterDmPage> parsed = parseEventsPage(answer.body);
    if (!parsed.isOk()) {
        resetWalk();
        pollFailed(QStringLiteral("GET /2/dm_events answered an unreadable page: ") +
                   parsed.error().message);
        return Step::Failed;
    }
    noteRemaining(answer);
    const TwitterDmPage &page = parsed.value();
    ++m_walkPages;
    bool reachedKnown = false;
    for (const QJsonObject &event : page.events) {
        const QString id = event.value(QStringLiteral("id")).toString();
        if (id.isEmpty())
            continue;
        if (!isNewer(id, m_sinceId)) {
            reachedKnown = true;
            continue;
        }
        const bool seen = std::any_of(m_walk.events.cbegin(), m_walk.events.cend(),
                                      [&id](const QJsonObject &known) {
                                          return known.value(QStringLiteral("id")).toString() == id;
                                      });
        if (!seen)
            m_walk.events.append(event);
    }
    m_walk.users.insert(page.users);
    m_walk.media.insert(page.media);

    if (reachedKnown || page.nextToken.isEmpty() || page.events.isEmpty())
        return Step::Done;
    if (m_walkPages >= kMaxWalkPages) {
        qCWarning(lcChannels).noquote()
            << "X DMs: stopped after" << m_walkPages << "pages without reaching event"
            << (m_sinceId.isEmpty() ? QStringLiteral("(none saved)") : m_sinceId)
            << "; older events are not imported";
        return Step::Done;
    }
    m_walkToken = page.nextToken;
    const bool throttled = m_notBefore.isValid() && m_notBefore > QDateTime::currentDateTimeUtc();
    return throttled ? Step::Wait : Step::Continue;
}

QList<QJsonObject> TwitterChannel::pendingOldestFirst() const
{
    QList<QJsonObject> events = m_walk.events;
    std::stable_sort(events.begin(), events.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return isNewer(b.value(QStringLiteral("id")).toString(),
                       a.value(QStringLiteral("id")).toString());
    });
    return events;
}

std::optional<Message> TwitterChannel::messageFor(const QJsonObject &event) const
{
    const QString id = event.value(QStringLiteral("id")).toString();
    if (event.value(QStringLiteral("event_type")).toString() != QLatin1String("MessageCreate"))
        return std::nullopt;
    // Our own replies come back in the same list.
    if (event.value(QStringLiteral("sender_id")).toString() == m_ownUserId)
        return std::nullopt;
    Outcome<Message> message = parseEvent(event, m_walk);
    if (!message.isOk()) {
        qCWarning(lcChannels).noquote()
            << "X DMs: skipping event" << id << ":" << message.error().message;
        return std::nullopt;
    }
    return message.value();
}

TwitterChannel::Step TwitterChannel::acceptDelivery(const QString &eventId,
                                                    const Outcome<IngestResult> &delivered)
{
    if (!delivered.isOk()) {
        // Stop here: the rest is newer than the saved id and is fetched again next time.
        pollFailed(QStringLiteral("cannot ingest X DM event %1: %2")
                       .arg(eventId, delivered.error().message));
        return Step::Failed;
    }
    m_processedUpTo = eventId;
    return Step::Continue;
}

void TwitterChannel::resetWalk()
{
    m_walk = TwitterDmPage();
    m_walkToken.clear();
    m_walkPages = 0;
    m_walkInProgress = false;
    m_processedUpTo.clear();
}

void TwitterChannel::finishPoll()
{
    m_polling = false;
    if (m_stopped)
        return;
    const qint64 interval = qint64(std::max(1, m_settings.pollIntervalSeconds)) * 1000;
    const qint64 untilReset =
        m_notBefore.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(m_notBefore) : qint64(0);
    // A walk interrupted by the rate limit resumes right at the reset; otherwise keep cadence.
    schedule(m_walkInProgress ? std::max<qint64>(0, untilReset) : std::max(interval, untilReset));
}

void TwitterChannel::pollFailed(const QString &error)
{
    if (m_stopped)
        return;
    qCWarning(lcChannels).noquote() << "X DMs:" << error;
    SendResult failed;
    failed.error = error;
    recordResult(failed);
}

void TwitterChannel::waitForRateLimit(const HttpAnswer &answer, const QString &what)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    qint64 seconds = kDefaultRateLimitWaitSeconds;
    if (answer.rateLimitReset > 0)
        seconds = std::clamp<qint64>(answer.rateLimitReset - now.toSecsSinceEpoch(), 0,
                                     kMaxRateLimitWaitSeconds);
    // One second past the reset: X counts whole seconds and our clocks differ.
    m_notBefore = now.addSecs(seconds + 1);
    qCInfo(lcChannels).noquote()
        << QStringLiteral("X DMs: rate limit reached on %1; waiting until x-rate-limit-reset %2")
               .arg(what, m_notBefore.toString(Qt::ISODate));
}

qint64 TwitterChannel::msUntilAllowed() const
{
    return m_notBefore.isValid() ? QDateTime::currentDateTimeUtc().msecsTo(m_notBefore) : 0;
}

void TwitterChannel::noteRemaining(const HttpAnswer &answer)
{
    if (answer.rateLimitRemaining != 0 || answer.rateLimitReset <= 0)
        return;
    const QDateTime reset = QDateTime::fromSecsSinceEpoch(answer.rateLimitReset, Qt::UTC);
    if (reset > QDateTime::currentDateTimeUtc())
        m_notBefore = reset.addSecs(1);
}

QString TwitterChannel::failureText(const HttpAnswer &answer, const QString &what) const
{
    if (answer.status == 401)
        return QStringLiteral(
                   "X rejected the bearer token on %1 (HTTP 401: %2). Set [channels.twitter] "
                   "bearer_token (or RELAYDESK_TWITTER_BEARER_TOKEN) to a valid OAuth 2.0 user "
                   "access token with the dm.read, dm.write, tweet.read and users.read scopes")
            .arg(what, errorDetail(answer.body));
    if (answer.status > 0)
        return QStringLiteral("%1 answered HTTP %2: %3")
            .arg(what)
            .arg(answer.status)
            .arg(errorDetail(answer.body));
    return QStringLiteral("%1 failed: %2").arg(what, answer.errorString);
}

Outcome<TwitterDmPage> TwitterChannel::parseEventsPage(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return Outcome<TwitterDmPage>::failure(
            ErrorKind::Invalid, QStringLiteral("not a JSON object (%1)").arg(error.errorString()));
    const QJsonObject root = document.object();
    const QJsonValue data = root.value(QStringLiteral("data"));
    if (!data.isUndefined() && !data.isArray())
        return Outcome<TwitterDmPage>::failure(ErrorKind::Invalid,
                                               QStringLiteral("\"data\" is not an array"));
    TwitterDmPage page;
    for (const QJsonValue &value : data.toArray()) {
        if (value.isObject())
            page.events.append(value.toObject());
    }
    const QJsonObject includes = root.value(QStringLiteral("includes")).toObject();
    for (const QJsonValue &value : includes.value(QStringLiteral("users")).toArray()) {
        const QJsonObject user = value.toObject();
        const QString id = user.value(QStringLiteral("id")).toString();
        if (!id.isEmpty())
            page.users.insert(id, user);
    }
    for (const QJsonValue &value : includes.value(QStringLiteral("media")).toArray()) {
        const QJsonObject media = value.toObject();
        const QString key = media.value(QStringLiteral("media_key")).toString();
        if (!key.isEmpty())
            page.media.insert(key, media);
    }
    const QJsonObject meta = root.value(QStringLiteral("meta")).toObject();
    page.nextToken = meta.value(QStringLiteral("next_token")).toString();
    page.resultCount = meta.value(QStringLiteral("result_count")).toInt(int(page.events.size()));
    return page;
}

Outcome<Message> TwitterChannel::parseEvent(const QJsonObject &event, const TwitterDmPage &includes)
{
    const QString id = event.value(QStringLiteral("id")).toString();
    if (id.isEmpty())
        return Outcome<Message>::failure(ErrorKind::Invalid, QStringLiteral("event has no id"));
    const QString type = event.value(QStringLiteral("event_type")).toString();
    if (type != QLatin1String("MessageCreate"))
        return Outcome<Message>::failure(
            ErrorKind::Invalid, QStringLiteral("event %1 is %2, not MessageCreate")
                                    .arg(id, type.isEmpty() ? QStringLiteral("of no type") : type));
    const QString sender = event.value(QStringLiteral("sender_id")).toString();
    if (sender.isEmpty())
        return Outcome<Message>::failure(
            ErrorKind::Invalid,
            QStringLiteral("event %1 has no sender_id (it must be asked for in dm_event.fields)")
                .arg(id));

    Message message;
    message.direction = Direction::Inbound;
    message.platform = Platform::Twitter;
    message.authorKind = AuthorKind::Customer;
    message.userId = sender;
    message.authorId = sender;
    message.content = event.value(QStringLiteral("text")).toString();
    message.clientMessageId = QStringLiteral("twitter:") + id;
    message.metadata.insert(QStringLiteral("dm_event_id"), id);
    message.metadata.insert(QStringLiteral("participant_id"), sender);

    const QString conversation = event.value(QStringLiteral("dm_conversation_id")).toString();
    if (!conversation.isEmpty()) {
        message.metadata.insert(QStringLiteral("dm_conversation_id"), conversation);
        const bool group = !isOneToOneConversation(conversation);
        message.metadata.insert(QStringLiteral("dm_conversation_type"),
                                group ? QStringLiteral("group") : QStringLiteral("one_to_one"));
        // Everyone in a group DM shares one conversation; one-to-one threads by the sender.
        if (group)
            message.threadId = conversation;
    }
    const QString createdAt = event.value(QStringLiteral("created_at")).toString();
    if (!createdAt.isEmpty())
        message.metadata.insert(QStringLiteral("created_at"), createdAt);
    const auto user = includes.users.constFind(sender);
    if (user != includes.users.cend()) {
        const QString username = user->value(QStringLiteral("username")).toString();
        const QString displayName = user->value(QStringLiteral("name")).toString();
        if (!username.isEmpty())
            message.metadata.insert(QStringLiteral("username"), username);
        if (!displayName.isEmpty())
            message.metadata.insert(QStringLiteral("name"), displayName);
    }
    QStringList tweets;
    for (const QJsonValue &value : event.value(QStringLiteral("referenced_tweets")).toArray()) {
        const QString tweet = value.toObject().value(QStringLiteral("id")).toString();
        if (!tweet.isEmpty())
            tweets << tweet;
    }
    if (!tweets.isEmpty())
        message.metadata.insert(QStringLiteral("referenced_tweet_ids"),
                                tweets.join(QLatin1Char(',')));

    const QJsonArray keys = event.value(QStringLiteral("attachments"))
                                .toObject()
                                .value(QStringLiteral("media_keys"))
                                .toArray();
    for (const QJsonValue &key : keys) {
        const auto media = includes.media.constFind(key.toString());
        if (media == includes.media.cend())
            continue;
        if (const std::optional<Attachment> attachment = attachmentFor(*media))
            message.attachments.append(*attachment);
    }
    return message;
}

Outcome<QString> TwitterChannel::parseSendResponse(const QByteArray &body)
{
    const QJsonObject data =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("data")).toObject();
    const QString eventId = data.value(QStringLiteral("dm_event_id")).toString();
    if (eventId.isEmpty())
        return Outcome<QString>::failure(ErrorKind::Invalid,
                                         QStringLiteral("the answer has no data.dm_event_id"));
    return eventId;
}

QString TwitterChannel::errorDetail(const QByteArray &body)
{
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject()) {
        const QString text = QString::fromUtf8(body.left(300)).simplified();
        return text.isEmpty() ? QStringLiteral("empty body") : text;
    }
    const QJsonObject root = document.object();
    QStringList parts;
    const auto add = [&parts](const QString &part) {
        if (!part.isEmpty() && !parts.contains(part))
            parts << part;
    };
    add(root.value(QStringLiteral("title")).toString());
    add(root.value(QStringLiteral("detail")).toString());
    for (const QJsonValue &value : root.value(QStringLiteral("errors")).toArray()) {
        const QJsonObject error = value.toObject();
        add(error.value(QStringLiteral("message")).toString());
        add(error.value(QStringLiteral("detail")).toString());
    }
    if (parts.isEmpty())
        return QString::fromUtf8(body.left(300)).simplified();
    return parts.join(QStringLiteral(": "));
}

QStringList TwitterChannel::splitText(const QString &text, int limit)
{
    QStringList parts;
    if (limit < 2)
        limit = 2;
    QString rest = text;
    while (rest.size() > limit) {
        qsizetype cut = limit;
        // Prefer a paragraph or line break, then a space, in the last fifth of the piece.
        const qsizetype floor = limit - limit / 5;
        qsizetype breakAt = rest.lastIndexOf(QLatin1Char('\n'), limit - 1);
        if (breakAt < floor)
            breakAt = rest.lastIndexOf(QLatin1Char(' '), limit - 1);
        if (breakAt >= floor)
            cut = breakAt + 1;
        else if (rest.at(cut - 1).isHighSurrogate())
            --cut;
        parts << rest.left(cut);
        rest = rest.mid(cut);
    }
    if (!rest.isEmpty())
        parts << rest;
    return parts;
}

bool TwitterChannel::isNewer(const QString &id, const QString &than)
{
    if (id.isEmpty())
        return false;
    if (than.isEmpty())
        return true;
    if (isDigits(id, 1, 40) && isDigits(than, 1, 40)) {
        const QString a = stripLeadingZeros(id);
        const QString b = stripLeadingZeros(than);
        if (a.size() != b.size())
            return a.size() > b.size();
        return a > b;
    }
    return id > than;
}

Outcome<QString> TwitterChannel::sendPathFor(const OutboundContext &context)
{
    QMap<QString, QString> metadata;
    if (context.lastInbound)
        metadata = context.lastInbound->metadata;
    const QString conversation = metadata.value(QStringLiteral("dm_conversation_id"));
    if (metadata.value(QStringLiteral("dm_conversation_type")) == QLatin1String("group") &&
        isGroupConversation(conversation))
        return QStringLiteral("/2/dm_conversations/%1/messages").arg(conversation);
    QString participant = metadata.value(QStringLiteral("participant_id"));
    if (participant.isEmpty())
        participant = context.message.userId;
    if (!isDigits(participant, 1, 19))
        return Outcome<QString>::failure(
            ErrorKind::Invalid,
            QStringLiteral("no X user id to send the DM to: \"%1\" is not a numeric X user id")
                .arg(participant.left(64)));
    return QStringLiteral("/2/dm_conversations/with/%1/messages").arg(participant);
}

QStringList TwitterChannel::outboundParts(const Message &message)
{
    // X only attaches media uploaded to X itself; links to our attachments are the next best.
    QString text = message.content;
    for (const Attachment &attachment : message.attachments) {
        if (attachment.url.isEmpty())
            continue;
        if (!text.isEmpty())
            text += QLatin1Char('\n');
        text += attachment.url;
    }
    return splitText(text);
}

SendResult TwitterChannel::unsendable(const Outcome<QString> &path)
{
    SendResult result;
    result.retryable = false;
    result.error =
        path.isOk() ? QStringLiteral("the X DM has no text to send") : path.error().message;
    return result;
}

SendResult TwitterChannel::sendResultFor(const HttpAnswer &answer, int part, int parts)
{
    SendResult result;
    const QString prefix =
        parts > 1 ? QStringLiteral("part %1 of %2: ").arg(part + 1).arg(parts) : QString();
    if (answer.status >= 200 && answer.status < 300) {
        result.ok = true;
        const Outcome<QString> eventId = parseSendResponse(answer.body);
        if (eventId.isOk())
            result.externalId = eventId.value();
        else
            qCWarning(lcChannels).noquote() << "X DMs: sent, but" << eventId.error().message;
        return result;
    }
    if (answer.status == 0) {
        result.error = prefix + QStringLiteral("X DM send failed: ") + answer.errorString;
        result.retryable = true;
        return result;
    }
    const QString detail = errorDetail(answer.body);
    if (answer.status == 429) {
        qint64 seconds = kDefaultRateLimitWaitSeconds;
        if (answer.rateLimitReset > 0)
            seconds = std::clamp<qint64>(answer.rateLimitReset - QDateTime::currentSecsSinceEpoch(),
                                         1, kMaxRateLimitWaitSeconds);
        result.retryable = true;
        result.retryAfterSeconds = int(seconds);
        result.error =
            prefix + QStringLiteral("X rate limit reached for DMs (HTTP 429: %1); retry after "
                                    "%2 s (x-rate-limit-reset)")
                         .arg(detail)
                         .arg(seconds);
        return result;
    }
    if (answer.status == 401) {
        result.retryable = false;
        result.error = prefix + QStringLiteral("X rejected the bearer token (HTTP 401: %1); check "
                                               "[channels.twitter] bearer_token")
                                    .arg(detail);
        return result;
    }
    // 400 and 403 (the user does not accept DMs from us, blocked, ...) will not heal by retrying.
    result.retryable = answer.status == 408 || answer.status == 409 || answer.status >= 500;
    result.error =
        prefix + QStringLiteral("X refused the DM (HTTP %1): %2").arg(answer.status).arg(detail);
    return result;
}

QCoro::Task<SendResult> TwitterChannel::send(OutboundContext context)
{
    const std::shared_ptr<bool> alive = m_alive;
    const Outcome<QString> path = sendPathFor(context);
    const QStringList parts = outboundParts(context.message);
    SendResult result;
    if (!path.isOk() || parts.isEmpty()) {
        result = unsendable(path);
        recordResult(result);
        co_return result;
    }
    const QString target = path.value();
    const int count = int(parts.size());
    for (int i = 0; i < count; ++i) {
        const QNetworkRequest post = request(target);
        const QByteArray body = sendBody(parts.at(i));
        QCoro::Task<HttpAnswer> call = exchange(post, body, true);
        const HttpAnswer answer = co_await call;
        if (!*alive) {
            SendResult gone;
            gone.error = QStringLiteral("the X channel shut down during the send");
            co_return gone;
        }
        const SendResult sent = sendResultFor(answer, i, count);
        if (!sent.ok) {
            result = sent;
            break;
        }
        result.ok = true;
        if (result.externalId.isEmpty())
            result.externalId = sent.externalId;
    }
    recordResult(result);
    co_return result;
}

} // namespace relaydesk
