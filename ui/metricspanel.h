#pragma once

#include "core/enums.h"

#include <QDateTime>
#include <QMap>
#include <QTimer>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

// The metrics dock: customer messages per interval by platform, AI drafts against approvals and
// overrides (rejected drafts and hand-written replies), and the first-response time, over the
// last hour or day. Computed on a reader thread from the messages of the period (newest first,
// a bounded number of pages), refreshed every half minute.
class MetricsPanel : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 30000;
    static constexpr int kPageSize = 500;
    static constexpr int kMaxPages = 40;

    enum class Range { Hour, Day };

    // What the charts show, per bucket (oldest first).
    struct Series {
        QList<QDateTime> bucketStarts;
        QMap<Platform, QList<int>> inboundByPlatform;
        QList<int> drafts;
        QList<int> approvals;
        QList<int> overrides;
        QList<double> firstResponseMinutes;     // average; 0 where nobody was answered
        double medianFirstResponseMinutes = -1; // -1: nobody was answered in the period
        int inboundTotal = 0;
        bool truncated = false; // more messages than the pages read
    };

    explicit MetricsPanel(Engine *engine, QWidget *parent = nullptr);

    void setRange(Range range);
    Range range() const { return m_range; }
    const Series &series() const { return m_series; }
    QComboBox *rangeBox() const { return m_rangeBox; }
    QString summaryText() const;
    bool isLoading() const { return m_loading; }

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void loaded();
    void statusMessage(const QString &message);

private:
    void apply(const Series &series);
    void styleChart(QChart *chart, const QString &title);

    Engine *m_engine;
    Range m_range = Range::Hour;
    Series m_series;
    QTimer m_timer;
    bool m_loading = false;
    bool m_reloadAgain = false;
    QComboBox *m_rangeBox = nullptr;
    QLabel *m_summary = nullptr;
    QChartView *m_volume = nullptr;
    QChartView *m_drafts = nullptr;
    QChartView *m_response = nullptr;
};

} // namespace relaydesk::ui
