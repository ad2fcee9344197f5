#include "server/telegramwebhook.h"

#include "channels/telegramchannel.h"
#include "engine/engine.h"
#include "server/httpserver.h"
#include "server/problem.h"
#include "server/webhookroutes.h"

#include <QElapsedTimer>

namespace relaydesk {

namespace {

const QString kChannel = QStringLiteral("telegram");

} // namespace

TelegramWebhook::TelegramWebhook(WebhookRoutes *routes)
    : QObject(routes)
    , m_routes(routes)
{}

void TelegramWebhook::install(HttpServer &server)
{
    server.router().post(QStringLiteral("/api/v1/webhooks/telegram"),
                         [this](const HttpRequest &request, HttpResponder responder) {
                             handle(request, responder);
                         });
}

QJsonObject TelegramWebhook::acknowledgement(const QString &callbackQueryId)
{
    if (callbackQueryId.isEmpty())
        return {};
    return QJsonObject{{QStringLiteral("method"), QStringLiteral("answerCallbackQuery")},
                       {QStringLiteral("callback_query_id"), callbackQueryId}};
}

void TelegramWebhook::handle(const HttpRequest &request, const HttpResponder &responder)
{
    QElapsedTimer timer;
    timer.start();
    const TelegramSettings &settings = m_routes->engine()->settings().telegram;
    if (!settings.enabled) {
        m_routes->log(request, kChannel, 404, false, QStringLiteral("channel disabled"), timer);
        responder.sendProblem(
            Problem::notFound(QStringLiteral("the telegram channel is not enabled")));
        return;
    }
    if (settings.webhookSecret.isEmpty()) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("no [channels.telegram] webhook_secret is configured, so no webhook "
                           "can be verified"),
            timer);
        return;
    }
    if (!TelegramChannel::verifySecretToken(settings.webhookSecret,
                                            request.header("X-Telegram-Bot-Api-Secret-Token"))) {
        m_routes->rejectUnverified(
            request, responder, kChannel,
            QStringLiteral("missing or wrong X-Telegram-Bot-Api-Secret-Token"), timer);
        return;
    }
    const Outcome<TelegramChannel::Update> parsed = TelegramChannel::parseUpdate(request.body());
    if (!parsed.isOk()) {
        m_routes->log(request, kChannel, 400, true, parsed.error().message, timer);
        responder.sendProblem(Problem::badRequest(parsed.error().message));
        return;
    }
    const TelegramChannel::Update &update = parsed.value();
    const QJsonObject acknowledgement = TelegramWebhook::acknowledgement(update.callbackQueryId);
    if (!update.message) {
        m_routes->log(request, kChannel, 200, true,
                      QStringLiteral("ignored: ") + update.ignoredReason, timer);
        responder.sendJson(200, acknowledgement);
        return;
    }
    m_routes->engine()
        ->ingest(*update.message)
        .then(this, [this, request, responder, timer,
                     acknowledgement](const Outcome<IngestResult> &result) {
            if (!result.isOk()) {
                // Not durable: a 5xx makes Telegram deliver the update again later.
                const Problem problem = Problem::fromError(result.error());
                m_routes->log(request, kChannel, problem.status(), true, result.error().message,
                              timer);
                responder.sendProblem(problem);
                return;
            }
            m_routes->log(request, kChannel, 200, true,
                          result.value().duplicate ? QStringLiteral("duplicate")
                                                   : QStringLiteral("accepted"),
                          timer);
            responder.sendJson(200, acknowledgement);
        });
}

} // namespace relaydesk
