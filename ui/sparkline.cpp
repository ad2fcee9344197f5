#include "ui/sparkline.h"

#include "ui/theme.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace relaydesk::ui {

Sparkline::Sparkline(QWidget *parent)
    : QWidget(parent)
    , m_color(Theme::accent())
{
    setObjectName(QStringLiteral("sparkline"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void Sparkline::setValues(const QList<double> &values)
{
    m_values = values;
    update();
}

void Sparkline::setColor(const QColor &color)
{
    m_color = color;
    update();
}

QSize Sparkline::sizeHint() const
{
    return QSize(240, 48);
}

QSize Sparkline::minimumSizeHint() const
{
    return QSize(80, 48);
}

void Sparkline::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(1, 4, -1, -2);
    painter.setPen(QPen(Theme::separator(), 1));
    painter.drawLine(area.bottomLeft(), area.bottomRight());
    if (m_values.size() < 2)
        return;
    // A flat zero line still needs a scale; one job is the smallest step worth showing.
    const double top = std::max(1.0, *std::max_element(m_values.cbegin(), m_values.cend()));
    const double step = area.width() / double(m_values.size() - 1);
    QPainterPath line;
    for (int i = 0; i < m_values.size(); ++i) {
        const QPointF point(area.left() + i * step,
                            area.bottom() - area.height() * std::max(0.0, m_values.at(i)) / top);
        if (i == 0)
            line.moveTo(point);
        else
            line.lineTo(point);
    }
    QPainterPath fill = line;
    fill.lineTo(area.bottomRight());
    fill.lineTo(area.bottomLeft());
    fill.closeSubpath();
    QColor shade = m_color;
    shade.setAlpha(40);
    painter.fillPath(fill, shade);
    painter.setPen(QPen(m_color, 1.6));
    painter.drawPath(line);
}

} // namespace relaydesk::ui
