-- Webhooks: an org's endpoints, each event on its way to each endpoint, and every attempt.
-- A delivery row is written in the transaction of the change that caused it, so an event
-- is never lost once its change is committed.
CREATE TABLE webhooks (
    id                         TEXT PRIMARY KEY NOT NULL,
    org_id                     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    url                        TEXT NOT NULL,
    description                TEXT NOT NULL,
    -- 1: every event, also ones added later; 0: those in `events`.
    all_events                 BIGINT NOT NULL,
    -- Space-separated wire names: 'member.removed project.created'.
    events                     TEXT NOT NULL,
    enabled                    BIGINT NOT NULL,
    -- 'failing' when the server turned it off.
    disabled_reason            TEXT,
    -- Sealed (see sealing.rs): the server must read them back to sign.
    secret_sealed              TEXT NOT NULL,
    previous_secret_sealed     TEXT,
    previous_secret_expires_at BIGINT,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL,
    last_attempt_at            BIGINT,
    last_status_code           BIGINT,
    last_success_at            BIGINT,
    failure_streak             BIGINT NOT NULL DEFAULT 0,
    failing_since              BIGINT
);
CREATE INDEX webhooks_by_org ON webhooks (org_id, created_at);

CREATE TABLE webhook_deliveries (
    -- Also the `webhook-id` header, the same on every attempt.
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    -- The body, exactly as signed and sent.
    payload         TEXT NOT NULL,
    -- 'pending' | 'delivered' | 'failed'
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- When a pending delivery is next due; a claimed one is pushed past its lease.
    next_attempt_at BIGINT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
    id               TEXT PRIMARY KEY NOT NULL,
    delivery_id      TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at               BIGINT NOT NULL,
    status_code      BIGINT,
    duration_ms      BIGINT NOT NULL,
    response_excerpt TEXT,
    error            TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, at);
