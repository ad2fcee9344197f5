#pragma once

#include "core/message.h"

#include <QWidget>

class QFrame;
class QLabel;

namespace relaydesk::ui {

// One message in the conversation view: customers on the left, operator and AI replies on the
// right, system notes centred; a footer with the time and the delivery state.
class MessageBubble : public QWidget
{
    Q_OBJECT

public:
    explicit MessageBubble(const Message &message, QWidget *parent = nullptr);

    // `stateDetail` explains a failure or rejection; `sentContent` is the operator's edit of an
    // AI draft, which is what the customer actually received.
    void setMessage(const Message &message, const QString &stateDetail = {},
                    const QString &sentContent = {});

    QString messageId() const { return m_message.id; }
    QString state() const { return m_message.state; }
    AuthorKind authorKind() const { return m_message.authorKind; }
    // The text as shown (the edited version when there is one).
    QString shownContent() const;
    QString stateDetail() const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void applyStyle();
    void updateWidths();

    Message m_message;
    QFrame *m_bubble = nullptr;
    QLabel *m_author = nullptr;
    QLabel *m_content = nullptr;
    QLabel *m_detail = nullptr;
    QLabel *m_time = nullptr;
    QLabel *m_state = nullptr;
};

} // namespace relaydesk::ui
