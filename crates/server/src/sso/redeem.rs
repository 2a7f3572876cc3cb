//! `POST /v1/auth/sso/redeem`: the app trades the one-time code its loopback redirect
//! carried, with the verifier of the challenge it started the flow with, for what the
//! flow gave: a session (a sign-in) or the provider's answer (a test).
//!
//! A code works once: the flow is marked redeemed by one conditional update, so of a
//! burst of redemptions exactly one finds it unredeemed. A wrong verifier spends the code
//! too (nobody gets to guess twice). Unknown, spent, expired codes and wrong verifiers
//! all answer 401 `sso_failed`, alike.
//!
//! The session is a normal one, naming the org whose SSO started it
//! (`sessions.sso_org_id`: where that org requires SSO, only such a session reaches it).
//! It does not ask for the account's own two-factor sign-in: the org's provider
//! authenticated the person, with whatever factors the org asks of them there.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::sso::{SsoRedeemRequest, SsoRedemption, SsoTestResult};
use orgdesk_model::UserId;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::{events, service, session, Client};
use crate::db::now_ms;
use crate::error::AppError;
use crate::sso::error::SsoError;
use crate::sso::flow::digest;
use crate::state::AppState;

const CODE_PREFIX: &str = "odsso_";

/// A new one-time code: 32 random bytes, base64url.
pub fn new_code() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{CODE_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

#[derive(sqlx::FromRow)]
struct Redeemed {
    org_id: String,
    app_challenge: String,
    user_id: Option<String>,
    result: Option<String>,
}

/// BASE64URL(SHA-256(verifier)) equals `challenge`, compared in constant time.
fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    computed.as_bytes().ct_eq(challenge.as_bytes()).into()
}

pub async fn redeem(
    state: &AppState,
    req: &SsoRedeemRequest,
    client: &Client,
) -> Result<SsoRedemption, AppError> {
    // RFC 7636: a verifier has 43 to 128 characters.
    if req.code.len() > 200 || !(43..=128).contains(&req.code_verifier.len()) {
        return Err(SsoError::Failed.into());
    }
    let now = now_ms();
    let hash = digest(&req.code);
    let mut tx = state.db.write().await?;
    let spent = sqlx::query(
        "UPDATE sso_flows SET redeemed_at = $1 WHERE code_hash = $2 AND redeemed_at IS NULL \
         AND expires_at > $1 AND (user_id IS NOT NULL OR result IS NOT NULL)",
    )
    .bind(now)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    if spent.rows_affected() != 1 {
        return Err(SsoError::Failed.into());
    }
    let flow: Redeemed = sqlx::query_as(
        "SELECT org_id, app_challenge, user_id, result FROM sso_flows WHERE code_hash = $1",
    )
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    if !verifier_matches(&req.code_verifier, &flow.app_challenge) {
        // The code is spent all the same.
        tx.commit().await?;
        return Err(SsoError::Failed.into());
    }
    if let Some(result) = flow.result {
        let result: SsoTestResult =
            serde_json::from_str(&result).map_err(|_| AppError::CorruptRow("sso test result"))?;
        tx.commit().await?;
        return Ok(SsoRedemption::Tested { result });
    }
    let user: UserId = flow
        .user_id
        .ok_or(AppError::CorruptRow("sso flow"))?
        .parse()
        .map_err(|_| AppError::CorruptRow("user id"))?;
    session::purge_expired(&mut tx, &state.sessions, now).await?;
    let issued = session::issue(&mut tx, user, client, &state.sessions, now).await?;
    sqlx::query("UPDATE sessions SET sso_org_id = $1 WHERE token_hash = $2")
        .bind(&flow.org_id)
        .bind(&issued.record.token_hash)
        .execute(&mut *tx)
        .await?;
    let details = json!({ "session_id": issued.record.id, "sso_org_id": flow.org_id });
    events::record(&mut tx, user, SecurityEvent::SignedIn, client, details, now).await?;
    tx.commit().await?;
    Ok(SsoRedemption::SignedIn {
        session: service::grant(&state.db, issued).await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verifier_must_hash_to_the_challenge() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verifier_matches(verifier, challenge));
        assert!(!verifier_matches(&verifier.replace('d', "e"), challenge));
        assert!(!verifier_matches(verifier, &challenge[..42]));
    }
}
