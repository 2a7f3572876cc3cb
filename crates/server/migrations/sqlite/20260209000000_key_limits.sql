-- The API keys' rate limit (`--api-key-rate-limit`), shared by every instance of the
-- database: one row per key that has been used, with the start of its current window
-- (unix milliseconds) and the requests counted in it. A request counts with one
-- INSERT … ON CONFLICT … DO UPDATE … RETURNING, so a parallel burst is counted one by one.
CREATE TABLE api_key_windows (
    key_id       TEXT PRIMARY KEY NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
);
