#pragma once

#include "core/outcome.h"
#include "core/settings.h"

#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>
#include <memory>
#include <optional>

class QThread;

namespace relaydesk {

class ApiRoutes;
class Engine;
class HttpServer;
class MetricsRegistry;

// Runs the HTTP API on its own thread ("http") so slow consoles or a busy GUI thread never
// delay a response, and requests never wait on each other beyond their parsing.
class ApiServer
{
public:
    ApiServer(Engine *engine, MetricsRegistry *metrics);
    ~ApiServer();

    // Resolves the API tokens (generating one in the data directory when none is configured)
    // and starts listening. Returns the bound port.
    Outcome<quint16> start(const Settings &settings);
    void stop();
    quint16 port() const { return m_port; }
    quint16 metricsPort() const { return m_metricsPort; }
    // Where the generated token was stored, empty when tokens were configured.
    QString generatedTokenPath() const { return m_generatedTokenPath; }
    // The HTTPS set-up of [server] tls_certificate / tls_key, or nullopt with *error saying
    // which file is missing, unreadable or not PEM.
    static std::optional<QSslConfiguration> tlsConfiguration(const Settings &settings,
                                                             QString *error);

private:
    struct ThreadStopper {
        void operator()(QThread *thread) const;
    };
    Engine *m_engine;
    MetricsRegistry *m_metrics;
    std::unique_ptr<QThread, ThreadStopper> m_thread;
    HttpServer *m_server = nullptr;        // lives on m_thread
    HttpServer *m_metricsServer = nullptr; // only with a dedicated [metrics] port
    ApiRoutes *m_routes = nullptr;         // lives on m_thread
    quint16 m_port = 0;
    quint16 m_metricsPort = 0;
    QString m_generatedTokenPath;
};

} // namespace relaydesk
