#pragma once

#include "ai/providerrouter.h"
#include "channels/channeladapter.h"
#include "channels/inboundsink.h"
#include "core/conversation.h"
#include "core/message.h"
#include "core/note.h"
#include "core/outcome.h"
#include "core/settings.h"
#include "engine/pipelinewrites.h"
#include "storage/database.h"
#include "storage/databaseconfig.h"
#include "storage/writebatcher.h"

#include <QFuture>
#include <QMutex>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace relaydesk {

class JobRunner;

struct EngineStats {
    quint64 messagesIngested = 0;
    quint64 jobsSucceeded = 0;
    quint64 jobsFailed = 0;
    int readyJobs = 0;
    int activeConversations = 0;
};

// The engine facade. Its methods may be called from any thread: writes go to the storage
// writer and resolve after COMMIT, reads run on the engine's reader pool with that pool's own
// connections, and jobs run on the engine thread. Signals may be emitted from any of those
// threads; connect with a context object (queued) to receive them on yours.
class Engine : public QObject, public InboundSink
{
    Q_OBJECT

public:
    // The longest private note accepted (characters).
    static constexpr int kNoteMaxLength = 10000;

    explicit Engine(Settings settings, QObject *parent = nullptr);
    ~Engine() override;

    // Opens the database, applies migrations (refusing a newer schema), reclaims leases left
    // by a crashed run and starts the writer and the job runner.
    Outcome<Done> start();
    // Stops claiming jobs, lets running ones finish (or releases them after `graceMs`), flushes
    // the writer. Idempotent.
    void stop(int graceMs = 10000);
    bool isRunning() const { return m_running; }

    const Settings &settings() const { return m_settings; }
    const DatabaseConfig &databaseConfig() const { return m_databaseConfig; }

    QFuture<Outcome<IngestResult>> ingest(Message message);
    QFuture<Outcome<IngestResult>> send(Message message);
    QFuture<Outcome<IngestResult>> reply(const QString &conversationId, Message message);
    QFuture<Outcome<Message>> approve(const QString &messageId, const QString &editedContent,
                                      const QString &actor);
    QFuture<Outcome<Message>> reject(const QString &messageId, const QString &reason,
                                     const QString &actor);
    // Rejects an AI draft as "regenerated" and queues a new draft of the message it answered,
    // with the operator's instruction ("shorter", "more formal"). The result's messageId is the
    // rejected draft, jobId the new draft job.
    QFuture<Outcome<IngestResult>> regenerate(const QString &messageId, const QString &instruction,
                                              const QString &actor);
    QFuture<Outcome<Conversation>> updateConversation(const QString &conversationId,
                                                      const ConversationPatch &patch);
    QFuture<Outcome<Job>> retryJob(const QString &jobId);
    // Gives up on a dead letter: the job is deleted and its message gets a "discarded" event
    // naming `actor`. Returns the job as it was.
    QFuture<Outcome<Job>> discardJob(const QString &jobId, const QString &actor);
    // An operator's private note on a conversation; never sent, never queued.
    QFuture<Outcome<Note>> addNote(const QString &conversationId, const QString &content,
                                   const QString &author);

    // InboundSink: what channels ask of the engine.
    QFuture<Outcome<IngestResult>> deliverInbound(Message message) override;
    QFuture<Outcome<std::optional<QString>>> loadState(const QString &channel,
                                                       const QString &key) override;
    QFuture<Outcome<Done>> saveState(const QString &channel, const QString &key,
                                     const QString &value) override;
    QFuture<Outcome<bool>> claimReceipt(const QString &key) override;
    QFuture<Outcome<bool>> recordDeliveryStatus(Platform platform, const QString &externalId,
                                                EventType type, const QString &detail) override;
    void logWebhook(const WebhookLogEntry &entry) override;

    // A snapshot of every configured channel's health (per account, with its circuit, for
    // channels with a [channels.<name>.fallback]), safe to call from any thread.
    QList<ChannelStatus> channelStatuses() const;
    // The AI providers of the [ai] chain with their circuit breakers, refreshed every second;
    // safe to call from any thread.
    QList<ProviderStatus> aiProviderStatuses() const;

    // Runs `query` on a reader thread with that thread's own connection.
    template <typename T> QFuture<Outcome<T>> read(std::function<Outcome<T>(QSqlDatabase &)> query);
    // Answers whether the database accepts queries right now (for /ready).
    QFuture<Outcome<Done>> checkDatabase();

    EngineStats stats() const;
    // The storage writer, for the job runner and tests.
    WriteBatcher &writer() { return *m_writer; }
    PipelineOptions pipelineOptions() const;

Q_SIGNALS:
    void messageAdded(const QString &conversationId, const QString &messageId);
    void messageStateChanged(const QString &conversationId, const QString &messageId,
                             const QString &state);
    void conversationChanged(const QString &conversationId);
    // The AI draft being written for `messageId` (the customer message it answers), with the
    // text so far; emitted on the engine thread as the provider streams.
    void draftProgress(const QString &conversationId, const QString &messageId,
                       const QString &text);
    void queueChanged();
    void noteAdded(const QString &conversationId, const QString &noteId);

private:
    friend class JobRunner;
    template <typename T>
    QFuture<Outcome<T>> write(std::function<Outcome<T>(PipelineWrites &)> operation);
    QFuture<Outcome<IngestResult>> admit(std::function<Outcome<IngestResult>(PipelineWrites &)> op,
                                         bool notifyNewJob);
    void wakeRunner();
    void refreshCounters();
    void setChannelStatuses(QList<ChannelStatus> statuses);
    void setAiProviderStatuses(QList<ProviderStatus> statuses);

    Settings m_settings;
    std::shared_ptr<const Moderator> m_moderator;
    DatabaseConfig m_databaseConfig;
    std::unique_ptr<WriteBatcher> m_writer;
    QThreadPool m_readers;
    struct ThreadStopper {
        void operator()(QThread *thread) const;
    };
    std::unique_ptr<QThread, ThreadStopper> m_engineThread;
    JobRunner *m_runner = nullptr; // lives on m_engineThread, deleted there
    bool m_running = false;
    std::atomic<int> m_readyJobs{0};
    std::atomic<int> m_activeConversations{0};
    std::atomic<quint64> m_messagesIngested{0};
    std::atomic<quint64> m_jobsSucceeded{0};
    std::atomic<quint64> m_jobsFailed{0};
    mutable QMutex m_channelMutex;
    QList<ChannelStatus> m_channelStatuses;
    QList<ProviderStatus> m_aiProviderStatuses;
};

template <typename T>
QFuture<Outcome<T>> Engine::read(std::function<Outcome<T>(QSqlDatabase &)> query)
{
    return QtConcurrent::run(&m_readers, [config = m_databaseConfig, query = std::move(query)]() {
        auto connection = Database::connection(config);
        if (!connection.isOk())
            return Outcome<T>(connection.error());
        auto result = query(connection.value());
        if (!result.isOk() && result.error().kind == ErrorKind::Unavailable)
            Database::reset(config);
        return result;
    });
}

template <typename T>
QFuture<Outcome<T>> Engine::write(std::function<Outcome<T>(PipelineWrites &)> operation)
{
    return m_writer->submit<T>(
        [options = pipelineOptions(), operation = std::move(operation)](QSqlDatabase &db) {
            PipelineWrites writes(db, options);
            return operation(writes);
        });
}

} // namespace relaydesk
