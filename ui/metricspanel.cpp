#include "ui/metricspanel.h"

#include "engine/engine.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QScrollArea>
#include <QStackedBarSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace relaydesk::ui {

namespace {

struct Sample {
    QDateTime at;
    Platform platform;
    Direction direction;
    AuthorKind author;
    QString state;
    QString conversationId;
};

bool isState(const Sample &sample, EventType type)
{
    return sample.state == toString(type);
}

// An AI draft that went (or is going) out: approved, or any state a send leaves behind.
bool isApproved(const Sample &sample)
{
    return isState(sample, EventType::Approved) || isState(sample, EventType::Sent) ||
           isState(sample, EventType::Delivered) || isState(sample, EventType::Failed) ||
           isState(sample, EventType::DeadLettered) || isState(sample, EventType::Queued) ||
           isState(sample, EventType::Processing);
}

MetricsPanel::Series compute(const QList<Sample> &samples, const QDateTime &since, int buckets,
                             qint64 bucketSeconds, bool truncated)
{
    MetricsPanel::Series series;
    series.truncated = truncated;
    for (int i = 0; i < buckets; ++i)
        series.bucketStarts << since.addSecs(i * bucketSeconds);
    series.drafts.fill(0, buckets);
    series.approvals.fill(0, buckets);
    series.overrides.fill(0, buckets);
    series.firstResponseMinutes.fill(0, buckets);
    QList<int> answered(buckets, 0);
    const auto bucketOf = [&](const QDateTime &at) {
        return int(std::clamp<qint64>(since.secsTo(at) / bucketSeconds, 0, buckets - 1));
    };
    // First customer message per conversation and the first reply after it.
    QHash<QString, QDateTime> firstInbound;
    QHash<QString, QDateTime> firstReply;
    QList<double> responseTimes;
    for (const Sample &sample : samples) {
        const int bucket = bucketOf(sample.at);
        if (sample.direction == Direction::Inbound) {
            auto &counts = series.inboundByPlatform[sample.platform];
            if (counts.isEmpty())
                counts.fill(0, buckets);
            ++counts[bucket];
            ++series.inboundTotal;
            if (!firstInbound.contains(sample.conversationId))
                firstInbound.insert(sample.conversationId, sample.at);
            continue;
        }
        if (sample.author == AuthorKind::Ai) {
            ++series.drafts[bucket];
            if (isApproved(sample))
                ++series.approvals[bucket];
            else if (isState(sample, EventType::Rejected))
                ++series.overrides[bucket];
        } else if (sample.author == AuthorKind::Operator) {
            ++series.overrides[bucket];
        }
        const bool reply = sample.author == AuthorKind::Operator ||
                           (sample.author == AuthorKind::Ai && isApproved(sample));
        const auto inbound = firstInbound.constFind(sample.conversationId);
        if (reply && inbound != firstInbound.cend() &&
            !firstReply.contains(sample.conversationId) && sample.at >= *inbound) {
            firstReply.insert(sample.conversationId, sample.at);
            const double minutes = double(inbound->msecsTo(sample.at)) / 60000.0;
            const int inboundBucket = bucketOf(*inbound);
            series.firstResponseMinutes[inboundBucket] += minutes;
            ++answered[inboundBucket];
            responseTimes << minutes;
        }
    }
    for (int i = 0; i < buckets; ++i) {
        if (answered.at(i) > 0)
            series.firstResponseMinutes[i] /= answered.at(i);
    }
    if (!responseTimes.isEmpty()) {
        std::sort(responseTimes.begin(), responseTimes.end());
        series.medianFirstResponseMinutes = responseTimes.at(responseTimes.size() / 2);
    }
    return series;
}

} // namespace

MetricsPanel::MetricsPanel(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("metricsPanel"));
    setStyleSheet(Theme::panelStyle(QStringLiteral("metricsContent")));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("metricsContent"));
    content->setAttribute(Qt::WA_StyledBackground);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(10, 8, 10, 10);
    column->setSpacing(6);

    auto *header = new QHBoxLayout;
    m_rangeBox = new QComboBox(content);
    m_rangeBox->setObjectName(QStringLiteral("metricsRange"));
    m_rangeBox->setAccessibleName(tr("Period"));
    m_rangeBox->addItem(tr("Last hour"), int(Range::Hour));
    m_rangeBox->addItem(tr("Last 24 hours"), int(Range::Day));
    m_summary = new QLabel(content);
    m_summary->setObjectName(QStringLiteral("metricsSummary"));
    m_summary->setProperty("role", QStringLiteral("muted"));
    m_summary->setWordWrap(true);
    header->addWidget(m_rangeBox);
    header->addWidget(m_summary, 1);
    column->addLayout(header);
    connect(m_rangeBox, &QComboBox::activated, this,
            [this] { setRange(Range(m_rangeBox->currentData().toInt())); });

    const auto view = [content, column](const QString &name, const QString &accessible) {
        auto *chartView = new QChartView(content);
        chartView->setObjectName(name);
        chartView->setAccessibleName(accessible);
        chartView->setRenderHint(QPainter::Antialiasing);
        chartView->setMinimumHeight(220);
        column->addWidget(chartView);
        return chartView;
    };
    m_volume = view(QStringLiteral("volumeChart"), tr("Customer messages by platform"));
    m_drafts = view(QStringLiteral("draftsChart"), tr("AI drafts, approvals and overrides"));
    m_response = view(QStringLiteral("responseChart"), tr("First response time"));
    column->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    m_timer.setInterval(kRefreshMs);
    connect(&m_timer, &QTimer::timeout, this, &MetricsPanel::reload);
    m_timer.start();
    reload();
}

void MetricsPanel::setRange(Range range)
{
    m_range = range;
    m_rangeBox->setCurrentIndex(m_rangeBox->findData(int(range)));
    reload();
}

QString MetricsPanel::summaryText() const
{
    return m_summary->text();
}

void MetricsPanel::reload()
{
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    const bool hour = m_range == Range::Hour;
    const int buckets = hour ? 12 : 24;
    const qint64 bucketSeconds = hour ? 5 * 60 : 3600;
    // Buckets end at the next boundary, so the newest one fills up as time passes.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 end = (now / bucketSeconds + 1) * bucketSeconds;
    const QDateTime since = QDateTime::fromSecsSinceEpoch(end - buckets * bucketSeconds, Qt::UTC);
    whenReady(m_engine->read<Series>(
                  [since, buckets, bucketSeconds](QSqlDatabase &db) -> Outcome<Series> {
                      MessageRepository messages(db);
                      QList<Sample> samples;
                      MessageFilter filter;
                      filter.limit = kPageSize;
                      bool truncated = false;
                      for (int page = 0;; ++page) {
                          if (page == kMaxPages) {
                              truncated = true;
                              break;
                          }
                          auto result = messages.list(filter);
                          if (!result.isOk())
                              return result.error();
                          bool older = false;
                          for (const Message &m : result.value().items) {
                              if (m.createdAt < since) {
                                  older = true;
                                  break;
                              }
                              samples << Sample{m.createdAt,  m.platform, m.direction,
                                                m.authorKind, m.state,    m.conversationId};
                          }
                          if (older || result.value().nextCursor.isEmpty())
                              break;
                          filter.cursor = result.value().nextCursor;
                      }
                      // Pages come newest first; the series is built forwards in time.
                      std::reverse(samples.begin(), samples.end());
                      return compute(samples, since, buckets, bucketSeconds, truncated);
                  }),
              this, [this](const Outcome<Series> &result) {
                  m_loading = false;
                  if (result.isOk())
                      apply(result.value());
                  else
                      Q_EMIT statusMessage(
                          ErrorText::describe(tr("Computing the metrics"), result.error()));
                  if (m_reloadAgain) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void MetricsPanel::styleChart(QChart *chart, const QString &title)
{
    chart->setTheme(Theme::isDark() ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundBrush(Theme::surface());
    chart->setBackgroundRoundness(8);
    chart->setTitle(title);
    QFont titleFont = chart->titleFont();
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->setTitleBrush(Theme::text());
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->legend()->setLabelColor(Theme::secondaryText());
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
}

void MetricsPanel::apply(const Series &series)
{
    m_series = series;
    const QLocale locale;
    // Labels sit on every third (hour) or sixth (day) bucket, each with the room of the buckets
    // between them, so times stay readable in a narrow dock.
    const int buckets = int(series.bucketStarts.size());
    const int labelEvery = buckets <= 12 ? 3 : 6;
    const auto timeAxis = [&] {
        auto *axis = new QCategoryAxis;
        axis->setRange(-0.5, buckets - 0.5);
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        for (int i = 0; i < buckets; i += labelEvery)
            axis->append(locale.toString(series.bucketStarts.at(i).toLocalTime().time(),
                                         QStringLiteral("HH:mm")),
                         i);
        axis->setLabelsColor(Theme::mutedText());
        axis->setGridLineVisible(false);
        axis->setStartValue(-0.5);
        return axis;
    };
    // Whole numbers on the count axes: 0..4 step 1 for small counts, else four even steps.
    const auto countAxis = [](double max) {
        auto *axis = new QValueAxis;
        int top = std::max(1, int(std::ceil(max)));
        if (top <= 4) {
            axis->setTickCount(top + 1);
        } else {
            top = (top + 3) / 4 * 4;
            axis->setTickCount(5);
        }
        axis->setRange(0, top);
        axis->setLabelFormat(QStringLiteral("%d"));
        axis->setLabelsColor(Theme::mutedText());
        axis->setGridLineColor(Theme::separator());
        return axis;
    };
    const auto minutesAxis = [](double max) {
        auto *axis = new QValueAxis;
        axis->setRange(0, std::max(1.0, max));
        axis->applyNiceNumbers();
        axis->setLabelFormat(QStringLiteral("%.0f"));
        axis->setLabelsColor(Theme::mutedText());
        axis->setGridLineColor(Theme::separator());
        return axis;
    };

    auto *volume = new QChart;
    styleChart(volume, tr("Customer messages by platform"));
    auto *stacked = new QStackedBarSeries;
    int maxStack = 0;
    QList<int> stack(series.bucketStarts.size(), 0);
    for (auto it = series.inboundByPlatform.cbegin(); it != series.inboundByPlatform.cend(); ++it) {
        auto *set = new QBarSet(DisplayNames::platform(it.key()));
        set->setColor(Theme::platformColor(it.key()));
        set->setBorderColor(Theme::platformColor(it.key()));
        for (int i = 0; i < it.value().size(); ++i) {
            *set << it.value().at(i);
            stack[i] += it.value().at(i);
        }
        stacked->append(set);
    }
    for (int value : std::as_const(stack))
        maxStack = std::max(maxStack, value);
    stacked->setBarWidth(0.8);
    volume->addSeries(stacked);
    QCategoryAxis *volumeX = timeAxis();
    QValueAxis *volumeY = countAxis(maxStack);
    volume->addAxis(volumeX, Qt::AlignBottom);
    volume->addAxis(volumeY, Qt::AlignLeft);
    stacked->attachAxis(volumeX);
    stacked->attachAxis(volumeY);
    volume->legend()->setVisible(!series.inboundByPlatform.isEmpty());
    QChart *old = m_volume->chart();
    m_volume->setChart(volume);
    delete old;

    auto *drafts = new QChart;
    styleChart(drafts, tr("AI drafts, approvals and overrides"));
    QCategoryAxis *draftsX = timeAxis();
    int maxDrafts = 0;
    for (const QList<int> *values : {&series.drafts, &series.approvals, &series.overrides})
        for (int value : *values)
            maxDrafts = std::max(maxDrafts, value);
    QValueAxis *draftsY = countAxis(maxDrafts);
    drafts->addAxis(draftsX, Qt::AlignBottom);
    drafts->addAxis(draftsY, Qt::AlignLeft);
    const QList<std::tuple<QString, const QList<int> *, QColor>> lines{
        {tr("Drafts"), &series.drafts, Theme::authorColor(AuthorKind::Ai)},
        {tr("Approved"), &series.approvals, Theme::successText()},
        {tr("Overridden"), &series.overrides, Theme::warningText()}};
    for (const auto &[name, values, colour] : lines) {
        auto *line = new QLineSeries;
        line->setName(name);
        line->setPen(QPen(colour, 2));
        for (int i = 0; i < values->size(); ++i)
            line->append(i, values->at(i));
        drafts->addSeries(line);
        line->attachAxis(draftsX);
        line->attachAxis(draftsY);
    }
    old = m_drafts->chart();
    m_drafts->setChart(drafts);
    delete old;

    auto *response = new QChart;
    styleChart(response, tr("First response time (minutes)"));
    QCategoryAxis *responseX = timeAxis();
    double maxResponse = 0;
    auto *average = new QLineSeries;
    average->setName(tr("Average per interval"));
    average->setPen(QPen(Theme::accent(), 2));
    for (int i = 0; i < series.firstResponseMinutes.size(); ++i) {
        average->append(i, series.firstResponseMinutes.at(i));
        maxResponse = std::max(maxResponse, series.firstResponseMinutes.at(i));
    }
    QValueAxis *responseY = minutesAxis(maxResponse);
    response->addAxis(responseX, Qt::AlignBottom);
    response->addAxis(responseY, Qt::AlignLeft);
    response->addSeries(average);
    average->attachAxis(responseX);
    average->attachAxis(responseY);
    response->legend()->setVisible(false);
    old = m_response->chart();
    m_response->setChart(response);
    delete old;

    QStringList summary{series.inboundTotal == 1
                            ? tr("1 customer message")
                            : tr("%1 customer messages").arg(locale.toString(series.inboundTotal))};
    summary << (series.medianFirstResponseMinutes < 0
                    ? tr("nobody answered yet")
                    : tr("median first response %1 min")
                          .arg(locale.toString(series.medianFirstResponseMinutes, 'f', 1)));
    if (series.truncated)
        summary << tr("newest %1 messages only").arg(locale.toString(kPageSize * kMaxPages));
    m_summary->setText(summary.join(QStringLiteral("  ·  ")));
    Q_EMIT loaded();
}

} // namespace relaydesk::ui
