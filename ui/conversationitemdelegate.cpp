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
// A customer waiting this long is shown in amber, twice as long in red.
constexpr qint64 kWaitingWarnSeconds = 15 * 60;

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

int ConversationItemDelegate::pillWidth(const QString &text, const QFont &font)
{
    return QFontMetrics(font).horizontalAdvance(text) + 12;
}

void ConversationItemDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    painter->save();
    const bool selected = option.state.testFlag(QStyle::State_Selected);
    const bool hovered = option.state.testFlag(QStyle::State_MouseOver);
    const QRect card = option.rect;

    painter->fillRect(card, selected  ? Theme::selection()
                            : hovered ? Theme::windowBackground()
                                      : Theme::surface());
    if (selected)
        painter->fillRect(QRect(card.left(), card.top(), 3, card.height()), Theme::accent());
    painter->setPen(Theme::separator());
    painter->drawLine(card.bottomLeft(), card.bottomRight());

    const auto platform = Platform(index.data(ConversationListModel::PlatformRole).toInt());
    const auto status = ConversationStatus(index.data(ConversationListModel::StatusRole).toInt());
    const auto priority = Priority(index.data(ConversationListModel::PriorityRole).toInt());
    const auto aiMode = AiMode(index.data(ConversationListModel::AiModeRole).toInt());
    const int drafts = index.data(ConversationListModel::PendingDraftsRole).toInt();
    const bool flagged = index.data(ConversationListModel::FlaggedRole).toBool();
    const int unread = index.data(ConversationListModel::UnreadRole).toInt();
    const QStringList labels = index.data(ConversationListModel::LabelsRole).toStringList();
    const QString assignee = index.data(ConversationListModel::AssigneeRole).toString();
    const QDateTime activity = index.data(ConversationListModel::LastActivityRole).toDateTime();
    const QDateTime waitingSince = index.data(ConversationListModel::WaitingSinceRole).toDateTime();
    const QString name = index.data(Qt::DisplayRole).toString();
    const QString preview = index.data(ConversationListModel::PreviewRole).toString().simplified();
    const QDateTime now = QDateTime::currentDateTimeUtc();

    const QFont base = option.font;
    QFont bold = base;
    bold.setBold(true);
    const QFont small = smallerFont(base);
    QFont smallBold = small;
    smallBold.setBold(true);
    const QFontMetrics baseMetrics(base);
    const QFontMetrics smallMetrics(small);
    const QRect content = card.adjusted(kPadding + 4, kPadding, -kPadding, -kPadding);
    const bool closed =
        status == ConversationStatus::Resolved || status == ConversationStatus::Archived;

    // Line 1: platform pill, customer, how long the customer has been waiting (or, when nobody
    // waits, the time of the last activity).
    int y = content.top();
    const bool waiting = waitingSince.isValid() && !closed;
    const QString time = waiting ? DisplayNames::waitingTime(waitingSince, now)
                                 : DisplayNames::activityTime(activity, now);
    const qint64 waitedSeconds = waiting ? waitingSince.secsTo(now) : 0;
    const QFont &timeFont = waiting ? smallBold : small;
    const int timeWidth = QFontMetrics(timeFont).horizontalAdvance(time);
    painter->setFont(timeFont);
    painter->setPen(!waiting ? Theme::mutedText()
                    : waitedSeconds >= 2 * kWaitingWarnSeconds
                        ? Theme::priorityColor(Priority::Urgent)
                    : waitedSeconds >= kWaitingWarnSeconds ? Theme::warningText()
                                                           : Theme::secondaryText());
    painter->drawText(QRect(content.right() - timeWidth, y, timeWidth, baseMetrics.height()),
                      Qt::AlignRight | Qt::AlignVCenter, time);
    const int pillTop = y + (baseMetrics.height() - smallMetrics.height() - 2) / 2;
    const int platformWidth =
        drawPill(painter, QPoint(content.left(), pillTop), DisplayNames::platform(platform),
                 smallBold, Qt::white, Theme::platformColor(platform));
    const int nameLeft = content.left() + platformWidth + 8;
    const int nameWidth = std::max(0, content.right() - timeWidth - 8 - nameLeft);
    painter->setFont(bold);
    painter->setPen(closed ? Theme::mutedText() : Theme::text());
    painter->drawText(QRect(nameLeft, y, nameWidth, baseMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(name, Qt::ElideRight, nameWidth));

    // Line 2: the newest message, and how many customer messages are still unanswered.
    y += baseMetrics.height() + kLineGap;
    int previewRight = content.right();
    if (unread > 0 && !closed) {
        const QString count = unread >= ConversationListModel::kUnreadWindow
                                  ? QStringLiteral("%1+").arg(unread)
                                  : QString::number(unread);
        const int badgeWidth = std::max(smallMetrics.height() + 2, pillWidth(count, smallBold));
        const QRect badge(previewRight - badgeWidth,
                          y + (baseMetrics.height() - smallMetrics.height() - 2) / 2, badgeWidth,
                          smallMetrics.height() + 2);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(Theme::accent());
        painter->drawRoundedRect(badge, badge.height() / 2.0, badge.height() / 2.0);
        painter->setPen(Qt::white);
        painter->setFont(smallBold);
        painter->drawText(badge, Qt::AlignCenter, count);
        painter->restore();
        previewRight -= badgeWidth + 8;
    }
    painter->setFont(base);
    painter->setPen(Theme::secondaryText());
    const QString shownPreview = preview.isEmpty() ? tr("No messages yet") : preview;
    const int previewWidth = std::max(0, previewRight - content.left());
    painter->drawText(QRect(content.left(), y, previewWidth, baseMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      baseMetrics.elidedText(shownPreview, Qt::ElideRight, previewWidth));

    // Line 3: status, labels and assignee on the left; priority and AI state pills on the right.
    y += baseMetrics.height() + kLineGap;
    const int metaHeight = smallMetrics.height() + 2;
    int right = content.right();
    const QString ai = DisplayNames::aiState(aiMode, drafts, flagged);
    const int aiWidth = pillWidth(ai, smallBold);
    drawPill(painter, QPoint(right - aiWidth, y), ai, smallBold,
             flagged      ? Theme::errorText()
             : drafts > 0 ? Theme::draftTitle()
                          : Theme::mutedText(),
             flagged      ? Theme::errorBackground()
             : drafts > 0 ? Theme::warningBackground()
                          : Theme::windowBackground());
    right -= aiWidth + 6;
    if (priority >= Priority::High) {
        const QString label = DisplayNames::priority(priority);
        const int width = pillWidth(label, smallBold);
        drawPill(painter, QPoint(right - width, y), label, smallBold, Qt::white,
                 Theme::priorityColor(priority));
        right -= width + 6;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(Theme::statusColor(status));
    const int dot = 8;
    painter->drawEllipse(QRect(content.left(), y + (metaHeight - dot) / 2, dot, dot));
    QStringList meta{DisplayNames::conversationStatus(status)};
    for (const QString &label : labels)
        meta << QLatin1Char('#') + label;
    if (!assignee.isEmpty())
        meta << QStringLiteral("@") + assignee;
    const int metaLeft = content.left() + dot + 6;
    const int metaWidth = std::max(0, right - 4 - metaLeft);
    painter->setFont(small);
    painter->setPen(Theme::mutedText());
    painter->drawText(
        QRect(metaLeft, y, metaWidth, metaHeight), Qt::AlignLeft | Qt::AlignVCenter,
        smallMetrics.elidedText(meta.join(QStringLiteral("  ·  ")), Qt::ElideRight, metaWidth));

    if (option.state.testFlag(QStyle::State_HasFocus) && selected) {
        painter->setPen(QPen(Theme::accent(), 1, Qt::DotLine));
        painter->setBrush(Qt::NoBrush);
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->drawRect(card.adjusted(3, 1, -2, -2));
    }
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
