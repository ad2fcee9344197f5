#include "engine/engine.h"

#include "core/clock.h"
#include "core/uuid7.h"
#include "engine/jobrunner.h"
#include "storage/channelstore.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "storage/migrator.h"
#include "storage/noterepository.h"

#include <QElapsedTimer>
#include <QThread>

namespace relaydesk {

namespace {

template <typename T> QFuture<Outcome<T>> readyFuture(Outcome<T> value)
{
    QPromise<Outcome<T>> promise;
    promise.start();
    promise.addResult(std::move(value));
    promise.finish();
    return promise.future();
}

} // namespace

void Engine::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

Engine::Engine(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_moderator(std::make_shared<const Moderator>(Moderator::fromSettings(m_settings)))
{
    m_readers.setMaxThreadCount(std::clamp(m_settings.maxConnections / 4, 2, 8));
    // Reader threads keep their connection; expiring them would reopen it per request.
    m_readers.setExpiryTimeout(-1);
}

Engine::~Engine()
{
    stop();
}

PipelineOptions Engine::pipelineOptions() const
{
    PipelineOptions options;
    options.sessionHours = m_settings.sessionHours;
    options.defaultAiMode = m_settings.defaultAiMode;
    options.maxAttempts = m_settings.retryAttempts;
    options.retry = RetryPolicy{m_settings.retryBaseMs, m_settings.retryMaxMs};
    options.moderator = m_moderator;
    return options;
}

Outcome<Done> Engine::start()
{
    if (m_running)
        return Done{};
    auto config = DatabaseConfig::fromUrl(m_settings.databaseUrl, m_settings.dataDir);
    if (!config.isOk())
        return config.error();
    m_databaseConfig = config.value();

    // Migrations run on a short-lived thread of their own so no connection is left behind on
    // the caller's thread (often the GUI thread).
    Outcome<int> migrated =
        Error{ErrorKind::Internal, QStringLiteral("migration did not run"), {}, 0};
    Outcome<int> reclaimed = 0;
    std::unique_ptr<QThread> migrator(QThread::create([&] {
        auto connection = Database::connection(m_databaseConfig);
        if (!connection.isOk()) {
            migrated = connection.error();
            return;
        }
        migrated = Migrator(connection.value()).migrate();
        if (migrated.isOk())
            reclaimed = JobQueue(connection.value())
                            .reclaimExpired(m_databaseConfig.dialect == SqlDialect::Sqlite);
    }));
    migrator->start();
    migrator->wait();
    if (!migrated.isOk())
        return migrated.error();
    if (!reclaimed.isOk())
        return reclaimed.error();

    m_writer = std::make_unique<WriteBatcher>(
        m_databaseConfig,
        WriteBatcher::Options{m_settings.batchMaxWrites, m_settings.batchWindowMs});
    m_writer->start();

    m_engineThread.reset(new QThread);
    m_engineThread->setObjectName(QStringLiteral("engine"));
    m_runner = new JobRunner(this, m_settings);
    m_runner->moveToThread(m_engineThread.get());
    connect(m_engineThread.get(), &QThread::finished, m_runner, &QObject::deleteLater);
    m_engineThread->start();
    m_running = true;
    refreshCounters();
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner] { runner->initialise(); }, Qt::QueuedConnection);
    return Done{};
}

void Engine::stop(int graceMs)
{
    if (!m_running)
        return;
    m_running = false;
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner] { runner->beginShutdown(); }, Qt::BlockingQueuedConnection);
    QElapsedTimer waited;
    waited.start();
    while (!m_runner->isIdle() && waited.elapsed() < graceMs)
        QThread::msleep(5);
    QMetaObject::invokeMethod(
        m_runner, [runner = m_runner] { runner->releaseRunning(); }, Qt::BlockingQueuedConnection);
    m_engineThread.reset();
    m_runner = nullptr;
    m_readers.waitForDone();
    m_writer->stop();
}

QFuture<Outcome<IngestResult>>
Engine::admit(std::function<Outcome<IngestResult>(PipelineWrites &)> operation, bool notifyNewJob)
{
    if (!m_running)
        return readyFuture<IngestResult>(
            Error{ErrorKind::Unavailable, QStringLiteral("the engine is not running"), {}, 5});
    // Refuse rather than drop: the caller learns to retry and nothing accepted is lost.
    if (m_readyJobs.load() >= m_settings.queueSize)
        return readyFuture<IngestResult>(
            Error{ErrorKind::Unavailable,
                  QStringLiteral("the queue is full (%1 jobs waiting); retry later")
                      .arg(m_readyJobs.load()),
                  {},
                  2});
    return write<IngestResult>(std::move(operation))
        .then([this, notifyNewJob](const Outcome<IngestResult> &result) {
            if (result.isOk() && !result.value().duplicate) {
                m_messagesIngested.fetch_add(1);
                if (!result.value().jobId.isEmpty()) {
                    m_readyJobs.fetch_add(1);
                    if (notifyNewJob)
                        wakeRunner();
                }
                Q_EMIT messageAdded(result.value().conversationId, result.value().messageId);
                Q_EMIT conversationChanged(result.value().conversationId);
            }
            return result;
        });
}

QFuture<Outcome<IngestResult>> Engine::ingest(Message message)
{
    return admit([message = std::move(message)](
                     PipelineWrites &writes) { return writes.ingestInbound(message); },
                 true);
}

QFuture<Outcome<IngestResult>> Engine::send(Message message)
{
    return admit([message = std::move(message)](
                     PipelineWrites &writes) { return writes.ingestOutbound(message); },
                 true);
}

QFuture<Outcome<IngestResult>> Engine::reply(const QString &conversationId, Message message)
{
    return admit([conversationId, message = std::move(message)](
                     PipelineWrites &writes) { return writes.reply(conversationId, message); },
                 true);
}

QFuture<Outcome<Message>> Engine::approve(const QString &messageId, const QString &editedContent,
                                          const QString &actor)
{
    return write<Message>([=](PipelineWrites &writes) {
               return writes.approve(messageId, editedContent, actor);
           })
        .then([this](const Outcome<Message> &result) {
            if (result.isOk()) {
                m_readyJobs.fetch_add(1);
                wakeRunner();
                Q_EMIT messageStateChanged(result.value().conversationId, result.value().id,
                                           result.value().state);
                Q_EMIT conversationChanged(result.value().conversationId);
            }
            return result;
        });
}

QFuture<Outcome<Message>> Engine::reject(const QString &messageId, const QString &reason,
                                         const QString &actor)
{
    return write<Message>(
               [=](PipelineWrites &writes) { return writes.reject(messageId, reason, actor); })
        .then([this](const Outcome<Message> &result) {
            if (result.isOk()) {
                Q_EMIT messageStateChanged(result.value().conversationId, result.value().id,
                                           result.value().state);
                Q_EMIT conversationChanged(result.value().conversationId);
            }
            return result;
        });
}

QFuture<Outcome<IngestResult>> Engine::regenerate(const QString &messageId,
                                                  const QString &instruction, const QString &actor)
{
    return write<IngestResult>([=](PipelineWrites &writes) {
               return writes.regenerate(messageId, instruction, actor);
           })
        .then([this](const Outcome<IngestResult> &result) {
            if (result.isOk()) {
                m_readyJobs.fetch_add(1);
                wakeRunner();
                Q_EMIT messageStateChanged(result.value().conversationId, result.value().messageId,
                                           toString(EventType::Rejected));
                Q_EMIT conversationChanged(result.value().conversationId);
            }
            return result;
        });
}

QFuture<Outcome<Conversation>> Engine::updateConversation(const QString &conversationId,
                                                          const ConversationPatch &patch)
{
    return m_writer
        ->submit<Conversation>([conversationId, patch](QSqlDatabase &db) {
            return ConversationRepository(db).update(conversationId, patch);
        })
        .then([this](const Outcome<Conversation> &result) {
            if (result.isOk())
                Q_EMIT conversationChanged(result.value().id);
            return result;
        });
}

QFuture<Outcome<Job>> Engine::retryJob(const QString &jobId)
{
    return write<Job>([jobId](PipelineWrites &writes) { return writes.retryDeadJob(jobId); })
        .then([this](const Outcome<Job> &result) {
            if (result.isOk()) {
                m_readyJobs.fetch_add(1);
                wakeRunner();
                Q_EMIT queueChanged();
                Q_EMIT messageStateChanged(
                    result.value().payload.value(QStringLiteral("conversation_id")).toString(),
                    result.value().messageId, toString(EventType::Queued));
            }
            return result;
        });
}

QFuture<Outcome<Job>> Engine::discardJob(const QString &jobId, const QString &actor)
{
    struct Discarded {
        Job job;
        QString conversationId;
    };
    return m_writer
        ->submit<Discarded>([jobId, actor](QSqlDatabase &db) -> Outcome<Discarded> {
            auto job = JobQueue(db).discard(jobId);
            if (!job.isOk())
                return job.error();
            Discarded discarded{job.value(), {}};
            if (job.value().messageId.isEmpty())
                return discarded;
            MessageRepository messages(db);
            auto message = messages.get(job.value().messageId);
            if (!message.isOk())
                return message.error();
            discarded.conversationId = message.value().conversationId;
            if (auto event = messages.addEvent(job.value().messageId, EventType::Discarded, actor);
                !event.isOk())
                return event.error();
            return discarded;
        })
        .then([this](const Outcome<Discarded> &result) -> Outcome<Job> {
            if (!result.isOk())
                return result.error();
            Q_EMIT queueChanged();
            if (!result.value().conversationId.isEmpty()) {
                Q_EMIT messageStateChanged(result.value().conversationId,
                                           result.value().job.messageId,
                                           toString(EventType::Discarded));
                Q_EMIT conversationChanged(result.value().conversationId);
            }
            return result.value().job;
        });
}

QFuture<Outcome<Note>> Engine::addNote(const QString &conversationId, const QString &content,
                                       const QString &author)
{
    const QString text = content.trimmed();
    if (text.isEmpty())
        return readyFuture(
            Outcome<Note>::failure(ErrorKind::Invalid, QStringLiteral("a note needs some text")));
    if (text.size() > kNoteMaxLength)
        return readyFuture(Outcome<Note>::failure(
            ErrorKind::Invalid,
            QStringLiteral("a note is at most %1 characters long").arg(kNoteMaxLength)));
    Note note{Uuid7::generate(), conversationId, author.trimmed(), text, Clock::now()};
    return m_writer
        ->submit<Note>([note](QSqlDatabase &db) -> Outcome<Note> {
            // A clear 404 instead of a foreign key error from the database.
            auto conversation = ConversationRepository(db).get(note.conversationId);
            if (!conversation.isOk())
                return conversation.error();
            auto inserted = NoteRepository(db).insert(note);
            if (!inserted.isOk())
                return inserted.error();
            return note;
        })
        .then([this](const Outcome<Note> &result) {
            if (result.isOk())
                Q_EMIT noteAdded(result.value().conversationId, result.value().id);
            return result;
        });
}

QFuture<Outcome<Done>> Engine::checkDatabase()
{
    return read<Done>([](QSqlDatabase &db) -> Outcome<Done> {
        auto query = Database::exec(db, QStringLiteral("SELECT 1"));
        if (!query.isOk()) {
            Error error = query.error();
            error.kind = ErrorKind::Unavailable;
            return error;
        }
        return Done{};
    });
}

QFuture<Outcome<IngestResult>> Engine::deliverInbound(Message message)
{
    return ingest(std::move(message));
}

QFuture<Outcome<std::optional<QString>>> Engine::loadState(const QString &channel,
                                                           const QString &key)
{
    return read<std::optional<QString>>(
        [channel, key](QSqlDatabase &db) { return ChannelStore(db).state(channel, key); });
}

QFuture<Outcome<Done>> Engine::saveState(const QString &channel, const QString &key,
                                         const QString &value)
{
    return m_writer->submit<Done>([channel, key, value](QSqlDatabase &db) {
        return ChannelStore(db).setState(channel, key, value);
    });
}

QFuture<Outcome<bool>> Engine::claimReceipt(const QString &key)
{
    return m_writer->submit<bool>(
        [key](QSqlDatabase &db) { return ChannelStore(db).claimReceipt(key); });
}

QFuture<Outcome<bool>> Engine::recordDeliveryStatus(Platform platform, const QString &externalId,
                                                    EventType type, const QString &detail)
{
    return write<std::optional<Message>>([=](PipelineWrites &writes) {
               return writes.recordDeliveryStatus(platform, externalId, type, detail);
           })
        .then([this, type](const Outcome<std::optional<Message>> &result) -> Outcome<bool> {
            if (!result.isOk())
                return result.error();
            if (!result.value())
                return false;
            const Message &message = *result.value();
            Q_EMIT messageStateChanged(message.conversationId, message.id, toString(type));
            return true;
        });
}

void Engine::logWebhook(const WebhookLogEntry &entry)
{
    // Auditing must never hold up the webhook's answer: fire and forget.
    m_writer->submit<Done>([entry](QSqlDatabase &db) { return ChannelStore(db).log(entry); });
}

QList<ChannelStatus> Engine::channelStatuses() const
{
    QMutexLocker lock(&m_channelMutex);
    return m_channelStatuses;
}

QList<ProviderStatus> Engine::aiProviderStatuses() const
{
    QMutexLocker lock(&m_channelMutex);
    return m_aiProviderStatuses;
}

void Engine::setAiProviderStatuses(QList<ProviderStatus> statuses)
{
    QMutexLocker lock(&m_channelMutex);
    m_aiProviderStatuses = std::move(statuses);
}

void Engine::setChannelStatuses(QList<ChannelStatus> statuses)
{
    QMutexLocker lock(&m_channelMutex);
    m_channelStatuses = std::move(statuses);
}

EngineStats Engine::stats() const
{
    return EngineStats{m_messagesIngested.load(), m_jobsSucceeded.load(), m_jobsFailed.load(),
                       std::max(0, m_readyJobs.load()), m_activeConversations.load()};
}

void Engine::wakeRunner()
{
    if (m_runner)
        m_runner->wake();
}

void Engine::refreshCounters()
{
    // The in-memory counts drift (other instances, retries coming due); re-anchor them.
    read<std::pair<int, int>>([](QSqlDatabase &db) -> Outcome<std::pair<int, int>> {
        auto ready = JobQueue(db).countReady();
        if (!ready.isOk())
            return ready.error();
        auto active = ConversationRepository(db).countActive();
        if (!active.isOk())
            return active.error();
        return std::make_pair(ready.value(), active.value());
    }).then([this](const Outcome<std::pair<int, int>> &counts) {
        if (!counts.isOk())
            return;
        m_readyJobs.store(counts.value().first);
        m_activeConversations.store(counts.value().second);
    });
}

} // namespace relaydesk
