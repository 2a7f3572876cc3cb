-- API keys may expire: after `expires_at` (ms since the epoch) the key no longer
-- authenticates. NULL: it works until revoked.
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
