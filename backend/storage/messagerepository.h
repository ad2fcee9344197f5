#pragma once

#include "core/message.h"
#include "core/messageevent.h"
#include "core/outcome.h"
#include "storage/conversationrepository.h"

#include <QSqlDatabase>

namespace relaydesk {

struct MessageFilter {
    QString conversationId;
    QString search;
    QString cursor; // id of the last message of the previous page (pages go newest first)
    int limit = 50;
};

// Messages are insert-only; every change of state is a new message_events row and a message's
// `state` is read back as its newest event.
class MessageRepository
{
public:
    explicit MessageRepository(QSqlDatabase db);

    Outcome<Done> insert(const Message &message);
    Outcome<QString> addEvent(const QString &messageId, EventType type, const QString &detail = {});
    Outcome<Message> get(const QString &id);
    Outcome<QList<MessageEvent>> events(const QString &messageId);
    Outcome<Page<Message>> list(const MessageFilter &filter);
    // The newest `limit` messages of a conversation, returned oldest first (prompt history,
    // conversation view).
    Outcome<QList<Message>> recent(const QString &conversationId, int limit);
    Outcome<std::optional<QString>> findByClientMessageId(const QString &clientMessageId);
    // The customer's newest message in a conversation (where replies are addressed).
    Outcome<std::optional<Message>> lastInbound(const QString &conversationId);

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
