#pragma once

#include "core/message.h"

#include <QPointer>
#include <QWidget>

class QFrame;
class QLabel;
class QPushButton;
class QVBoxLayout;
class QToolButton;

namespace relaydesk::ui {

class AttachmentLoader;

// One message in the conversation view: customers on the left, operator and AI replies on the
// right, system notes centred; attachments under the text (images as thumbnails, the rest as
// links); a footer with the time and the delivery state, and a Retry button when the message
// ended as a dead letter.
class MessageBubble : public QWidget
{
    Q_OBJECT

public:
    // `loader` fetches image thumbnails; it must outlive the bubble (or be null: links only).
    explicit MessageBubble(const Message &message, AttachmentLoader *loader = nullptr,
                           QWidget *parent = nullptr);

    // `stateDetail` explains a failure or rejection; `sentContent` is the operator's edit of an
    // AI draft, which is what the customer actually received; `retryJobId` names the dead
    // letter a Retry would send again (empty: nothing to retry).
    void setMessage(const Message &message, const QString &stateDetail = {},
                    const QString &sentContent = {}, const QString &retryJobId = {});

    QString messageId() const { return m_message.id; }
    const Message &message() const { return m_message; }
    QString state() const { return m_message.state; }
    AuthorKind authorKind() const { return m_message.authorKind; }
    // The text as shown (the edited version when there is one).
    QString shownContent() const;
    QString stateDetail() const;
    QString retryJobId() const { return m_retryJobId; }
    QPushButton *retryButton() const { return m_retry; }
    // The thumbnail or link widgets, in attachment order.
    QList<QWidget *> attachmentWidgets() const { return m_attachmentWidgets; }
    void setRetrying(bool retrying);
    void setHighlighted(bool highlighted);

Q_SIGNALS:
    void retryRequested(const QString &messageId, const QString &jobId);
    // The operator clicked the bubble (the event inspector follows the selection).
    void activated(const QString &messageId);

protected:
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyStyle();
    void updateWidths();
    void rebuildAttachments();
    void showThumbnail(const QUrl &url);
    void showThumbnailError(const QUrl &url, const QString &error);

    Message m_message;
    QPointer<AttachmentLoader> m_loader;
    QString m_retryJobId;
    bool m_highlighted = false;
    QFrame *m_bubble = nullptr;
    QLabel *m_author = nullptr;
    QLabel *m_content = nullptr;
    QWidget *m_attachmentsBox = nullptr;
    QVBoxLayout *m_attachmentsLayout = nullptr;
    QList<QWidget *> m_attachmentWidgets;
    QList<Attachment> m_shownAttachments;
    QLabel *m_detail = nullptr;
    QLabel *m_time = nullptr;
    QLabel *m_state = nullptr;
    QPushButton *m_retry = nullptr;
};

} // namespace relaydesk::ui
