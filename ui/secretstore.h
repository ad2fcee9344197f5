#pragma once

#include "core/settings.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace relaydesk::ui {

// API keys and tokens in the operating system's keychain (Secret Service, KWallet, macOS
// Keychain, Windows Credential Manager) through QtKeychain, never in a plain settings file: when
// no keychain is reachable the operation fails and says so, and nothing is written elsewhere.
// Calls are asynchronous; the callback runs on the store's thread.
class SecretStore : public QObject
{
    Q_OBJECT

public:
    // The keychain entry names; the engine's environment variables say the same thing.
    struct Entry {
        QString key;         // "ai.anthropic.api_key"
        QString environment; // "ANTHROPIC_API_KEY"
    };
    using Done = std::function<void(bool ok, const QString &error)>;
    using Loaded = std::function<void(bool ok, const QString &value, const QString &error)>;
    // `applied`: the keys whose keychain value went into the settings; `error`: why the
    // keychain could not be read (empty when it could, even if it held nothing).
    using SettingsLoaded = std::function<void(const QStringList &applied, const QString &error)>;

    explicit SecretStore(QObject *parent = nullptr);

    static QString service();
    static QList<Entry> entries();

    void write(const QString &key, const QString &value, Done done);
    void read(const QString &key, Loaded loaded);
    void remove(const QString &key, Done done);
    // Reads every entry and fills the matching setting where it is still empty: a value from
    // the command line, the environment or the configuration file is what the operator asked
    // for and wins. `settings` must outlive the call; `loaded` runs once, after the last read.
    void loadSettings(Settings *settings, SettingsLoaded loaded);
    // Puts `value` into the setting that `key` (an entry name) stands for unless that setting
    // is already set; false for an unknown key or a setting that was kept.
    static bool applySecret(Settings &settings, const QString &key, const QString &value);

    // The sentence shown when the keychain cannot be used, with the alternatives.
    static QString fallbackMessage(const QString &error);
};

} // namespace relaydesk::ui
