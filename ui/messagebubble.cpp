#include "ui/messagebubble.h"

#include "ui/attachmentloader.h"
#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QFontMetrics>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// Bubbles never span the whole view; long lines wrap like in a chat client.
constexpr double kMaxWidthShare = 0.72;
constexpr int kThumbnailColumns = 3;
const char *const kUrlProperty = "attachmentUrl";

bool isRightSide(AuthorKind kind)
{
    return kind == AuthorKind::Operator || kind == AuthorKind::Ai;
}

} // namespace

MessageBubble::MessageBubble(const Message &message, AttachmentLoader *loader, QWidget *parent)
    : QWidget(parent)
    , m_loader(loader)
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
    m_attachmentsBox = new QWidget(m_bubble);
    m_attachmentsBox->setObjectName(QStringLiteral("bubbleAttachments"));
    m_attachmentsLayout = new QVBoxLayout(m_attachmentsBox);
    m_attachmentsLayout->setContentsMargins(0, 4, 0, 2);
    m_attachmentsLayout->setSpacing(4);
    m_attachmentsBox->hide();
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
    m_retry = new QPushButton(tr("Retry"), m_bubble);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    m_retry->setToolTip(tr("Queue this message again with fresh attempts"));
    m_retry->setAccessibleName(tr("Retry sending"));
    m_retry->setCursor(Qt::PointingHandCursor);
    m_retry->hide();
    footer->addWidget(m_time);
    footer->addStretch(1);
    footer->addWidget(m_state);
    footer->addWidget(m_retry);

    column->addWidget(m_author);
    column->addWidget(m_content);
    column->addWidget(m_attachmentsBox);
    column->addWidget(m_detail);
    column->addLayout(footer);

    for (QWidget *part : {static_cast<QWidget *>(m_bubble), static_cast<QWidget *>(m_content),
                          static_cast<QWidget *>(m_author), static_cast<QWidget *>(m_detail)})
        part->installEventFilter(this);

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
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (!m_retryJobId.isEmpty())
            Q_EMIT retryRequested(m_message.id, m_retryJobId);
    });
    if (m_loader) {
        connect(m_loader, &AttachmentLoader::thumbnailReady, this, &MessageBubble::showThumbnail);
        connect(m_loader, &AttachmentLoader::thumbnailFailed, this,
                &MessageBubble::showThumbnailError);
    }
    applyStyle();
    setMessage(message);
}

void MessageBubble::setMessage(const Message &message, const QString &stateDetail,
                               const QString &sentContent, const QString &retryJobId)
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
    m_content->setVisible(!m_content->text().isEmpty() || message.attachments.isEmpty());

    if (message.attachments != m_shownAttachments)
        rebuildAttachments();

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
    m_state->setAccessibleName(tr("Delivery state: %1").arg(m_state->text()));

    m_retryJobId = retryJobId;
    m_retry->setVisible(!retryJobId.isEmpty());
    m_retry->setEnabled(true);
    updateWidths();
}

void MessageBubble::setRetrying(bool retrying)
{
    m_retry->setEnabled(!retrying);
    m_retry->setText(retrying ? tr("Retrying…") : tr("Retry"));
}

void MessageBubble::setHighlighted(bool highlighted)
{
    if (highlighted == m_highlighted)
        return;
    m_highlighted = highlighted;
    applyStyle();
}

QString MessageBubble::shownContent() const
{
    return m_content->text();
}

QString MessageBubble::stateDetail() const
{
    return m_detail->text();
}

void MessageBubble::rebuildAttachments()
{
    m_shownAttachments = m_message.attachments;
    qDeleteAll(m_attachmentWidgets);
    m_attachmentWidgets.clear();
    while (QLayoutItem *item = m_attachmentsLayout->takeAt(0)) {
        delete item->layout();
        delete item;
    }
    auto *grid = new QGridLayout;
    grid->setSpacing(6);
    int images = 0;
    QList<QWidget *> links;
    for (const Attachment &attachment : std::as_const(m_shownAttachments)) {
        const QUrl url(attachment.url);
        const QString name = AttachmentLoader::fileName(attachment);
        if (AttachmentLoader::isImage(attachment) && m_loader &&
            AttachmentLoader::isFetchable(url)) {
            auto *button = new QToolButton(m_attachmentsBox);
            button->setObjectName(QStringLiteral("attachmentThumbnail"));
            button->setProperty(kUrlProperty, url);
            button->setAutoRaise(true);
            button->setToolButtonStyle(Qt::ToolButtonTextOnly);
            button->setText(tr("Loading image…"));
            button->setToolTip(attachment.url);
            button->setAccessibleName(tr("Image attachment %1").arg(name));
            button->setIconSize(
                QSize(AttachmentLoader::kThumbnailSize, AttachmentLoader::kThumbnailSize));
            button->setMinimumSize(96, 64);
            button->setCursor(Qt::PointingHandCursor);
            connect(button, &QToolButton::clicked, button,
                    [url] { QDesktopServices::openUrl(url); });
            grid->addWidget(button, images / kThumbnailColumns, images % kThumbnailColumns);
            ++images;
            m_attachmentWidgets << button;
            const QPixmap ready = m_loader->thumbnail(url);
            if (!ready.isNull())
                showThumbnail(url);
            else if (!m_loader->error(url).isEmpty())
                showThumbnailError(url, m_loader->error(url));
            continue;
        }
        auto *link = new QLabel(m_attachmentsBox);
        link->setObjectName(QStringLiteral("attachmentLink"));
        link->setProperty(kUrlProperty, url);
        const QString type = attachment.contentType.isEmpty()
                                 ? QString()
                                 : QStringLiteral(" (") + attachment.contentType + QLatin1Char(')');
        if (AttachmentLoader::isFetchable(url)) {
            link->setTextFormat(Qt::RichText);
            link->setText(QStringLiteral("<a href=\"%1\">%2</a>%3")
                              .arg(url.toString(QUrl::FullyEncoded).toHtmlEscaped(),
                                   name.toHtmlEscaped(), type.toHtmlEscaped()));
            link->setOpenExternalLinks(true);
            link->setTextInteractionFlags(Qt::TextBrowserInteraction);
        } else {
            link->setTextFormat(Qt::PlainText);
            link->setText(tr("File kept by the platform: %1").arg(name + type));
            link->setToolTip(attachment.url);
        }
        link->setAccessibleName(tr("Attachment %1").arg(name));
        links << link;
        m_attachmentWidgets << link;
    }
    if (images > 0)
        m_attachmentsLayout->addLayout(grid);
    else
        delete grid;
    for (QWidget *link : std::as_const(links))
        m_attachmentsLayout->addWidget(link);
    m_attachmentsBox->setVisible(!m_attachmentWidgets.isEmpty());
}

void MessageBubble::showThumbnail(const QUrl &url)
{
    if (!m_loader)
        return;
    for (QWidget *widget : std::as_const(m_attachmentWidgets)) {
        auto *button = qobject_cast<QToolButton *>(widget);
        if (!button || button->property(kUrlProperty).toUrl() != url)
            continue;
        const QPixmap pixmap = m_loader->thumbnail(url);
        button->setIcon(QIcon(pixmap));
        button->setIconSize(pixmap.size());
        button->setToolButtonStyle(Qt::ToolButtonIconOnly);
        button->setText(QString());
    }
}

void MessageBubble::showThumbnailError(const QUrl &url, const QString &error)
{
    for (QWidget *widget : std::as_const(m_attachmentWidgets)) {
        auto *button = qobject_cast<QToolButton *>(widget);
        if (!button || button->property(kUrlProperty).toUrl() != url)
            continue;
        button->setText(tr("No preview\n%1").arg(QFileInfo(url.path()).fileName()));
        button->setToolTip(tr("%1\nThe preview failed: %2").arg(url.toString(), error));
    }
}

void MessageBubble::applyStyle()
{
    const AuthorKind kind = m_message.authorKind;
    const bool system = kind == AuthorKind::System;
    m_bubble->setStyleSheet(
        QStringLiteral(
            "QFrame#bubble { background: %1; border: %8px solid %2; border-radius: %3px; }"
            "QLabel#bubbleAuthor { color: %4; font-weight: 600; }"
            "QLabel#bubbleContent { color: %9; %5 }"
            "QLabel#bubbleDetail { color: %6; }"
            "QLabel#bubbleTime { color: %7; }"
            "QLabel#attachmentLink { color: %9; }"
            "QToolButton#attachmentThumbnail { border: 1px solid %2; border-radius: 6px; "
            "padding: 2px; color: %7; }"
            "QPushButton#retryButton { color: %6; background: transparent; border: 1px solid %6; "
            "border-radius: 5px; padding: 2px 10px; font-weight: 600; }"
            "QPushButton#retryButton:disabled { color: %7; border-color: %7; }")
            .arg(Theme::css(Theme::bubbleBackground(kind)),
                 Theme::css(m_highlighted ? Theme::accent() : Theme::bubbleBorder(kind)),
                 QString::number(system ? 10 : 14), Theme::css(Theme::authorColor(kind)),
                 system ? QStringLiteral("font-style: italic;") : QString(),
                 Theme::css(Theme::errorText()), Theme::css(Theme::mutedText()),
                 QString::number(m_highlighted ? 2 : 1),
                 Theme::css(system ? Theme::secondaryText() : Theme::text())));
    QFont small = font();
    if (small.pointSizeF() > 0)
        small.setPointSizeF(std::max(7.0, small.pointSizeF() - 1.0));
    m_author->setFont(small);
    m_time->setFont(small);
    m_state->setFont(small);
    m_detail->setFont(small);
    m_retry->setFont(small);
}

void MessageBubble::mousePressEvent(QMouseEvent *event)
{
    QWidget::mousePressEvent(event);
    if (event->button() == Qt::LeftButton)
        Q_EMIT activated(m_message.id);
}

bool MessageBubble::eventFilter(QObject *watched, QEvent *event)
{
    // Selectable labels take the click for themselves; the bubble still wants to know.
    if (event->type() == QEvent::MouseButtonPress &&
        static_cast<QMouseEvent *>(event)->button() == Qt::LeftButton)
        Q_EMIT activated(m_message.id);
    return QWidget::eventFilter(watched, event);
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
