#include "engine/pipelinewrites.h"

#include "ai/sanitizer.h"
#include "core/clock.h"
#include "core/uuid7.h"
#include "engine/threadingrules.h"
#include "storage/channelstore.h"
#include "storage/database.h"
#include "storage/messagerepository.h"

namespace relaydesk {

PipelineWrites::PipelineWrites(QSqlDatabase db, PipelineOptions options)
    : m_db(db)
    , m_options(options)
    , m_conversations(db)
{}

Outcome<Conversation> PipelineWrites::thread(const Message &message)
{
    const ThreadingKeys keys = ThreadingRules::keysFor(message);
    const QDateTime now = Clock::now();

    std::optional<QString> conversationId;
    // A thread id that is one of our conversation ids joins it directly.
    if (!message.threadId.isEmpty()) {
        auto direct = m_conversations.find(message.threadId);
        if (direct.isOk())
            conversationId = direct.value().id;
        else if (direct.error().kind != ErrorKind::NotFound)
            return direct.error();
    }
    for (const QString &alias : keys.joinAliases) {
        if (conversationId)
            break;
        auto found = m_conversations.findByAlias(alias);
        if (!found.isOk())
            return found.error();
        conversationId = found.value();
    }
    if (!conversationId && message.threadId.isEmpty()) {
        auto found = m_conversations.findActiveSession(
            keys.sessionKey, now.addSecs(-qint64(m_options.sessionHours) * 3600));
        if (!found.isOk())
            return found.error();
        conversationId = found.value();
    }

    if (!conversationId) {
        Conversation conversation;
        conversation.id = Uuid7::generate();
        conversation.platform = message.platform;
        conversation.threadKey = keys.sessionKey;
        conversation.participants = keys.participants;
        conversation.priority = message.priority;
        conversation.aiMode = m_options.defaultAiMode;
        conversation.lastActivityAt = now;
        conversation.createdAt = now;
        if (auto inserted = m_conversations.insert(conversation); !inserted.isOk())
            return inserted.error();
        conversationId = conversation.id;
    } else {
        const bool fromCustomer = message.direction == Direction::Inbound;
        if (auto touched = m_conversations.touch(*conversationId, now, fromCustomer);
            !touched.isOk())
            return touched.error();
        if (auto added = m_conversations.addParticipants(*conversationId, keys.participants);
            !added.isOk())
            return added.error();
    }
    for (const QString &alias : keys.registerAliases) {
        if (auto added = m_conversations.addAlias(alias, *conversationId); !added.isOk())
            return added.error();
    }
    return m_conversations.find(*conversationId);
}

Outcome<std::optional<IngestResult>> PipelineWrites::findDuplicate(const Message &message)
{
    if (message.clientMessageId.isEmpty())
        return std::optional<IngestResult>();
    MessageRepository messages(m_db);
    auto existing = messages.findByClientMessageId(message.clientMessageId);
    if (!existing.isOk())
        return existing.error();
    if (!existing.value())
        return std::optional<IngestResult>();
    auto stored = messages.get(*existing.value());
    if (!stored.isOk())
        return stored.error();
    // Same id, different message: flagged so the API can refuse it. Content is compared after
    // the sanitising both went through (cleaning is idempotent).
    const bool differs =
        Sanitizer::clean(stored.value().content) != Sanitizer::clean(message.content) ||
        (message.direction == Direction::Inbound && !message.userId.isEmpty() &&
         stored.value().userId != message.userId);
    return std::optional<IngestResult>(
        IngestResult{stored.value().id, stored.value().conversationId, {}, true, differs});
}

Outcome<IngestResult> PipelineWrites::ingestInbound(Message message)
{
    // Sanitised before anything else reads it: threading, moderation, search, the prompt.
    bool truncated = false;
    message.content = Sanitizer::forPlatform(message.content, message.platform, &truncated);
    if (truncated)
        message.metadata.insert(QStringLiteral("truncated"), QStringLiteral("true"));
    auto duplicate = findDuplicate(message);
    if (!duplicate.isOk())
        return duplicate.error();
    if (duplicate.value())
        return *duplicate.value();

    auto conversation = thread(message);
    if (!conversation.isOk())
        return conversation.error();
    message.id = Uuid7::generate();
    message.conversationId = conversation.value().id;
    message.direction = Direction::Inbound;
    message.createdAt = Clock::now();
    MessageRepository messages(m_db);
    if (auto inserted = messages.insert(message); !inserted.isOk())
        return inserted.error();
    if (auto event = messages.addEvent(message.id, EventType::Queued); !event.isOk())
        return event.error();
    if (m_options.moderator) {
        if (const auto reason = m_options.moderator->check(message.content)) {
            if (auto flagged = flagConversation(message.conversationId, *reason); !flagged.isOk())
                return flagged.error();
        }
    }

    IngestResult result{message.id, message.conversationId, {}, false};
    if (conversation.value().aiMode != AiMode::Manual) {
        auto job = JobQueue(m_db).enqueue(
            JobKind::Draft, message.id,
            QJsonObject{{QStringLiteral("conversation_id"), message.conversationId}},
            message.priority, m_options.maxAttempts);
        if (!job.isOk())
            return job.error();
        result.jobId = job.value();
    }
    return result;
}

Outcome<IngestResult> PipelineWrites::ingestOutbound(Message message)
{
    auto duplicate = findDuplicate(message);
    if (!duplicate.isOk())
        return duplicate.error();
    if (duplicate.value())
        return *duplicate.value();
    auto conversation = thread(message);
    if (!conversation.isOk())
        return conversation.error();
    return reply(conversation.value().id, std::move(message), true);
}

Outcome<IngestResult> PipelineWrites::reply(const QString &conversationId, Message message,
                                            bool keepPlatform)
{
    if (message.conversationId.isEmpty()) { // not threaded yet: a reply through the API
        auto duplicate = findDuplicate(message);
        if (!duplicate.isOk())
            return duplicate.error();
        if (duplicate.value())
            return *duplicate.value();
    }
    auto conversation = m_conversations.find(conversationId);
    if (!conversation.isOk())
        return conversation.error();
    const Conversation &c = conversation.value();
    message.content = Sanitizer::clean(message.content);
    message.id = Uuid7::generate();
    message.conversationId = c.id;
    message.direction = Direction::Outbound;
    if (!keepPlatform)
        message.platform = c.platform;
    if (message.userId.isEmpty())
        message.userId = c.participants.value(0);
    if (message.priority == Priority::Normal)
        message.priority = c.priority;
    message.createdAt = Clock::now();
    if (message.content.size() > platformLengthLimit(message.platform))
        return Error{
            ErrorKind::Invalid,
            QStringLiteral("content is longer than %1 allows").arg(toString(message.platform)),
            {FieldError{QStringLiteral("content"),
                        QStringLiteral("must be at most %1 characters on %2")
                            .arg(platformLengthLimit(message.platform))
                            .arg(toString(message.platform))}},
            0};

    MessageRepository messages(m_db);
    if (auto inserted = messages.insert(message); !inserted.isOk())
        return inserted.error();
    if (auto event = messages.addEvent(message.id, EventType::Queued); !event.isOk())
        return event.error();
    if (auto touched = m_conversations.touch(c.id, message.createdAt, false); !touched.isOk())
        return touched.error();
    auto job = JobQueue(m_db).enqueue(JobKind::Send, message.id,
                                      QJsonObject{{QStringLiteral("conversation_id"), c.id}},
                                      message.priority, m_options.maxAttempts);
    if (!job.isOk())
        return job.error();
    return IngestResult{message.id, c.id, job.value(), false};
}

Outcome<Message> PipelineWrites::storeDraft(const Job &job, const Draft &draft)
{
    MessageRepository messages(m_db);
    auto inbound = messages.get(job.messageId);
    if (!inbound.isOk())
        return inbound.error();
    auto conversation = m_conversations.find(inbound.value().conversationId);
    if (!conversation.isOk())
        return conversation.error();
    const Conversation &c = conversation.value();

    Message reply;
    reply.id = Uuid7::generate();
    reply.conversationId = c.id;
    reply.direction = Direction::Outbound;
    reply.platform = inbound.value().platform;
    reply.authorKind = AuthorKind::Ai;
    reply.authorId = draft.provider;
    reply.userId = inbound.value().userId;
    reply.threadId = inbound.value().threadId;
    reply.content = Sanitizer::clean(draft.text);
    reply.priority = inbound.value().priority;
    reply.metadata = {{QStringLiteral("provider"), draft.provider},
                      {QStringLiteral("model"), draft.model},
                      {QStringLiteral("in_reply_to"), inbound.value().id}};
    // Replies go back the way the message came: swap the pair for SMS and e-mail.
    if (inbound.value().metadata.contains(QStringLiteral("from")))
        reply.metadata.insert(QStringLiteral("to"),
                              inbound.value().metadata.value(QStringLiteral("from")));
    if (inbound.value().metadata.contains(QStringLiteral("to")))
        reply.metadata.insert(QStringLiteral("from"),
                              inbound.value().metadata.value(QStringLiteral("to")));
    reply.createdAt = Clock::now();
    if (auto inserted = messages.insert(reply); !inserted.isOk())
        return inserted.error();
    QString detail = draft.provider + QLatin1Char('/') + draft.model;
    if (!draft.note.isEmpty())
        detail += QStringLiteral(" (") + draft.note + QLatin1Char(')');
    if (c.flagged)
        detail += QStringLiteral("; held for review: ") + c.flagReason;
    if (auto event = messages.addEvent(reply.id, EventType::Drafted, detail); !event.isOk())
        return event.error();
    // Only the newest draft answers the conversation as it stands; older ones would make the
    // operator review replies to questions the customer has since moved on from.
    auto pending = Database::exec(
        m_db,
        QStringLiteral(
            "SELECT d.id FROM messages d WHERE d.conversation_id = ? AND d.author_kind = "
            "'ai' AND d.id <> ? AND (SELECT e.type FROM message_events e WHERE "
            "e.message_id = d.id ORDER BY e.id DESC LIMIT 1) = 'drafted'"),
        {c.id, reply.id});
    if (!pending.isOk())
        return pending.error();
    QStringList superseded;
    while (pending.value().next())
        superseded << pending.value().value(0).toString();
    for (const QString &old : std::as_const(superseded)) {
        if (auto event =
                messages.addEvent(old, EventType::Rejected,
                                  QStringLiteral("superseded by a newer draft ") + reply.id);
            !event.isOk())
            return event.error();
    }
    if (auto event = messages.addEvent(inbound.value().id, EventType::Drafted,
                                       QStringLiteral("reply drafted: ") + reply.id);
        !event.isOk())
        return event.error();
    // Under `auto` the draft goes straight out; the conversation may have switched to manual
    // while the draft was being written, in which case it still waits for review. A flagged
    // conversation never sends on its own.
    if (c.aiMode == AiMode::Auto && !c.flagged) {
        if (auto event = messages.addEvent(reply.id, EventType::Approved, QStringLiteral("auto"));
            !event.isOk())
            return event.error();
        auto send = JobQueue(m_db).enqueue(JobKind::Send, reply.id,
                                           QJsonObject{{QStringLiteral("conversation_id"), c.id}},
                                           reply.priority, m_options.maxAttempts);
        if (!send.isOk())
            return send.error();
    }
    if (auto completed = JobQueue(m_db).complete(job.id); !completed.isOk())
        return completed.error();
    return messages.get(reply.id);
}

Outcome<Message> PipelineWrites::latestDraftState(const QString &messageId, const QString &action)
{
    MessageRepository messages(m_db);
    auto message = messages.get(messageId);
    if (!message.isOk())
        return message;
    if (message.value().authorKind != AuthorKind::Ai)
        return Outcome<Message>::failure(
            ErrorKind::Conflict,
            QStringLiteral("message %1 is not an AI draft; only drafts can be %2")
                .arg(messageId, action));
    if (message.value().state != toString(EventType::Drafted))
        return Outcome<Message>::failure(ErrorKind::Conflict,
                                         QStringLiteral("draft %1 is already %2 and cannot be %3")
                                             .arg(messageId, message.value().state, action));
    return message;
}

Outcome<Message> PipelineWrites::approve(const QString &messageId, const QString &editedContent,
                                         const QString &actor)
{
    auto draft = latestDraftState(messageId, QStringLiteral("approved"));
    if (!draft.isOk())
        return draft;
    const Message &m = draft.value();
    if (editedContent.size() > platformLengthLimit(m.platform))
        return Error{ErrorKind::Invalid,
                     QStringLiteral("edited content is too long"),
                     {FieldError{QStringLiteral("content"),
                                 QStringLiteral("must be at most %1 characters on %2")
                                     .arg(platformLengthLimit(m.platform))
                                     .arg(toString(m.platform))}},
                     0};
    MessageRepository messages(m_db);
    // Messages are immutable: an edit travels in the approval event and the send job.
    QJsonObject payload{{QStringLiteral("conversation_id"), m.conversationId}};
    QString detail = actor.isEmpty() ? QStringLiteral("operator") : actor;
    if (!editedContent.isEmpty() && editedContent != m.content) {
        payload.insert(QStringLiteral("content"), editedContent);
        detail += QStringLiteral(" (edited): ") + editedContent;
    }
    if (auto event = messages.addEvent(m.id, EventType::Approved, detail); !event.isOk())
        return event.error();
    auto send =
        JobQueue(m_db).enqueue(JobKind::Send, m.id, payload, m.priority, m_options.maxAttempts);
    if (!send.isOk())
        return send.error();
    return messages.get(m.id);
}

Outcome<Message> PipelineWrites::reject(const QString &messageId, const QString &reason,
                                        const QString &actor)
{
    auto draft = latestDraftState(messageId, QStringLiteral("rejected"));
    if (!draft.isOk())
        return draft;
    MessageRepository messages(m_db);
    const QString who = actor.isEmpty() ? QStringLiteral("operator") : actor;
    if (auto event =
            messages.addEvent(messageId, EventType::Rejected,
                              reason.isEmpty() ? who : who + QStringLiteral(": ") + reason);
        !event.isOk())
        return event.error();
    return messages.get(messageId);
}

Outcome<IngestResult> PipelineWrites::regenerate(const QString &messageId,
                                                 const QString &instruction, const QString &actor)
{
    auto draft = latestDraftState(messageId, QStringLiteral("regenerated"));
    if (!draft.isOk())
        return draft.error();
    const Message &m = draft.value();
    const QString answered = m.metadata.value(QStringLiteral("in_reply_to"));
    if (answered.isEmpty())
        return Error{ErrorKind::Conflict,
                     QStringLiteral("draft %1 does not name the message it answers").arg(m.id),
                     {},
                     0};
    MessageRepository messages(m_db);
    const QString who = actor.isEmpty() ? QStringLiteral("operator") : actor;
    QString detail = who + QStringLiteral(": regenerated");
    if (!instruction.isEmpty())
        detail += QStringLiteral(" (") + instruction + QLatin1Char(')');
    if (auto event = messages.addEvent(m.id, EventType::Rejected, detail); !event.isOk())
        return event.error();
    QJsonObject payload{{QStringLiteral("conversation_id"), m.conversationId},
                        {QStringLiteral("actor"), who}};
    if (!instruction.isEmpty())
        payload.insert(QStringLiteral("instruction"), instruction);
    auto job = JobQueue(m_db).enqueue(JobKind::Draft, answered, payload, m.priority,
                                      m_options.maxAttempts);
    if (!job.isOk())
        return job.error();
    if (auto event = messages.addEvent(answered, EventType::Queued,
                                       QStringLiteral("new draft requested by ") + who);
        !event.isOk())
        return event.error();
    return IngestResult{m.id, m.conversationId, job.value(), false};
}

Outcome<Done> PipelineWrites::flagConversation(const QString &conversationId, const QString &reason)
{
    auto query = Database::exec(
        m_db, QStringLiteral("UPDATE conversations SET flagged = 1, flag_reason = ? WHERE id = ?"),
        {reason.left(500), conversationId});
    if (!query.isOk())
        return query.error();
    if (query.value().numRowsAffected() == 0)
        return Error{ErrorKind::NotFound,
                     QStringLiteral("conversation %1 not found").arg(conversationId),
                     {},
                     0};
    return Done{};
}

Outcome<Done> PipelineWrites::skipDraft(const Job &job, const QString &conversationId,
                                        const QString &reason)
{
    if (auto flagged = flagConversation(conversationId, reason); !flagged.isOk())
        return flagged;
    return JobQueue(m_db).complete(job.id);
}

Outcome<Done> PipelineWrites::recordSent(const Job &job, Platform platform,
                                         const SendResult &result)
{
    MessageRepository messages(m_db);
    // With failover the event says which account sent it, e.g. "SM123 via fallback account".
    QString detail = result.externalId;
    if (!result.account.isEmpty())
        detail += (detail.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("via ") +
                  result.account + QStringLiteral(" account");
    if (auto event = messages.addEvent(job.messageId, EventType::Sent, detail); !event.isOk())
        return event.error();
    if (auto recorded =
            ChannelStore(m_db).recordExternalId(platform, result.externalId, job.messageId);
        !recorded.isOk())
        return recorded.error();
    return JobQueue(m_db).complete(job.id);
}

Outcome<std::optional<Message>> PipelineWrites::recordDeliveryStatus(Platform platform,
                                                                     const QString &externalId,
                                                                     EventType type,
                                                                     const QString &detail)
{
    auto messageId = ChannelStore(m_db).messageForExternalId(platform, externalId);
    if (!messageId.isOk())
        return messageId.error();
    if (!messageId.value())
        return std::optional<Message>();
    MessageRepository messages(m_db);
    if (auto event = messages.addEvent(*messageId.value(), type, detail); !event.isOk())
        return event.error();
    auto message = messages.get(*messageId.value());
    if (!message.isOk())
        return message.error();
    return std::optional<Message>(message.value());
}

Outcome<bool> PipelineWrites::recordFailure(const Job &job, const QString &error, bool retryable,
                                            int retryAfterSeconds)
{
    JobQueue queue(m_db);
    Outcome<bool> dead = true;
    if (retryable) {
        // Honour the platform's Retry-After, capped so a hostile value cannot park a job for days.
        const qint64 notBefore = std::min<qint64>(qint64(retryAfterSeconds) * 1000, 3600 * 1000);
        dead = queue.fail(job.id, error, m_options.retry, notBefore);
    } else {
        // Not worth retrying: spend the remaining attempts at once.
        auto exhausted = Database::exec(
            m_db, QStringLiteral("UPDATE jobs SET attempts = max_attempts WHERE id = ?"), {job.id});
        if (!exhausted.isOk())
            return exhausted.error();
        dead = queue.fail(job.id, error, m_options.retry);
    }
    if (!dead.isOk())
        return dead;
    if (!job.messageId.isEmpty()) {
        MessageRepository messages(m_db);
        const QString detail = dead.value() ? error
                                            : QStringLiteral("attempt %1 of %2: %3")
                                                  .arg(job.attempts)
                                                  .arg(job.maxAttempts)
                                                  .arg(error);
        if (auto event = messages.addEvent(
                job.messageId, dead.value() ? EventType::DeadLettered : EventType::Failed, detail);
            !event.isOk())
            return event.error();
    }
    return dead;
}

Outcome<Job> PipelineWrites::retryDeadJob(const QString &jobId)
{
    auto job = JobQueue(m_db).retry(jobId);
    if (!job.isOk())
        return job;
    if (!job.value().messageId.isEmpty()) {
        if (auto event = MessageRepository(m_db).addEvent(job.value().messageId, EventType::Queued,
                                                          QStringLiteral("retry requested"));
            !event.isOk())
            return event.error();
    }
    return job;
}

Outcome<QList<Job>> PipelineWrites::claim(int limit, const QString &owner, int leaseSeconds)
{
    auto jobs = JobQueue(m_db).claim(limit, owner, leaseSeconds);
    if (!jobs.isOk())
        return jobs;
    MessageRepository messages(m_db);
    for (const Job &job : jobs.value()) {
        if (job.kind != JobKind::Draft || job.messageId.isEmpty())
            continue;
        if (auto event = messages.addEvent(job.messageId, EventType::Processing); !event.isOk())
            return event.error();
    }
    return jobs;
}

} // namespace relaydesk
