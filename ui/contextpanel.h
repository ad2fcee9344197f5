#pragma once

#include "core/conversation.h"
#include "storage/conversationrepository.h"

#include <QMap>
#include <QTimer>
#include <QWidget>

class QButtonGroup;
class QComboBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QToolButton;
class QVBoxLayout;

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

// The context dock: everything about the open conversation besides its messages, and the
// controls that change it — status (resolve, reopen, archive), priority, the AI's mode,
// assignee and labels — each applied at once through Engine::updateConversation. Participants,
// platform ids (from the customer's newest message) and the flag reason are shown for reference.
class ContextPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ContextPanel(Engine *engine, QWidget *parent = nullptr);

    void setConversation(const QString &conversationId);
    QString conversationId() const { return m_conversationId; }
    const Conversation &conversation() const { return m_conversation; }
    // "Assign to me" uses this name.
    void setOperatorName(const QString &name) { m_operatorName = name; }
    bool isBusy() const { return m_busy > 0; }

    QPushButton *resolveButton() const { return m_resolve; }
    QPushButton *reopenButton() const { return m_reopen; }
    QPushButton *archiveButton() const { return m_archive; }
    QComboBox *priorityBox() const { return m_priority; }
    QToolButton *aiModeButton(AiMode mode) const;
    QComboBox *assigneeBox() const { return m_assignee; }
    QLineEdit *labelEdit() const { return m_labelEdit; }
    // The label chips as shown (their remove buttons).
    QList<QToolButton *> labelChips() const { return m_labelChips; }
    QString platformIdsText() const;

public Q_SLOTS:
    void reload();
    void setStatus(ConversationStatus status);
    void setPriority(Priority priority);
    void setAiMode(AiMode mode);
    void setAssignee(const QString &assignee);
    void addLabel(const QString &label);
    void removeLabel(const QString &label);
    void clearFlag();

Q_SIGNALS:
    void statusMessage(const QString &message);
    void loaded(const QString &conversationId);

private:
    struct Snapshot {
        Conversation conversation;
        QMap<QString, QString> platformIds;
    };

    void build();
    void apply(const Snapshot &snapshot);
    void update(const ConversationPatch &patch, const QString &done);
    void rebuildLabels();
    QLabel *sectionTitle(const QString &text);
    QLabel *valueLabel();

    Engine *m_engine;
    QString m_conversationId;
    Conversation m_conversation;
    QMap<QString, QString> m_platformIds;
    QString m_operatorName;
    quint64 m_generation = 0;
    int m_busy = 0;
    bool m_loading = false;
    bool m_reloadAgain = false;
    bool m_updatingControls = false;
    QTimer m_debounce;

    QStackedWidget *m_pages = nullptr;
    QVBoxLayout *m_column = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_subtitle = nullptr;
    QLabel *m_statusValue = nullptr;
    QPushButton *m_resolve = nullptr;
    QPushButton *m_reopen = nullptr;
    QPushButton *m_archive = nullptr;
    QComboBox *m_priority = nullptr;
    QButtonGroup *m_aiModes = nullptr;
    QComboBox *m_assignee = nullptr;
    QPushButton *m_assignMe = nullptr;
    QWidget *m_labelsBox = nullptr;
    QGridLayout *m_labelsLayout = nullptr;
    QList<QToolButton *> m_labelChips;
    QLineEdit *m_labelEdit = nullptr;
    QLabel *m_flag = nullptr;
    QPushButton *m_clearFlag = nullptr;
    QLabel *m_participants = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_platformIdsLabel = nullptr;
};

} // namespace relaydesk::ui
