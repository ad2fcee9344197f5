#pragma once

#include "ai/providerrouter.h"
#include "ai/usagerecord.h"
#include "channels/channeladapter.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QFrame;
class QLabel;
class QVBoxLayout;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

// The health dock: every channel (from Engine::channelStatuses) and every AI provider of the
// chain (Engine::aiProviderStatuses, with its circuit breaker) as a card whose colour and words
// say whether it works, with the last error and, for providers, today's calls, failures,
// average latency, tokens and cost from the usage table.
class HealthPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Level { Good, Warning, Bad, Idle };

    static constexpr int kRefreshMs = 2000;

    explicit HealthPanel(Engine *engine, QWidget *parent = nullptr);

    // The state words shown for a channel or provider ("channel:telegram", "ai:openai").
    QString stateText(const QString &key) const;
    Level level(const QString &key) const;
    QString detailText(const QString &key) const;
    QStringList keys() const { return m_order; }

    static Level channelLevel(const ChannelHealth &health);
    static Level providerLevel(const CircuitBreaker::Snapshot &breaker);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void loaded();

private:
    struct Card {
        QFrame *frame = nullptr;
        QLabel *dot = nullptr;
        QLabel *name = nullptr;
        QLabel *state = nullptr;
        QLabel *detail = nullptr;
        QLabel *error = nullptr;
        Level level = Level::Idle;
    };

    Card &card(const QString &key, const QString &title);
    void setCard(Card &card, Level level, const QString &state, const QString &detail,
                 const QString &error);
    void applyUsage(const QList<UsageTotal> &totals);
    void showProviders();

    Engine *m_engine;
    QTimer m_timer;
    bool m_loadingUsage = false;
    QHash<QString, UsageTotal> m_usage;
    QHash<QString, Card> m_cards;
    QStringList m_order;
    QVBoxLayout *m_channels = nullptr;
    QVBoxLayout *m_providers = nullptr;
    QLabel *m_noChannels = nullptr;
    QLabel *m_noProviders = nullptr;
};

} // namespace relaydesk::ui
