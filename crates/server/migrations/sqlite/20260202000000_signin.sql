-- Sign-in: sessions people can see and end, two-factor sign-in, and each org's security
-- policy. Login throttling moved to rate_limit_hits (the trust core's limits).

DROP TABLE login_failures;

-- Sessions get an id that can be shown (the token's hash stays the key), where they were
-- made from, and when they were last used (updated at most once a minute).
CREATE TABLE sessions_new (
    token_hash   TEXT PRIMARY KEY NOT NULL,
    id           TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
INSERT INTO sessions_new (token_hash, id, user_id, created_at, last_seen_at, expires_at)
    SELECT token_hash, lower(hex(randomblob(16))), user_id, created_at, created_at, expires_at
    FROM sessions;
-- The random hex as a UUID's text (8-4-4-4-12), like every other id.
UPDATE sessions_new SET id = substr(id, 1, 8) || '-' || substr(id, 9, 4) || '-'
    || substr(id, 13, 4) || '-' || substr(id, 17, 4) || '-' || substr(id, 21, 12);
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Two-factor sign-in (TOTP, RFC 6238): one row per account that started enrolment. The
-- secret is never shown again once enabled_at is set; last_step is the last time step a
-- code was accepted for, so no code works twice.
CREATE TABLE two_factor (
    user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at BIGINT,
    last_step  BIGINT,
    created_at BIGINT NOT NULL
);

-- Recovery codes: only their SHA-256 (they are random, 50 bits each); used ones keep
-- used_at.
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

-- The second step of a sign-in with two-factor on: only the SHA-256 of the challenge;
-- single use, 5 minutes.
CREATE TABLE login_challenges (
    challenge_hash TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL
);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- An org's security policy; no row is the default (nothing required, the server's idle
-- timeout, the platform's minimum password length).
CREATE TABLE org_security_policies (
    org_id                  TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    require_two_factor      BIGINT NOT NULL DEFAULT 0 CHECK (require_two_factor IN (0, 1)),
    session_idle_timeout_ms BIGINT CHECK (session_idle_timeout_ms IS NULL OR session_idle_timeout_ms > 0),
    min_password_length     BIGINT NOT NULL CHECK (min_password_length > 0),
    updated_at              BIGINT NOT NULL
);
