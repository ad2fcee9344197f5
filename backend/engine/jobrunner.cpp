#include "engine/jobrunner.h"

#include "ai/offlineresponder.h"
#include "channels/webhookchannel.h"
#include "core/uuid7.h"
#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"

#include <QCoro/QCoroFuture>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QCoreApplication>

namespace relaydesk {

namespace {

struct SendContext {
    Message message;
    Conversation conversation;
};

struct DraftContext {
    Conversation conversation;
    QList<Message> history;
};

constexpr int kHistoryMessages = 20;

} // namespace

JobRunner::JobRunner(Engine *engine, Settings settings)
    : m_engine(engine)
    , m_settings(std::move(settings))
    , m_owner(QStringLiteral("%1:%2:%3")
                  .arg(QHostInfo::localHostName())
                  .arg(QCoreApplication::applicationPid())
                  .arg(Uuid7::generate().right(12)))
{
}

JobRunner::~JobRunner() = default;

void JobRunner::initialise()
{
    m_network = new QNetworkAccessManager(this);
    m_responder = std::make_unique<OfflineResponder>(m_settings.offlineAnswers,
                                                     m_settings.offlineDefaultReply);
    if (m_settings.webhookEnabled && !m_settings.webhookOutboundUrl.isEmpty()) {
        m_channels.push_back(std::make_unique<WebhookChannel>(
            m_network, QUrl(m_settings.webhookOutboundUrl), m_settings.webhookSecret,
            m_settings.webhookTimeoutMs));
    }
    // Retries scheduled for later and jobs enqueued by other instances are found by polling.
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(200);
    connect(m_pollTimer, &QTimer::timeout, this, &JobRunner::pump);
    m_pollTimer->start();
    m_maintenanceTimer = new QTimer(this);
    m_maintenanceTimer->setInterval(std::max(1000, m_settings.leaseSeconds * 500));
    connect(m_maintenanceTimer, &QTimer::timeout, this, &JobRunner::maintain);
    m_maintenanceTimer->start();
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

void JobRunner::beginShutdown()
{
    m_shuttingDown = true;
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
}

void JobRunner::maintain()
{
    m_engine->writer()
        .submit<int>([](QSqlDatabase &db) { return JobQueue(db).reclaimExpired(); })
        .then(this, [this](const Outcome<int> &reclaimed) {
            if (reclaimed.isOk() && reclaimed.value() > 0)
                pump();
        });
    m_engine->refreshCounters();
}

void JobRunner::pump()
{
    const int capacity = std::max(1, m_settings.workers) - m_inFlight.load();
    if (m_shuttingDown || m_claiming || capacity <= 0)
        return;
    m_claiming = true;
    m_engine
        ->write<QList<Job>>([capacity, owner = m_owner, lease = m_settings.leaseSeconds](
                                PipelineWrites &writes) { return writes.claim(capacity, owner, lease); })
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

QCoro::Task<> JobRunner::run(Job job)
{
    bool succeeded = false;
    if (job.kind == JobKind::Draft)
        succeeded = co_await runDraft(job);
    else if (job.kind == JobKind::Send)
        succeeded = co_await runSend(job);
    else
        succeeded = co_await fail(job, QStringLiteral("unknown job kind \"%1\"").arg(job.kind), false);
    (succeeded ? m_engine->m_jobsSucceeded : m_engine->m_jobsFailed).fetch_add(1);
    m_runningJobs.remove(job.id);
    m_inFlight.fetch_sub(1);
    Q_EMIT m_engine->queueChanged();
    pump();
}

QCoro::Task<bool> JobRunner::fail(const Job &job, const QString &error, bool retryable)
{
    const auto recorded = co_await m_engine->write<bool>(
        [job, error, retryable](PipelineWrites &writes) {
            return writes.recordFailure(job, error, retryable);
        });
    if (recorded.isOk() && !job.messageId.isEmpty()) {
        const QString conversationId = job.payload.value(QStringLiteral("conversation_id")).toString();
        Q_EMIT m_engine->messageStateChanged(
            conversationId, job.messageId,
            toString(recorded.value() ? EventType::DeadLettered : EventType::Failed));
    }
    co_return false;
}

QCoro::Task<bool> JobRunner::runDraft(const Job &job)
{
    const QString conversationId = job.payload.value(QStringLiteral("conversation_id")).toString();
    const auto context = co_await m_engine->read<DraftContext>(
        [conversationId](QSqlDatabase &db) -> Outcome<DraftContext> {
            auto conversation = ConversationRepository(db).get(conversationId);
            if (!conversation.isOk())
                return conversation.error();
            auto history = MessageRepository(db).recent(conversationId, kHistoryMessages);
            if (!history.isOk())
                return history.error();
            return DraftContext{conversation.value(), history.value()};
        });
    if (!context.isOk())
        co_return co_await fail(job, context.error().message,
                                context.error().kind != ErrorKind::NotFound);

    if (context.value().conversation.aiMode == AiMode::Manual) {
        // Switched to manual after the message arrived: nothing to draft.
        co_await m_engine->writer().submit<Done>(
            [jobId = job.id](QSqlDatabase &db) { return JobQueue(db).complete(jobId); });
        co_return true;
    }

    DraftRequest request;
    request.conversation = context.value().conversation;
    request.history = context.value().history;
    request.maxLength = platformLengthLimit(request.conversation.platform);
    const auto draft = co_await m_responder->draft(request);
    if (!draft.isOk())
        co_return co_await fail(job, draft.error().message, true);

    const auto stored = co_await m_engine->write<Message>(
        [job, value = draft.value()](PipelineWrites &writes) { return writes.storeDraft(job, value); });
    if (!stored.isOk())
        co_return co_await fail(job, stored.error().message, true);
    Q_EMIT m_engine->messageStateChanged(conversationId, job.messageId, toString(EventType::Drafted));
    Q_EMIT m_engine->messageAdded(conversationId, stored.value().id);
    if (stored.value().state == toString(EventType::Approved)) {
        Q_EMIT m_engine->messageStateChanged(conversationId, stored.value().id, stored.value().state);
        m_engine->m_readyJobs.fetch_add(1);
        wake();
    }
    Q_EMIT m_engine->conversationChanged(conversationId);
    co_return true;
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
    const auto context = co_await m_engine->read<SendContext>(
        [messageId = job.messageId](QSqlDatabase &db) -> Outcome<SendContext> {
            auto message = MessageRepository(db).get(messageId);
            if (!message.isOk())
                return message.error();
            auto conversation = ConversationRepository(db).get(message.value().conversationId);
            if (!conversation.isOk())
                return conversation.error();
            return SendContext{message.value(), conversation.value()};
        });
    if (!context.isOk())
        co_return co_await fail(job, context.error().message,
                                context.error().kind != ErrorKind::NotFound);

    Message message = context.value().message;
    const QString conversationId = message.conversationId;
    if (job.payload.contains(QStringLiteral("content")))
        message.content = job.payload.value(QStringLiteral("content")).toString();

    ChannelAdapter *channel = channelFor(message.platform);
    if (!channel) {
        co_return co_await fail(
            job,
            QStringLiteral("no channel can deliver %1 messages: enable [channels.webhook] with an "
                           "outbound_url, or the %1 channel")
                .arg(toString(message.platform)),
            false);
    }
    const SendResult result = co_await channel->send(message, context.value().conversation);
    if (!result.ok)
        co_return co_await fail(job, result.error, result.retryable);

    const auto recorded = co_await m_engine->write<Done>(
        [job, result](PipelineWrites &writes) { return writes.recordSent(job, result); });
    if (!recorded.isOk())
        co_return false; // the lease expires and the send is retried; receivers dedupe by id
    Q_EMIT m_engine->messageStateChanged(conversationId, job.messageId, toString(EventType::Sent));
    Q_EMIT m_engine->conversationChanged(conversationId);
    co_return true;
}

} // namespace relaydesk
