-- The id of the key that seals secrets (two-factor secrets): every server of this
-- database must use the same key, and refuses to start with another.
CREATE TABLE sealing_keys (
    purpose TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
