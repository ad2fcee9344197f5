#include "server/apiroutes.h"

#include "core/messagecodec.h"
#include "core/uuid7.h"
#include "engine/engine.h"
#include "engine/threadingrules.h"
#include "observability/counter.h"
#include "observability/histogram.h"
#include "observability/metricsregistry.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"

#include <QJsonArray>

namespace relaydesk {

namespace {

struct ConversationDetail {
    Conversation conversation;
    QList<Message> messages;
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

void answerAccepted(const HttpResponder &responder, const Outcome<IngestResult> &result)
{
    if (!result.isOk()) {
        responder.sendProblem(Problem::fromError(result.error()));
        return;
    }
    QJsonObject body{{QStringLiteral("id"), result.value().messageId},
                     {QStringLiteral("conversation_id"), result.value().conversationId},
                     {QStringLiteral("status"), QStringLiteral("queued")}};
    if (result.value().duplicate)
        body.insert(QStringLiteral("duplicate"), true);
    responder.sendJson(202, body,
                       {{"Location", "/api/v1/messages/" + result.value().messageId.toUtf8()}});
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
            return ConversationDetail{conversation.value(), messages.value()};
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
                                   QStringLiteral("assignee"), QStringLiteral("flagged")};
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
        data.append(QJsonObject{
            {QStringLiteral("name"), status.name},
            {QStringLiteral("healthy"), status.health.consecutiveFailures == 0},
            {QStringLiteral("last_success_at"), time(status.health.lastSuccessAt)},
            {QStringLiteral("last_error_at"), time(status.health.lastErrorAt)},
            {QStringLiteral("last_error"), status.health.lastError.isEmpty()
                                               ? QJsonValue(QJsonValue::Null)
                                               : QJsonValue(status.health.lastError)},
            {QStringLiteral("consecutive_failures"), status.health.consecutiveFailures}});
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

} // namespace relaydesk
