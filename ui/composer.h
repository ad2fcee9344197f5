#pragma once

#include "core/enums.h"
#include "ui/cannedresponses.h"

#include <QWidget>

class QCompleter;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStandardItemModel;
class QToolButton;

namespace relaydesk::ui {

class ComposerEdit;

// The manual reply box under a conversation: the text, a live count against the platform's
// length limit (sending is refused past it), canned responses inserted by typing "/" and a
// name, and Send (Ctrl+Return through the window's approve-or-send action). In note mode (the
// Note toggle, N from the window) the text becomes a private note for the team instead: it is
// stored with the conversation and never sent, and the box turns amber so nobody mistakes one
// for the other.
class Composer : public QWidget
{
    Q_OBJECT

public:
    explicit Composer(QWidget *parent = nullptr);

    QPlainTextEdit *editor() const;
    QPushButton *sendButton() const { return m_send; }
    QLabel *counter() const { return m_counter; }
    QToolButton *noteToggle() const { return m_noteToggle; }
    bool isNoteMode() const { return m_noteMode; }
    void setNoteMode(bool note);
    QCompleter *completer() const { return m_completer; }

    QString text() const;
    void setText(const QString &text);
    void clear();
    // The platform the reply goes out on decides the limit.
    void setPlatform(Platform platform);
    int limit() const { return m_limit; }
    bool isOverLimit() const;
    // No conversation open: nothing can be typed or sent.
    void setAvailable(bool available);
    // A reply is on its way: the text stays as it is until the engine answers.
    void setBusy(bool busy);
    // Re-reads the canned responses (after the settings dialog changed them).
    void reloadCannedResponses();
    // Replaces the "/name" before the cursor with the response; false when there is none.
    bool insertCannedResponse(const QString &name);

Q_SIGNALS:
    void sendRequested();
    void noteModeChanged(bool note);

private:
    void updateState();
    void updateCompletion();
    // The "/word" right before the cursor, or empty.
    QString slashWordBeforeCursor() const;

    ComposerEdit *m_editor = nullptr;
    QPushButton *m_send = nullptr;
    QToolButton *m_noteToggle = nullptr;
    int m_platformLimit = 0;
    bool m_noteMode = false;
    QLabel *m_counter = nullptr;
    QLabel *m_hint = nullptr;
    QCompleter *m_completer = nullptr;
    QStandardItemModel *m_completions = nullptr;
    QList<CannedResponse> m_responses;
    int m_limit = 0;
    bool m_available = false;
    bool m_busy = false;
    bool m_settingText = false;
};

} // namespace relaydesk::ui
