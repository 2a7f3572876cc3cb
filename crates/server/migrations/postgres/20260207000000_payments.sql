-- Card payments (`--payments stripe`). Times are unix milliseconds.

-- The org's customer at the processor and its default card (as much as may be shown).
CREATE TABLE stripe_customers (
    org_id            TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    customer_id       TEXT NOT NULL UNIQUE,
    payment_method_id TEXT,
    card_brand        TEXT,
    card_last4        TEXT,
    card_exp_month    BIGINT,
    card_exp_year     BIGINT,
    updated_at        BIGINT NOT NULL
);

-- Who receipts are made out to.
CREATE TABLE billing_profiles (
    org_id        TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    billing_email TEXT,
    company_name  TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city          TEXT,
    postal_code   TEXT,
    country       TEXT,
    tax_id        TEXT,
    updated_at    BIGINT NOT NULL
);

-- A card page handed out: the token is in its URL and kept only as a hash.
CREATE TABLE card_setups (
    token_hash      TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    setup_intent_id TEXT NOT NULL UNIQUE,
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    completed_at    BIGINT
);

-- One row per payment; processor_id (the PaymentIntent) and invoice_id are unique, so a
-- payment is credited at most once however often the processor tells us.
CREATE TABLE payments (
    id               TEXT PRIMARY KEY NOT NULL,
    org_id           TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    purpose          TEXT NOT NULL CHECK (purpose IN ('top_up', 'subscription')),
    status           TEXT NOT NULL
        CHECK (status IN ('pending', 'succeeded', 'failed', 'partially_refunded', 'refunded')),
    credits          BIGINT NOT NULL CHECK (credits >= 0),
    refunded_credits BIGINT NOT NULL DEFAULT 0 CHECK (refunded_credits >= 0),
    price            BIGINT NOT NULL CHECK (price >= 0),
    refunded_price   BIGINT NOT NULL DEFAULT 0 CHECK (refunded_price >= 0),
    currency         TEXT NOT NULL,
    plan             TEXT,
    card_brand       TEXT,
    card_last4       TEXT,
    card_exp_month   BIGINT,
    card_exp_year    BIGINT,
    failure_message  TEXT,
    created_by       TEXT,
    created_at       BIGINT NOT NULL,
    settled_at       BIGINT,
    receipt_number   TEXT UNIQUE,
    -- The billing profile as it read when the payment succeeded (JSON).
    bill_to          TEXT,
    processor_id     TEXT UNIQUE,
    invoice_id       TEXT UNIQUE,
    idempotency_key  TEXT,
    ledger_entry_id  TEXT,
    UNIQUE (org_id, idempotency_key)
);
CREATE INDEX payments_by_org ON payments (org_id, created_at DESC, id DESC);

-- Receipt numbers run per year without gaps: OD-2026-000001, …
CREATE TABLE receipt_counters (
    year BIGINT PRIMARY KEY NOT NULL,
    last BIGINT NOT NULL
);

-- Each processor event is handled once.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY NOT NULL,
    type        TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- The paid plan's subscription. The org's plan changes when it turns active.
CREATE TABLE subscriptions (
    org_id          TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL UNIQUE,
    plan            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'active', 'past_due', 'canceled')),
    past_due_since  BIGINT,
    updated_at      BIGINT NOT NULL
);

-- Set when a refund took back more credits than the balance held: the org owes them.
ALTER TABLE orgs ADD COLUMN credits_owed BIGINT NOT NULL DEFAULT 0;
