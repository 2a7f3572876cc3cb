-- An org scheduled for deletion: read-only until `deletion_purge_at`, when a job deletes
-- it for good (unless the owner cancels first, clearing all three).
ALTER TABLE orgs ADD COLUMN deletion_scheduled_at BIGINT;
ALTER TABLE orgs ADD COLUMN deletion_purge_at BIGINT;
ALTER TABLE orgs ADD COLUMN deletion_scheduled_by TEXT;
CREATE INDEX orgs_deletion_due ON orgs (deletion_purge_at);

-- What is left of an org deleted for good: who deleted it and when. No name, nothing of
-- its members: only what accounting and abuse handling need.
CREATE TABLE org_tombstones (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    deleted_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    scheduled_at BIGINT NOT NULL,
    deleted_at   BIGINT NOT NULL
);

-- The ledger of a deleted org in totals, one row per statement month and kind of entry:
-- what accounting must keep after the entries themselves are gone.
CREATE TABLE org_tombstone_ledger (
    org_id  TEXT NOT NULL REFERENCES org_tombstones (id) ON DELETE CASCADE,
    period  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    entries BIGINT NOT NULL,
    amount  BIGINT NOT NULL,
    PRIMARY KEY (org_id, period, kind)
);

-- Slugs of deleted orgs, held back until `until` so nobody can take a deleted org's name
-- (and its links) at once.
CREATE TABLE retired_slugs (
    slug    TEXT PRIMARY KEY NOT NULL,
    org_id  TEXT NOT NULL,
    until   BIGINT NOT NULL
);
