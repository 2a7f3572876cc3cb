-- Single sign-on (crates/model/src/sso.rs, crates/server/src/sso/): an org's OpenID
-- Connect connection, the email domains it proved by DNS, the sign-in flows in progress,
-- and which provider identity is which account.

-- One connection per org. The client secret is sealed with the server's key
-- (crates/server/src/sealing.rs); lists are JSON arrays.
CREATE TABLE sso_connections (
    org_id                TEXT PRIMARY KEY NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    issuer                TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    client_secret_sealed  TEXT NOT NULL,
    -- The discovery document as validated when saved (its endpoints and JWKS address).
    discovery             TEXT NOT NULL,
    allowed_domains       TEXT NOT NULL,
    default_role          TEXT NOT NULL,
    default_project_scope TEXT NOT NULL,
    require_sso           BIGINT NOT NULL DEFAULT 0,
    create_members        BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

-- Domains an org claims; `token` is what its `_orgdesk.<domain>` TXT record must hold.
-- Any number of orgs may claim a domain, one at most may have it verified.
CREATE TABLE org_domains (
    org_id      TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    token       TEXT NOT NULL,
    verified_at BIGINT,
    checked_at  BIGINT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (org_id, domain)
);
CREATE UNIQUE INDEX org_domains_verified ON org_domains (domain) WHERE verified_at IS NOT NULL;
CREATE INDEX org_domains_to_check ON org_domains (checked_at) WHERE verified_at IS NOT NULL;

-- A flow between `POST /v1/auth/sso/start` (or an admin's test) and the app's redemption
-- of its one-time code; 10 minutes at most. Only hashes of the state and the code are
-- kept; the server's own PKCE verifier is sealed.
CREATE TABLE sso_flows (
    id                TEXT PRIMARY KEY NOT NULL,
    org_id            TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    -- 'sign_in' or 'test'; a test names the admin who runs it.
    purpose           TEXT NOT NULL,
    tester_id         TEXT REFERENCES users (id) ON DELETE CASCADE,
    state_hash        TEXT NOT NULL UNIQUE,
    nonce             TEXT NOT NULL,
    pkce_verifier     TEXT NOT NULL,
    app_challenge     TEXT NOT NULL,
    app_redirect_uri  TEXT NOT NULL,
    app_state         TEXT NOT NULL,
    -- Set by the callback once the provider's answer was validated.
    code_hash         TEXT UNIQUE,
    user_id           TEXT REFERENCES users (id) ON DELETE CASCADE,
    result            TEXT,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    redeemed_at       BIGINT
);
CREATE INDEX sso_flows_expiry ON sso_flows (expires_at);

-- Which account a provider's subject is, per org (a subject is unique per issuer).
CREATE TABLE sso_identities (
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    issuer         TEXT NOT NULL,
    subject        TEXT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    last_signed_in BIGINT NOT NULL,
    PRIMARY KEY (org_id, issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- A session started by an org's SSO names the org: where that org requires SSO, only
-- such a session reaches it.
ALTER TABLE sessions ADD COLUMN sso_org_id TEXT REFERENCES orgs (id) ON DELETE SET NULL;
