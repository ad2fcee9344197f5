#include "server/apiroutes.h"

#include "core/messagecodec.h"
#include "core/uuid7.h"
#include "engine/engine.h"
#include "engine/threadingrules.h"
#include "observability/counter.h"
#include "observability/histogram.h"
#include "observability/metricsregistry.h"
#include "server/httpserver.h"
#include "server/idempotency.h"
#include "server/problem.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "storage/noterepository.h"

#include <QJsonArray>

namespace relaydesk {

namespace {

struct ConversationDetail {
    Conversation conversation;
    QList<Message> messages;
    QList<Note> notes;
};

struct MessageDetail {
    Message message;
    QList<MessageEvent> events;
};

constexpr int kConversationMessages = 200;

std::optional<QJsonObject> optionalJsonBody(const HttpRequest &request, Problem *problem)
{
    // Approve and reject may come without a body.
    if (request.body().trimmed().isEmpty())
        return QJsonObject{};
    return request.jsonObjectBody(problem);
}

// Parses `limit` (1..500, default 50) and an opaque `cursor`; appends field errors.
int pageLimit(const HttpRequest &request, QList<FieldError> *errors)
{
    const QString text = request.queryValue(QStringLiteral("limit"));
    if (text.isEmpty())
        return 50;
    bool ok = false;
    const int limit = text.toInt(&ok);
    if (!ok || limit < 1 || limit > 500) {
        errors->append(
            {QStringLiteral("limit"), QStringLiteral("must be an integer from 1 to 500")});
        return 50;
    }
    return limit;
}

QString pageCursor(const HttpRequest &request, QList<FieldError> *errors)
{
    const QString cursor = request.queryValue(QStringLiteral("cursor"));
    if (!cursor.isEmpty() && !Uuid7::isValid(cursor))
        errors->append({QStringLiteral("cursor"),
                        QStringLiteral("is not a cursor returned by this API (next_cursor)")});
    return cursor;
}

QJsonValue cursorJson(const QString &cursor)
{
    return cursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(cursor);
}

QJsonObject noteJson(const Note &note)
{
    return QJsonObject{
        {QStringLiteral("id"), note.id},
        {QStringLiteral("conversation_id"), note.conversationId},
        {QStringLiteral("author"), note.author},
        {QStringLiteral("content"), note.content},
        {QStringLiteral("created_at"), note.createdAt.toUTC().toString(Qt::ISODateWithMs)}};
}

void answerAccepted(const HttpResponder &responder, const Outcome<IngestResult> &result)
{
    if (!result.isOk()) {
        responder.sendProblem(Problem::fromError(result.error()));
        return;
    }
    if (result.value().duplicate && result.value().differs) {
        responder.sendProblem(Problem::unprocessable(
            {{QStringLiteral("client_message_id"),
              QStringLiteral("was already used for a different message; use a new id for new "
                             "content")}},
            QStringLiteral("client_message_id was already used for a different message")));
        return;
    }
    // A repeated client_message_id replays the original acceptance, like a repeated
    // Idempotency-Key: same status and body, flagged only by the header.
    const QJsonObject body{{QStringLiteral("id"), result.value().messageId},
                           {QStringLiteral("conversation_id"), result.value().conversationId},
                           {QStringLiteral("status"), QStringLiteral("queued")}};
    HttpHeaderList headers{{"Location", "/api/v1/messages/" + result.value().messageId.toUtf8()}};
    if (result.value().duplicate)
        headers.append({QByteArrayLiteral("Idempotent-Replayed"), QByteArrayLiteral("true")});
    responder.sendJson(202, body, headers);
}

} // namespace

ApiRoutes::ApiRoutes(Engine *engine, MetricsRegistry *metrics, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
    , m_metrics(metrics)
{}

void ApiRoutes::install(HttpServer &server)
{
    Router &router = server.router();
    auto bind = [this](void (ApiRoutes::*handler)(const HttpRequest &, const HttpResponder &)) {
        return [this, handler](const HttpRequest &request, HttpResponder responder) {
            (this->*handler)(request, responder);
        };
    };
    router.get(QStringLiteral("/health"), bind(&ApiRoutes::health));
    router.get(QStringLiteral("/ready"), bind(&ApiRoutes::ready));
    const Settings &settings = m_engine->settings();
    if (settings.metricsEnabled && settings.metricsPort == 0)
        router.get(QStringLiteral("/metrics"), bind(&ApiRoutes::metrics));
    router.post(QStringLiteral("/message"), bind(&ApiRoutes::postMessage));
    router.post(QStringLiteral("/api/v1/messages"), bind(&ApiRoutes::postMessage));
    router.post(QStringLiteral("/api/v1/messages/send"), bind(&ApiRoutes::sendMessage));
    router.get(QStringLiteral("/api/v1/messages"), bind(&ApiRoutes::listMessages));
    router.get(QStringLiteral("/api/v1/messages/{id}"), bind(&ApiRoutes::getMessage));
    router.post(QStringLiteral("/api/v1/messages/{id}/approve"), bind(&ApiRoutes::approveMessage));
    router.post(QStringLiteral("/api/v1/messages/{id}/reject"), bind(&ApiRoutes::rejectMessage));
    router.get(QStringLiteral("/api/v1/conversations"), bind(&ApiRoutes::listConversations));
    router.get(QStringLiteral("/api/v1/conversations/{id}"), bind(&ApiRoutes::getConversation));
    router.patch(QStringLiteral("/api/v1/conversations/{id}"), bind(&ApiRoutes::patchConversation));
    router.post(QStringLiteral("/api/v1/conversations/{id}/reply"),
                bind(&ApiRoutes::replyToConversation));
    router.get(QStringLiteral("/api/v1/jobs"), bind(&ApiRoutes::listJobs));
    router.post(QStringLiteral("/api/v1/jobs/{id}/retry"), bind(&ApiRoutes::retryJob));
    router.post(QStringLiteral("/api/v1/jobs/{id}/discard"), bind(&ApiRoutes::discardJob));
    router.post(QStringLiteral("/api/v1/conversations/{id}/notes"), bind(&ApiRoutes::addNote));
    router.get(QStringLiteral("/api/v1/channels"), bind(&ApiRoutes::listChannels));
}

void ApiRoutes::installMetricsOnly(HttpServer &server)
{
    server.router().get(QStringLiteral("/metrics"),
                        [this](const HttpRequest &request, HttpResponder responder) {
                            metrics(request, responder);
                        });
    server.setPublicRoutePredicate([](const QString &) { return true; });
}

void ApiRoutes::health(const HttpRequest &, const HttpResponder &responder)
{
    responder.sendJson(
        200, QJsonObject{{QStringLiteral("status"), QStringLiteral("healthy")},
                         {QStringLiteral("version"), QStringLiteral(RELAYDESK_VERSION)},
                         {QStringLiteral("timestamp"), QDateTime::currentSecsSinceEpoch()}});
}

void ApiRoutes::ready(const HttpRequest &, const HttpResponder &responder)
{
    m_engine->checkDatabase().then(this, [responder](const Outcome<Done> &result) {
        if (!result.isOk()) {
            responder.sendProblem(Problem::serviceUnavailable(
                5, QStringLiteral("the database is unavailable: ") + result.error().message));
            return;
        }
        responder.sendJson(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")},
                                            {QStringLiteral("database"), QStringLiteral("ok")}});
    });
}

void ApiRoutes::metrics(const HttpRequest &request, const HttpResponder &responder)
{
    const EngineStats stats = m_engine->stats();
    if (request.header("Accept").contains("application/json")) {
        const double processed = double(stats.jobsSucceeded + stats.jobsFailed);
        responder.sendJson(
            200, QJsonObject{{QStringLiteral("messages_processed"), qint64(stats.messagesIngested)},
                             {QStringLiteral("queue_size"), stats.readyJobs},
                             {QStringLiteral("error_rate"),
                              processed > 0 ? double(stats.jobsFailed) / processed : 0.0},
                             {QStringLiteral("active_conversations"), stats.activeConversations}});
        return;
    }
    responder.sendBytes(200, MetricsRegistry::contentType(), m_metrics->exposition());
}

void ApiRoutes::postMessage(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    auto message = MessageCodec::parseInbound(*body);
    if (!message.isOk()) {
        responder.sendProblem(Problem::fromError(message.error()));
        return;
    }
    if (message.value().clientMessageId.isEmpty())
        message.value().clientMessageId = IdempotencyGuard::clientMessageIdFor(request);
    m_engine->ingest(message.value()).then(this, [responder](const Outcome<IngestResult> &result) {
        answerAccepted(responder, result);
    });
}

void ApiRoutes::sendMessage(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    auto message = MessageCodec::parseSend(*body);
    if (!message.isOk()) {
        responder.sendProblem(Problem::fromError(message.error()));
        return;
    }
    if (message.value().clientMessageId.isEmpty())
        message.value().clientMessageId = IdempotencyGuard::clientMessageIdFor(request);
    m_engine->send(message.value()).then(this, [responder](const Outcome<IngestResult> &result) {
        answerAccepted(responder, result);
    });
}

void ApiRoutes::listMessages(const HttpRequest &request, const HttpResponder &responder)
{
    QList<FieldError> errors;
    MessageFilter filter;
    filter.limit = pageLimit(request, &errors);
    filter.cursor = pageCursor(request, &errors);
    filter.conversationId = request.queryValue(QStringLiteral("conversation_id"));
    filter.search = request.queryValue(QStringLiteral("q")).left(500);
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine
        ->read<Page<Message>>(
            [filter](QSqlDatabase &db) { return MessageRepository(db).list(filter); })
        .then(this, [responder](const Outcome<Page<Message>> &page) {
            if (!page.isOk()) {
                responder.sendProblem(Problem::fromError(page.error()));
                return;
            }
            QJsonArray data;
            for (const Message &message : page.value().items)
                data.append(MessageCodec::toJson(message));
            responder.sendJson(200, QJsonObject{{QStringLiteral("data"), data},
                                                {QStringLiteral("next_cursor"),
                                                 cursorJson(page.value().nextCursor)}});
        });
}

void ApiRoutes::getMessage(const HttpRequest &request, const HttpResponder &responder)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    m_engine
        ->read<MessageDetail>([id](QSqlDatabase &db) -> Outcome<MessageDetail> {
            MessageRepository messages(db);
            auto message = messages.get(id);
            if (!message.isOk())
                return message.error();
            auto events = messages.events(id);
            if (!events.isOk())
                return events.error();
            return MessageDetail{message.value(), events.value()};
        })
        .then(this, [responder](const Outcome<MessageDetail> &detail) {
            if (!detail.isOk()) {
                responder.sendProblem(Problem::fromError(detail.error()));
                return;
            }
            QJsonObject body = MessageCodec::toJson(detail.value().message);
            QJsonArray events;
            for (const MessageEvent &event : detail.value().events)
                events.append(MessageCodec::toJson(event));
            body.insert(QStringLiteral("events"), events);
            responder.sendJson(200, body);
        });
}

void ApiRoutes::approveMessage(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = optionalJsonBody(request, &problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    QList<FieldError> errors;
    const QJsonValue content = body->value(QStringLiteral("content"));
    if (!content.isUndefined() && !content.isNull() &&
        (!content.isString() || content.toString().trimmed().isEmpty()))
        errors.append({QStringLiteral("content"),
                       QStringLiteral("must be a non-empty string (the edited draft) or absent")});
    const QJsonValue actor = body->value(QStringLiteral("actor"));
    if (!actor.isUndefined() && !actor.isString())
        errors.append({QStringLiteral("actor"), QStringLiteral("must be a string")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine
        ->approve(request.pathParam(QStringLiteral("id")), content.toString(),
                  actor.toString().left(256))
        .then(this, [responder](const Outcome<Message> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(202, MessageCodec::toJson(result.value()));
        });
}

void ApiRoutes::rejectMessage(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = optionalJsonBody(request, &problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    QList<FieldError> errors;
    const QJsonValue reason = body->value(QStringLiteral("reason"));
    if (!reason.isUndefined() && !reason.isNull() && !reason.isString())
        errors.append({QStringLiteral("reason"), QStringLiteral("must be a string")});
    const QJsonValue actor = body->value(QStringLiteral("actor"));
    if (!actor.isUndefined() && !actor.isString())
        errors.append({QStringLiteral("actor"), QStringLiteral("must be a string")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine
        ->reject(request.pathParam(QStringLiteral("id")), reason.toString().left(2000),
                 actor.toString().left(256))
        .then(this, [responder](const Outcome<Message> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(200, MessageCodec::toJson(result.value()));
        });
}

void ApiRoutes::listConversations(const HttpRequest &request, const HttpResponder &responder)
{
    QList<FieldError> errors;
    ConversationFilter filter;
    filter.limit = pageLimit(request, &errors);
    filter.cursor = pageCursor(request, &errors);
    filter.search = request.queryValue(QStringLiteral("q")).left(500);
    const QString status = request.queryValue(QStringLiteral("status"));
    if (!status.isEmpty()) {
        filter.status = parseConversationStatus(status);
        if (!filter.status)
            errors.append({QStringLiteral("status"), QStringLiteral("must be one of: ") +
                                                         allowedValues(conversationStatusNames())});
    }
    QString participant = request.queryValue(QStringLiteral("participant")).trimmed();
    // Participants are stored normalised; accept them the way people type them.
    if (MessageCodec::isEmailAddress(participant))
        participant = ThreadingRules::normaliseEmail(participant);
    else if (MessageCodec::isPhoneNumber(participant))
        participant = ThreadingRules::normalisePhone(participant);
    filter.participant = participant;
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine
        ->read<Page<Conversation>>(
            [filter](QSqlDatabase &db) { return ConversationRepository(db).list(filter); })
        .then(this, [responder](const Outcome<Page<Conversation>> &page) {
            if (!page.isOk()) {
                responder.sendProblem(Problem::fromError(page.error()));
                return;
            }
            QJsonArray data;
            for (const Conversation &conversation : page.value().items)
                data.append(MessageCodec::toJson(conversation));
            responder.sendJson(200, QJsonObject{{QStringLiteral("data"), data},
                                                {QStringLiteral("next_cursor"),
                                                 cursorJson(page.value().nextCursor)}});
        });
}

void ApiRoutes::getConversation(const HttpRequest &request, const HttpResponder &responder)
{
    const QString id = request.pathParam(QStringLiteral("id"));
    m_engine
        ->read<ConversationDetail>([id](QSqlDatabase &db) -> Outcome<ConversationDetail> {
            auto conversation = ConversationRepository(db).get(id);
            if (!conversation.isOk())
                return conversation.error();
            auto messages = MessageRepository(db).recent(id, kConversationMessages);
            if (!messages.isOk())
                return messages.error();
            // Private notes belong to the conversation's record (exports, audits), never to
            // what is sent.
            auto notes = NoteRepository(db).forConversation(id);
            if (!notes.isOk())
                return notes.error();
            return ConversationDetail{conversation.value(), messages.value(), notes.value()};
        })
        .then(this, [responder](const Outcome<ConversationDetail> &detail) {
            if (!detail.isOk()) {
                responder.sendProblem(Problem::fromError(detail.error()));
                return;
            }
            QJsonObject body = MessageCodec::toJson(detail.value().conversation);
            QJsonArray messages;
            for (const Message &message : detail.value().messages)
                messages.append(MessageCodec::toJson(message));
            body.insert(QStringLiteral("messages"), messages);
            QJsonArray notes;
            for (const Note &note : detail.value().notes)
                notes.append(noteJson(note));
            body.insert(QStringLiteral("notes"), notes);
            responder.sendJson(200, body);
        });
}

void ApiRoutes::patchConversation(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    QList<FieldError> errors;
    ConversationPatch patch;
    static const QStringList known{QStringLiteral("status"),   QStringLiteral("ai_mode"),
                                   QStringLiteral("priority"), QStringLiteral("labels"),
                                   QStringLiteral("assignee"), QStringLiteral("flagged"),
                                   QStringLiteral("ai_chain")};
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (!known.contains(it.key()))
            errors.append(
                {it.key(), QStringLiteral("is not a field that can be changed (allowed: ") +
                               known.join(QStringLiteral(", ")) + QLatin1Char(')')});
    }
    auto enumField = [&](const QString &field, auto parse, const QStringList &names, auto &target) {
        const QJsonValue value = body->value(field);
        if (value.isUndefined())
            return;
        const auto parsed = value.isString() ? parse(value.toString()) : std::nullopt;
        if (!parsed)
            errors.append({field, QStringLiteral("must be one of: ") + allowedValues(names)});
        else
            target = *parsed;
    };
    enumField(QStringLiteral("status"), parseConversationStatus, conversationStatusNames(),
              patch.status);
    enumField(QStringLiteral("ai_mode"), parseAiMode, aiModeNames(), patch.aiMode);
    enumField(QStringLiteral("priority"), parsePriority, priorityNames(), patch.priority);
    if (body->contains(QStringLiteral("labels"))) {
        const QJsonValue value = body->value(QStringLiteral("labels"));
        QStringList labels;
        bool valid = value.isArray() && value.toArray().size() <= 50;
        for (const QJsonValue &label : value.toArray()) {
            const QString text = label.toString().trimmed();
            if (!label.isString() || text.isEmpty() || text.size() > 64)
                valid = false;
            else if (!labels.contains(text))
                labels << text;
        }
        if (!valid)
            errors.append(
                {QStringLiteral("labels"),
                 QStringLiteral("must be an array of at most 50 labels of 1 to 64 characters")});
        else
            patch.labels = labels;
    }
    if (body->contains(QStringLiteral("flagged"))) {
        // An operator clears the flag moderation or the AI rate limit set, after looking.
        const QJsonValue value = body->value(QStringLiteral("flagged"));
        if (value.isBool())
            patch.flagged = value.toBool();
        else
            errors.append({QStringLiteral("flagged"), QStringLiteral("must be true or false")});
    }
    if (body->contains(QStringLiteral("assignee"))) {
        const QJsonValue value = body->value(QStringLiteral("assignee"));
        if (value.isNull())
            patch.assignee = QString();
        else if (value.isString() && value.toString().size() <= 256)
            patch.assignee = value.toString().trimmed();
        else
            errors.append({QStringLiteral("assignee"),
                           QStringLiteral("must be a string of at most 256 characters or null")});
    }
    if (body->contains(QStringLiteral("ai_chain"))) {
        // The conversation's own provider chain; null goes back to the global [ai] chain.
        const QJsonValue value = body->value(QStringLiteral("ai_chain"));
        QStringList chain;
        QStringList problems;
        if (!value.isNull() &&
            (!value.isArray() || value.toArray().isEmpty() || value.toArray().size() > 10))
            problems << QStringLiteral("must be null or an array of 1 to 10 provider names");
        for (const QJsonValue &item : value.toArray()) {
            const QString name = item.toString().trimmed().toLower();
            const QString problem = item.isString()
                                        ? ProviderRouter::chainProblem(m_engine->settings(), name)
                                        : QStringLiteral("provider names are strings");
            if (!problem.isEmpty())
                problems << problem;
            else if (chain.contains(name))
                problems
                    << QStringLiteral("%1 is named twice; each provider is tried once").arg(name);
            else
                chain << name;
        }
        if (!problems.isEmpty())
            errors.append({QStringLiteral("ai_chain"), problems.join(QStringLiteral("; "))});
        else
            patch.aiChain = chain;
    }
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine->updateConversation(request.pathParam(QStringLiteral("id")), patch)
        .then(this, [responder](const Outcome<Conversation> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(200, MessageCodec::toJson(result.value()));
        });
}

void ApiRoutes::replyToConversation(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    auto message = MessageCodec::parseReply(*body);
    if (!message.isOk()) {
        responder.sendProblem(Problem::fromError(message.error()));
        return;
    }
    if (message.value().authorId.isEmpty())
        message.value().authorId = request.tokenId();
    if (message.value().clientMessageId.isEmpty())
        message.value().clientMessageId = IdempotencyGuard::clientMessageIdFor(request);
    m_engine->reply(request.pathParam(QStringLiteral("id")), message.value())
        .then(this, [responder](const Outcome<IngestResult> &result) {
            answerAccepted(responder, result);
        });
}

void ApiRoutes::listJobs(const HttpRequest &request, const HttpResponder &responder)
{
    QList<FieldError> errors;
    const int limit = pageLimit(request, &errors);
    const QString state = request.queryValue(QStringLiteral("state"));
    if (!state.isEmpty() && state != QLatin1String("dead"))
        errors.append({QStringLiteral("state"), QStringLiteral("only \"dead\" can be listed")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    m_engine->read<QList<Job>>([limit](QSqlDatabase &db) { return JobQueue(db).dead(limit); })
        .then(this, [responder](const Outcome<QList<Job>> &jobs) {
            if (!jobs.isOk()) {
                responder.sendProblem(Problem::fromError(jobs.error()));
                return;
            }
            QJsonArray data;
            for (const Job &job : jobs.value())
                data.append(QJsonObject{
                    {QStringLiteral("id"), job.id},
                    {QStringLiteral("kind"), job.kind},
                    {QStringLiteral("message_id"), job.messageId},
                    {QStringLiteral("state"), job.state},
                    {QStringLiteral("attempts"), job.attempts},
                    {QStringLiteral("max_attempts"), job.maxAttempts},
                    {QStringLiteral("last_error"), job.lastError},
                    {QStringLiteral("created_at"), MessageCodec::timestamp(job.createdAt)}});
            responder.sendJson(200, QJsonObject{{QStringLiteral("data"), data}});
        });
}

void ApiRoutes::listChannels(const HttpRequest &, const HttpResponder &responder)
{
    QJsonArray data;
    const auto statuses = m_engine->channelStatuses();
    for (const ChannelStatus &status : statuses) {
        auto time = [](const QDateTime &at) {
            return at.isValid() ? QJsonValue(MessageCodec::timestamp(at))
                                : QJsonValue(QJsonValue::Null);
        };
        auto health = [&time](const ChannelHealth &health) {
            return QJsonObject{
                {QStringLiteral("healthy"), health.consecutiveFailures == 0},
                {QStringLiteral("last_success_at"), time(health.lastSuccessAt)},
                {QStringLiteral("last_error_at"), time(health.lastErrorAt)},
                {QStringLiteral("last_error"), health.lastError.isEmpty()
                                                   ? QJsonValue(QJsonValue::Null)
                                                   : QJsonValue(health.lastError)},
                {QStringLiteral("consecutive_failures"), health.consecutiveFailures}};
        };
        QJsonObject channel = health(status.health);
        channel.insert(QStringLiteral("name"), status.name);
        // Channels with a fallback account report each account and its circuit.
        if (!status.accounts.isEmpty()) {
            QJsonArray accounts;
            for (const AccountStatus &account : status.accounts) {
                QJsonObject entry = health(account.health);
                entry.insert(QStringLiteral("name"), account.name);
                entry.insert(QStringLiteral("circuit"), account.circuit);
                entry.insert(QStringLiteral("retry_in_ms"), account.retryInMs);
                accounts.append(entry);
            }
            channel.insert(QStringLiteral("accounts"), accounts);
        }
        data.append(channel);
    }
    responder.sendJson(200, QJsonObject{{QStringLiteral("data"), data}});
}

void ApiRoutes::retryJob(const HttpRequest &request, const HttpResponder &responder)
{
    m_engine->retryJob(request.pathParam(QStringLiteral("id")))
        .then(this, [responder](const Outcome<Job> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(202,
                               QJsonObject{{QStringLiteral("id"), result.value().id},
                                           {QStringLiteral("state"), result.value().state},
                                           {QStringLiteral("attempts"), result.value().attempts}});
        });
}

void ApiRoutes::discardJob(const HttpRequest &request, const HttpResponder &responder)
{
    m_engine->discardJob(request.pathParam(QStringLiteral("id")), request.tokenId())
        .then(this, [responder](const Outcome<Job> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(
                200, QJsonObject{{QStringLiteral("id"), result.value().id},
                                 {QStringLiteral("state"), QStringLiteral("discarded")},
                                 {QStringLiteral("message_id"), result.value().messageId}});
        });
}

void ApiRoutes::addNote(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        responder.sendProblem(problem);
        return;
    }
    QList<FieldError> errors;
    const QJsonValue content = body->value(QStringLiteral("content"));
    if (!content.isString() || content.toString().trimmed().isEmpty())
        errors.append({QStringLiteral("content"), QStringLiteral("is required (non-empty text)")});
    else if (content.toString().trimmed().size() > Engine::kNoteMaxLength)
        errors.append({QStringLiteral("content"),
                       QStringLiteral("is at most %1 characters").arg(Engine::kNoteMaxLength)});
    const QJsonValue author = body->value(QStringLiteral("author"));
    if (!author.isUndefined() && !author.isString())
        errors.append({QStringLiteral("author"), QStringLiteral("must be a string")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    const QString who = author.toString().left(256);
    m_engine
        ->addNote(request.pathParam(QStringLiteral("id")), content.toString(),
                  who.isEmpty() ? request.tokenId() : who)
        .then(this, [responder](const Outcome<Note> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(201, noteJson(result.value()));
        });
}

} // namespace relaydesk
