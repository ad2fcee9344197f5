#include "server/sendgridwebhook.h"

#include "engine/engine.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "server/webhookroutes.h"

namespace relaydesk {

namespace {

const QString kChannel = QStringLiteral("sendgrid");

} // namespace

SendGridWebhook::SendGridWebhook(WebhookRoutes *routes)
    : QObject(routes)
    , m_routes(routes)
{}

void SendGridWebhook::install(HttpServer &server)
{
    server.router().post(QStringLiteral("/api/v1/webhooks/sendgrid/inbound"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             inbound(request, responder);
                         });
    server.router().post(QStringLiteral("/api/v1/webhooks/sendgrid/events"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             events(request, responder);
                         });
}

bool SendGridWebhook::enabled(const HttpRequest &request, const HttpResponder &responder,
                              const QElapsedTimer &timer) const
{
    if (m_routes->engine()->settings().sendgrid.enabled)
        return true;
    m_routes->log(request, kChannel, 404, false, QStringLiteral("channel disabled"), timer);
    responder.sendProblem(Problem::notFound(QStringLiteral("the sendgrid channel is not enabled")));
    return false;
}

void SendGridWebhook::fail(const HttpRequest &request, const HttpResponder &responder,
                           const Error &error, const QElapsedTimer &timer) const
{
    // Not durable: a 5xx makes SendGrid deliver the POST again later.
    const Problem problem = Problem::fromError(error);
    m_routes->log(request, kChannel, problem.status(), true, error.message, timer);
    responder.sendProblem(problem);
}

void SendGridWebhook::inbound(const HttpRequest &request, const HttpResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    if (!enabled(request, responder, timer))
        return;
    const Outcome<Message> message =
        SendGridChannel::parseInbound(request.header("Content-Type"), request.body());
    if (!message.isOk()) {
        m_routes->log(request, kChannel, 400, false, message.error().message, timer);
        responder.sendProblem(Problem::badRequest(message.error().message));
        return;
    }
    m_routes->engine()
        ->ingest(message.value())
        .then(this, [this, request, responder, timer](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                const Problem problem = Problem::fromError(result.error());
                m_routes->log(request, kChannel, problem.status(), false, result.error().message,
                              timer);
                responder.sendProblem(problem);
                return;
            }
            // Logged as unverified: Inbound Parse carries no signature to check.
            m_routes->log(request, kChannel, 200, false,
                          result.value().duplicate ? QStringLiteral("duplicate (unsigned)")
                                                   : QStringLiteral("accepted (unsigned)"),
                          timer);
            responder.sendJson(
                200, QJsonObject{{QStringLiteral("id"), result.value().messageId},
                                 {QStringLiteral("conversation_id"), result.value().conversationId},
                                 {QStringLiteral("duplicate"), result.value().duplicate}});
        });
}

void SendGridWebhook::events(const HttpRequest &request, const HttpResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    if (!enabled(request, responder, timer))
        return;
    const QString publicKey = m_routes->engine()->settings().sendgrid.eventPublicKey;
    if (publicKey.trimmed().isEmpty()) {
        m_routes->rejectUnverified(request, responder, kChannel,
                                   QStringLiteral("no [channels.sendgrid] event_public_key is "
                                                  "configured, so no event can be verified"),
                                   timer);
        return;
    }
    // A fallback key of another SendGrid account posts events signed with that account's key.
    const QString fallbackKey =
        m_routes->engine()->settings().sendgrid.fallback.eventPublicKey.trimmed();
    const QByteArray timestamp = request.header("X-Twilio-Email-Event-Webhook-Timestamp");
    const QByteArray signature = request.header("X-Twilio-Email-Event-Webhook-Signature");
    if (!SendGridChannel::verifyEventSignature(publicKey, timestamp, request.body(), signature) &&
        (fallbackKey.isEmpty() || !SendGridChannel::verifyEventSignature(
                                      fallbackKey, timestamp, request.body(), signature))) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("missing or invalid X-Twilio-Email-Event-Webhook-Signature"), timer);
        return;
    }
    // A captured batch replayed later verifies too; its timestamp gives it away.
    const int tolerance = m_routes->engine()->settings().webhookToleranceSeconds;
    if (!WebhookRoutes::isFreshTimestamp(timestamp, tolerance)) {
        m_routes->rejectUnverified(request, responder, kChannel,
                                   QStringLiteral("X-Twilio-Email-Event-Webhook-Timestamp is more "
                                                  "than %1 s away from now")
                                       .arg(tolerance),
                                   timer);
        return;
    }
    const Outcome<QList<SendGridEvent>> parsed = SendGridChannel::parseEvents(request.body());
    if (!parsed.isOk()) {
        m_routes->log(request, kChannel, 400, true, parsed.error().message, timer);
        responder.sendProblem(Problem::badRequest(parsed.error().message));
        return;
    }
    EventTally tally;
    QList<SendGridEvent> relevant;
    QList<QFuture<Outcome<bool>>> claims;
    for (const SendGridEvent &event : parsed.value()) {
        if (!event.type || event.messageId.isEmpty()) {
            ++tally.ignored; // processed, deferred, open, click...: no delivery state to record
            continue;
        }
        relevant.append(event);
        // Submitted together, the claims share one group commit.
        claims.append(m_routes->engine()->claimReceipt(SendGridChannel::receiptKey(event)));
    }
    if (claims.isEmpty()) {
        finishEvents(request, responder, {}, tally, timer);
        return;
    }
    QtFuture::whenAll(claims.begin(), claims.end())
        .then(this, [this, request, responder, relevant, tally,
                     timer](const QList<QFuture<Outcome<bool>>> &done) {
            recordClaimed(request, responder, relevant, done, tally, timer);
        });
}

void SendGridWebhook::recordClaimed(const HttpRequest &request, const HttpResponder &responder,
                                    const QList<SendGridEvent> &events,
                                    const QList<QFuture<Outcome<bool>>> &claims, EventTally tally,
                                    const QElapsedTimer &timer)
{
    QList<QFuture<Outcome<bool>>> records;
    for (qsizetype i = 0; i < claims.size() && i < events.size(); ++i) {
        const Outcome<bool> claimed = claims.at(i).result();
        if (!claimed.isOk()) {
            fail(request, responder, claimed.error(), timer);
            return;
        }
        if (!claimed.value()) {
            ++tally.duplicates;
            continue;
        }
        const SendGridEvent &event = events.at(i);
        records.append(m_routes->engine()->recordDeliveryStatus(Platform::Email, event.messageId,
                                                                *event.type, event.detail));
    }
    if (records.isEmpty()) {
        finishEvents(request, responder, {}, tally, timer);
        return;
    }
    QtFuture::whenAll(records.begin(), records.end())
        .then(this,
              [this, request, responder, tally, timer](const QList<QFuture<Outcome<bool>>> &done) {
                  finishEvents(request, responder, done, tally, timer);
              });
}

void SendGridWebhook::finishEvents(const HttpRequest &request, const HttpResponder &responder,
                                   const QList<QFuture<Outcome<bool>>> &records, EventTally tally,
                                   const QElapsedTimer &timer)
{
    for (const QFuture<Outcome<bool>> &future : records) {
        const Outcome<bool> recorded = future.result();
        if (!recorded.isOk()) {
            fail(request, responder, recorded.error(), timer);
            return;
        }
        ++(recorded.value() ? tally.recorded : tally.unknown);
    }
    m_routes->log(request, kChannel, 200, true,
                  QStringLiteral("%1 recorded, %2 duplicate, %3 for unknown messages, %4 ignored")
                      .arg(tally.recorded)
                      .arg(tally.duplicates)
                      .arg(tally.unknown)
                      .arg(tally.ignored),
                  timer);
    responder.sendJson(200, QJsonObject{{QStringLiteral("recorded"), tally.recorded},
                                        {QStringLiteral("duplicates"), tally.duplicates},
                                        {QStringLiteral("unknown"), tally.unknown},
                                        {QStringLiteral("ignored"), tally.ignored}});
}

} // namespace relaydesk
