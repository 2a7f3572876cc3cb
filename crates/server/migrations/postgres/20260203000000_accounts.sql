-- Accounts: verified email, and the single-use tokens mailed links carry.

-- When the account proved its email (through a mailed link); NULL until then. Accounts
-- that exist when this runs start unverified: nothing proves that whoever signed up with an
-- address owns it (that was the invitation-takeover hole), so no proof is invented here.
-- They keep signing in and working as before; only invitations by id wait for the proof,
-- and any invitation link mailed to them gives it.
ALTER TABLE users ADD COLUMN email_verified_at BIGINT;

-- Tokens of mailed links: verifying the email (sign-up), confirming a new email, resetting
-- the password. Only the SHA-256 of a token is kept; a token is deleted when it is used,
-- when a newer one of the same purpose replaces it, and when its account goes.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('verify_email', 'change_email', 'password_reset')),
    -- The address the link was mailed to: the one its use proves.
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expiry ON account_tokens (expires_at);
