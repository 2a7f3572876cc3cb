-- Retention: how long an org keeps each kind of data (crates/model/src/retention.rs), and
-- what the purge job needs to find what is past its period.

-- An org's own periods in days; no row means its plan's defaults. What applies is each
-- period held inside the current plan's bounds (a downgrade never rewrites the row).
CREATE TABLE org_retention (
    org_id             TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    audit_log          BIGINT NOT NULL,
    usage_events       BIGINT NOT NULL,
    webhook_deliveries BIGINT NOT NULL,
    mail_copies        BIGINT NOT NULL,
    archived_projects  BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);

-- When a project was archived (NULL unless it is): archived projects are deleted once
-- archived longer than the org's period. Those archived before this column are counted
-- from their last change.
ALTER TABLE projects ADD COLUMN archived_at BIGINT;
UPDATE projects SET archived_at = updated_at WHERE status = 'archived';
CREATE INDEX projects_archived ON projects (org_id, archived_at) WHERE archived_at IS NOT NULL;

-- Mail about an org keeps a copy once sent: the row stays with `sent_at` (its message
-- blanked, as it may carry a token), until the org's mail-copies period has passed.
-- Mail about no org (an account's own links) is still deleted once sent.
ALTER TABLE mail_outbox ADD COLUMN org_id TEXT REFERENCES orgs (id) ON DELETE CASCADE;
ALTER TABLE mail_outbox ADD COLUMN subject TEXT;
ALTER TABLE mail_outbox ADD COLUMN sent_at BIGINT;
CREATE INDEX mail_outbox_by_org ON mail_outbox (org_id) WHERE org_id IS NOT NULL;
-- The delivery task's queue: only mail still to send (kept copies never slow it down).
CREATE INDEX mail_outbox_queue ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- The purge's finders.
CREATE INDEX webhook_deliveries_by_org ON webhook_deliveries (org_id, created_at);

-- Usage lines past the usage-events period lose their per-request detail (who, which
-- key, the caller's reference, the idempotency key and request hash). Nothing else of a
-- ledger entry may ever change: the append-only trigger lets exactly that one update
-- through, on usage lines only, and refuses every other.
DROP TRIGGER ledger_entries_append_only;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE ON ledger_entries
WHEN NOT (
    OLD.kind = 'usage'
    AND NEW.id IS OLD.id AND NEW.org_id IS OLD.org_id AND NEW.seq IS OLD.seq
    AND NEW.kind IS OLD.kind AND NEW.amount IS OLD.amount
    AND NEW.balance_after IS OLD.balance_after AND NEW.project_id IS OLD.project_id
    AND NEW.modality IS OLD.modality AND NEW.quantity IS OLD.quantity
    AND NEW.rate_version IS OLD.rate_version AND NEW.description IS OLD.description
    AND NEW.period IS OLD.period AND NEW.created_at IS OLD.created_at
    AND NEW.user_id IS NULL AND NEW.api_key_id IS NULL AND NEW.reference IS NULL
    AND NEW.idempotency_scope IS NULL AND NEW.idempotency_key IS NULL
    AND NEW.request_hash IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
