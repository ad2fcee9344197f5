-- Every inbound webhook, verified or not: an audit trail with secrets stripped from headers.
CREATE TABLE webhook_logs (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    request_id TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL,
    headers TEXT NOT NULL DEFAULT '{}',
    body_bytes INTEGER NOT NULL DEFAULT 0,
    status INTEGER NOT NULL,
    verified INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL DEFAULT 0,
    received_at BIGINT NOT NULL
);
CREATE INDEX webhook_logs_channel ON webhook_logs (channel, id);

-- Keys of platform events already processed (webhook ids, delivery events), so a redelivery is
-- acknowledged without being processed twice.
CREATE TABLE webhook_receipts (
    key TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);

-- Small per-channel bookkeeping that must survive restarts: long-poll offsets, since_id,
-- gateway session ids.
CREATE TABLE channel_state (
    channel TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (channel, key)
);

-- Delivery receipts name the platform's id of what we sent; find our message from it.
CREATE TABLE message_external_ids (
    platform TEXT NOT NULL,
    external_id TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages (id),
    PRIMARY KEY (platform, external_id)
);
