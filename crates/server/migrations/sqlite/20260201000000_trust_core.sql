-- Trust core: rate limits that hold across instances, and each account's security log.

-- One row per counted event (a sign-in attempt, a mail sent…), per rule and subject (an
-- email, an address, an org). Rows older than the rule's window are deleted as it runs.
CREATE TABLE rate_limit_hits (
    id      TEXT PRIMARY KEY NOT NULL,
    rule    TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX rate_limit_hits_subject ON rate_limit_hits (rule, subject, at);

-- One row per (rule, subject) ever limited: PostgreSQL locks it, so that concurrent
-- reservations for one subject count one after the other (SQLite's writers already do).
CREATE TABLE rate_limit_subjects (
    rule    TEXT NOT NULL,
    subject TEXT NOT NULL,
    PRIMARY KEY (rule, subject)
);

-- What happened to an account's security: sign-ins (and failed ones), password, email and
-- two-factor changes, sessions ended. The owner reads it on the Account page.
CREATE TABLE account_events (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event      TEXT NOT NULL,
    ip         TEXT,
    user_agent TEXT,
    details    TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_events_user ON account_events (user_id, created_at, id);
