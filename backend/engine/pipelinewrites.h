#pragma once

#include "ai/moderator.h"
#include "ai/responder.h"
#include "channels/channeladapter.h"
#include "core/conversation.h"
#include "core/ingestresult.h"
#include "core/message.h"
#include "core/outcome.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"

#include <QSqlDatabase>

#include <memory>

namespace relaydesk {

struct PipelineOptions {
    int sessionHours = 24;
    AiMode defaultAiMode = AiMode::Review;
    int maxAttempts = 3;
    RetryPolicy retry;
    // [ai.moderation]; shared because options are copied into every write.
    std::shared_ptr<const Moderator> moderator;
};

namespace JobKind {
inline const QString Draft = QStringLiteral("draft");
inline const QString Send = QStringLiteral("send");
} // namespace JobKind

// Every state change of the pipeline as one unit of work run inside a storage-writer
// transaction, so a message, its events and its job become visible together or not at all.
class PipelineWrites
{
public:
    PipelineWrites(QSqlDatabase db, PipelineOptions options);

    // A customer message: thread it, store it, record `queued`, and enqueue its draft job
    // (unless the conversation is manual).
    Outcome<IngestResult> ingestInbound(Message message);
    // A message sent through the API on behalf of an operator or bot: threaded like inbound,
    // then queued for sending.
    Outcome<IngestResult> ingestOutbound(Message message);
    // An operator or bot reply inside a known conversation.
    // The reply goes out on the conversation's platform unless `keepPlatform` (the send API
    // names it).
    Outcome<IngestResult> reply(const QString &conversationId, Message message,
                                bool keepPlatform = false);

    // Stores the AI draft for the conversation and completes the draft job; under `auto` the
    // draft is approved and queued for sending in the same transaction.
    Outcome<Message> storeDraft(const Job &job, const Draft &draft);
    Outcome<Message> approve(const QString &messageId, const QString &editedContent,
                             const QString &actor);
    Outcome<Message> reject(const QString &messageId, const QString &reason, const QString &actor);
    // Rejects the draft as "regenerated" and queues a new draft job for the message it answered,
    // carrying the operator's instruction. The result names the rejected draft and the new job.
    Outcome<IngestResult> regenerate(const QString &messageId, const QString &instruction,
                                     const QString &actor);
    // Flags the conversation for an operator: its drafts wait for review, with the reason.
    Outcome<Done> flagConversation(const QString &conversationId, const QString &reason);
    // Completes a draft job without drafting (the per-user AI rate limit) and flags the
    // conversation with the reason.
    Outcome<Done> skipDraft(const Job &job, const QString &conversationId, const QString &reason);

    // Records the send and the platform's id for it, so delivery receipts find the message.
    Outcome<Done> recordSent(const Job &job, Platform platform, const SendResult &result);
    // A delivery receipt (delivered, failed, bounced...) for a message we sent; the message is
    // empty when the platform id is unknown (not ours, or sent before the id was recorded).
    Outcome<std::optional<Message>> recordDeliveryStatus(Platform platform,
                                                         const QString &externalId, EventType type,
                                                         const QString &detail);
    // Returns true when the job was dead-lettered.
    Outcome<bool> recordFailure(const Job &job, const QString &error, bool retryable,
                                int retryAfterSeconds = 0);
    Outcome<Job> retryDeadJob(const QString &jobId);
    Outcome<QList<Job>> claim(int limit, const QString &owner, int leaseSeconds);

private:
    Outcome<Conversation> thread(const Message &message);
    Outcome<std::optional<IngestResult>> findDuplicate(const Message &message);
    Outcome<Message> latestDraftState(const QString &messageId, const QString &action);

    QSqlDatabase m_db;
    PipelineOptions m_options;
    ConversationRepository m_conversations;
};

} // namespace relaydesk
