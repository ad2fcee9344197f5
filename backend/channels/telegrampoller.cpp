#include "channels/telegrampoller.h"

#include "channels/inboundsink.h"
#include "observability/logger.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace relaydesk {

namespace {

const QString kStateChannel = QStringLiteral("telegram");
const QString kOffsetKey = QStringLiteral("offset");
// An empty answer quicker than this did not wait for the long-poll timeout (a proxy in between
// that does not hold requests): pause instead of spinning.
constexpr int kMinimumEmptyPollMs = 1000;
// Slack over the long-poll timeout, so Telegram answers before our transfer timeout fires.
constexpr int kTransferSlackSeconds = 15;
// Bounds a retry_after so a garbled value cannot park the poller for days.
constexpr int kMaxRetryAfterSeconds = 3600;

} // namespace

TelegramPoller::TelegramPoller(QNetworkAccessManager *network, TelegramApi api, int longPollSeconds,
                               Reporter report, QObject *parent)
    : QObject(parent)
    , m_network(network)
    , m_api(std::move(api))
    , m_longPollSeconds(std::max(0, longPollSeconds))
    , m_report(std::move(report))
    , m_retryTimer(this)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (!m_running)
            return;
        if (m_offsetLoaded)
            poll();
        else
            loadOffset();
    });
}

TelegramPoller::~TelegramPoller()
{
    stop();
}

QJsonObject TelegramPoller::requestBody(qint64 offset, int timeoutSeconds)
{
    QJsonObject body{{QStringLiteral("timeout"), timeoutSeconds},
                     {QStringLiteral("allowed_updates"),
                      QJsonArray{QStringLiteral("message"), QStringLiteral("edited_message"),
                                 QStringLiteral("callback_query")}}};
    if (offset > 0)
        body.insert(QStringLiteral("offset"), offset);
    return body;
}

int TelegramPoller::backoffMs(int failures)
{
    qint64 delay = InitialBackoffMs;
    for (int i = 1; i < failures && delay < MaxBackoffMs; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, MaxBackoffMs));
}

void TelegramPoller::start(InboundSink *sink)
{
    if (m_running || !sink)
        return;
    m_sink = sink;
    m_running = true;
    ++m_generation;
    m_failures = 0;
    m_offsetLoaded = false;
    loadOffset();
}

void TelegramPoller::stop()
{
    if (!m_running)
        return;
    m_running = false;
    ++m_generation;
    m_retryTimer.stop();
    // Aborting emits finished() at once; the handler sees the stale generation and drops it.
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply = nullptr;
        reply->abort();
    }
    qCInfo(lcChannels) << "telegram polling stopped at offset" << m_offset;
}

void TelegramPoller::loadOffset()
{
    const quint64 generation = m_generation;
    m_sink->loadState(kStateChannel, kOffsetKey)
        .then(this, [this, generation](const Outcome<std::optional<QString>> &state) {
            if (!isCurrent(generation))
                return;
            if (!state.isOk()) {
                failed(QStringLiteral("cannot read the saved getUpdates offset: ") +
                           state.error().message,
                       state.error().retryAfterSeconds);
                return;
            }
            if (state.value()) {
                bool numeric = false;
                const qint64 saved = state.value()->toLongLong(&numeric);
                if (numeric && saved > 0)
                    m_offset = saved;
                else
                    qCWarning(lcChannels).noquote()
                        << "ignoring a malformed saved telegram offset:" << *state.value();
            }
            m_offsetLoaded = true;
            qCInfo(lcChannels) << "telegram polling started at offset" << m_offset;
            poll();
        });
}

void TelegramPoller::poll()
{
    if (!m_running)
        return;
    const QByteArray payload =
        QJsonDocument(requestBody(m_offset, m_longPollSeconds)).toJson(QJsonDocument::Compact);
    const QNetworkRequest request = m_api.jsonRequest(
        QStringLiteral("getUpdates"), (m_longPollSeconds + kTransferSlackSeconds) * 1000);
    QNetworkReply *reply = m_network->post(request, payload);
    m_reply = reply;
    m_pollClock.start();
    const quint64 generation = m_generation;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, generation] { onPollFinished(reply, generation); });
}

void TelegramPoller::onPollFinished(QNetworkReply *reply, quint64 generation)
{
    reply->deleteLater();
    if (m_reply == reply)
        m_reply = nullptr;
    if (!isCurrent(generation))
        return;
    const TelegramApi::Answer answer = m_api.read(reply);
    if (!answer.ok) {
        failed(QStringLiteral("getUpdates: ") + answer.description, answer.retryAfterSeconds);
        return;
    }
    if (!answer.result.isArray()) {
        failed(QStringLiteral("getUpdates answered without a result array"), 0);
        return;
    }
    m_failures = 0;
    SendResult healthy;
    healthy.ok = true;
    m_report(healthy);

    QList<TelegramChannel::Update> batch;
    qint64 next = m_offset;
    const QJsonArray updates = answer.result.toArray();
    for (const QJsonValue &value : updates) {
        const QJsonValue id = value.toObject().value(QStringLiteral("update_id"));
        // A malformed update is skipped, not retried forever: it would block every later one.
        if (id.isDouble())
            next = std::max(next, id.toInteger() + 1);
        const Outcome<TelegramChannel::Update> parsed =
            TelegramChannel::parseUpdate(value.toObject());
        if (!parsed.isOk()) {
            qCWarning(lcChannels).noquote()
                << "skipping a malformed telegram update:" << parsed.error().message;
            continue;
        }
        if (parsed.value().message || !parsed.value().callbackQueryId.isEmpty())
            batch.append(parsed.value());
        else
            qCInfo(lcChannels).noquote() << "ignoring telegram update" << parsed.value().id << ":"
                                         << parsed.value().ignoredReason;
    }
    if (batch.isEmpty() && next == m_offset) {
        if (m_pollClock.elapsed() < kMinimumEmptyPollMs)
            retryLater(kMinimumEmptyPollMs);
        else
            poll();
        return;
    }
    deliver(batch, 0, next, generation);
}

void TelegramPoller::deliver(QList<TelegramChannel::Update> batch, int index, qint64 nextOffset,
                             quint64 generation)
{
    if (!isCurrent(generation))
        return;
    if (index >= batch.size()) {
        commit(nextOffset, generation);
        return;
    }
    const TelegramChannel::Update &update = batch.at(index);
    if (!update.message) {
        acknowledgeCallback(update.callbackQueryId);
        deliver(std::move(batch), index + 1, nextOffset, generation);
        return;
    }
    // One at a time, in order, so the conversation shows the customer's messages as sent.
    m_sink->deliverInbound(*update.message)
        .then(this,
              [this, batch, index, nextOffset, generation](const Outcome<IngestResult> &stored) {
                  if (!isCurrent(generation))
                      return;
                  const TelegramChannel::Update &delivered = batch.at(index);
                  if (!stored.isOk()) {
                      // The offset stays: the batch comes again and what was stored is recognised.
                      failed(QStringLiteral("cannot store telegram update %1: %2")
                                 .arg(delivered.id)
                                 .arg(stored.error().message),
                             stored.error().retryAfterSeconds);
                      return;
                  }
                  if (!delivered.callbackQueryId.isEmpty() && !stored.value().duplicate)
                      acknowledgeCallback(delivered.callbackQueryId);
                  deliver(batch, index + 1, nextOffset, generation);
              });
}

void TelegramPoller::commit(qint64 nextOffset, quint64 generation)
{
    if (nextOffset <= m_offset) {
        poll();
        return;
    }
    m_sink->saveState(kStateChannel, kOffsetKey, QString::number(nextOffset))
        .then(this, [this, nextOffset, generation](const Outcome<Done> &saved) {
            if (!isCurrent(generation))
                return;
            if (!saved.isOk()) {
                failed(QStringLiteral("cannot save the getUpdates offset: ") +
                           saved.error().message,
                       saved.error().retryAfterSeconds);
                return;
            }
            m_offset = nextOffset;
            poll();
        });
}

void TelegramPoller::acknowledgeCallback(const QString &callbackQueryId)
{
    if (callbackQueryId.isEmpty())
        return;
    const QByteArray payload =
        QJsonDocument(QJsonObject{{QStringLiteral("callback_query_id"), callbackQueryId}})
            .toJson(QJsonDocument::Compact);
    QNetworkReply *reply =
        m_network->post(m_api.jsonRequest(QStringLiteral("answerCallbackQuery"), 10000), payload);
    // Best effort: an unanswered query only leaves the button's spinner running a while.
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const TelegramApi::Answer answer = m_api.read(reply);
        if (!answer.ok)
            qCInfo(lcChannels).noquote() << "answerCallbackQuery failed:" << answer.description;
    });
}

void TelegramPoller::failed(const QString &error, int retryAfterSeconds)
{
    ++m_failures;
    SendResult result;
    result.ok = false;
    result.error = m_api.redact(error);
    result.retryAfterSeconds = retryAfterSeconds;
    m_report(result);
    const int delay = retryAfterSeconds > 0
                          ? std::min(retryAfterSeconds, kMaxRetryAfterSeconds) * 1000
                          : backoffMs(m_failures);
    qCWarning(lcChannels).noquote()
        << "telegram polling:" << result.error << "- next attempt in" << delay << "ms";
    retryLater(delay);
}

void TelegramPoller::retryLater(int delayMs)
{
    if (m_running)
        m_retryTimer.start(delayMs);
}

} // namespace relaydesk
