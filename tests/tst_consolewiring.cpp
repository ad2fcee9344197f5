// How the console is wired at start-up: secrets saved in the system keychain fill the settings
// the engine starts with (and, with no keychain, the operator is told what to do instead),
// the status bar names the engine state, the API address, the database and the queue depth,
// the language follows the choice made in the settings dialog, and the dialog's AI providers
// page tests a provider against a fake OpenAI speaking the real wire protocol.

#include "consolefixture.h"
#include "fakes/fakeopenai.h"
#include "ui/composer.h"
#include "ui/conversationview.h"
#include "ui/mainwindow.h"
#include "ui/secretstore.h"
#include "ui/settingsdialog.h"
#include "ui/translations.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>

using namespace relaydesk;
using namespace relaydesk::ui;

class TestConsoleWiring : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;

    static QString labelText(MainWindow &window, const QString &name)
    {
        auto *label = window.statusBar()->findChild<QLabel *>(name);
        return label ? label->text() : QStringLiteral("<no %1>").arg(name);
    }

private slots:
    void initTestCase()
    {
        // No keychain daemon can answer on this bus: the fallback path is what is tested,
        // the same way on every machine.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/relaydesk-test-bus");
        QVERIFY2(m_console.start(QStringLiteral("tst_consolewiring")),
                 qPrintable(m_console.errorString()));
    }

    void init() { QSettings().clear(); }

    void cleanupTestCase()
    {
        installTranslations(qApp, QLocale(QLocale::English, QLocale::UnitedStates));
        m_console.stop();
    }

    void keychainSecretsFillOnlyEmptySettings()
    {
        Settings settings;
        settings.openai.apiKey = QStringLiteral("sk-from-environment");
        for (const SecretStore::Entry &entry : SecretStore::entries())
            SecretStore::applySecret(settings, entry.key, QStringLiteral("kc-") + entry.key);
        // What the command line, environment or config file set is kept.
        QCOMPARE(settings.openai.apiKey, QStringLiteral("sk-from-environment"));
        QCOMPARE(settings.anthropic.apiKey, QStringLiteral("kc-ai.anthropic.api_key"));
        QCOMPARE(settings.telegram.botToken, QStringLiteral("kc-channels.telegram.bot_token"));
        QCOMPARE(settings.discord.botToken, QStringLiteral("kc-channels.discord.bot_token"));
        QCOMPARE(settings.twilio.authToken, QStringLiteral("kc-channels.twilio.auth_token"));
        QCOMPARE(settings.sendgrid.apiKey, QStringLiteral("kc-channels.sendgrid.api_key"));
        QCOMPARE(settings.twitter.bearerToken, QStringLiteral("kc-channels.twitter.bearer_token"));
        QCOMPARE(settings.webhookSecret, QStringLiteral("kc-channels.webhook.secret"));
        QVERIFY(!SecretStore::applySecret(settings, QStringLiteral("ai.unknown.api_key"),
                                          QStringLiteral("x")));
        // An empty keychain entry does not clear anything.
        Settings empty;
        QVERIFY(!SecretStore::applySecret(empty, QStringLiteral("ai.anthropic.api_key"), {}));
        QVERIFY(empty.anthropic.apiKey.isEmpty());
    }

    void noKeychainLoadsNothingAndExplainsTheFallback()
    {
        Settings settings;
        settings.telegram.botToken = QStringLiteral("123:from-config");
        SecretStore store;
        bool finished = false;
        QStringList applied{QStringLiteral("not called")};
        QString error;
        store.loadSettings(&settings, [&](const QStringList &keys, const QString &why) {
            finished = true;
            applied = keys;
            error = why;
        });
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QVERIFY(applied.isEmpty());
        QVERIFY2(!error.isEmpty(), "a keychain answered on a bus that does not exist");
        QCOMPARE(settings.telegram.botToken, QStringLiteral("123:from-config"));
        QVERIFY(settings.anthropic.apiKey.isEmpty());
        const QString message = SecretStore::fallbackMessage(error);
        QVERIFY2(message.startsWith(QStringLiteral("No system keychain is available")),
                 qPrintable(message));
        QVERIFY(message.contains(error));
        // It says what to do instead.
        QVERIFY(message.contains(QStringLiteral("ANTHROPIC_API_KEY")));
        QVERIFY(message.contains(QStringLiteral("configuration file")));
        // Shown where the operator looks at start-up.
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.showStatus(message);
        QCOMPARE(window.statusBar()->currentMessage(), message);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("wiring-keychain-fallback")));
    }

    void statusBarNamesEngineApiDatabaseAndQueue()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        QCOMPARE(labelText(window, QStringLiteral("apiAddressLabel")), QStringLiteral("API: off"));
        window.setApiAddress(QStringLiteral("127.0.0.1:3030"));
        QCOMPARE(labelText(window, QStringLiteral("apiAddressLabel")),
                 QStringLiteral("API: 127.0.0.1:3030"));
        const QString database = labelText(window, QStringLiteral("databaseLabel"));
        QVERIFY2(database.contains(m_console.engine()->databaseConfig().displayName()),
                 qPrintable(database));
        QVERIFY2(database.contains(QStringLiteral(".db")) ||
                     database.contains(QStringLiteral("sqlite")),
                 qPrintable(database));
        QTRY_COMPARE(labelText(window, QStringLiteral("engineStateLabel")),
                     QStringLiteral("Engine running"));
        QTRY_VERIFY(
            labelText(window, QStringLiteral("statsLabel"))
                .startsWith(
                    QStringLiteral("Queue: %1").arg(m_console.engine()->stats().readyJobs)));
        QVERIFY(
            ConsoleFixture::screenshot(window.statusBar(), QStringLiteral("wiring-status-bar")));
        window.setApiAddress(QString());
        QCOMPARE(labelText(window, QStringLiteral("apiAddressLabel")), QStringLiteral("API: off"));
    }

    void providerTestButtonAsksTheProvider()
    {
        FakeOpenAi openai;
        openai.setReply(QStringLiteral("OK"));
        Settings settings;
        settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
        settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
        settings.openai.baseUrl = openai.baseUrl();
        SettingsDialog dialog;
        dialog.showProviders(settings);
        QCOMPARE(dialog.tabs()->tabText(1), QStringLiteral("AI providers"));
        dialog.tabs()->setCurrentIndex(1);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));

        const int before = int(openai.requests().size());
        QPushButton *test = dialog.providerTestButton(QStringLiteral("openai"));
        QVERIFY(test);
        test->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isTestingProvider(), 30000);
        const QString answered = dialog.providerResult(QStringLiteral("openai"))->text();
        QVERIFY2(answered.startsWith(QStringLiteral("Answered in")), qPrintable(answered));
        QVERIFY(answered.contains(QStringLiteral("\"OK\"")));
        QCOMPARE(int(openai.requests().size()), before + 1);
        // The same client the engine uses: bearer key, model, the question.
        const RecordedRequest asked = openai.requests().constLast();
        QCOMPARE(asked.header("authorization"),
                 QByteArray("Bearer ") + QByteArray(FakeOpenAi::kApiKey));
        QVERIFY(asked.body.contains("Reply with OK."));
        QVERIFY(ConsoleFixture::screenshot(&dialog, QStringLiteral("dialog-settings-providers")));

        // A provider without a key is not asked; the dialog says why.
        dialog.providerTestButton(QStringLiteral("anthropic"))->click();
        QCOMPARE(dialog.providerResult(QStringLiteral("anthropic"))->text(),
                 QStringLiteral("No API key is set for anthropic."));
        QVERIFY(!dialog.isTestingProvider());

        // A refused key is reported with the provider's status.
        SettingsDialog wrong;
        settings.openai.apiKey = QStringLiteral("sk-wrong");
        wrong.showProviders(settings);
        wrong.providerTestButton(QStringLiteral("openai"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(!wrong.isTestingProvider(), 30000);
        const QString refused = wrong.providerResult(QStringLiteral("openai"))->text();
        QVERIFY2(refused.startsWith(QStringLiteral("Failed (HTTP 401)")), qPrintable(refused));
    }

    void languageChosenInSettingsIsUsedAtStartUp()
    {
        // The settings dialog writes the choice...
        {
            SettingsDialog dialog;
            auto *language = dialog.findChild<QComboBox *>(QStringLiteral("languageBox"));
            QVERIFY(language);
            QCOMPARE(language->currentData().toString(), QString());
            language->setCurrentIndex(language->findData(QStringLiteral("de")));
            dialog.accept();
        }
        QCOMPARE(QSettings().value(SettingsDialog::languageKey()).toString(), QStringLiteral("de"));
        // ...and start-up installs it, whatever the system locale is.
        QVERIFY(installTranslations());
        {
            MainWindow window(m_console.engine());
            QCOMPARE(window.inboxDock()->windowTitle(), QStringLiteral("Posteingang"));
            QCOMPARE(window.conversationView()->composerWidget()->noteToggle()->accessibleName(),
                     QStringLiteral("Private Notiz"));
            QVERIFY(ConsoleFixture::open(window));
            QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("wiring-german")));
        }
        // English has no translation file: the source strings are English.
        QSettings().setValue(SettingsDialog::languageKey(), QStringLiteral("en"));
        QVERIFY(!installTranslations());
        MainWindow window(m_console.engine());
        QCOMPARE(window.inboxDock()->windowTitle(), QStringLiteral("Inbox"));
        // "System language" leaves the choice to the locale again.
        QSettings().setValue(SettingsDialog::languageKey(), QString());
        const bool systemHasOne = installTranslations(qApp, QLocale::system());
        QCOMPARE(installTranslations(), systemHasOne);
    }
};

QTEST_MAIN(TestConsoleWiring)
#include "tst_consolewiring.moc"
