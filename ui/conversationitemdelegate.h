#pragma once

#include <QStyledItemDelegate>

namespace relaydesk::ui {

// Paints an inbox row as a card: platform, customer and how long they have waited; the last
// message and the unanswered count; status, labels, assignee, priority and the AI's state.
class ConversationItemDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit ConversationItemDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    // Draws a rounded label and returns its width.
    static int drawPill(QPainter *painter, const QPoint &topLeft, const QString &text,
                        const QFont &font, const QColor &foreground, const QColor &background);
    static int pillWidth(const QString &text, const QFont &font);
};

} // namespace relaydesk::ui
