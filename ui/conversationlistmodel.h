#pragma once

#include "core/conversation.h"

#include <QAbstractListModel>
#include <QSet>
#include <QTimer>

namespace relaydesk {
class Engine;
}

namespace relaydesk::ui {

// The inbox: conversations newest first, kept current from the engine's signals. Changed rows
// are re-read one by one and updated in place (views keep their selection); a burst of
// messages is coalesced into one read per debounce interval.
class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        PlatformRole,      // int(Platform)
        ParticipantsRole,  // QStringList
        PreviewRole,       // QString
        StatusRole,        // int(ConversationStatus)
        PriorityRole,      // int(Priority)
        AiModeRole,        // int(AiMode)
        PendingDraftsRole, // int
        LastActivityRole,  // QDateTime (UTC)
    };
    Q_ENUM(Role)

    static constexpr int kDebounceMs = 100;
    static constexpr int kPageSize = 200;

    explicit ConversationListModel(Engine *engine, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // -1 when the conversation is not (yet) in the inbox.
    int rowOf(const QString &conversationId) const;
    QString idAt(int row) const;
    const Conversation *conversation(const QString &conversationId) const;
    bool isLoading() const { return m_loading; }

public Q_SLOTS:
    // Reads the newest page and merges it in; existing rows are updated, not reset.
    void reload();
    // Schedules a re-read of one conversation (coalesced with others for kDebounceMs).
    void refreshConversation(const QString &conversationId);

Q_SIGNALS:
    void loaded();
    void rowsRefreshed(const QStringList &conversationIds);
    void errorOccurred(const QString &message);

private:
    void flushRefreshes();
    void scheduleFlush();
    void merge(const QList<Conversation> &conversations);
    void upsert(const Conversation &conversation);

    Engine *m_engine;
    QList<Conversation> m_rows;
    QSet<QString> m_pending;
    QTimer m_debounce;
    bool m_loading = false;
    bool m_reloadAgain = false;
    bool m_refreshing = false;
};

} // namespace relaydesk::ui
