//! Sign-in (with its two-factor step), sign-out and "who am I": the rules, independent of
//! HTTP. Signing up (an account comes with its personal context) is [`crate::signup`].
//!
//! A sign-in reserves its attempt before the password is checked ([`throttle`]), checks
//! it behind the CPU gate ([`password`]), and settles the attempt: a failure stays counted
//! and is written to the account's security log, a success gives back what it reserved.
//! With two-factor on, a right password answers 401 `mfa_required` with a single-use
//! challenge (5 minutes); [`login_two_factor`] takes it with a code and signs in.

use orgdesk_model::auth::{LoginRequest, Me, SessionGrant};
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::two_factor::LoginTwoFactorRequest;
use orgdesk_model::{validate, FieldError, UserId};
use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::auth::error::AuthError;
use crate::auth::session::{self, Issued, SessionRecord};
use crate::auth::two_factor::service::{self as two_factor, Proof};
use crate::auth::two_factor::{repo as two_factor_repo, TwoFactorError};
use crate::auth::{account, events, password, throttle};
use crate::config::SessionLifetimes;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::state::AppState;

/// Signs in. Unknown emails and wrong passwords answer alike, after the same work.
pub async fn login(
    state: &AppState,
    req: LoginRequest,
    client: &Client,
) -> Result<SessionGrant, AppError> {
    let email = validate::normalize_email(&req.email);
    if email.len() > validate::EMAIL_MAX {
        // No account has such an address: nothing to check, nothing worth storing.
        return Err(AuthError::InvalidCredentials.into());
    }
    let attempt = throttle::reserve(&state.db, &email, client, now_ms()).await?;
    let found = {
        let mut conn = state.db.pool().acquire().await?;
        account::credentials(&mut conn, &email).await?
    };
    let (user_id, hash) = found.map_or((None, None), |(id, hash)| (Some(id), Some(hash)));
    let matches = match password::verify(&state.cpu, req.password, hash).await {
        Ok(matches) => matches,
        Err(error) => {
            attempt.unchecked(&state.db).await?;
            return Err(error);
        }
    };
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let Some(user_id) = user_id.filter(|_| matches) else {
        if let Some(user) = user_id {
            failed(&mut tx, user, client, "wrong_password", now).await?;
        }
        tx.commit().await?;
        return Err(attempt.failed());
    };
    attempt.succeeded(&mut tx, now).await?;
    if two_factor_repo::is_enabled(&mut tx, user_id).await? {
        let (challenge, expires_at) = two_factor_repo::new_challenge(&mut tx, user_id, now).await?;
        tx.commit().await?;
        return Err(TwoFactorError::Required {
            challenge,
            expires_at,
        }
        .into());
    }
    let issued = sign_in(&mut tx, &state.sessions, user_id, client, json!({}), now).await?;
    tx.commit().await?;
    grant(&state.db, issued).await
}

/// The second step of a sign-in with two-factor on: the challenge and a code (or a
/// recovery code). Codes count against the account's two-factor limit; a code works once.
pub async fn login_two_factor(
    state: &AppState,
    req: LoginTwoFactorRequest,
    client: &Client,
) -> Result<SessionGrant, AppError> {
    let proof = Proof::of(req.code.as_deref(), req.recovery_code.as_deref())?;
    if req.challenge.chars().count() > orgdesk_model::two_factor::CODE_MAX {
        return Err(AppError::Validation(vec![FieldError {
            field: "challenge".to_owned(),
            message: "This is not a challenge this server issued.".to_owned(),
        }]));
    }
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let user: UserId = two_factor_repo::challenge_user(&mut tx, &req.challenge, now)
        .await?
        .ok_or(TwoFactorError::ChallengeExpired)?
        .parse()
        .map_err(|_| AppError::CorruptRow("user id"))?;
    let stored = two_factor_repo::find(&mut tx, user)
        .await?
        .filter(|s| s.enabled_at.is_some())
        .ok_or(TwoFactorError::ChallengeExpired)?;
    if !two_factor::check(&mut tx, &state.sealing, user, &stored, proof, client, now).await? {
        failed(&mut tx, user, client, "wrong_two_factor_code", now).await?;
        tx.commit().await?;
        return Err(TwoFactorError::InvalidCode.into());
    }
    if !two_factor_repo::use_challenge(&mut tx, &req.challenge, now).await? {
        return Err(TwoFactorError::ChallengeExpired.into());
    }
    let details = json!({ "two_factor": matches!(proof, Proof::Code(_)) });
    let issued = sign_in(&mut tx, &state.sessions, user, client, details, now).await?;
    tx.commit().await?;
    grant(&state.db, issued).await
}

/// Writes a failed sign-in of `user` (and why) to the security log.
async fn failed(
    conn: &mut AnyConnection,
    user: UserId,
    client: &Client,
    reason: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let details = json!({ "reason": reason });
    events::record(
        conn,
        user,
        SecurityEvent::SignInFailed,
        client,
        details,
        now,
    )
    .await
}

/// A new session for `user`, written to the security log, in the caller's transaction.
async fn sign_in(
    conn: &mut AnyConnection,
    lifetimes: &SessionLifetimes,
    user: UserId,
    client: &Client,
    details: Value,
    now: i64,
) -> Result<Issued, AppError> {
    session::purge_expired(conn, lifetimes, now).await?;
    let issued = session::issue(conn, user, client, lifetimes, now).await?;
    let details = match details {
        Value::Object(mut map) => {
            map.insert("session_id".to_owned(), json!(issued.record.id));
            Value::Object(map)
        }
        other => other,
    };
    events::record(conn, user, SecurityEvent::SignedIn, client, details, now).await?;
    Ok(issued)
}

/// Ends the caller's session.
pub async fn logout(db: &Db, current: &SessionRecord, client: &Client) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    session::revoke(&mut tx, &current.token_hash).await?;
    let details = json!({ "session_id": current.id });
    events::record(
        &mut tx,
        current.user_id,
        SecurityEvent::SignedOut,
        client,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn me(db: &Db, current: &SessionRecord) -> Result<Me, AppError> {
    let mut conn = db.pool().acquire().await?;
    let (user, personal_org_id) = account::profile(&mut conn, current.user_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let email = account::email_state(&mut conn, current.user_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    Ok(Me {
        user,
        personal_org_id,
        session_expires_at: to_datetime(current.expires_at),
        email_verified: email.verified,
    })
}

/// The grant for a session just issued: the token is shown this once.
pub async fn grant(db: &Db, issued: Issued) -> Result<SessionGrant, AppError> {
    let me = me(db, &issued.record).await?;
    Ok(SessionGrant {
        token: issued.token,
        expires_at: me.session_expires_at,
        me,
    })
}
