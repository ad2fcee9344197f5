#pragma once

#include "channels/channeladapter.h"
#include "channels/telegramapi.h"
#include "channels/telegramchannel.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk {

class InboundSink;

// getUpdates long polling on the engine thread, for a desktop that Telegram cannot reach.
//
// The offset (last update_id + 1) is what tells Telegram an update was handled, so it only
// moves after every message of a batch is durable in the engine and the new offset itself is
// saved (InboundSink state "telegram"/"offset"). A crash in between re-fetches the batch after
// the restart, and the engine drops the repeats by their client message id: nothing is
// processed twice and nothing is lost. Errors back off exponentially (1 s to 60 s) or for
// Telegram's retry_after; stop() aborts the pending long poll at once.
class TelegramPoller : public QObject
{
    Q_OBJECT

public:
    using Reporter = std::function<void(const SendResult &)>;

    static constexpr int InitialBackoffMs = 1000;
    static constexpr int MaxBackoffMs = 60 * 1000;

    TelegramPoller(QNetworkAccessManager *network, TelegramApi api, int longPollSeconds,
                   Reporter report, QObject *parent = nullptr);
    ~TelegramPoller() override;

    void start(InboundSink *sink);
    void stop();
    bool isRunning() const { return m_running; }
    // The offset the next getUpdates sends; 0 before the first update.
    qint64 offset() const { return m_offset; }

    static QJsonObject requestBody(qint64 offset, int timeoutSeconds);
    static int backoffMs(int failures);

private:
    void loadOffset();
    void poll();
    void onPollFinished(QNetworkReply *reply, quint64 generation);
    void deliver(QList<TelegramChannel::Update> batch, int index, qint64 nextOffset,
                 quint64 generation);
    void commit(qint64 nextOffset, quint64 generation);
    void acknowledgeCallback(const QString &callbackQueryId);
    void failed(const QString &error, int retryAfterSeconds);
    void retryLater(int delayMs);
    bool isCurrent(quint64 generation) const { return m_running && generation == m_generation; }

    QNetworkAccessManager *m_network;
    TelegramApi m_api;
    int m_longPollSeconds;
    Reporter m_report;
    InboundSink *m_sink = nullptr;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QElapsedTimer m_pollClock;
    qint64 m_offset = 0;
    bool m_offsetLoaded = false;
    int m_failures = 0;
    bool m_running = false;
    // Bumped by every start and stop, so answers from a previous run are recognised and dropped.
    quint64 m_generation = 0;
};

} // namespace relaydesk
