#pragma once

#include "core/note.h"
#include "core/outcome.h"

#include <QSqlDatabase>

namespace relaydesk {

// Operators' private notes (table `notes`, migration 005). Insert-only like messages.
class NoteRepository
{
public:
    explicit NoteRepository(QSqlDatabase db);

    Outcome<Done> insert(const Note &note);
    // The conversation's notes oldest first; with `fromId`, only those at or after it (the
    // conversation view reads the notes of the message window it shows).
    Outcome<QList<Note>> forConversation(const QString &conversationId, const QString &fromId = {});

private:
    QSqlDatabase m_db;
};

} // namespace relaydesk
