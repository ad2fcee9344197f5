#include "ui/messagebubble.h"

#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QFontMetrics>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// Bubbles never span the whole view; long lines wrap like in a chat client.
constexpr double kMaxWidthShare = 0.72;

bool isRightSide(AuthorKind kind)
{
    return kind == AuthorKind::Operator || kind == AuthorKind::Ai;
}

} // namespace

MessageBubble::MessageBubble(const Message &message, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("messageBubble"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);

    m_bubble = new QFrame(this);
    m_bubble->setObjectName(QStringLiteral("bubble"));
    auto *column = new QVBoxLayout(m_bubble);
    column->setContentsMargins(14, 10, 14, 8);
    column->setSpacing(4);

    m_author = new QLabel(m_bubble);
    m_author->setObjectName(QStringLiteral("bubbleAuthor"));
    m_content = new QLabel(m_bubble);
    m_content->setObjectName(QStringLiteral("bubbleContent"));
    m_content->setWordWrap(true);
    m_content->setTextFormat(Qt::PlainText);
    m_content->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_detail = new QLabel(m_bubble);
    m_detail->setObjectName(QStringLiteral("bubbleDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *footer = new QHBoxLayout;
    footer->setSpacing(8);
    m_time = new QLabel(m_bubble);
    m_time->setObjectName(QStringLiteral("bubbleTime"));
    m_state = new QLabel(m_bubble);
    m_state->setObjectName(QStringLiteral("bubbleState"));
    footer->addWidget(m_time);
    footer->addStretch(1);
    footer->addWidget(m_state);

    column->addWidget(m_author);
    column->addWidget(m_content);
    column->addWidget(m_detail);
    column->addLayout(footer);

    m_message = message;
    if (message.authorKind == AuthorKind::System) {
        row->addStretch(1);
        row->addWidget(m_bubble);
        row->addStretch(1);
    } else if (isRightSide(message.authorKind)) {
        row->addStretch(1);
        row->addWidget(m_bubble);
    } else {
        row->addWidget(m_bubble);
        row->addStretch(1);
    }
    applyStyle();
    setMessage(message);
}

void MessageBubble::setMessage(const Message &message, const QString &stateDetail,
                               const QString &sentContent)
{
    m_message = message;
    const bool edited = !sentContent.isEmpty() && sentContent != message.content;

    QString author;
    switch (message.authorKind) {
    case AuthorKind::Customer:
        author = message.userId.isEmpty() ? DisplayNames::authorKind(message.authorKind)
                                          : message.userId;
        break;
    case AuthorKind::Operator:
        author = message.authorId.isEmpty() ? DisplayNames::authorKind(message.authorKind)
                                            : tr("%1 (operator)").arg(message.authorId);
        break;
    case AuthorKind::Ai:
        author =
            message.authorId.isEmpty() ? tr("AI reply") : tr("AI reply · %1").arg(message.authorId);
        break;
    case AuthorKind::System:
        author = DisplayNames::authorKind(message.authorKind);
        break;
    }
    m_author->setText(author);
    m_author->setVisible(message.authorKind != AuthorKind::System);

    m_content->setText(edited ? sentContent : message.content);
    m_content->setToolTip(edited ? tr("Original AI draft:\n%1").arg(message.content) : QString());

    m_detail->setText(stateDetail);
    m_detail->setVisible(!stateDetail.isEmpty());

    QString time = DisplayNames::messageTime(message.createdAt);
    if (edited)
        time += QStringLiteral("  ·  ") + tr("edited before sending");
    m_time->setText(time);

    // A customer message's own state tracks the draft job; only a failure there is news.
    const bool showState = message.direction == Direction::Outbound ||
                           message.state == toString(EventType::Failed) ||
                           message.state == toString(EventType::DeadLettered);
    m_state->setVisible(showState && !message.state.isEmpty());
    m_state->setText(DisplayNames::messageState(message.state));
    m_state->setStyleSheet(QStringLiteral("color: %1; font-weight: 600;")
                               .arg(Theme::css(Theme::stateColor(message.state))));
}

QString MessageBubble::shownContent() const
{
    return m_content->text();
}

QString MessageBubble::stateDetail() const
{
    return m_detail->text();
}

void MessageBubble::applyStyle()
{
    const AuthorKind kind = m_message.authorKind;
    const bool system = kind == AuthorKind::System;
    m_bubble->setStyleSheet(
        QStringLiteral(
            "QFrame#bubble { background: %1; border: 1px solid %2; border-radius: %3px; }"
            "QLabel#bubbleAuthor { color: %4; font-weight: 600; }"
            "QLabel#bubbleContent { color: #0f172a; %5 }"
            "QLabel#bubbleDetail { color: %6; }"
            "QLabel#bubbleTime { color: %7; }")
            .arg(Theme::css(Theme::bubbleBackground(kind)), Theme::css(Theme::bubbleBorder(kind)),
                 QString::number(system ? 10 : 14),
                 Theme::css(kind == AuthorKind::Ai         ? QColor(0x6D, 0x28, 0xD9)
                            : kind == AuthorKind::Operator ? QColor(0x1D, 0x4E, 0xD8)
                                                           : QColor(0x33, 0x41, 0x55)),
                 system ? QStringLiteral("font-style: italic; color: #475569;") : QString(),
                 Theme::css(Theme::errorText()), Theme::css(Theme::mutedText())));
    QFont small = font();
    if (small.pointSizeF() > 0)
        small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.0));
    m_author->setFont(small);
    m_time->setFont(small);
    m_state->setFont(small);
    m_detail->setFont(small);
}

void MessageBubble::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateWidths();
}

void MessageBubble::updateWidths()
{
    const int maxBubble = std::max(200, int(width() * kMaxWidthShare));
    m_bubble->setMaximumWidth(maxBubble);
    // A word-wrapping label asks for a narrow default width; short messages should sit on one
    // line and long ones fill the bubble.
    const QMargins margins = m_bubble->layout()->contentsMargins();
    const int maxText = maxBubble - margins.left() - margins.right();
    const QFontMetrics metrics(m_content->font());
    int widest = 0;
    const QStringList lines = m_content->text().split(QLatin1Char('\n'));
    for (const QString &line : lines)
        widest = std::max(widest, metrics.horizontalAdvance(line));
    m_content->setMinimumWidth(std::min(widest + 2, maxText));
}

} // namespace relaydesk::ui
