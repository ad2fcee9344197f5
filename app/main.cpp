#include "application.h"
#include "storage/database.h"

#include <QCoreApplication>
#include <memory>

#ifdef RELAYDESK_WITH_GUI
#include <QApplication>
#endif

int main(int argc, char **argv)
{
    [[maybe_unused]] const bool headless = relaydesk::Application::wantsHeadless(argc, argv);
    std::unique_ptr<QCoreApplication> app;
#ifdef RELAYDESK_WITH_GUI
    if (!headless) {
        app = std::make_unique<QApplication>(argc, argv);
        // Lets Wayland and docks match the window to its installed desktop entry.
        QGuiApplication::setDesktopFileName(QStringLiteral("dev.relaydesk.Relaydesk"));
    }
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("relaydesk"));
    QCoreApplication::setOrganizationName(QStringLiteral("Relaydesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RELAYDESK_VERSION));

    auto *application = new relaydesk::Application(app.get());
    const int status = application->run();
    // Destroying the application closes every SQL connection (Qt's post routines) while worker
    // threads may still be running their thread_local clean-up: from here on those leave their
    // statements to the process exit instead of racing the drivers.
    relaydesk::Database::prepareForProcessExit();
    app.reset();
    return status;
}
