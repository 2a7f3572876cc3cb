-- Projects, project scopes, member search, invitations, the audit log and the mail outbox.
-- Same conventions as the foundation: TEXT ids, BIGINT unix-millisecond times, BIGINT 0/1.

-- Projects of an org; the slug is unique within the org.
CREATE TABLE projects (
    id               TEXT PRIMARY KEY NOT NULL,
    org_id           TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    slug             TEXT NOT NULL,
    name             TEXT NOT NULL,
    -- lower(name) as Rust lowercases it: the list order.
    sort_name        TEXT COLLATE "C" NOT NULL,
    description      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'archived')),
    suspended_reason TEXT,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (org_id, slug),
    -- Lets scopes reference (org, project) so that a scope can only name this org's projects.
    UNIQUE (org_id, id),
    CHECK ((status = 'suspended') = (suspended_reason IS NOT NULL))
);
CREATE INDEX projects_list ON projects (org_id, sort_name, id);

-- The projects a scoped member (memberships.project_scoped = 1) may see.
CREATE TABLE membership_projects (
    org_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    project_id TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id, project_id),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX membership_projects_project ON membership_projects (org_id, project_id);

-- What the member search matches, per membership: each word of the lowercased display
-- name, the whole lowercased name and the email. A prefix search is a range scan of
-- (org_id, term): never OFFSET, never a leading-wildcard LIKE.
CREATE TABLE member_terms (
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    term    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, user_id, term),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX member_terms_prefix ON member_terms (org_id, term, user_id);

-- The first one to three characters of every term, once per member, with the list order:
-- a search of up to three characters (what people type first) is one range of this
-- primary key that comes out already in list order. Longer searches walk the rows of
-- their first three characters in list order and check the whole text in member_terms.
CREATE TABLE member_prefixes (
    org_id    TEXT NOT NULL,
    prefix    TEXT COLLATE "C" NOT NULL,
    sort_name TEXT COLLATE "C" NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (org_id, prefix, sort_name, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX member_prefixes_member ON member_prefixes (org_id, user_id);

-- Invitations. Only the SHA-256 of the token is stored. A pending invitation past its
-- expiry is shown as expired; when the same email is invited again it is stored as such.
CREATE TABLE invitations (
    id             TEXT PRIMARY KEY NOT NULL,
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    email          TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    project_scoped BIGINT NOT NULL DEFAULT 0 CHECK (project_scoped IN (0, 1)),
    token_hash     TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL
        CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    invited_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (org_id, id),
    CHECK (role = 'member' OR project_scoped = 0)
);
-- At most one pending invitation per email and org.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (org_id, email) WHERE status = 'pending';
CREATE INDEX invitations_org_list ON invitations (org_id, status, created_at, id);
CREATE INDEX invitations_email_list ON invitations (email, status, created_at, id);

CREATE TABLE invitation_projects (
    org_id        TEXT NOT NULL,
    invitation_id TEXT NOT NULL,
    project_id    TEXT NOT NULL,
    PRIMARY KEY (invitation_id, project_id),
    FOREIGN KEY (org_id, invitation_id) REFERENCES invitations (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX invitation_projects_project ON invitation_projects (org_id, project_id);

-- The audit log, written in the same transaction as the change it records. Deleting an
-- org removes its log; deleting an account keeps its events without the actor.
CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    actor_id    TEXT REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT,
    -- No reference: the event outlives a deleted project.
    project_id  TEXT,
    ip          TEXT,
    user_agent  TEXT,
    details     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX audit_events_time ON audit_events (org_id, created_at, id);
CREATE INDEX audit_events_actor ON audit_events (org_id, actor_id, created_at, id);
CREATE INDEX audit_events_project ON audit_events (org_id, project_id, created_at, id);

-- Mail waiting for delivery, written in the same transaction as what it announces, so
-- nothing is lost when the process dies. A row is deleted once delivered (the message may
-- carry an invitation token, which must not outlive delivery); after too many failures
-- its message is blanked and gave_up_at set.
CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    message         BYTEA NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    gave_up_at      BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
