-- Exports of a whole org (see exports/ in the server): one ZIP written in the background
-- by whichever instance claims it, stored in the database in chunks so that any instance
-- can serve the download, removed after a week.
CREATE TABLE org_exports (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    requested_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    status       TEXT NOT NULL
        CHECK (status IN ('queued', 'running', 'ready', 'failed', 'expired')),
    -- Progress of the run in force: the file being written, records done of total.
    step         TEXT NOT NULL DEFAULT '',
    done         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    -- Runs started: each claim counts one, and only the run holding the latest count may
    -- write (a run whose lease ran out and was claimed again stops at its next write).
    attempts     BIGINT NOT NULL DEFAULT 0,
    -- Until when the running instance holds it; past it, any instance claims it again.
    lease_until  BIGINT,
    file_name    TEXT NOT NULL,
    size         BIGINT,
    sha256       TEXT,
    error        TEXT,
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    expires_at   BIGINT
);
-- At most one export per org is queued or running.
CREATE UNIQUE INDEX org_exports_one_active ON org_exports (org_id)
    WHERE status IN ('queued', 'running');
CREATE INDEX org_exports_list ON org_exports (org_id, created_at, id);
CREATE INDEX org_exports_work ON org_exports (status, lease_until);
CREATE INDEX org_exports_expiry ON org_exports (status, expires_at);

-- The ZIP of a run, in order: about 1 MiB each.
CREATE TABLE export_chunks (
    export_id TEXT NOT NULL REFERENCES org_exports (id) ON DELETE CASCADE,
    org_id    TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    seq       BIGINT NOT NULL,
    bytes     BLOB NOT NULL,
    PRIMARY KEY (export_id, seq)
);
CREATE INDEX export_chunks_org ON export_chunks (org_id);
