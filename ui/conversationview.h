#pragma once

#include "core/conversation.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QFrame;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QVBoxLayout;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

class AttachmentLoader;
class Composer;
class DraftCard;
class MessageBubble;
class NoteBubble;

// The selected conversation: its newest messages as bubbles (older ones load as the operator
// scrolls up), AI drafts as editable cards, the draft being written as it streams in, and a
// composer for manual replies. Follows the engine's signals for this conversation and keeps
// existing widgets (and any half-edited draft) across refreshes.
class ConversationView : public QWidget
{
    Q_OBJECT

public:
    // Messages read at first, and how many more each "load older" adds.
    static constexpr int kPageSize = 50;
    static constexpr int kDebounceMs = 100;

    explicit ConversationView(Engine *engine, QWidget *parent = nullptr);
    ~ConversationView() override;

    // An empty id shows the "nothing selected" page.
    void showConversation(const QString &conversationId);
    QString conversationId() const { return m_conversationId; }
    // The conversation as last read (empty id before the first read).
    const Conversation &conversation() const { return m_conversation; }

    // Recorded as the actor of approvals and rejections and as the author of replies.
    QString operatorName() const { return m_operatorName; }
    void setOperatorName(const QString &name);

    QList<MessageBubble *> bubbles() const;
    QList<DraftCard *> draftCards() const;
    MessageBubble *bubble(const QString &messageId) const;
    QList<NoteBubble *> noteBubbles() const;
    DraftCard *draftCard(const QString &messageId) const;
    // The newest draft waiting for review, or null.
    DraftCard *newestDraftCard() const;
    QPlainTextEdit *composer() const;
    Composer *composerWidget() const { return m_composer; }
    QPushButton *sendButton() const;
    QPushButton *loadOlderButton() const { return m_olderButton; }
    // The "AI is writing" card while a draft streams in; hidden otherwise.
    QFrame *streamingCard() const { return m_streaming; }
    QString streamingText() const;
    // The inline error banner's text; empty while it is hidden.
    QString errorText() const;
    // How many of the newest messages are read; grows with loadOlder().
    int messageWindow() const { return m_window; }
    bool hasOlderMessages() const { return m_hasOlder; }
    bool isLoading() const { return m_loading; }
    QString selectedMessageId() const { return m_selectedMessage; }

public Q_SLOTS:
    void reload();
    // Sends the composer's text, or keeps it as a private note in note mode.
    void sendReply();
    void loadOlder();
    void selectMessage(const QString &messageId);
    // Keyboard triage: R, E, Ctrl+Return, G.
    void focusComposer();
    // N: the composer in note mode, for a private note to the team.
    void focusNote();
    bool focusDraft();
    bool approveNewestDraft();
    // Ctrl+Return: sends the reply when the composer has the focus, approves the draft being
    // edited or else the newest draft; false when there is nothing to send or approve.
    bool activateDefault();
    void regenerateDraft(const QString &messageId, const QString &instruction);
    void retryMessage(const QString &messageId, const QString &jobId);

Q_SIGNALS:
    // For the status bar: confirmations and errors in readable words.
    void statusMessage(const QString &message);
    void loaded(const QString &conversationId);
    // The operator picked a message (the event inspector shows it).
    void messageSelected(const QString &messageId);

private:
    struct Snapshot;

    void scheduleReload();
    void apply(const Snapshot &snapshot);
    void updateHeader(const Conversation &conversation);
    void updateComposerState();
    void addNote(const QString &text);
    void approveDraft(const QString &messageId, const QString &editedContent);
    void askRejectReason(const QString &messageId);
    void rejectDraft(const QString &messageId, const QString &reason);
    void takeOver();
    void showDraftProgress(const QString &conversationId, const QString &messageId,
                           const QString &text);
    void hideStreaming();
    void showError(const QString &message);
    void clearError();
    void clearMessages();
    static void dispose(QWidget *widget);

    Engine *m_engine;
    AttachmentLoader *m_loader;
    QString m_conversationId;
    Conversation m_conversation;
    QString m_operatorName;
    QString m_selectedMessage;
    quint64 m_generation = 0;
    int m_window = kPageSize;
    bool m_hasOlder = false;
    bool m_loadingOlder = false;
    bool m_loading = false;
    bool m_reloadAgain = false;
    bool m_sending = false;
    bool m_stickToBottom = true;
    // While older messages are added above, the distance to the bottom stays the same.
    int m_keepDistance = -1;
    QTimer m_debounce;
    QTimer m_keepDistanceTimer;
    QHash<QString, QWidget *> m_items;
    QHash<QString, QString> m_composerDrafts;
    QString m_streamingFor;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_errorLabel = nullptr;
    QWidget *m_errorBanner = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_messagesHost = nullptr;
    QVBoxLayout *m_messagesLayout = nullptr;
    QPushButton *m_olderButton = nullptr;
    QLabel *m_emptyNote = nullptr;
    QFrame *m_streaming = nullptr;
    QWidget *m_streamingRow = nullptr;
    QLabel *m_streamingLabel = nullptr;
    Composer *m_composer = nullptr;
};

} // namespace relaydesk::ui
