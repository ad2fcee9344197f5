#pragma once

#include "core/conversation.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

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

class DraftCard;
class MessageBubble;

// The selected conversation: its newest messages as bubbles, AI drafts as editable cards, and
// a composer for manual replies. Follows the engine's signals for this conversation and keeps
// existing widgets (and any half-edited draft) across refreshes.
class ConversationView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMessageLimit = 200;
    static constexpr int kDebounceMs = 100;

    explicit ConversationView(Engine *engine, QWidget *parent = nullptr);
    ~ConversationView() override;

    // An empty id shows the "nothing selected" page.
    void showConversation(const QString &conversationId);
    QString conversationId() const { return m_conversationId; }

    // Recorded as the actor of approvals and rejections and as the author of replies.
    QString operatorName() const { return m_operatorName; }
    void setOperatorName(const QString &name);

    QList<MessageBubble *> bubbles() const;
    QList<DraftCard *> draftCards() const;
    MessageBubble *bubble(const QString &messageId) const;
    DraftCard *draftCard(const QString &messageId) const;
    QPlainTextEdit *composer() const { return m_composer; }
    QPushButton *sendButton() const { return m_sendButton; }
    // The inline error banner's text; empty while it is hidden.
    QString errorText() const;

public Q_SLOTS:
    void reload();
    void sendReply();

Q_SIGNALS:
    // For the status bar: confirmations and errors in readable words.
    void statusMessage(const QString &message);
    void loaded(const QString &conversationId);

private:
    struct Snapshot;

    void scheduleReload();
    void apply(const Snapshot &snapshot);
    void updateHeader(const Conversation &conversation);
    void updateComposerState();
    void approveDraft(const QString &messageId, const QString &editedContent);
    void askRejectReason(const QString &messageId);
    void rejectDraft(const QString &messageId, const QString &reason);
    void showError(const QString &message);
    void clearError();
    void clearMessages();
    static void dispose(QWidget *widget);

    Engine *m_engine;
    QString m_conversationId;
    QString m_operatorName;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_reloadAgain = false;
    bool m_sending = false;
    bool m_stickToBottom = true;
    QTimer m_debounce;
    QHash<QString, QWidget *> m_items;
    QHash<QString, QString> m_composerDrafts;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_errorLabel = nullptr;
    QWidget *m_errorBanner = nullptr;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_messagesHost = nullptr;
    QVBoxLayout *m_messagesLayout = nullptr;
    QLabel *m_truncatedNote = nullptr;
    QLabel *m_emptyNote = nullptr;
    QPlainTextEdit *m_composer = nullptr;
    QPushButton *m_sendButton = nullptr;
};

} // namespace relaydesk::ui
