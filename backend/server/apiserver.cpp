#include "server/apiserver.h"

#include "observability/counter.h"
#include "observability/histogram.h"
#include "observability/logger.h"
#include "observability/metricsregistry.h"
#include "server/airoutes.h"
#include "server/apiroutes.h"
#include "server/apitokenstore.h"
#include "server/customerroutes.h"
#include "server/httpserver.h"
#include "server/idempotency.h"
#include "server/webhookroutes.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QThread>

namespace relaydesk {

void ApiServer::ThreadStopper::operator()(QThread *thread) const
{
    thread->quit();
    thread->wait();
    delete thread;
}

ApiServer::ApiServer(Engine *engine, MetricsRegistry *metrics)
    : m_engine(engine)
    , m_metrics(metrics)
{}

ApiServer::~ApiServer()
{
    stop();
}

Outcome<quint16> ApiServer::start(const Settings &settings)
{
    ApiTokenStore tokens(settings.apiTokens);
    if (tokens.isEmpty()) {
        QString error;
        m_generatedTokenPath = tokens.ensureGenerated(settings.dataDir, &error);
        if (m_generatedTokenPath.isEmpty())
            return Outcome<quint16>::failure(
                ErrorKind::Internal, QStringLiteral("cannot create the API token: ") + error);
    }

    std::optional<QSslConfiguration> tls;
    if (!settings.tlsCertificateFile.isEmpty() || !settings.tlsKeyFile.isEmpty()) {
        QString error;
        tls = tlsConfiguration(settings, &error);
        if (!tls)
            return Outcome<quint16>::failure(ErrorKind::Invalid, error);
    }

    QHostAddress address;
    if (settings.listenHost == QLatin1String("localhost"))
        address = QHostAddress::LocalHost;
    else if (!address.setAddress(settings.listenHost))
        return Outcome<quint16>::failure(
            ErrorKind::Invalid,
            QStringLiteral("cannot listen on \"%1\": not an IP address").arg(settings.listenHost));

    m_thread.reset(new QThread);
    m_thread->setObjectName(QStringLiteral("http"));

    Counter *requests = m_metrics->counter(QStringLiteral("relaydesk_http_requests_total"),
                                           QStringLiteral("HTTP requests answered"),
                                           {QStringLiteral("route"), QStringLiteral("status")});
    Histogram *latency = m_metrics->histogram(
        QStringLiteral("relaydesk_http_request_duration_seconds"),
        QStringLiteral("Time from a complete request to its answer"), {QStringLiteral("route")});
    Histogram *ingest =
        m_metrics->histogram(QStringLiteral("relaydesk_ingest_duration_seconds"),
                             QStringLiteral("Time to accept a message durably (request to 202)"));

    m_server = new HttpServer;
    m_server->setMaxBodyBytes(settings.maxBodyBytes);
    m_server->setMaxHeaderBytes(settings.maxHeaderBytes);
    m_server->setIdleTimeoutMs(settings.idleTimeoutSeconds * 1000);
    if (tls)
        m_server->setTlsConfiguration(*tls);
    if (settings.rateLimitEnabled)
        m_server->setRateLimiter(std::make_shared<RateLimiter>(settings.rateLimitRequests,
                                                               settings.rateLimitPeriodSeconds));
    m_server->setTokenStore(tokens);
    m_routes = new ApiRoutes(m_engine, m_metrics, m_server);
    m_routes->install(*m_server);
    auto *webhooks = new WebhookRoutes(m_engine, m_server);
    webhooks->install(*m_server);
    auto *ai = new AiRoutes(m_engine, m_server);
    ai->install(*m_server);
    auto *customers = new CustomerRoutes(m_engine, m_server);
    customers->install(*m_server);
    auto *idempotency = new IdempotencyGuard(m_engine, m_server);
    idempotency->install(*m_server);
    m_server->setResponseHook([requests, latency, ingest](const HttpRequest &request, int status,
                                                          double seconds) {
        const QString route =
            request.routePattern().isEmpty() ? QStringLiteral("unmatched") : request.routePattern();
        requests->labels({route, QString::number(status)})->inc();
        latency->labels({route})->observe(seconds);
        if (status == 202 &&
            (route == QLatin1String("/message") || route == QLatin1String("/api/v1/messages/send")))
            ingest->observe(seconds);
        if (status >= 500)
            qCWarning(lcServer).noquote()
                << request.method() << request.path() << "answered" << status;
        else
            // The access log: the decoded path only (the query may hold search terms), which
            // the logger masks like any other text (customer routes name phones and e-mails).
            qCDebug(lcServer).noquote()
                << request.method() << request.path() << status
                << QString(QString::number(seconds * 1000.0, 'f', 1) + QStringLiteral("ms"));
    });
    m_server->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, m_server, &QObject::deleteLater);
    if (settings.metricsEnabled && settings.metricsPort != 0) {
        m_metricsServer = new HttpServer;
        m_routes->installMetricsOnly(*m_metricsServer);
        m_metricsServer->moveToThread(m_thread.get());
        QObject::connect(m_thread.get(), &QThread::finished, m_metricsServer,
                         &QObject::deleteLater);
    }
    m_thread->start();

    QString error;
    bool listening = false;
    // The listening socket must be created on the thread that will serve it.
    QMetaObject::invokeMethod(
        m_server,
        [&] {
            listening = m_server->listen(address, settings.listenPort, &error);
            if (listening)
                m_port = m_server->port();
            if (listening && m_metricsServer) {
                listening = m_metricsServer->listen(address, quint16(settings.metricsPort), &error);
                if (listening)
                    m_metricsPort = m_metricsServer->port();
                else
                    error =
                        QStringLiteral("metrics port %1: %2").arg(settings.metricsPort).arg(error);
            }
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        stop();
        return Outcome<quint16>::failure(ErrorKind::Unavailable,
                                         QStringLiteral("cannot listen on %1:%2: %3")
                                             .arg(settings.listenHost)
                                             .arg(settings.listenPort)
                                             .arg(error));
    }
    return m_port;
}

std::optional<QSslConfiguration> ApiServer::tlsConfiguration(const Settings &settings,
                                                             QString *error)
{
    if (settings.tlsCertificateFile.isEmpty() || settings.tlsKeyFile.isEmpty()) {
        *error = QStringLiteral("TLS needs both [server] tls_certificate and tls_key");
        return std::nullopt;
    }
    QFile certificateFile(settings.tlsCertificateFile);
    if (!certificateFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS certificate %1: %2")
                     .arg(settings.tlsCertificateFile, certificateFile.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificateFile.readAll());
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("the TLS certificate %1 holds no PEM certificate")
                     .arg(settings.tlsCertificateFile);
        return std::nullopt;
    }
    QFile keyFile(settings.tlsKeyFile);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the TLS key %1: %2")
                     .arg(settings.tlsKeyFile, keyFile.errorString());
        return std::nullopt;
    }
    const QByteArray pem = keyFile.readAll();
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Opaque}) {
        key = QSslKey(pem, algorithm, QSsl::Pem);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = QStringLiteral("the TLS key %1 is not an unencrypted PEM RSA or EC private key")
                     .arg(settings.tlsKeyFile);
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    return configuration;
}

void ApiServer::stop()
{
    if (!m_thread)
        return;
    // The server (and the routes, its child) are deleted on their thread as it finishes.
    m_thread.reset();
    m_server = nullptr;
    m_metricsServer = nullptr;
    m_routes = nullptr;
}

} // namespace relaydesk
