#include "ui/healthpanel.h"

#include "ai/usagerepository.h"
#include "engine/engine.h"
#include "ui/displaynames.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// A channel failing this many times in a row is down, not just unlucky.
constexpr int kFailingAfter = 3;

QColor levelColor(HealthPanel::Level level)
{
    switch (level) {
    case HealthPanel::Level::Good:
        return Theme::successText();
    case HealthPanel::Level::Warning:
        return Theme::warningText();
    case HealthPanel::Level::Bad:
        return Theme::errorText();
    case HealthPanel::Level::Idle:
        break;
    }
    return Theme::mutedText();
}

QString timeOf(const QDateTime &at)
{
    return DisplayNames::activityTime(at, QDateTime::currentDateTimeUtc());
}

} // namespace

HealthPanel::HealthPanel(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("healthPanel"));
    setStyleSheet(Theme::panelStyle(QStringLiteral("healthContent")) +
                  QStringLiteral("QFrame#healthCard { background: %1; border: 1px solid %2; "
                                 "border-radius: 10px; }"
                                 "QLabel#healthName { color: %3; font-weight: 600; }"
                                 "QLabel#healthDetail { color: %4; }")
                      .arg(Theme::css(Theme::surface()), Theme::css(Theme::separator()),
                           Theme::css(Theme::text()), Theme::css(Theme::secondaryText())));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("healthContent"));
    content->setAttribute(Qt::WA_StyledBackground);
    content->setStyleSheet(QStringLiteral("QWidget#healthContent { background: %1; }")
                               .arg(Theme::css(Theme::windowBackground())));
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(12, 10, 12, 12);
    column->setSpacing(8);

    const auto section = [content, column](const QString &title) {
        auto *label = new QLabel(title, content);
        label->setProperty("role", QStringLiteral("section"));
        column->addWidget(label);
    };
    section(tr("CHANNELS"));
    m_noChannels = new QLabel(tr("No channel is configured. Customer messages arrive only through "
                                 "the HTTP API, and replies cannot be delivered."),
                              content);
    m_noChannels->setWordWrap(true);
    m_noChannels->setProperty("role", QStringLiteral("muted"));
    column->addWidget(m_noChannels);
    m_channels = new QVBoxLayout;
    m_channels->setSpacing(8);
    column->addLayout(m_channels);
    section(tr("AI PROVIDERS"));
    m_noProviders = new QLabel(tr("Only the built-in offline responder drafts replies."), content);
    m_noProviders->setWordWrap(true);
    m_noProviders->setProperty("role", QStringLiteral("muted"));
    column->addWidget(m_noProviders);
    m_providers = new QVBoxLayout;
    m_providers->setSpacing(8);
    column->addLayout(m_providers);
    column->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &HealthPanel::reload);
    m_timer.start();
    reload();
}

HealthPanel::Level HealthPanel::channelLevel(const ChannelHealth &health)
{
    if (health.consecutiveFailures >= kFailingAfter)
        return Level::Bad;
    if (health.consecutiveFailures > 0)
        return Level::Warning;
    return health.lastSuccessAt.isValid() ? Level::Good : Level::Idle;
}

HealthPanel::Level HealthPanel::providerLevel(const CircuitBreaker::Snapshot &breaker)
{
    switch (breaker.state) {
    case CircuitBreaker::State::Open:
        return Level::Bad;
    case CircuitBreaker::State::HalfOpen:
        return Level::Warning;
    case CircuitBreaker::State::Closed:
        break;
    }
    if (breaker.consecutiveFailures > 0 || breaker.windowFailures > 0)
        return Level::Warning;
    return breaker.windowCalls > 0 ? Level::Good : Level::Idle;
}

HealthPanel::Card &HealthPanel::card(const QString &key, const QString &title)
{
    auto found = m_cards.find(key);
    if (found != m_cards.end())
        return *found;
    Card card;
    card.frame = new QFrame(this);
    card.frame->setObjectName(QStringLiteral("healthCard"));
    card.frame->setProperty("healthKey", key);
    auto *column = new QVBoxLayout(card.frame);
    column->setContentsMargins(12, 8, 12, 10);
    column->setSpacing(3);
    auto *header = new QHBoxLayout;
    card.dot = new QLabel(card.frame);
    card.dot->setFixedSize(10, 10);
    card.name = new QLabel(title, card.frame);
    card.name->setObjectName(QStringLiteral("healthName"));
    card.state = new QLabel(card.frame);
    card.state->setObjectName(QStringLiteral("healthState"));
    header->addWidget(card.dot);
    header->addWidget(card.name);
    header->addStretch(1);
    header->addWidget(card.state);
    card.detail = new QLabel(card.frame);
    card.detail->setObjectName(QStringLiteral("healthDetail"));
    card.detail->setWordWrap(true);
    card.error = new QLabel(card.frame);
    card.error->setObjectName(QStringLiteral("healthError"));
    card.error->setWordWrap(true);
    card.error->setTextFormat(Qt::PlainText);
    card.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    card.error->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::errorText())));
    column->addLayout(header);
    column->addWidget(card.detail);
    column->addWidget(card.error);
    (key.startsWith(QLatin1String("ai:")) ? m_providers : m_channels)->addWidget(card.frame);
    m_order << key;
    return *m_cards.insert(key, card);
}

void HealthPanel::setCard(Card &card, Level level, const QString &state, const QString &detail,
                          const QString &error)
{
    card.level = level;
    const QColor colour = levelColor(level);
    card.dot->setStyleSheet(
        QStringLiteral("background: %1; border-radius: 5px;").arg(Theme::css(colour)));
    card.state->setText(state);
    card.state->setStyleSheet(
        QStringLiteral("color: %1; font-weight: 600;").arg(Theme::css(colour)));
    card.detail->setText(detail);
    card.detail->setVisible(!detail.isEmpty());
    card.error->setText(error);
    card.error->setVisible(!error.isEmpty());
    card.frame->setAccessibleName(
        QStringList{card.name->text(), state, detail, error}.join(QStringLiteral(". ")));
}

QString HealthPanel::stateText(const QString &key) const
{
    const auto found = m_cards.constFind(key);
    return found == m_cards.cend() ? QString() : found->state->text();
}

HealthPanel::Level HealthPanel::level(const QString &key) const
{
    const auto found = m_cards.constFind(key);
    return found == m_cards.cend() ? Level::Idle : found->level;
}

QString HealthPanel::detailText(const QString &key) const
{
    const auto found = m_cards.constFind(key);
    if (found == m_cards.cend())
        return {};
    return found->detail->text() + QLatin1Char('\n') + found->error->text();
}

void HealthPanel::reload()
{
    const QList<ChannelStatus> channels = m_engine->channelStatuses();
    m_noChannels->setVisible(channels.isEmpty());
    for (const ChannelStatus &channel : channels) {
        const ChannelHealth &health = channel.health;
        const Level level = channelLevel(health);
        QString state;
        switch (level) {
        case Level::Good:
            state = tr("Working");
            break;
        case Level::Warning:
            state = tr("Errors");
            break;
        case Level::Bad:
            state = tr("Failing");
            break;
        case Level::Idle:
            state = tr("No traffic yet");
            break;
        }
        QStringList detail;
        if (health.lastSuccessAt.isValid())
            detail << tr("Last success %1").arg(timeOf(health.lastSuccessAt));
        if (health.consecutiveFailures > 0)
            detail << (health.consecutiveFailures == 1
                           ? tr("1 failure in a row")
                           : tr("%1 failures in a row").arg(health.consecutiveFailures));
        const QString error =
            health.lastError.isEmpty()
                ? QString()
                : tr("Last error (%1): %2").arg(timeOf(health.lastErrorAt), health.lastError);
        setCard(card(QStringLiteral("channel:") + channel.name, channel.name), level, state,
                detail.join(QStringLiteral("  ·  ")), error);
    }
    showProviders();

    if (m_loadingUsage)
        return;
    m_loadingUsage = true;
    const QDateTime startOfDay = QDateTime(QDate::currentDate(), QTime(0, 0)).toUTC();
    whenReady(m_engine->read<QList<UsageTotal>>([startOfDay](QSqlDatabase &db) {
        return UsageRepository(db).totals(UsageGrouping::Provider, startOfDay);
    }),
              this, [this](const Outcome<QList<UsageTotal>> &result) {
                  m_loadingUsage = false;
                  // The usage table arrives with the AI migration; without it the cards simply
                  // show no totals.
                  if (result.isOk())
                      applyUsage(result.value());
                  Q_EMIT loaded();
              });
}

void HealthPanel::applyUsage(const QList<UsageTotal> &totals)
{
    m_usage.clear();
    for (const UsageTotal &total : totals)
        m_usage.insert(total.key, total);
    showProviders();
}

void HealthPanel::showProviders()
{
    const QList<ProviderStatus> providers = m_engine->aiProviderStatuses();
    m_noProviders->setVisible(providers.isEmpty());
    const QLocale locale;
    for (const ProviderStatus &provider : providers) {
        const CircuitBreaker::Snapshot &breaker = provider.breaker;
        const Level level = providerLevel(breaker);
        QString state;
        switch (breaker.state) {
        case CircuitBreaker::State::Open:
            state = tr("Circuit open, retry in %1 s").arg((breaker.retryInMs + 999) / 1000);
            break;
        case CircuitBreaker::State::HalfOpen:
            state = tr("Circuit half-open, probing");
            break;
        case CircuitBreaker::State::Closed:
            state = level == Level::Idle      ? tr("Circuit closed, no calls yet")
                    : level == Level::Warning ? tr("Circuit closed, recent errors")
                                              : tr("Circuit closed");
            break;
        }
        // First line: the model and its circuit; second line: today's usage.
        QStringList circuit{provider.model};
        if (breaker.windowCalls > 0)
            circuit << tr("%1 of the last %2 calls failed")
                           .arg(breaker.windowFailures)
                           .arg(breaker.windowCalls);
        circuit.removeAll(QString());
        QStringList today;
        const auto usage = m_usage.constFind(provider.name);
        if (usage != m_usage.cend()) {
            const double errorRate = usage->requests > 0
                                         ? 100.0 * double(usage->failures) / double(usage->requests)
                                         : 0.0;
            today << (usage->requests == 1
                          ? tr("Today: 1 call")
                          : tr("Today: %1 calls").arg(locale.toString(usage->requests)))
                  << tr("%1% errors").arg(locale.toString(errorRate, 'f', 1))
                  << tr("avg %1 ms").arg(locale.toString(usage->averageLatencyMs))
                  << tr("%1 tokens").arg(locale.toString(usage->inputTokens + usage->outputTokens))
                  << tr("cost %1").arg(locale.toString(usage->cost, 'f', 4));
        } else {
            today << tr("No calls today");
        }
        const QString detail = circuit.join(QStringLiteral("  ·  ")) + QLatin1Char('\n') +
                               today.join(QStringLiteral("  ·  "));
        setCard(card(QStringLiteral("ai:") + provider.name, provider.name), level, state, detail,
                QString());
    }
}

} // namespace relaydesk::ui
