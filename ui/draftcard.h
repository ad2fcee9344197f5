#pragma once

#include "core/message.h"

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace relaydesk::ui {

// An AI draft waiting for review: the operator edits the text in place, then approves it for
// sending or rejects it. The card only asks; the conversation view talks to the engine.
class DraftCard : public QFrame
{
    Q_OBJECT

public:
    explicit DraftCard(const Message &draft, QWidget *parent = nullptr);

    // Refreshes time and provider; never touches the editor, which may hold the operator's edit.
    void setMessage(const Message &draft);

    QString messageId() const { return m_draft.id; }
    QString originalContent() const { return m_draft.content; }
    QString editorText() const;
    bool isEdited() const;
    bool isBusy() const { return m_busy; }
    QPlainTextEdit *editor() const { return m_editor; }

    void setBusy(bool busy);
    void showError(const QString &message);
    void clearError();

Q_SIGNALS:
    // `editedContent` is empty when the operator kept the draft as it was.
    void approveRequested(const QString &messageId, const QString &editedContent);
    void rejectRequested(const QString &messageId);

private:
    void requestApprove();
    void updateEditedMarker();

    Message m_draft;
    bool m_busy = false;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_approve = nullptr;
    QPushButton *m_reject = nullptr;
};

} // namespace relaydesk::ui
