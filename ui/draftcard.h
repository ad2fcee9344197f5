#pragma once

#include "core/message.h"

#include <QFrame>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;

namespace relaydesk::ui {

// An AI draft waiting for review: which provider and model wrote it, why it is held (moderation
// flags), the text to edit in place, and the decisions: approve and send, regenerate with an
// instruction, reject with a reason, or take the conversation over by hand. The card only
// asks; the conversation view talks to the engine.
class DraftCard : public QFrame
{
    Q_OBJECT

public:
    explicit DraftCard(const Message &draft, QWidget *parent = nullptr);

    // Refreshes time, provider and the drafting note; never touches the editor, which may hold
    // the operator's edit. `note` is the drafted event's detail ("anthropic/claude…; held for
    // review: …").
    void setMessage(const Message &draft, const QString &note = {});
    // The longest reply the platform takes; the card counts against it while editing.
    void setPlatformLimit(int limit);

    QString messageId() const { return m_draft.id; }
    QString originalContent() const { return m_draft.content; }
    QString editorText() const;
    bool isEdited() const;
    bool isBusy() const { return m_busy; }
    QPlainTextEdit *editor() const { return m_editor; }
    QToolButton *regenerateButton() const { return m_regenerate; }
    QString flagText() const;

    void setBusy(bool busy);
    void showError(const QString &message);
    void clearError();
    // Approve (with the edit, if any); refused with a message when the text is empty or too
    // long.
    void requestApprove();
    // Asks for a free-text instruction, then regenerates.
    void askInstruction();

Q_SIGNALS:
    // `editedContent` is empty when the operator kept the draft as it was.
    void approveRequested(const QString &messageId, const QString &editedContent);
    void rejectRequested(const QString &messageId);
    void regenerateRequested(const QString &messageId, const QString &instruction);
    void takeOverRequested(const QString &messageId);

private:
    void updateEditedMarker();

    Message m_draft;
    bool m_busy = false;
    int m_limit = 0;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QLabel *m_flags = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_counter = nullptr;
    QPushButton *m_approve = nullptr;
    QPushButton *m_reject = nullptr;
    QToolButton *m_regenerate = nullptr;
    QPushButton *m_takeOver = nullptr;
};

} // namespace relaydesk::ui
