#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QObject>

namespace relaydesk {

class Engine;
class HttpServer;
class MetricsRegistry;

// The HTTP API of the engine (seed 000 and seed 001 shapes plus /api/v1). Handlers run on the
// HTTP thread: they parse and validate, hand the work to the engine, and answer when the
// engine's future resolves — a 202 is written only after the message is committed.
class ApiRoutes : public QObject
{
    Q_OBJECT

public:
    ApiRoutes(Engine *engine, MetricsRegistry *metrics, QObject *parent = nullptr);

    // The API routes; /metrics too unless metrics are disabled or served on their own port.
    void install(HttpServer &server);
    // Only /metrics, for the dedicated `[metrics] port` listener (scrapers carry no token there).
    void installMetricsOnly(HttpServer &server);

private:
    void health(const HttpRequest &request, const HttpResponder &responder);
    void ready(const HttpRequest &request, const HttpResponder &responder);
    void metrics(const HttpRequest &request, const HttpResponder &responder);
    void postMessage(const HttpRequest &request, const HttpResponder &responder);
    void sendMessage(const HttpRequest &request, const HttpResponder &responder);
    void listMessages(const HttpRequest &request, const HttpResponder &responder);
    void getMessage(const HttpRequest &request, const HttpResponder &responder);
    void approveMessage(const HttpRequest &request, const HttpResponder &responder);
    void rejectMessage(const HttpRequest &request, const HttpResponder &responder);
    void listConversations(const HttpRequest &request, const HttpResponder &responder);
    void getConversation(const HttpRequest &request, const HttpResponder &responder);
    void patchConversation(const HttpRequest &request, const HttpResponder &responder);
    void replyToConversation(const HttpRequest &request, const HttpResponder &responder);
    void listJobs(const HttpRequest &request, const HttpResponder &responder);
    void retryJob(const HttpRequest &request, const HttpResponder &responder);
    void discardJob(const HttpRequest &request, const HttpResponder &responder);
    void addNote(const HttpRequest &request, const HttpResponder &responder);
    void listChannels(const HttpRequest &request, const HttpResponder &responder);

    Engine *m_engine;
    MetricsRegistry *m_metrics;
};

} // namespace relaydesk
