#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

namespace relaydesk {

class Engine;
class HttpServer;

// The inbound side of the channels: every platform's webhook endpoint under /api/v1/webhooks/.
// They are public routes (no bearer token): each verifies its platform's signature first, logs
// the attempt to webhook_logs (secrets stripped), and only then hands the message to the engine.
// Each platform's handlers live in their own file and are installed from install().
class WebhookRoutes : public QObject
{
    Q_OBJECT

public:
    WebhookRoutes(Engine *engine, QObject *parent = nullptr);

    void install(HttpServer &server);

    // Shared by every platform's handlers.
    // Headers for the audit log, with signatures, tokens and cookies removed.
    static QJsonObject loggableHeaders(const HttpRequest &request);
    // Replay protection for signatures over "timestamp + body" (Discord, SendGrid): the Unix
    // seconds must lie within toleranceSeconds of Clock::now(), either way.
    static bool isFreshTimestamp(const QByteArray &unixSeconds, int toleranceSeconds);
    // Writes the webhook_logs row for this request.
    void log(const HttpRequest &request, const QString &channel, int status, bool verified,
             const QString &outcome, const QElapsedTimer &timer) const;
    // Answers 401 for a failed verification and logs it; nothing is processed.
    void rejectUnverified(const HttpRequest &request, const HttpResponder &responder,
                          const QString &channel, const QString &reason,
                          const QElapsedTimer &timer) const;
    Engine *engine() const { return m_engine; }

private:
    void generic(const HttpRequest &request, const HttpResponder &responder);

    Engine *m_engine;
};

} // namespace relaydesk
