#pragma once

#include "core/conversation.h"
#include "storage/conversationrepository.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QSet>
#include <QTimer>

namespace relaydesk {
class Engine;
class MessageRepository;
} // namespace relaydesk

namespace relaydesk::ui {

// The inbox: conversations matching a filter in the filter's order, read a page at a time
// (fetchMore follows the repository's keyset cursor, so a million conversations open as fast
// as a hundred) and kept current from the engine's signals. Changed rows are re-read one by
// one and updated, moved or dropped in place, so views keep their selection; a burst of
// messages is coalesced into one read per debounce interval. The pinned row (the one the
// operator has open) never moves or disappears under them.
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
        FlaggedRole,       // bool
        FlagReasonRole,    // QString
        LabelsRole,        // QStringList
        AssigneeRole,      // QString
        // Customer messages since the last reply that went out (AI drafts waiting for review
        // do not count as a reply); capped at kUnreadWindow.
        UnreadRole,
        // When the oldest of those unanswered messages arrived; invalid when none waits.
        WaitingSinceRole,
    };
    Q_ENUM(Role)

    static constexpr int kDebounceMs = 100;
    static constexpr int kPageSize = 100;
    static constexpr int kUnreadWindow = 20;

    explicit ConversationListModel(Engine *engine, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Replaces the filter (its cursor and limit are the model's own) and reloads.
    void setFilter(const ConversationFilter &filter);
    ConversationFilter filter() const { return m_filter; }
    // The conversation the operator has open stays where it is until another one is pinned.
    void setPinnedId(const QString &conversationId);
    QString pinnedId() const { return m_pinned; }

    // -1 when the conversation is not (yet) in the inbox.
    int rowOf(const QString &conversationId) const;
    QString idAt(int row) const;
    const Conversation *conversation(const QString &conversationId) const;
    // Reading the first page, a further page or refreshed rows.
    bool isLoading() const { return m_busy || m_reloadWanted; }
    // More pages wait in the database.
    bool hasMore() const { return !m_nextCursor.isEmpty(); }
    // Labels of the loaded conversations, sorted, for the label filter's suggestions.
    QStringList knownLabels() const;

public Q_SLOTS:
    // Reads the first page again (a reset: the filter or the data may have changed entirely).
    void reload();
    // Schedules a re-read of one conversation (coalesced with others for kDebounceMs).
    void refreshConversation(const QString &conversationId);

Q_SIGNALS:
    void loaded();
    void pageLoaded();
    void rowsRefreshed(const QStringList &conversationIds);
    void errorOccurred(const QString &message);

private:
    struct Row {
        Conversation conversation;
        int unread = 0;
        QDateTime waitingSince;
    };
    struct PageResult {
        QList<Row> rows;
        QString nextCursor;
    };
    struct Refreshed {
        QList<Row> rows;       // still in the database and matching the search
        QStringList unmatched; // gone, or no longer matching the search
    };

    static Outcome<Row> readRow(MessageRepository &messages, const Conversation &conversation);
    bool lessThan(const Row &a, const Row &b) const;
    bool matches(const Conversation &conversation) const;
    void runNext();
    void startReload();
    void startFetch();
    void startRefresh();
    void applyRefreshed(const Refreshed &refreshed);
    void appendPage(const QList<Row> &rows);
    // Updates, moves, inserts or drops the row to match the filter and order. `fromPage`: the
    // row belongs to the loaded range even when it sorts last.
    void place(const Row &row, bool fromPage);
    void removeAt(int row);
    void schedulePending();

    Engine *m_engine;
    ConversationFilter m_filter;
    QList<Row> m_rows;
    QString m_nextCursor;
    QString m_pinned;
    QSet<QString> m_pending;
    QTimer m_debounce;
    quint64 m_generation = 0;
    bool m_busy = false;
    bool m_reloadWanted = false;
    bool m_fetchWanted = false;
};

} // namespace relaydesk::ui
