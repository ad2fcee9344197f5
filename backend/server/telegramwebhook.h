#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QObject>

namespace relaydesk {

class HttpServer;
class WebhookRoutes;

// POST /api/v1/webhooks/telegram: Telegram's webhook delivery of one Update.
//
// Telegram proves itself with the X-Telegram-Bot-Api-Secret-Token header, which must equal
// [channels.telegram] webhook_secret (the secret_token given to setWebhook); without a
// configured secret nothing is accepted. Telegram retries any non-2xx answer, so the update is
// acknowledged with 200 as soon as its message is durable, also when it is a redelivery (the
// engine recognises the message id) or a kind we do not handle. A callback query is answered in
// the webhook response itself (method answerCallbackQuery), which costs no extra request.
class TelegramWebhook : public QObject
{
    Q_OBJECT

public:
    explicit TelegramWebhook(WebhookRoutes *routes);

    void install(HttpServer &server);

    // The body of the 200: empty, or the answerCallbackQuery call for a button press.
    static QJsonObject acknowledgement(const QString &callbackQueryId);

private:
    void handle(const HttpRequest &request, const HttpResponder &responder);

    WebhookRoutes *m_routes;
};

} // namespace relaydesk
