-- Foundation: accounts, sessions, login throttling, organizations, slugs, memberships, logos.
-- Portable conventions shared with the PostgreSQL migration: ids are TEXT (UUID strings),
-- times are BIGINT unix milliseconds, flags would be BIGINT 0/1.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins, shared by every instance that uses this database.
CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT NOT NULL,
    ip           TEXT NOT NULL,
    attempted_at BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, attempted_at);
CREATE INDEX login_failures_ip ON login_failures (ip, attempted_at);
CREATE INDEX login_failures_time ON login_failures (attempted_at);

-- Organizations and personal contexts (kind = 'personal', exactly one per user).
CREATE TABLE orgs (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('personal', 'organization')),
    personal_user_id TEXT UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    -- lower(name) as Rust lowercases it: the list order, identical on every backend.
    sort_name        TEXT NOT NULL,
    description      TEXT,
    website          TEXT,
    plan             TEXT NOT NULL CHECK (plan IN ('free', 'team', 'business')),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK ((kind = 'personal') = (personal_user_id IS NOT NULL))
);

-- Every slug an org has ever had, the current one included. The primary key keeps a
-- former slug reserved for its org; deleting the org releases them. The reference is
-- deferred so that a slug can be reserved before its org row is written.
CREATE TABLE org_slugs (
    slug       TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_slugs_org ON org_slugs (org_id);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
-- At most one owner per org, enforced by the database.
CREATE UNIQUE INDEX memberships_one_owner ON memberships (org_id) WHERE role = 'owner';

CREATE TABLE org_logos (
    org_id       TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    etag         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BLOB NOT NULL,
    updated_at   BIGINT NOT NULL
);
