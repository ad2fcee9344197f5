#include "engine/jobrunner.h"

#include "ai/providerrouter.h"
#include "ai/usagerepository.h"
#include "channels/discordchannel.h"
#include "channels/failoverchannel.h"
#include "channels/sendgridchannel.h"
#include "channels/telegramchannel.h"
#include "channels/twiliochannel.h"
#include "channels/twitterchannel.h"
#include "channels/webhookchannel.h"
#include "core/uuid7.h"
#include "engine/engine.h"
#include "observability/logger.h"
#include "observability/metricsregistry.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"

#include <QCoreApplication>
#include <QCoro/QCoroFuture>
#include <QHostInfo>
#include <QNetworkAccessManager>

namespace relaydesk {

namespace {} // namespace

JobRunner::JobRunner(Engine *engine, Settings settings)
    : m_engine(engine)
    , m_settings(std::move(settings))
    , m_owner(QStringLiteral("%1:%2:%3")
                  .arg(QHostInfo::localHostName())
                  .arg(QCoreApplication::applicationPid())
                  .arg(Uuid7::generate().right(12)))
{}

JobRunner::~JobRunner() = default;

void JobRunner::initialise()
{
    m_network = new QNetworkAccessManager(this);
    // The offline responder is the default chain and every chain's last resort.
    m_usageMeter = std::make_unique<UsageMeter>(MetricsRegistry::instance());
    auto router = ProviderRouter::fromSettings(m_settings, m_network);
    router->setMeter(m_usageMeter.get());
    router->setUsageSink([this](const UsageRecord &record) { recordUsage(record); });
    m_router = router.get();
    m_responder = std::move(router);
    m_userLimits = std::make_unique<UserRateLimiter>(m_settings.aiRateLimitPerUserPerMinute);
    m_moderation = OpenAiModerator::fromSettings(m_settings, m_network);
    if (m_settings.webhookEnabled && !m_settings.webhookOutboundUrl.isEmpty()) {
        m_channels.push_back(std::make_unique<WebhookChannel>(
            m_network, QUrl(m_settings.webhookOutboundUrl), m_settings.webhookSecret,
            m_settings.webhookTimeoutMs));
    }
    if (m_settings.twitter.enabled)
        m_channels.push_back(std::make_unique<TwitterChannel>(m_network, m_settings.twitter));
    if (m_settings.telegram.enabled)
        m_channels.push_back(std::make_unique<TelegramChannel>(m_network, m_settings.telegram));
    if (m_settings.discord.enabled)
        m_channels.push_back(std::make_unique<DiscordChannel>(m_network, m_settings.discord));
    if (m_settings.twilio.enabled)
        m_channels.push_back(twilioChannel());
    if (m_settings.sendgrid.enabled)
        m_channels.push_back(sendGridChannel());
    // Retries scheduled for later and jobs enqueued by other instances are found by polling.
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(200);
    connect(m_pollTimer, &QTimer::timeout, this, &JobRunner::pump);
    m_pollTimer->start();
    m_maintenanceTimer = new QTimer(this);
    m_maintenanceTimer->setInterval(std::max(1000, m_settings.leaseSeconds * 500));
    connect(m_maintenanceTimer, &QTimer::timeout, this, &JobRunner::maintain);
    m_maintenanceTimer->start();
    // Queue depth and active conversations feed /metrics and backpressure; keep them fresh.
    auto *counters = new QTimer(this);
    counters->setInterval(1000);
    connect(counters, &QTimer::timeout, this, [this] {
        m_engine->refreshCounters();
        publishChannelStatuses();
    });
    counters->start();
    for (const auto &channel : m_channels)
        channel->start(m_engine);
    publishChannelStatuses();
    pump();
}

void JobRunner::wake()
{
    // Many ingests in a burst need one claim, not one each.
    if (m_wakePending.exchange(true))
        return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_wakePending.store(false);
            pump();
        },
        Qt::QueuedConnection);
}

void JobRunner::publishChannelStatuses()
{
    QList<ChannelStatus> statuses;
    for (const auto &channel : m_channels)
        statuses.append(
            ChannelStatus{channel->name(), channel->health(), channel->accountStatuses()});
    m_engine->setChannelStatuses(std::move(statuses));
    if (m_router)
        m_engine->setAiProviderStatuses(m_router->statuses());
}

void JobRunner::beginShutdown()
{
    m_shuttingDown = true;
    for (const auto &channel : m_channels)
        channel->stop();
    if (m_pollTimer)
        m_pollTimer->stop();
    if (m_maintenanceTimer)
        m_maintenanceTimer->stop();
}

void JobRunner::releaseRunning()
{
    for (const QString &jobId : std::as_const(m_runningJobs)) {
        m_engine->writer()
            .submit<Done>([jobId](QSqlDatabase &db) { return JobQueue(db).release(jobId); })
            .waitForFinished();
    }
    m_runningJobs.clear();
    // Jobs that finished while the database was unreachable could not record their outcome and
    // still carry our lease; hand them back too rather than leave them to expire.
    m_engine->writer()
        .submit<int>(
            [owner = m_owner](QSqlDatabase &db) { return JobQueue(db).releaseOwner(owner); })
        .waitForFinished();
}

void JobRunner::maintain()
{
    m_engine->writer()
        .submit<int>([](QSqlDatabase &db) { return JobQueue(db).reclaimExpired(); })
        .then(this, [this](const Outcome<int> &reclaimed) {
            if (reclaimed.isOk() && reclaimed.value() > 0)
                pump();
        });
}

void JobRunner::pump()
{
    const int capacity = std::max(1, m_settings.workers) - m_inFlight.load();
    if (m_shuttingDown || m_claiming || capacity <= 0)
        return;
    m_claiming = true;
    m_engine
        ->write<QList<Job>>(
            [capacity, owner = m_owner, lease = m_settings.leaseSeconds](PipelineWrites &writes) {
                return writes.claim(capacity, owner, lease);
            })
        .then(this, [this, capacity](const Outcome<QList<Job>> &claimed) {
            m_claiming = false;
            if (!claimed.isOk())
                return; // database trouble: the poll timer tries again
            m_engine->m_readyJobs.fetch_sub(int(claimed.value().size()));
            for (const Job &job : claimed.value())
                schedule(job);
            if (claimed.value().size() == capacity)
                pump();
        });
}

void JobRunner::schedule(const Job &job)
{
    m_inFlight.fetch_add(1);
    m_runningJobs.insert(job.id);
    run(job); // fire and forget: the coroutine frame lives until it finishes
}

// GCC 12 miscompiles some temporaries inside coroutine bodies (destroying them twice), so the
// coroutines below only await and branch on named locals; the work lives in plain functions.
QCoro::Task<> JobRunner::run(Job job)
{
    bool succeeded = false;
    if (job.kind == JobKind::Draft) {
        succeeded = co_await runDraft(job);
    } else if (job.kind == JobKind::Send) {
        succeeded = co_await runSend(job);
    } else {
        const QString error = unknownKindError(job);
        succeeded = co_await fail(job, error, false);
    }
    finished(job, succeeded);
}

QString JobRunner::unknownKindError(const Job &job)
{
    return QStringLiteral("unknown job kind \"%1\"").arg(job.kind);
}

void JobRunner::finished(const Job &job, bool succeeded)
{
    (succeeded ? m_engine->m_jobsSucceeded : m_engine->m_jobsFailed).fetch_add(1);
    m_runningJobs.remove(job.id);
    m_inFlight.fetch_sub(1);
    Q_EMIT m_engine->queueChanged();
    pump();
}

QCoro::Task<bool> JobRunner::fail(const Job &job, const QString &error, bool retryable,
                                  int retryAfterSeconds)
{
    QFuture<Outcome<bool>> write =
        m_engine->write<bool>([job, error, retryable, retryAfterSeconds](PipelineWrites &writes) {
            return writes.recordFailure(job, error, retryable, retryAfterSeconds);
        });
    const Outcome<bool> recorded = co_await write;
    announceFailure(job, recorded);
    co_return false;
}

void JobRunner::announceFailure(const Job &job, const Outcome<bool> &recorded)
{
    if (!recorded.isOk()) {
        qCWarning(lcEngine).noquote()
            << "cannot record the failure of job" << job.id << ":" << recorded.error().message;
        return;
    }
    if (job.messageId.isEmpty())
        return;
    const QString conversationId = job.payload.value(QStringLiteral("conversation_id")).toString();
    Q_EMIT m_engine->messageStateChanged(
        conversationId, job.messageId,
        toString(recorded.value() ? EventType::DeadLettered : EventType::Failed));
    Q_EMIT m_engine->conversationChanged(conversationId);
}

QCoro::Task<bool> JobRunner::runDraft(const Job &job)
{
    QFuture<Outcome<DraftContext>> read = m_engine->read<DraftContext>(
        [conversationId = conversationOf(job), limit = std::max(1, m_settings.historyMessages)](
            QSqlDatabase &db) -> Outcome<DraftContext> {
            auto conversation = ConversationRepository(db).get(conversationId);
            if (!conversation.isOk())
                return conversation.error();
            auto history = MessageRepository(db).recent(conversationId, limit);
            if (!history.isOk())
                return history.error();
            return DraftContext{conversation.value(), history.value()};
        });
    const Outcome<DraftContext> context = co_await read;
    if (!context.isOk()) {
        const bool retryable = context.error().kind != ErrorKind::NotFound;
        const QString error = context.error().message;
        co_return co_await fail(job, error, retryable);
    }
    const bool manual = context.value().conversation.aiMode == AiMode::Manual;
    if (manual) {
        // Switched to manual after the message arrived: nothing to draft.
        QFuture<Outcome<Done>> complete = m_engine->writer().submit<Done>(
            [jobId = job.id](QSqlDatabase &db) { return JobQueue(db).complete(jobId); });
        co_await complete;
        co_return true;
    }

    const QString limited = userLimitReason(job, context.value());
    if (!limited.isEmpty()) {
        // Stored and shown, but not drafted: an operator looks at the flagged conversation.
        QFuture<Outcome<Done>> skip = m_engine->write<Done>(
            [job, conversationId = context.value().conversation.id, limited](
                PipelineWrites &writes) { return writes.skipDraft(job, conversationId, limited); });
        const Outcome<Done> skipped = co_await skip;
        if (!skipped.isOk()) {
            const QString error = skipped.error().message;
            co_return co_await fail(job, error, true);
        }
        const QString conversationId = context.value().conversation.id;
        Q_EMIT m_engine->conversationChanged(conversationId);
        co_return true;
    }

    if (m_moderation) {
        QCoro::Task<> moderating = moderate(job, context.value());
        co_await moderating;
    }

    const DraftRequest request = draftRequestFor(job, context.value());
    QCoro::Task<Outcome<Draft>> drafting = m_responder->draft(request);
    const Outcome<Draft> draft = co_await drafting;
    if (!draft.isOk()) {
        const QString error = draft.error().message;
        co_return co_await fail(job, error, true);
    }

    QFuture<Outcome<Message>> store =
        m_engine->write<Message>([job, value = draft.value()](PipelineWrites &writes) {
            return writes.storeDraft(job, value);
        });
    const Outcome<Message> stored = co_await store;
    if (!stored.isOk()) {
        const QString error = stored.error().message;
        co_return co_await fail(job, error, true);
    }
    announceDraft(job, stored.value());
    co_return true;
}

QString JobRunner::conversationOf(const Job &job)
{
    return job.payload.value(QStringLiteral("conversation_id")).toString();
}

DraftRequest JobRunner::draftRequestFor(const Job &job, const DraftContext &context) const
{
    DraftRequest request;
    request.conversation = context.conversation;
    request.history = context.history;
    request.maxLength = platformLengthLimit(request.conversation.platform);
    request.instruction = job.payload.value(QStringLiteral("instruction")).toString();
    request.progress = [engine = m_engine, conversationId = context.conversation.id,
                        messageId = job.messageId](const QString &text) {
        Q_EMIT engine->draftProgress(conversationId, messageId, text);
    };
    return request;
}

QString JobRunner::userLimitReason(const Job &job, const DraftContext &context)
{
    if (job.payload.contains(QStringLiteral("actor")))
        return {};
    for (const Message &message : context.history) {
        if (message.id != job.messageId)
            continue;
        const QString key = UserRateLimiter::keyFor(toString(message.platform), message.userId);
        if (message.authorKind != AuthorKind::Customer || m_userLimits->allow(key))
            return {};
        return QStringLiteral("rate limited: %1 sent more than %2 messages in a minute; not "
                              "drafted")
            .arg(message.userId)
            .arg(m_userLimits->perMinute());
    }
    return {};
}

QString JobRunner::textToModerate(const Job &job, const DraftContext &context)
{
    // A regenerated draft answers a message that was moderated when it was first drafted.
    if (job.payload.contains(QStringLiteral("actor")))
        return {};
    for (const Message &message : context.history) {
        if (message.id == job.messageId && message.authorKind == AuthorKind::Customer)
            return message.content;
    }
    return {};
}

QCoro::Task<> JobRunner::moderate(const Job &job, const DraftContext &context)
{
    const QString text = textToModerate(job, context);
    if (text.trimmed().isEmpty())
        co_return;
    QCoro::Task<ModerationVerdict> asking = m_moderation->check(text);
    const ModerationVerdict verdict = co_await asking;
    const QString conversationId = context.conversation.id;
    if (!verdict.ok || !verdict.flagged) {
        afterModeration(conversationId, verdict);
        co_return;
    }
    // Flagged before the draft is stored: storeDraft reads the flag in its own transaction, so
    // the draft waits for review whatever the AI mode.
    QFuture<Outcome<Done>> flag = m_engine->write<Done>(
        [conversationId, reason = OpenAiModerator::reasonFor(verdict)](PipelineWrites &writes) {
            return writes.flagConversation(conversationId, reason);
        });
    const Outcome<Done> flagged = co_await flag;
    if (!flagged.isOk())
        qCWarning(lcEngine).noquote()
            << "cannot flag conversation" << conversationId << ":" << flagged.error().message;
    afterModeration(conversationId, verdict);
}

void JobRunner::afterModeration(const QString &conversationId, const ModerationVerdict &verdict)
{
    if (!verdict.ok) {
        qCWarning(lcAi).noquote() << "provider moderation failed, drafting with the rules' verdict "
                                     "only:"
                                  << verdict.error;
        return;
    }
    if (verdict.flagged)
        Q_EMIT m_engine->conversationChanged(conversationId);
}

void JobRunner::recordUsage(const UsageRecord &record)
{
    // Accounting must never hold up a draft: fire and forget through the writer.
    m_engine->writer().submit<Done>(
        [record](QSqlDatabase &db) { return UsageRepository(db).insert(record); });
}

void JobRunner::announceDraft(const Job &job, const Message &draft)
{
    const QString conversationId = draft.conversationId;
    Q_EMIT m_engine->messageStateChanged(conversationId, job.messageId,
                                         toString(EventType::Drafted));
    Q_EMIT m_engine->messageAdded(conversationId, draft.id);
    if (draft.state == toString(EventType::Approved)) {
        Q_EMIT m_engine->messageStateChanged(conversationId, draft.id, draft.state);
        m_engine->m_readyJobs.fetch_add(1);
        wake();
    }
    Q_EMIT m_engine->conversationChanged(conversationId);
}

namespace {

CircuitBreaker::Options accountBreaker(int failureThreshold, int cooldownSeconds)
{
    CircuitBreaker::Options breaker;
    breaker.failureThreshold = std::max(1, failureThreshold);
    breaker.cooldownMs = std::max(1, cooldownSeconds) * 1000LL;
    return breaker;
}

} // namespace

std::unique_ptr<ChannelAdapter> JobRunner::twilioChannel() const
{
    const TwilioSettings &twilio = m_settings.twilio;
    auto primary = std::make_unique<TwilioChannel>(m_network, twilio, m_settings.publicUrl);
    if (twilio.fallback.accountSid.isEmpty())
        return primary;
    auto fallback = std::make_unique<TwilioChannel>(
        m_network, TwilioChannel::fallbackAccount(twilio), m_settings.publicUrl);
    fallback->setSendFromOwnNumber(true);
    return std::make_unique<FailoverChannel>(
        std::move(primary), std::move(fallback),
        accountBreaker(twilio.fallback.failureThreshold, twilio.fallback.cooldownSeconds));
}

std::unique_ptr<ChannelAdapter> JobRunner::sendGridChannel() const
{
    const SendGridSettings &sendgrid = m_settings.sendgrid;
    auto primary = std::make_unique<SendGridChannel>(m_network, sendgrid);
    if (sendgrid.fallback.apiKey.isEmpty())
        return primary;
    auto fallback =
        std::make_unique<SendGridChannel>(m_network, SendGridChannel::fallbackAccount(sendgrid));
    return std::make_unique<FailoverChannel>(
        std::move(primary), std::move(fallback),
        accountBreaker(sendgrid.fallback.failureThreshold, sendgrid.fallback.cooldownSeconds));
}

ChannelAdapter *JobRunner::channelFor(Platform platform) const
{
    ChannelAdapter *fallback = nullptr;
    for (const auto &channel : m_channels) {
        if (channel->name() == QLatin1String("webhook"))
            fallback = channel.get();
        else if (channel->handles(platform))
            return channel.get();
    }
    return fallback;
}

QCoro::Task<bool> JobRunner::runSend(const Job &job)
{
    QFuture<Outcome<OutboundContext>> read = m_engine->read<OutboundContext>(
        [messageId = job.messageId](QSqlDatabase &db) -> Outcome<OutboundContext> {
            MessageRepository messages(db);
            auto message = messages.get(messageId);
            if (!message.isOk())
                return message.error();
            auto conversation = ConversationRepository(db).get(message.value().conversationId);
            if (!conversation.isOk())
                return conversation.error();
            auto lastInbound = messages.lastInbound(message.value().conversationId);
            if (!lastInbound.isOk())
                return lastInbound.error();
            return OutboundContext{message.value(), conversation.value(), lastInbound.value()};
        });
    const Outcome<OutboundContext> context = co_await read;
    if (!context.isOk()) {
        const bool retryable = context.error().kind != ErrorKind::NotFound;
        const QString error = context.error().message;
        co_return co_await fail(job, error, retryable);
    }

    OutboundContext outbound = context.value();
    outbound.message = outboundMessage(job, outbound.message);
    const Message &message = outbound.message;
    ChannelAdapter *channel = channelFor(message.platform);
    if (!channel) {
        const QString error = noChannelError(message.platform);
        co_return co_await fail(job, error, false);
    }
    const SendResult result = co_await channel->send(outbound);
    if (!result.ok) {
        const QString error = result.error;
        const int retryAfter = result.retryAfterSeconds;
        co_return co_await fail(job, error, result.retryable, retryAfter);
    }

    QFuture<Outcome<Done>> write =
        m_engine->write<Done>([job, result, platform = message.platform](PipelineWrites &writes) {
            return writes.recordSent(job, platform, result);
        });
    const Outcome<Done> recorded = co_await write;
    // If the record is lost the lease expires and the send is retried; receivers dedupe by id.
    const bool ok = recorded.isOk();
    if (ok)
        announceSent(job, message.conversationId);
    co_return ok;
}

Message JobRunner::outboundMessage(const Job &job, Message message)
{
    // An operator's edit at approval travels in the job, the stored draft stays as written.
    if (job.payload.contains(QStringLiteral("content")))
        message.content = job.payload.value(QStringLiteral("content")).toString();
    return message;
}

QString JobRunner::noChannelError(Platform platform)
{
    return QStringLiteral("no channel can deliver %1 messages: enable [channels.webhook] with an "
                          "outbound_url, or the %1 channel")
        .arg(toString(platform));
}

void JobRunner::announceSent(const Job &job, const QString &conversationId)
{
    Q_EMIT m_engine->messageStateChanged(conversationId, job.messageId, toString(EventType::Sent));
    Q_EMIT m_engine->conversationChanged(conversationId);
}

} // namespace relaydesk
