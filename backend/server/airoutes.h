#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QObject>

namespace relaydesk {

class Engine;
class HttpServer;

// The AI side of the API: POST /api/v1/messages/{id}/regenerate (an operator asks for a new
// draft, optionally with an instruction), GET /api/v1/usage (tokens and cost per provider,
// model, conversation or day) and GET /api/v1/ai/providers (the chain and its circuit breakers).
class AiRoutes : public QObject
{
    Q_OBJECT

public:
    explicit AiRoutes(Engine *engine, QObject *parent = nullptr);

    void install(HttpServer &server);

private:
    void regenerate(const HttpRequest &request, const HttpResponder &responder);
    void usage(const HttpRequest &request, const HttpResponder &responder);
    void providers(const HttpRequest &request, const HttpResponder &responder);

    Engine *m_engine;
};

} // namespace relaydesk
