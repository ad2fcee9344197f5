-- Operators' private notes on a conversation. A table of their own, not rows in messages:
-- nothing that sends, drafts or counts messages can pick a note up by accident.
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, id);
