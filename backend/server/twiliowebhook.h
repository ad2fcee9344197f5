#pragma once

#include "channels/twiliochannel.h"
#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QElapsedTimer>
#include <QObject>

namespace relaydesk {

class HttpServer;
class WebhookRoutes;

// POST /api/v1/webhooks/twilio (incoming SMS/MMS, and status callbacks pointed there) and
// POST /api/v1/webhooks/twilio/status (the StatusCallback our sends ask for).
//
// Each request must carry X-Twilio-Signature computed with [channels.twilio] auth_token over
// [server] public_url + the request path and query + the sorted POST parameters, and an
// AccountSid (when sent) equal to the configured one. Answers are empty TwiML, so Twilio sends
// no automatic reply; duplicates (the same MessageSid, or the same MessageSid + MessageStatus)
// are acknowledged and not processed again.
class TwilioWebhook : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *EmptyTwiml = "<Response></Response>";

    explicit TwilioWebhook(WebhookRoutes *routes);

    void install(HttpServer &server);

private:
    void handle(const HttpRequest &request, const HttpResponder &responder, bool statusPath);
    void inbound(const HttpRequest &request, const HttpResponder &responder,
                 const FormFields &fields, const QElapsedTimer &timer);
    void status(const HttpRequest &request, const HttpResponder &responder,
                const FormFields &fields, const QElapsedTimer &timer);
    // SMS first, then MMS: a reply keeps the platform of the message it answers.
    void record(const HttpRequest &request, const HttpResponder &responder,
                const TwilioStatus &status, QList<Platform> platforms, const QElapsedTimer &timer);
    void fail(const HttpRequest &request, const HttpResponder &responder, const Error &error,
              const QElapsedTimer &timer);
    static void acknowledge(const HttpResponder &responder);

    WebhookRoutes *m_routes;
};

} // namespace relaydesk
