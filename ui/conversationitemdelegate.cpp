#include "ui/conversationitemdelegate.h"

#include "core/enums.h"
#include "ui/conversationlistmodel.h"
#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QPainter>
#include <QPainterPath>

namespace relaydesk::ui {

namespace {

constexpr int kPadding = 10;
constexpr int kLineGap = 4;

QFont smallerFont(const QFont &base)
{
    QFont font = base;
    if (font.pointSizeF() > 0)
        font.setPointSizeF(std::max(7.0, font.pointSizeF() - 1.0));
    else
        font.setPixelSize(std::max(9, font.pixelSize() - 2));
    return font;
}

} // namespace

ConversationItemDelegate::ConversationItemDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

int ConversationItemDelegate::drawPill(QPainter *painter, const QPoint &topLeft,
                                       const QString &text, const QFont &font,
                                       const QColor &foreground, const QColor &background)
{
    const QFontMetrics metrics(font);
    const int width = metrics.horizontalAdvance(text) + 12;
    const QRect rect(topLeft, QSize(width, metrics.height() + 2));
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(background);
    painter->drawRoundedRect(rect, rect.height() / 2.0, rect.height() / 2.0);
    painter->setPen(foreground);
    painter->setFont(font);
    painter->drawText(rect, Qt::AlignCenter, text);
    painter->restore();
    return width;
}

void ConversationItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    painter->save();
    const bool selected = option.state.testFlag(QStyle::State_Selected);
    const bool hovered = option.state.testFlag(QStyle::State_MouseOver);
    const QRect card = option.rect;

    painter->fillRect(card, selected  ? QColor(0xEF, 0xF6, 0xFF)
                            : hovered ? Theme::windowBackground()
                                      : QColor(Qt::white));
    if (selected)
        painter->fillRect(QRect(card.left(), card.top(), 3, card.height()), Theme::accent());
    painter->setPen(Theme::separator());
    painter->drawLine(card.bottomLeft(), card.bottomRight());

    const auto platform = Platform(index.data(ConversationListModel::PlatformRole).toInt());
    const auto status = ConversationStatus(index.data(ConversationListModel::StatusRole).toInt());
    const auto priority = Priority(index.data(ConversationListModel::PriorityRole).toInt());
    const auto aiMode = AiMode(index.data(ConversationListModel::AiModeRole).toInt());
    const int drafts = index.data(ConversationListModel::PendingDraftsRole).toInt();
    const QDateTime activity = index.data(ConversationListModel::LastActivityRole).toDateTime();
    const QString name = index.data(Qt::DisplayRole).toString();
    const QString preview = index.data(ConversationListModel::PreviewRole).toString().simplified();

    const QFont base = option.font;
    QFont bold = base;
    bold.setBold(true);
    const QFont small = smallerFont(base);
    QFont smallBold = small;
    smallBold.setBold(true);
    const QFontMetrics baseMetrics(base);
    const QFontMetrics smallMetrics(small);
    const QRect content = card.adjusted(kPadding + 4, kPadding, -kPadding, -kPadding);

    // Line 1: platform pill, customer, time of last activity.
    int y = content.top();
    const QString time = DisplayNames::activityTime(activity, QDateTime::currentDateTimeUtc());
    const int timeWidth = smallMetrics.horizontalAdvance(time);
    painter->setFont(small);
    painter->setPen(Theme::mutedText());
    painter->drawText(QRect(content.right() - timeWidth, y, timeWidth, baseMetrics.height()),
                      Qt::AlignRight | Qt::AlignVCenter, time);
    const int pillTop = y + (baseMetrics.height() - smallMetrics.height() - 2) / 2;
    const int pillWidth =
        drawPill(painter, QPoint(content.left(), pillTop), DisplayNames::platform(platform),
                 smallBold, Qt::white, Theme::platformColor(platform));
    const int nameLeft = content.left() + pillWidth + 8;
    const int nameWidth = std::max(0, content.right() - timeWidth - 8 - nameLeft);
    painter->setFont(bold);
    painter->setPen(QColor(0x0F, 0x17, 0x2A));
    painter->drawText(QRect(nameLeft, y, nameWidth, baseMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(name, Qt::ElideRight, nameWidth));

    // Line 2: the newest message.
    y += baseMetrics.height() + kLineGap;
    painter->setFont(base);
    painter->setPen(QColor(0x33, 0x41, 0x55));
    const QString shownPreview = preview.isEmpty() ? tr("No messages yet") : preview;
    painter->drawText(QRect(content.left(), y, content.width(), baseMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      baseMetrics.elidedText(shownPreview, Qt::ElideRight, content.width()));

    // Line 3: status dot and meta data; draft badge on the right.
    y += baseMetrics.height() + kLineGap;
    const int metaHeight = smallMetrics.height() + 2;
    int right = content.right();
    if (drafts > 0) {
        const QString badge =
            drafts == 1 ? tr("Draft waiting") : tr("%1 drafts waiting").arg(drafts);
        const int badgeWidth = QFontMetrics(smallBold).horizontalAdvance(badge) + 12;
        drawPill(painter, QPoint(right - badgeWidth, y), badge, smallBold, QColor(0x92, 0x40, 0x0E),
                 QColor(0xFE, 0xF3, 0xC7));
        right -= badgeWidth + 8;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(Theme::statusColor(status));
    const int dot = 8;
    painter->drawEllipse(QRect(content.left(), y + (metaHeight - dot) / 2, dot, dot));
    QStringList meta{DisplayNames::conversationStatus(status)};
    if (priority != Priority::Normal)
        meta << DisplayNames::priority(priority);
    meta << DisplayNames::aiMode(aiMode);
    const int metaLeft = content.left() + dot + 6;
    const int metaWidth = std::max(0, right - metaLeft);
    painter->setFont(small);
    painter->setPen(priority >= Priority::High ? Theme::priorityColor(priority)
                                               : Theme::mutedText());
    painter->drawText(
        QRect(metaLeft, y, metaWidth, metaHeight), Qt::AlignLeft | Qt::AlignVCenter,
        smallMetrics.elidedText(meta.join(QStringLiteral("  ·  ")), Qt::ElideRight, metaWidth));

    painter->restore();
}

QSize ConversationItemDelegate::sizeHint(const QStyleOptionViewItem &option,
                                         const QModelIndex &) const
{
    const QFontMetrics baseMetrics(option.font);
    const QFontMetrics smallMetrics(smallerFont(option.font));
    const int height =
        2 * kPadding + 2 * baseMetrics.height() + smallMetrics.height() + 2 + 2 * kLineGap + 1;
    return QSize(280, height);
}

} // namespace relaydesk::ui
