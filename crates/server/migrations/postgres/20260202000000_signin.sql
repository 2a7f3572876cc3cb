-- Sign-in: sessions people can see and end, two-factor sign-in, and each org's security
-- policy. Login throttling moved to rate_limit_hits (the trust core's limits).

DROP TABLE login_failures;

-- Sessions get an id that can be shown (the token's hash stays the key), where they were
-- made from, and when they were last used (updated at most once a minute).
ALTER TABLE sessions ADD COLUMN id TEXT;
UPDATE sessions SET id = gen_random_uuid()::text;
ALTER TABLE sessions ALTER COLUMN id SET NOT NULL;
ALTER TABLE sessions ADD CONSTRAINT sessions_id_key UNIQUE (id);
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
DROP INDEX sessions_user;
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);

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
