#pragma once

#include "core/settings.h"
#include "ui/cannedresponses.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace relaydesk::ui {

class ProviderTest;
class SecretStore;

// The console's own settings: the operator's name, language and colours, urgent-message
// notifications, the canned responses typed as "/name" in the composer, and API keys and
// tokens stored in the system keychain. Everything but the secrets lives in QSettings and is
// written when the dialog is accepted.
class SettingsDialog : public QDialog
{
    Q_OBJECT

public:
    // QSettings keys shared with the rest of the console.
    static QString operatorKey();
    static QString languageKey();
    static QString themeKey();
    static QString notifyKey();

    explicit SettingsDialog(QWidget *parent = nullptr);

    QTabWidget *tabs() const { return m_tabs; }
    QLineEdit *operatorEdit() const { return m_operator; }
    QTableWidget *cannedTable() const { return m_canned; }
    QLineEdit *secretEdit(const QString &key) const { return m_secrets.value(key); }
    QPushButton *saveSecretsButton() const { return m_saveSecrets; }
    QLabel *secretStatus() const { return m_secretStatus; }
    bool isSavingSecrets() const { return m_pendingSecrets > 0; }

    // Adds the "AI providers" page: each provider as the running engine was configured (model,
    // base URL, whether a key is set, place in the chain) with a Test button that asks it for
    // a one-word answer.
    void showProviders(const Settings &engineSettings);
    QPushButton *providerTestButton(const QString &provider) const
    {
        return m_providerTests.value(provider);
    }
    QLabel *providerResult(const QString &provider) const
    {
        return m_providerResults.value(provider);
    }
    bool isTestingProvider() const;

    void addCannedResponse(const QString &name, const QString &text);
    QList<CannedResponse> cannedResponses() const;

    void accept() override;

public Q_SLOTS:
    void saveSecrets();

Q_SIGNALS:
    // The settings were written; the console applies what it can at once.
    void applied();

private:
    QWidget *buildGeneral();
    QWidget *buildCanned();
    QWidget *buildSecrets();

    QTabWidget *m_tabs = nullptr;
    QLineEdit *m_operator = nullptr;
    QComboBox *m_language = nullptr;
    QComboBox *m_theme = nullptr;
    QCheckBox *m_notify = nullptr;
    QTableWidget *m_canned = nullptr;
    QHash<QString, QLineEdit *> m_secrets;
    QPushButton *m_saveSecrets = nullptr;
    QLabel *m_secretStatus = nullptr;
    SecretStore *m_store = nullptr;
    Settings m_engineSettings;
    ProviderTest *m_providerTest = nullptr;
    QHash<QString, QPushButton *> m_providerTests;
    QHash<QString, QLabel *> m_providerResults;
    int m_pendingSecrets = 0;
    QStringList m_secretErrors;
};

} // namespace relaydesk::ui
