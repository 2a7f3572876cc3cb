//! Resetting a forgotten password through a mailed link (15 minutes, single use).
//!
//! Asking always answers the same, whether or not an account has the address; it is
//! limited per client address and per email address a day, counted either way, so the
//! limits tell nothing about accounts either.
//!
//! Following the link proves the address. When the account had never proved it, whoever
//! made it may not be this person (an address squatted at sign-up: a sign-up with a taken,
//! unverified address mails this very link): the reset also verifies the email, and
//! revokes the API keys the account made. Every reset ends every session of the account and every other link
//! mailed for it.

use orgdesk_model::account::{PasswordResetConfirm, PasswordResetRequest};
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::validate;
use serde_json::json;

use crate::accounts::error::AccountError;
use crate::accounts::{checked, passwords};
use crate::api_keys;
use crate::auth::links::{self, Proof, ResetReason};
use crate::auth::tokens::{self, Purpose};
use crate::auth::two_factor;
use crate::auth::{account, events, password, quotas, session, Actor, Client};
use crate::config::AccountLimits;
use crate::cpu::Gate;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::limits;
use crate::mail::Mailer;

/// Mails a reset link if an account has the address; answers the same either way.
pub async fn request(
    db: &Db,
    mailer: &Mailer,
    quota: &AccountLimits,
    client: &Client,
    req: &PasswordResetRequest,
) -> Result<(), AppError> {
    checked(validate::email, &req.email, "email")?;
    let email = validate::normalize_email(&req.email);
    let now = now_ms();
    let mut tx = db.write().await?;
    limits::reserve(
        &mut tx,
        &quotas::reset_per_ip(quota),
        client.ip_or_unknown(),
        now,
    )
    .await?;
    limits::reserve(&mut tx, &quotas::reset_per_email(quota), &email, now).await?;
    if let Some(user) = account::id_by_email(&mut tx, &email).await? {
        links::send_reset(&mut tx, mailer, user, &email, ResetReason::Requested, now).await?;
        let event = SecurityEvent::PasswordResetRequested;
        events::record(&mut tx, user, event, client, json!({}), now).await?;
    }
    tx.commit().await?;
    mailer.wake();
    Ok(())
}

/// Sets a new password with a reset link.
pub async fn confirm(
    db: &Db,
    gate: &Gate,
    client: &Client,
    req: &PasswordResetConfirm,
) -> Result<(), AppError> {
    let user = {
        let mut conn = db.pool().acquire().await?;
        let found = tokens::peek(&mut conn, &req.token, Purpose::PasswordReset, now_ms())
            .await?
            .ok_or(AccountError::InvalidToken)?;
        passwords::check_new(&mut conn, found.user, &req.new_password, "new_password").await?;
        found.user
    };
    let hash = password::hash(gate, req.new_password.clone()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    let redeemed = tokens::redeem(&mut tx, &req.token, &[Purpose::PasswordReset], now)
        .await?
        .filter(|r| r.user == user)
        .ok_or(AccountError::InvalidToken)?;
    let state = account::email_state(&mut tx, user)
        .await?
        .filter(|s| s.email == redeemed.email)
        .ok_or(AccountError::InvalidToken)?;
    account::set_password_hash(&mut tx, user, &hash).await?;
    let ended = session::revoke_all_except(&mut tx, user, None).await?;
    tokens::forget(
        &mut tx,
        user,
        &[Purpose::PasswordReset, Purpose::ChangeEmail],
    )
    .await?;
    let claimed = !state.verified;
    let mut keys_revoked = 0;
    if claimed {
        links::mark_verified(&mut tx, user, &state.email, Proof::ResetLink, client, now).await?;
        let actor = Actor {
            user_id: user,
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
        };
        keys_revoked =
            api_keys::service::revoke_all_made_by(&mut tx, &actor, "email_claimed", now).await?;
        // Whatever two-factor enrolment the unverified holder made goes too, or the
        // address's owner would be locked out of the account they just claimed.
        two_factor::repo::remove(&mut tx, user).await?;
    }
    let details = json!({
        "sessions_ended": ended,
        "claimed_unverified_account": claimed,
        "api_keys_revoked": keys_revoked,
    });
    events::record(
        &mut tx,
        user,
        SecurityEvent::PasswordReset,
        client,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
