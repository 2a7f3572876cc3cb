-- Billing: balances, the append-only credit ledger, the rate card, API keys, low-balance
-- alerts and idempotency records. Same conventions as before: TEXT ids, BIGINT
-- unix-millisecond times. Credits are BIGINT, never fractions.

-- One row per org and personal context: the balance and the billing settings. The balance
-- changes only together with a new ledger entry, in one transaction, so it always equals
-- the sum of the org's entries; `entries` counts them and gives each its `seq`.
CREATE TABLE billing_accounts (
    org_id                TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    balance               BIGINT NOT NULL DEFAULT 0 CHECK (balance >= 0),
    entries               BIGINT NOT NULL DEFAULT 0 CHECK (entries >= 0),
    low_balance_threshold BIGINT CHECK (low_balance_threshold IS NULL OR low_balance_threshold >= 0),
    spend_policy          TEXT NOT NULL DEFAULT 'everyone'
        CHECK (spend_policy IN ('everyone', 'admins_only', 'projects')),
    updated_at            BIGINT NOT NULL
);
INSERT INTO billing_accounts (org_id, updated_at) SELECT id, created_at FROM orgs;

-- The projects a `projects` spend policy lists; a deleted project leaves the list.
CREATE TABLE spend_policy_projects (
    org_id     TEXT NOT NULL REFERENCES billing_accounts (org_id) ON DELETE CASCADE,
    project_id TEXT NOT NULL,
    PRIMARY KEY (org_id, project_id),
    FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);

-- The ledger. Append-only (a trigger refuses updates); `seq` numbers an org's entries
-- 1, 2, 3, … in the order they changed the balance, and `balance_after` is the balance
-- once the entry applied. Money requests made with an Idempotency-Key carry it here,
-- under a unique index: a re-executed request cannot write a second entry.
CREATE TABLE ledger_entries (
    id                TEXT PRIMARY KEY NOT NULL,
    org_id            TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    seq               BIGINT NOT NULL CHECK (seq >= 1),
    kind              TEXT NOT NULL
        CHECK (kind IN ('top_up', 'usage', 'grant', 'refund', 'adjustment')),
    amount            BIGINT NOT NULL CHECK (amount <> 0),
    balance_after     BIGINT NOT NULL CHECK (balance_after >= 0),
    -- No references: an entry outlives a deleted project, user or key.
    project_id        TEXT,
    user_id           TEXT,
    api_key_id        TEXT,
    modality          TEXT CHECK (modality IS NULL OR modality IN ('text', 'image', 'audio', 'embedding')),
    quantity          BIGINT,
    rate_version      BIGINT,
    reference         TEXT,
    description       TEXT NOT NULL,
    -- The UTC calendar month of created_at, 'YYYY-MM': the statement it belongs to.
    period            TEXT NOT NULL,
    idempotency_scope TEXT,
    idempotency_key   TEXT,
    request_hash      TEXT,
    created_at        BIGINT NOT NULL,
    UNIQUE (org_id, seq),
    CHECK (kind <> 'usage' OR (amount < 0 AND modality IS NOT NULL AND quantity >= 1)),
    CHECK (kind NOT IN ('top_up', 'grant', 'refund') OR amount > 0),
    CHECK ((idempotency_scope IS NULL) = (idempotency_key IS NULL))
);
CREATE UNIQUE INDEX ledger_idempotency ON ledger_entries (idempotency_scope, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX ledger_kind ON ledger_entries (org_id, kind, seq);
CREATE INDEX ledger_project ON ledger_entries (org_id, project_id, seq);
CREATE INDEX ledger_time ON ledger_entries (org_id, kind, created_at);
CREATE INDEX ledger_period ON ledger_entries (org_id, period, seq);

CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only';
END;
$$;
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

-- The rate card, versioned: the current version is the highest one in effect. Usage is
-- priced at it and records the version it was priced at.
CREATE TABLE rate_cards (
    version        BIGINT PRIMARY KEY NOT NULL,
    effective_from BIGINT NOT NULL
);
CREATE TABLE rates (
    version          BIGINT NOT NULL REFERENCES rate_cards (version),
    modality         TEXT NOT NULL CHECK (modality IN ('text', 'image', 'audio', 'embedding')),
    unit             TEXT NOT NULL,
    credits_per_unit BIGINT NOT NULL CHECK (credits_per_unit >= 1),
    PRIMARY KEY (version, modality)
);
-- Version 1, in effect from 2026-01-01T00:00:00Z.
INSERT INTO rate_cards (version, effective_from) VALUES (1, 1767225600000);
INSERT INTO rates (version, modality, unit, credits_per_unit) VALUES
    (1, 'text', '1,000 tokens', 2),
    (1, 'image', 'image', 40),
    (1, 'audio', 'minute', 6),
    (1, 'embedding', '1,000 tokens', 1);

-- API keys. Only the SHA-256 of the secret is stored, with its first characters to tell
-- keys apart. A key limited to a project goes when the project is deleted.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    project_id   TEXT,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    -- Space-separated: 'usage:write read'.
    scopes       TEXT NOT NULL,
    created_by   TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX api_keys_list ON api_keys (org_id, created_at, id);
CREATE INDEX api_keys_creator ON api_keys (org_id, created_by, created_at, id);

-- Crossings of the low-balance threshold. The open one (cleared_at IS NULL) is the
-- current alert; it exists exactly while the balance is below the threshold.
CREATE TABLE low_balance_alerts (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    threshold  BIGINT NOT NULL,
    balance    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE INDEX low_balance_alerts_open ON low_balance_alerts (org_id, cleared_at, created_at);

-- Idempotency records of mutating requests, per (caller, key): in flight while `status`
-- is NULL (a lease until `locked_until`), then the stored answer until `expires_at`.
CREATE TABLE idempotency_records (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT,
    headers      TEXT,
    body         BYTEA,
    locked_until BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);
