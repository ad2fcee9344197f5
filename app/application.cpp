#include "application.h"

#include "core/settingsloader.h"
#include "engine/engine.h"
#include "observability/gauge.h"
#include "observability/logger.h"
#include "observability/metricsregistry.h"
#include "server/apiserver.h"

#ifdef RELAYDESK_WITH_GUI
#include "ui/mainwindow.h"
#include "ui/secretstore.h"
#include "ui/translations.h"
#include <QApplication>
#include <QEventLoop>
#include <QMessageBox>
#include <QTimer>
#endif

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <QThreadPool>
#include <csignal>
#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <unistd.h>
#endif
#ifdef Q_OS_WIN
#include <windows.h>
#endif

namespace relaydesk {

namespace {

#ifdef RELAYDESK_WITH_GUI
constexpr int kKeychainTimeoutMs = 5000;
#endif

#ifdef Q_OS_UNIX
int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    // Only async-signal-safe work here: wake the event loop through the pipe.
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}
#endif

#ifdef Q_OS_WIN
BOOL WINAPI onConsoleEvent(DWORD)
{
    // Runs on a thread of its own: queue the quit onto the main thread's event loop.
    QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit,
                              Qt::QueuedConnection);
    return TRUE;
}
#endif

void printError(const QString &text)
{
    QTextStream(stderr) << text << Qt::endl;
}

} // namespace

bool Application::wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0)
            return true;
        // Options that print and exit need no display either.
        if (qstrcmp(argv[i], "--help") == 0 || qstrcmp(argv[i], "-h") == 0 ||
            qstrcmp(argv[i], "--version") == 0 || qstrcmp(argv[i], "-v") == 0)
            return true;
    }
#ifndef RELAYDESK_WITH_GUI
    return true;
#else
    return false;
#endif
}

Application::Application(QCoreApplication *app)
    : QObject(app)
    , m_app(app)
{}

Application::~Application()
{
    shutdown();
}

int Application::run()
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Relaydesk: operator console and message engine for customer conversations "
                       "on Telegram, Discord, X, SMS/MMS, e-mail and webhooks."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("Run the server without the console window."));
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("Read settings from the TOML <file>."),
                                    QStringLiteral("file"));
    const QCommandLineOption databaseUrl(
        QStringLiteral("database-url"),
        QStringLiteral("Database: sqlite:///path or postgresql://user:pass@host:port/db."),
        QStringLiteral("url"));
    const QCommandLineOption listen(QStringLiteral("listen"),
                                    QStringLiteral("Serve the HTTP API on <host:port> "
                                                   "(default 127.0.0.1:3030)."),
                                    QStringLiteral("host:port"));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     QStringLiteral("Keep the database and API token in <dir>."),
                                     QStringLiteral("dir"));
    const QCommandLineOption logLevel(QStringLiteral("log-level"),
                                      QStringLiteral("Log level: debug, info, warning, error."),
                                      QStringLiteral("level"));
    parser.addOptions({headless, config, databaseUrl, listen, dataDir, logLevel});
    QString help = parser.helpText();
    if (parser.parse(m_app->arguments()) == false) {
        printError(parser.errorText() + QStringLiteral("\nTry 'relaydesk --help'."));
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << help << Qt::endl << SettingsLoader::helpText() << Qt::endl;
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << QStringLiteral("relaydesk ") << QStringLiteral(RELAYDESK_VERSION)
                            << Qt::endl;
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("unexpected argument: ") + parser.positionalArguments().first() +
                   QStringLiteral("\nTry 'relaydesk --help'."));
        return 2;
    }

    SettingsSources sources;
    sources.environment = QProcessEnvironment::systemEnvironment();
    for (const QCommandLineOption &option : {config, databaseUrl, listen, dataDir, logLevel}) {
        if (parser.isSet(option))
            sources.commandLine.insert(option.names().first(), parser.value(option));
    }
    auto settings = SettingsLoader::load(sources);
    if (!settings.isOk()) {
        printError(settings.error().message);
        return 2;
    }
    m_settings = settings.value();
    Logger::install(m_settings.logLevel);
    m_headless = parser.isSet(headless);
#ifndef RELAYDESK_WITH_GUI
    m_headless = true;
#endif
    installSignalHandlers();
    return m_headless ? startHeadless() : startConsole();
}

bool Application::startEngine(QString *error)
{
    if (m_settings.threadPoolSize > 0)
        QThreadPool::globalInstance()->setMaxThreadCount(m_settings.threadPoolSize);
    m_engine = std::make_unique<Engine>(m_settings);
    auto started = m_engine->start();
    if (!started.isOk()) {
        *error = started.error().message;
        m_engine.reset();
        return false;
    }
    Engine *engine = m_engine.get();
    auto &metrics = MetricsRegistry::instance();
    metrics.gaugeCallback(QStringLiteral("relaydesk_queue_ready_jobs"),
                          QStringLiteral("Jobs waiting to run"),
                          [engine] { return double(engine->stats().readyJobs); });
    metrics.gaugeCallback(QStringLiteral("relaydesk_active_conversations"),
                          QStringLiteral("Open and pending conversations"),
                          [engine] { return double(engine->stats().activeConversations); });
    qCInfo(lcApp).noquote() << "engine started on" << engine->databaseConfig().displayName();
    return true;
}

void Application::startApi(bool required, QString *error, bool *ok)
{
    m_api = std::make_unique<ApiServer>(m_engine.get(), &MetricsRegistry::instance());
    auto port = m_api->start(m_settings);
    *ok = port.isOk();
    if (!port.isOk()) {
        *error = port.error().message;
        m_api.reset();
        if (required)
            return;
        qCWarning(lcApp).noquote() << "HTTP API not available:" << *error;
        return;
    }
    m_apiAddress = QStringLiteral("%1:%2").arg(m_settings.listenHost).arg(port.value());
    qCInfo(lcApp).noquote() << "HTTP API listening on" << m_apiAddress;
    if (!m_api->generatedTokenPath().isEmpty())
        qCInfo(lcApp).noquote() << "no API token configured; generated one in"
                                << m_api->generatedTokenPath();
}

int Application::startHeadless()
{
    QString error;
    if (!startEngine(&error)) {
        printError(QStringLiteral("relaydesk: cannot start the engine: ") + error);
        return 1;
    }
    bool ok = false;
    startApi(true, &error, &ok);
    if (!ok) {
        printError(QStringLiteral("relaydesk: ") + error);
        shutdown();
        return 1;
    }
    const int code = m_app->exec();
    shutdown();
    return code;
}

int Application::startConsole()
{
#ifdef RELAYDESK_WITH_GUI
    ui::installTranslations();
    // Keys saved from the settings dialog live in the system keychain; they fill what the
    // command line, environment and config file left empty before the engine reads them.
    QString keychainError;
    {
        ui::SecretStore store;
        QEventLoop loop;
        bool finished = false;
        store.loadSettings(&m_settings, [&](const QStringList &applied, const QString &error) {
            keychainError = error;
            finished = true;
            if (!applied.isEmpty())
                qCInfo(lcApp).noquote()
                    << "secrets from the system keychain:" << applied.join(QStringLiteral(", "));
            loop.quit();
        });
        // A keychain daemon that never answers must not keep the console from opening.
        QTimer::singleShot(kKeychainTimeoutMs, &loop, &QEventLoop::quit);
        if (!finished)
            loop.exec();
        if (!finished)
            keychainError = QObject::tr("the keychain did not answer");
        if (!keychainError.isEmpty())
            qCWarning(lcApp).noquote() << ui::SecretStore::fallbackMessage(keychainError);
    }
    QString error;
    if (!startEngine(&error)) {
        QMessageBox::critical(nullptr, QObject::tr("Relaydesk"),
                              QObject::tr("The message engine could not start:\n\n%1").arg(error));
        return 1;
    }
    bool ok = false;
    startApi(false, &error, &ok);
    auto window = std::make_unique<ui::MainWindow>(m_engine.get());
    window->setApiAddress(ok ? m_apiAddress : QString());
    window->show();
    if (!keychainError.isEmpty())
        window->showStatus(ui::SecretStore::fallbackMessage(keychainError));
    const int code = m_app->exec();
    window.reset();
    shutdown();
    return code;
#else
    return startHeadless();
#endif
}

void Application::installSignalHandlers()
{
#ifdef Q_OS_WIN
    SetConsoleCtrlHandler(onConsoleEvent, TRUE);
#endif
#ifdef Q_OS_UNIX
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this, notifier] {
        notifier->setEnabled(false);
        char byte;
        [[maybe_unused]] const auto read = ::read(g_signalPipe[0], &byte, 1);
        qCInfo(lcApp) << "signal received, shutting down";
        m_app->quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
#endif
}

void Application::shutdown()
{
    // Stop taking requests first, then let the engine finish or release its jobs and flush.
    if (m_api) {
        m_api->stop();
        m_api.reset();
    }
    if (m_engine) {
        MetricsRegistry::instance().removeGaugeCallback(
            QStringLiteral("relaydesk_queue_ready_jobs"));
        MetricsRegistry::instance().removeGaugeCallback(
            QStringLiteral("relaydesk_active_conversations"));
        m_engine->stop();
        m_engine.reset();
        qCInfo(lcApp) << "stopped";
    }
}

} // namespace relaydesk
