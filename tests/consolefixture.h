#pragma once

// What the console's GUI tests share: a real engine on a temporary SQLite database, QSettings
// in the same temporary directory, English strings, helpers that post customer messages the
// way the API does and wait for the engine while the event loop keeps running, and
// screenshots under RELAYDESK_SCREENSHOT_DIR.

#include "core/messageevent.h"
#include "core/settings.h"
#include "engine/engine.h"

#include <QFuture>
#include <QMap>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

class QWidget;

namespace relaydesk {

namespace ui {
class MainWindow;
}

class ConsoleFixture
{
public:
    static constexpr int kJobTimeoutMs = 15000;

    struct Post {
        QString user;
        QString text;
        Platform platform = Platform::Telegram;
        Priority priority = Priority::Normal;
        QMap<QString, QString> metadata;
        QList<Attachment> attachments;
    };

    ConsoleFixture() = default;
    ~ConsoleFixture();

    // Call from initTestCase. `configure` adjusts the engine's settings (channels, AI mode).
    bool start(const QString &applicationName,
               const std::function<void(Settings &)> &configure = {});
    void stop();
    QString errorString() const { return m_error; }
    Engine *engine() const { return m_engine.get(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

    template <typename T> static Outcome<T> await(QFuture<Outcome<T>> future)
    {
        // Keep the event loop running: the window under test must see the engine's signals.
        if (!QTest::qWaitFor([&] { return future.isFinished(); }, kJobTimeoutMs))
            return Outcome<T>::failure(ErrorKind::Unavailable, QStringLiteral("timed out"));
        return future.result();
    }

    Outcome<IngestResult> ingest(const Post &post);
    Outcome<IngestResult> ingest(const QString &user, const QString &text,
                                 Platform platform = Platform::Telegram,
                                 Priority priority = Priority::Normal);
    QList<MessageEvent> eventsOf(const QString &messageId);
    QString stateOf(const QString &messageId);
    Outcome<Conversation> conversation(const QString &conversationId);
    // The newest AI draft of the conversation still waiting for review, once the engine wrote
    // it; empty on timeout.
    QString waitForDraft(const QString &conversationId);

    // Shows the window at a screenshot-friendly size and waits for the inbox's first page.
    static bool open(ui::MainWindow &window);
    static QString screenshotDir();
    static bool screenshot(QWidget *widget, const QString &name);

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Engine> m_engine;
    QString m_error;
};

} // namespace relaydesk
