-- One row per call to an AI provider (the offline responder included): tokens, latency, outcome
-- and cost, summed by GET /api/v1/usage. No foreign key: accounting outlives what it counted.
CREATE TABLE usage (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    conversation_id TEXT NOT NULL DEFAULT '',
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    cost REAL NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX usage_created ON usage (created_at);
CREATE INDEX usage_conversation ON usage (conversation_id);

-- Moderation and the per-user AI rate limit flag a conversation for an operator: its drafts
-- wait for review whatever the AI mode, and the reason says why.
ALTER TABLE conversations ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN flag_reason TEXT NOT NULL DEFAULT '';
