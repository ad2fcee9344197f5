#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

namespace relaydesk {

class HttpServer;
class WebhookRoutes;

// POST /api/v1/webhooks/discord: Discord's Interactions endpoint (the application's
// "Interactions Endpoint URL").
//
// Every request is verified with Ed25519 over X-Signature-Timestamp + raw body against
// [channels.discord] public_key; Discord itself probes the endpoint with bad signatures and
// expects 401. PING (type 1) answers {"type":1}. An application command (type 2) or modal
// submit (type 5) becomes a customer message once it is durable, and is answered at once with
// an ephemeral CHANNEL_MESSAGE_WITH_SOURCE (type 4) acknowledgement. We do not defer (type 5):
// a deferred answer must be completed through the interaction token within 15 minutes, while
// our reply waits for an operator's approval for as long as that takes, so the reply is posted
// to the interaction's channel as an ordinary bot message instead. Buttons (type 3) are
// acknowledged without a change (type 6), autocomplete (type 4) with no suggestions (type 8).
class DiscordWebhook : public QObject
{
    Q_OBJECT

public:
    explicit DiscordWebhook(WebhookRoutes *routes);

    void install(HttpServer &server);

    static QJsonObject acknowledgement();

private:
    void handle(const HttpRequest &request, const HttpResponder &responder);
    void ingest(const HttpRequest &request, const HttpResponder &responder,
                const QJsonObject &interaction, const QElapsedTimer &timer);

    WebhookRoutes *m_routes;
};

} // namespace relaydesk
