#include "storage/noterepository.h"

#include "storage/database.h"
#include "storage/sqlcodec.h"

namespace relaydesk {

NoteRepository::NoteRepository(QSqlDatabase db)
    : m_db(std::move(db))
{}

Outcome<Done> NoteRepository::insert(const Note &note)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("INSERT INTO notes (id, conversation_id, author, content, created_at) "
                       "VALUES (?, ?, ?, ?, ?)"),
        {note.id, note.conversationId, note.author, note.content,
         note.createdAt.toMSecsSinceEpoch()});
    if (!query.isOk())
        return query.error();
    return Done{};
}

Outcome<QList<Note>> NoteRepository::forConversation(const QString &conversationId,
                                                     const QString &fromId)
{
    auto query = Database::exec(
        m_db,
        QStringLiteral("SELECT id, conversation_id, author, content, created_at FROM notes "
                       "WHERE conversation_id = ? AND id >= ? ORDER BY id"),
        {conversationId, fromId});
    if (!query.isOk())
        return query.error();
    QList<Note> notes;
    while (query.value().next()) {
        const QSqlQuery &row = query.value();
        notes.append(Note{row.value(0).toString(), row.value(1).toString(), row.value(2).toString(),
                          row.value(3).toString(), SqlCodec::dateTime(row.value(4))});
    }
    return notes;
}

} // namespace relaydesk
