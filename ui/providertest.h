#pragma once

#include "core/settings.h"

#include <QObject>
#include <memory>

class QNetworkAccessManager;

namespace relaydesk {
class ChatProvider;
}

namespace relaydesk::ui {

// The settings dialog's Test button for an AI provider: asks the provider, as the engine's
// settings configure it (key, base URL, model), for a one-word answer through the same client
// the engine drafts with, and says how it went.
class ProviderTest : public QObject
{
    Q_OBJECT

public:
    static constexpr int kTimeoutMs = 20000;

    explicit ProviderTest(QObject *parent = nullptr);
    ~ProviderTest() override;

    // "anthropic", "openai" or "local". Returns why the provider cannot be asked (no API key,
    // unknown name), or an empty string when the question is on its way: finished() follows.
    QString start(const Settings &settings, const QString &provider);
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void finished(const QString &provider, bool ok, const QString &summary);

private:
    QNetworkAccessManager *m_network;
    std::unique_ptr<ChatProvider> m_provider;
    bool m_running = false;
};

} // namespace relaydesk::ui
