#include "server/webhookroutes.h"

#include "channels/webhooksigner.h"
#include "core/clock.h"
#include "core/messagecodec.h"
#include "engine/engine.h"
#include "server/discordwebhook.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "server/sendgridwebhook.h"
#include "server/telegramwebhook.h"
#include "server/twiliowebhook.h"
#include "storage/channelstore.h"

namespace relaydesk {

WebhookRoutes::WebhookRoutes(Engine *engine, QObject *parent)
    : QObject(parent)
    , m_engine(engine)
{}

void WebhookRoutes::install(HttpServer &server)
{
    server.router().post(QStringLiteral("/api/v1/webhooks/generic/{source}"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             generic(request, responder);
                         });
    (new TelegramWebhook(this))->install(server);
    (new DiscordWebhook(this))->install(server);
    (new TwilioWebhook(this))->install(server);
    (new SendGridWebhook(this))->install(server);
}

QJsonObject WebhookRoutes::loggableHeaders(const HttpRequest &request)
{
    static const QList<QByteArray> secret{"authorization",
                                          "cookie",
                                          "x-twilio-signature",
                                          "x-telegram-bot-api-secret-token",
                                          "x-signature-ed25519",
                                          "webhook-signature",
                                          "x-twilio-email-event-webhook-signature"};
    QJsonObject headers;
    for (const auto &[name, value] : request.headers()) {
        const QByteArray lower = name.toLower();
        headers.insert(QString::fromLatin1(lower), secret.contains(lower)
                                                       ? QStringLiteral("[redacted]")
                                                       : QString::fromUtf8(value.left(512)));
    }
    return headers;
}

bool WebhookRoutes::isFreshTimestamp(const QByteArray &unixSeconds, int toleranceSeconds)
{
    bool ok = false;
    const qint64 seconds = unixSeconds.trimmed().toLongLong(&ok);
    return ok && std::abs(Clock::now().toSecsSinceEpoch() - seconds) <= toleranceSeconds;
}

void WebhookRoutes::log(const HttpRequest &request, const QString &channel, int status,
                        bool verified, const QString &outcome, const QElapsedTimer &timer) const
{
    WebhookLogEntry entry;
    entry.channel = channel;
    entry.requestId = request.requestId();
    entry.path = request.path();
    entry.headers = loggableHeaders(request);
    entry.bodyBytes = request.body().size();
    entry.status = status;
    entry.verified = verified;
    entry.outcome = outcome;
    entry.durationMs = timer.elapsed();
    m_engine->logWebhook(entry);
}

void WebhookRoutes::rejectUnverified(const HttpRequest &request, const HttpResponder &responder,
                                     const QString &channel, const QString &reason,
                                     const QElapsedTimer &timer) const
{
    log(request, channel, 401, false, reason, timer);
    Problem problem(401, QStringLiteral("Signature verification failed"), reason,
                    QStringLiteral("invalid-signature"));
    responder.sendProblem(problem);
}

void WebhookRoutes::generic(const HttpRequest &request, const HttpResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    const QString source = request.pathParam(QStringLiteral("source"));
    const QString channel = QStringLiteral("webhook:") + source;
    const Settings &settings = m_engine->settings();
    const auto secret = settings.webhookSourceSecrets.constFind(source);
    if (secret == settings.webhookSourceSecrets.cend()) {
        log(request, channel, 404, false, QStringLiteral("unknown source"), timer);
        responder.sendProblem(Problem::notFound(
            QStringLiteral("no webhook source \"%1\" is configured").arg(source)));
        return;
    }
    const QByteArray id = request.header("webhook-id");
    const WebhookSigner signer(*secret);
    if (id.isEmpty() ||
        !signer.verify(id, request.header("webhook-timestamp"), request.body(),
                       request.header("webhook-signature"), settings.webhookToleranceSeconds)) {
        rejectUnverified(request, responder, channel,
                         QStringLiteral("missing or invalid webhook-signature, or a timestamp "
                                        "outside the tolerance"),
                         timer);
        return;
    }
    Problem problem;
    const auto body = request.jsonObjectBody(&problem);
    if (!body) {
        log(request, channel, problem.status(), true, problem.detail(), timer);
        responder.sendProblem(problem);
        return;
    }
    QJsonObject fields = *body;
    if (!fields.contains(QStringLiteral("platform")))
        fields.insert(QStringLiteral("platform"), QStringLiteral("webhook"));
    auto message = MessageCodec::parseInbound(fields);
    if (!message.isOk()) {
        log(request, channel, 422, true, message.error().message, timer);
        responder.sendProblem(Problem::fromError(message.error()));
        return;
    }
    // webhook-id is the sender's idempotency key: a redelivery maps to the stored message.
    message.value().clientMessageId = channel + QLatin1Char(':') + QString::fromUtf8(id);
    message.value().metadata.insert(QStringLiteral("webhook_source"), source);
    m_engine->ingest(message.value())
        .then(this, [this, request, responder, channel,
                     timer](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                const Problem problem = Problem::fromError(result.error());
                log(request, channel, problem.status(), true, result.error().message, timer);
                responder.sendProblem(problem);
                return;
            }
            log(request, channel, 202, true,
                result.value().duplicate ? QStringLiteral("duplicate") : QStringLiteral("accepted"),
                timer);
            responder.sendJson(
                202, QJsonObject{{QStringLiteral("id"), result.value().messageId},
                                 {QStringLiteral("conversation_id"), result.value().conversationId},
                                 {QStringLiteral("status"), QStringLiteral("queued")},
                                 {QStringLiteral("duplicate"), result.value().duplicate}});
        });
}

} // namespace relaydesk
