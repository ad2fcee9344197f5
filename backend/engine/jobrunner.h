#pragma once

#include "ai/openaimoderator.h"
#include "ai/responder.h"
#include "ai/usagemeter.h"
#include "ai/userratelimiter.h"
#include "channels/channeladapter.h"
#include "core/settings.h"
#include "storage/jobqueue.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <atomic>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace relaydesk {

class Engine;
class ProviderRouter;

struct DraftContext {
    Conversation conversation;
    QList<Message> history;
};

// Lives on the engine thread: claims jobs in batches through the storage writer and runs each
// as a coroutine (draft with the responder, send through a channel), never blocking the thread.
class JobRunner : public QObject
{
    Q_OBJECT

public:
    JobRunner(Engine *engine, Settings settings);
    ~JobRunner() override;

    // Must run on the engine thread: creates the network manager, channels and timers there.
    void initialise();
    // Thread-safe: the engine calls it from whichever thread committed a new job.
    void wake();
    void beginShutdown();
    // Gives the leases of jobs still running back to the queue (shutdown after the grace time).
    void releaseRunning();
    int inFlight() const { return m_inFlight.load(); }
    // Nothing running and no claim on its way: safe to tear down.
    bool isIdle() const { return m_inFlight.load() == 0 && !m_claiming.load(); }

private:
    void pump();
    void schedule(const Job &job);
    QCoro::Task<> run(Job job);
    QCoro::Task<bool> runDraft(const Job &job);
    QCoro::Task<bool> runSend(const Job &job);
    QCoro::Task<bool> fail(const Job &job, const QString &error, bool retryable,
                           int retryAfterSeconds = 0);
    void finished(const Job &job, bool succeeded);
    void announceFailure(const Job &job, const Outcome<bool> &recorded);
    void announceDraft(const Job &job, const Message &draft);
    void announceSent(const Job &job, const QString &conversationId);
    static QString unknownKindError(const Job &job);
    static QString conversationOf(const Job &job);
    DraftRequest draftRequestFor(const Job &job, const DraftContext &context) const;
    // Why this draft must not be written now (the customer exceeded the per-user AI rate
    // limit), or empty. Operator-requested drafts are never limited.
    QString userLimitReason(const Job &job, const DraftContext &context);
    // [ai.moderation] provider: asks the provider about the customer message before drafting
    // and flags the conversation when it is flagged. A failed call is logged and changes
    // nothing: the rules already ran at ingest.
    QCoro::Task<> moderate(const Job &job, const DraftContext &context);
    static QString textToModerate(const Job &job, const DraftContext &context);
    void afterModeration(const QString &conversationId, const ModerationVerdict &verdict);
    void recordUsage(const UsageRecord &record);
    static Message outboundMessage(const Job &job, Message message);
    static QString noChannelError(Platform platform);
    ChannelAdapter *channelFor(Platform platform) const;
    // The channel of the account, wrapped with its [channels.<name>.fallback] when configured.
    std::unique_ptr<ChannelAdapter> twilioChannel() const;
    std::unique_ptr<ChannelAdapter> sendGridChannel() const;
    void maintain();
    void publishChannelStatuses();

    Engine *m_engine;
    Settings m_settings;
    QString m_owner;
    QNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<Responder> m_responder;
    ProviderRouter *m_router = nullptr; // m_responder, for its providers' health
    std::unique_ptr<UsageMeter> m_usageMeter;
    std::unique_ptr<UserRateLimiter> m_userLimits;
    std::unique_ptr<OpenAiModerator> m_moderation; // null without provider moderation
    std::vector<std::unique_ptr<ChannelAdapter>> m_channels;
    QTimer *m_pollTimer = nullptr;
    QTimer *m_maintenanceTimer = nullptr;
    std::atomic<bool> m_claiming{false};
    bool m_shuttingDown = false;
    std::atomic<bool> m_wakePending{false};
    QSet<QString> m_runningJobs;
    std::atomic<int> m_inFlight{0};
};

} // namespace relaydesk
