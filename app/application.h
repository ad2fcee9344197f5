#pragma once

#include "core/settings.h"

#include <QObject>
#include <QStringList>
#include <memory>

class QCoreApplication;

namespace relaydesk {

class ApiServer;
class Engine;

// Parses the command line, resolves the settings, and wires engine, API server and (unless
// headless) the console window. Owns their lifetimes and the orderly shutdown on SIGTERM/SIGINT.
class Application : public QObject
{
    Q_OBJECT

public:
    // Must run before any QCoreApplication exists: decides between QApplication and
    // QCoreApplication.
    static bool wantsHeadless(int argc, char **argv);

    explicit Application(QCoreApplication *app);
    ~Application() override;

    // Returns the process exit code.
    int run();

private:
    int startHeadless();
    int startConsole();
    bool startEngine(QString *error);
    void startApi(bool required, QString *error, bool *ok);
    void installSignalHandlers();
    void shutdown();

    QCoreApplication *m_app;
    Settings m_settings;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<ApiServer> m_api;
    bool m_headless = false;
    // host:port while the API serves (the console's status bar shows it).
    QString m_apiAddress;
};

} // namespace relaydesk
