-- A conversation may name its own AI provider chain (a JSON array such as
-- ["anthropic","offline"]); NULL drafts with the global [ai] chain.
ALTER TABLE conversations ADD COLUMN ai_chain TEXT;
