#pragma once

#include "channels/sendgridchannel.h"
#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QObject>

namespace relaydesk {

class HttpServer;
class WebhookRoutes;

// SendGrid's two webhooks.
//
// POST /api/v1/webhooks/sendgrid/inbound — Inbound Parse, one received e-mail as
// multipart/form-data. SendGrid does not sign these and the issue names no shared secret, so the
// route is public: every request is recorded in webhook_logs as unverified, and only
// well-formed e-mails are stored (de-duplicated by Message-ID). Answered 200 once durable;
// SendGrid retries anything else for up to three days.
//
// POST /api/v1/webhooks/sendgrid/events — the signed Event Webhook. The ECDSA signature over
// timestamp + raw body must verify with [channels.sendgrid] event_public_key; delivered, bounce
// and dropped events become delivery states of the message whose X-Message-Id starts their
// sg_message_id, each sg_event_id processed once. No timestamp window is enforced: a replayed
// batch is harmless because every event is de-duplicated.
class SendGridWebhook : public QObject
{
    Q_OBJECT

public:
    explicit SendGridWebhook(WebhookRoutes *routes);

    void install(HttpServer &server);

private:
    struct EventTally {
        int recorded = 0;
        int duplicates = 0;
        int unknown = 0;
        int ignored = 0;
    };

    void inbound(const HttpRequest &request, const HttpResponder &responder);
    void events(const HttpRequest &request, const HttpResponder &responder);
    void recordClaimed(const HttpRequest &request, const HttpResponder &responder,
                       const QList<SendGridEvent> &events,
                       const QList<QFuture<Outcome<bool>>> &claims, EventTally tally,
                       const QElapsedTimer &timer);
    void finishEvents(const HttpRequest &request, const HttpResponder &responder,
                      const QList<QFuture<Outcome<bool>>> &records, EventTally tally,
                      const QElapsedTimer &timer);
    bool enabled(const HttpRequest &request, const HttpResponder &responder,
                 const QElapsedTimer &timer) const;
    void fail(const HttpRequest &request, const HttpResponder &responder, const Error &error,
              const QElapsedTimer &timer) const;

    WebhookRoutes *m_routes;
};

} // namespace relaydesk
