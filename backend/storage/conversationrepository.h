#pragma once

#include "core/conversation.h"
#include "core/outcome.h"

#include <QSqlDatabase>
#include <optional>

namespace relaydesk {

// Page order of ConversationRepository::list. Newest is the API's order; the others serve the
// console's inbox and carry their sort key in the cursor.
enum class ConversationSort {
    Newest,         // newest conversation first (id descending)
    LongestWaiting, // oldest last activity first
    Priority,       // highest priority first, then longest waiting
};

struct ConversationFilter {
    QString participant;
    std::optional<ConversationStatus> status;
    // Any of these statuses (the console's "active" inbox is open + pending); empty: any.
    QList<ConversationStatus> statuses;
    std::optional<Platform> platform;
    std::optional<Priority> priority;
    std::optional<bool> flagged;
    bool needsReview = false; // only conversations with AI drafts waiting for review
    QString assignee;         // exact match
    QString label;            // conversations carrying this label
    QString search;           // full-text query over message content
    ConversationSort sort = ConversationSort::Newest;
    QString cursor; // from the previous page's nextCursor (for Newest: the last conversation's id)
    int limit = 50;
};

struct ConversationPatch {
    std::optional<ConversationStatus> status;
    std::optional<AiMode> aiMode;
    std::optional<Priority> priority;
    std::optional<QStringList> labels;
    std::optional<QString> assignee;
    // Clearing a flag (false) also clears its reason.
    std::optional<bool> flagged;
    // The conversation's own provider chain; an empty list goes back to the global [ai] chain.
    std::optional<QStringList> aiChain;
};

template <typename T> struct Page {
    QList<T> items;
    QString nextCursor; // empty on the last page
};

// Reads and writes conversations on the connection it is given (the caller's thread's own).
class ConversationRepository
{
public:
    explicit ConversationRepository(QSqlDatabase db);

    Outcome<Conversation> get(const QString &id);
    // The conversation's own columns only: no last-message preview and no pending-draft count,
    // whose subqueries grow with the conversation. For writers that need its id, mode and flag.
    Outcome<Conversation> find(const QString &id);
    Outcome<std::optional<QString>> findByAlias(const QString &alias);
    // The newest open or pending conversation on this key still inside its session window.
    Outcome<std::optional<QString>> findActiveSession(const QString &threadKey,
                                                      const QDateTime &notBefore);
    Outcome<Done> insert(const Conversation &conversation);
    Outcome<Done> addAlias(const QString &alias, const QString &conversationId);
    Outcome<Done> addParticipants(const QString &conversationId, const QStringList &participants);
    // Records new activity; a resolved conversation that hears from its customer again reopens.
    Outcome<Done> touch(const QString &id, const QDateTime &at, bool reopen);
    Outcome<Conversation> update(const QString &id, const ConversationPatch &patch);
    Outcome<Page<Conversation>> list(const ConversationFilter &filter);
    Outcome<int> countActive();

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
