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
    id           BIGSERIAL PRIMARY KEY,
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
    sort_name        TEXT COLLATE "C" NOT NULL,
    description      TEXT,
    website          TEXT,
    plan             TEXT NOT NULL CHECK (plan IN ('free', 'team', 'business')),
    -- The one owner (see "Exactly one owner" below).
    owner_user_id    TEXT NOT NULL,
    owner_role       TEXT NOT NULL DEFAULT 'admin' CHECK (owner_role = 'admin'),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK ((kind = 'personal') = (personal_user_id IS NOT NULL)),
    CHECK (personal_user_id IS NULL OR personal_user_id = owner_user_id)
);
CREATE INDEX orgs_owner ON orgs (owner_user_id);

-- Every slug an org has ever had, the current one included. The primary key keeps a
-- former slug reserved for its org; deleting the org releases them. The reference is
-- deferred so that a slug can be reserved before its org row is written.
CREATE TABLE org_slugs (
    slug       TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_slugs_org ON org_slugs (org_id);

-- Exactly one owner per org, enforced by the database on both backends:
--  * who owns an org is the single NOT NULL column orgs.owner_user_id, so there is never
--    more than one owner and never none (at most one AND at least one, by construction);
--  * the owner must stay a member: (id, owner_user_id, owner_role) references the owner's
--    membership row, and owner_role can only be 'admin'. So the owner's row cannot be
--    deleted, cannot move to another user, and cannot be demoted to 'member' (or given a
--    project scope, which only 'member' rows may have) while they own the org.
--  * memberships.role stores only 'admin' or 'member'; the API derives role = owner from
--    orgs.owner_user_id. The owner's row keeps 'admin', which is exactly what they become
--    after a transfer: a transfer is one UPDATE of orgs.owner_user_id (after making the new
--    owner's row 'admin').
-- The reference is DEFERRABLE INITIALLY DEFERRED, checked at commit, so that an org and its
-- owner's membership can be written in either order within one transaction; a plain
-- statement outside a transaction is checked at its end, so raw SQL that removes or demotes
-- the owner fails. Deleting the org removes its memberships with it (ON DELETE CASCADE).
CREATE TABLE memberships (
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    -- 1 when the member is limited to the projects in membership_projects.
    project_scoped BIGINT NOT NULL DEFAULT 0 CHECK (project_scoped IN (0, 1)),
    -- The member's display name lowercased (as Rust lowercases it): the member list order.
    sort_name      TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id),
    -- The target of the owner reference above.
    UNIQUE (org_id, user_id, role),
    CHECK (role = 'member' OR project_scoped = 0)
);
CREATE INDEX memberships_user ON memberships (user_id);
-- The member list: by name within an org (keyset pagination), optionally by role.
CREATE INDEX memberships_list ON memberships (org_id, sort_name, user_id);
CREATE INDEX memberships_role_list ON memberships (org_id, role, sort_name, user_id);

ALTER TABLE orgs ADD CONSTRAINT orgs_owner_is_admin_member
    FOREIGN KEY (id, owner_user_id, owner_role)
    REFERENCES memberships (org_id, user_id, role) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE org_logos (
    org_id       TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    etag         TEXT NOT NULL,
    size         BIGINT NOT NULL,
    bytes        BYTEA NOT NULL,
    updated_at   BIGINT NOT NULL
);
