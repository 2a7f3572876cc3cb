-- An org scheduled for deletion: read-only until `deletion_purge_at`, when a job deletes
-- it for good (unless the owner cancels first, clearing all three).
ALTER TABLE orgs ADD COLUMN deletion_scheduled_at BIGINT;
ALTER TABLE orgs ADD COLUMN deletion_purge_at BIGINT;
ALTER TABLE orgs ADD COLUMN deletion_scheduled_by TEXT;
