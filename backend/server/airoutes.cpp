#include "server/airoutes.h"

#include "ai/usagerepository.h"
#include "engine/engine.h"
#include "server/httpserver.h"
#include "server/problem.h"

#include <QJsonArray>

namespace relaydesk {

namespace {

constexpr int kMaxInstructionLength = 500;

struct UsageReport {
    QList<UsageTotal> groups;
    UsageTotal overall;
};

QString groupField(UsageGrouping grouping)
{
    switch (grouping) {
    case UsageGrouping::Provider:
        return QStringLiteral("provider");
    case UsageGrouping::Model:
        return QStringLiteral("model");
    case UsageGrouping::Conversation:
        return QStringLiteral("conversation_id");
    case UsageGrouping::Day:
        break;
    }
    return QStringLiteral("day");
}

QJsonObject totalJson(const UsageTotal &total)
{
    return QJsonObject{{QStringLiteral("requests"), total.requests},
                       {QStringLiteral("failures"), total.failures},
                       {QStringLiteral("input_tokens"), total.inputTokens},
                       {QStringLiteral("output_tokens"), total.outputTokens},
                       {QStringLiteral("cost"), total.cost},
                       {QStringLiteral("average_latency_ms"), total.averageLatencyMs}};
}

// ISO 8601 date-time, or a plain date meaning its start (UTC).
QDateTime parseBound(const QString &text, bool *ok)
{
    *ok = true;
    if (text.isEmpty())
        return {};
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid()) {
        const QDate day = QDate::fromString(text, Qt::ISODate);
        if (day.isValid())
            at = QDateTime(day, QTime(0, 0), Qt::UTC);
    }
    *ok = at.isValid();
    return at;
}

} // namespace

AiRoutes::AiRoutes(Engine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{}

void AiRoutes::install(HttpServer &server)
{
    Router &router = server.router();
    router.post(QStringLiteral("/api/v1/messages/{id}/regenerate"),
                [this](const HttpRequest &request, HttpResponder responder) {
                    regenerate(request, responder);
                });
    router.get(QStringLiteral("/api/v1/ai/providers"),
               [this](const HttpRequest &request, HttpResponder responder) {
                   providers(request, responder);
               });
    router.get(
        QStringLiteral("/api/v1/usage"),
        [this](const HttpRequest &request, HttpResponder responder) { usage(request, responder); });
}

void AiRoutes::regenerate(const HttpRequest &request, const HttpResponder &responder)
{
    Problem problem;
    QJsonObject body;
    if (!request.body().trimmed().isEmpty()) {
        const auto parsed = request.jsonObjectBody(&problem);
        if (!parsed) {
            responder.sendProblem(problem);
            return;
        }
        body = *parsed;
    }
    QList<FieldError> errors;
    const QJsonValue instruction = body.value(QStringLiteral("instruction"));
    if (!instruction.isUndefined() && !instruction.isNull() &&
        (!instruction.isString() || instruction.toString().size() > kMaxInstructionLength))
        errors.append({QStringLiteral("instruction"),
                       QStringLiteral("must be a string of at most %1 characters, such as "
                                      "\"shorter\" or \"more formal\"")
                           .arg(kMaxInstructionLength)});
    const QJsonValue actor = body.value(QStringLiteral("actor"));
    if (!actor.isUndefined() && !actor.isNull() && !actor.isString())
        errors.append({QStringLiteral("actor"), QStringLiteral("must be a string")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    // Who asked: the operator named in the body, else the API token that authenticated.
    QString who = actor.toString().trimmed().left(256);
    if (who.isEmpty())
        who = request.tokenId();
    m_engine
        ->regenerate(request.pathParam(QStringLiteral("id")), instruction.toString().simplified(),
                     who)
        .then(this, [responder](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                responder.sendProblem(Problem::fromError(result.error()));
                return;
            }
            responder.sendJson(
                202, QJsonObject{{QStringLiteral("id"), result.value().messageId},
                                 {QStringLiteral("conversation_id"), result.value().conversationId},
                                 {QStringLiteral("job_id"), result.value().jobId},
                                 {QStringLiteral("status"), QStringLiteral("regenerating")}});
        });
}

void AiRoutes::usage(const HttpRequest &request, const HttpResponder &responder)
{
    QList<FieldError> errors;
    const auto grouping =
        UsageRepository::parseGrouping(request.queryValue(QStringLiteral("group_by")));
    if (!grouping)
        errors.append({QStringLiteral("group_by"),
                       QStringLiteral("must be one of: provider, model, conversation, day")});
    bool ok = true;
    const QDateTime since = parseBound(request.queryValue(QStringLiteral("since")), &ok);
    if (!ok)
        errors.append(
            {QStringLiteral("since"), QStringLiteral("must be an ISO 8601 date or date-time")});
    const QDateTime until = parseBound(request.queryValue(QStringLiteral("until")), &ok);
    if (!ok)
        errors.append(
            {QStringLiteral("until"), QStringLiteral("must be an ISO 8601 date or date-time")});
    if (!errors.isEmpty()) {
        responder.sendProblem(Problem::unprocessable(errors));
        return;
    }
    const UsageGrouping by = *grouping;
    m_engine
        ->read<UsageReport>([by, since, until](QSqlDatabase &db) -> Outcome<UsageReport> {
            UsageRepository usage(db);
            auto groups = usage.totals(by, since, until);
            if (!groups.isOk())
                return groups.error();
            auto overall = usage.overall(since, until);
            if (!overall.isOk())
                return overall.error();
            return UsageReport{groups.value(), overall.value()};
        })
        .then(this, [responder, by](const Outcome<UsageReport> &report) {
            if (!report.isOk()) {
                responder.sendProblem(Problem::fromError(report.error()));
                return;
            }
            QJsonArray data;
            for (const UsageTotal &total : report.value().groups) {
                QJsonObject row = totalJson(total);
                row.insert(QStringLiteral("key"), total.key);
                row.insert(groupField(by), total.key);
                data.append(row);
            }
            responder.sendJson(
                200, QJsonObject{{QStringLiteral("group_by"), UsageRepository::toString(by)},
                                 {QStringLiteral("data"), data},
                                 {QStringLiteral("totals"), totalJson(report.value().overall)}});
        });
}

void AiRoutes::providers(const HttpRequest &, const HttpResponder &responder)
{
    QJsonArray data;
    const QList<ProviderStatus> statuses = m_engine->aiProviderStatuses();
    for (const ProviderStatus &status : statuses) {
        data.append(QJsonObject{
            {QStringLiteral("name"), status.name},
            {QStringLiteral("model"), status.model},
            {QStringLiteral("circuit"), CircuitBreaker::toString(status.breaker.state)},
            {QStringLiteral("consecutive_failures"), status.breaker.consecutiveFailures},
            {QStringLiteral("recent_calls"), status.breaker.windowCalls},
            {QStringLiteral("recent_failures"), status.breaker.windowFailures},
            {QStringLiteral("retry_in_ms"), status.breaker.retryInMs}});
    }
    // The offline responder ends every chain and cannot fail.
    data.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("offline")},
                            {QStringLiteral("model"), QStringLiteral("canned")},
                            {QStringLiteral("circuit"), QStringLiteral("closed")},
                            {QStringLiteral("consecutive_failures"), 0},
                            {QStringLiteral("recent_calls"), 0},
                            {QStringLiteral("recent_failures"), 0},
                            {QStringLiteral("retry_in_ms"), 0}});
    responder.sendJson(200, QJsonObject{{QStringLiteral("data"), data}});
}

} // namespace relaydesk
