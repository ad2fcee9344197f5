#pragma once

#include <QObject>
#include <QString>

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

    explicit SecretStore(QObject *parent = nullptr);

    static QString service();
    static QList<Entry> entries();

    void write(const QString &key, const QString &value, Done done);
    void read(const QString &key, Loaded loaded);
    void remove(const QString &key, Done done);

    // The sentence shown when the keychain cannot be used, with the alternatives.
    static QString fallbackMessage(const QString &error);
};

} // namespace relaydesk::ui
