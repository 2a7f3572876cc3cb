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
CREATE OR REPLACE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.kind = 'usage'
        AND NEW.id IS NOT DISTINCT FROM OLD.id
        AND NEW.org_id IS NOT DISTINCT FROM OLD.org_id
        AND NEW.seq IS NOT DISTINCT FROM OLD.seq
        AND NEW.kind IS NOT DISTINCT FROM OLD.kind
        AND NEW.amount IS NOT DISTINCT FROM OLD.amount
        AND NEW.balance_after IS NOT DISTINCT FROM OLD.balance_after
        AND NEW.project_id IS NOT DISTINCT FROM OLD.project_id
        AND NEW.modality IS NOT DISTINCT FROM OLD.modality
        AND NEW.quantity IS NOT DISTINCT FROM OLD.quantity
        AND NEW.rate_version IS NOT DISTINCT FROM OLD.rate_version
        AND NEW.description IS NOT DISTINCT FROM OLD.description
        AND NEW.period IS NOT DISTINCT FROM OLD.period
        AND NEW.created_at IS NOT DISTINCT FROM OLD.created_at
        AND NEW.user_id IS NULL AND NEW.api_key_id IS NULL AND NEW.reference IS NULL
        AND NEW.idempotency_scope IS NULL AND NEW.idempotency_key IS NULL
        AND NEW.request_hash IS NULL
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger entries are append-only';
END;
$$;
