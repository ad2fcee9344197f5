#pragma once

#include <QColor>
#include <QList>
#include <QWidget>

namespace relaydesk::ui {

// A small line chart of recent values (throughput per second over the last minutes), drawn
// with the console's accent colour; the newest value is on the right.
class Sparkline : public QWidget
{
    Q_OBJECT

public:
    explicit Sparkline(QWidget *parent = nullptr);

    void setValues(const QList<double> &values);
    QList<double> values() const { return m_values; }
    void setColor(const QColor &color);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<double> m_values;
    QColor m_color;
};

} // namespace relaydesk::ui
