//! Two-factor settings of one's own account: start an enrolment (a new secret, shown with
//! its QR code), confirm it with a code (two-factor is on; ten recovery codes, shown once),
//! new recovery codes and turning it off (each with a code or a recovery code).
//!
//! Every code checked counts against [`throttle::TWO_FACTOR`] (5 per account per 15
//! minutes, shared with the sign-in step), reserved in the transaction that checks it, so
//! a stolen session cannot guess its way to turning two-factor off. A code works once: its
//! time step must be later than the last one accepted. The secret is stored sealed with the
//! server's key ([`crate::sealing`], bound to the account) and never shown again once
//! confirmed.

use orgdesk_model::security::SecurityEvent;
use orgdesk_model::two_factor::{
    ConfirmTwoFactorRequest, RecoveryCodes, TwoFactorEnrolment, TwoFactorProof, TwoFactorStatus,
    CODE_MAX,
};
use orgdesk_model::{FieldError, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::auth::error::AuthError;
use crate::auth::two_factor::codes;
use crate::auth::two_factor::error::TwoFactorError;
use crate::auth::two_factor::repo::{self, Stored};
use crate::auth::{account, events, throttle};
use crate::db::{now_ms, to_datetime, Db, Tx};
use crate::error::AppError;
use crate::limits;
use crate::sealing::Sealing;
use crate::state::AppState;

/// What a two-factor secret is sealed to: its purpose and its account.
fn sealed_for(user: UserId) -> String {
    format!("two-factor secret:{user}")
}

/// What proves the second factor: a code from the app or a recovery code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof<'a> {
    Code(&'a str),
    Recovery(&'a str),
}

fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

impl<'a> Proof<'a> {
    /// Exactly one of a code and a recovery code, each at most [`CODE_MAX`] characters.
    pub fn of(code: Option<&'a str>, recovery_code: Option<&'a str>) -> Result<Self, AppError> {
        let field = |field: &str, message: &str| {
            AppError::Validation(vec![FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
            }])
        };
        let too_long = format!("Use at most {CODE_MAX} characters.");
        match (given(code), given(recovery_code)) {
            (Some(code), None) if code.chars().count() <= CODE_MAX => Ok(Self::Code(code)),
            (None, Some(code)) if code.chars().count() <= CODE_MAX => Ok(Self::Recovery(code)),
            (Some(_), None) => Err(field("code", &too_long)),
            (None, Some(_)) => Err(field("recovery_code", &too_long)),
            _ => Err(field(
                "code",
                "Send the code from your authenticator app, or one recovery code.",
            )),
        }
    }
}

/// Checks `proof` for `user` (whose two-factor row is `stored`), counting it against the
/// limit first: `Ok(true)` when it is right (and now used up), `Ok(false)` when wrong. Call
/// it in a write transaction and commit it either way: a wrong code must stay counted.
pub async fn check(
    conn: &mut AnyConnection,
    sealing: &Sealing,
    user: UserId,
    stored: &Stored,
    proof: Proof<'_>,
    client: &Client,
    now: i64,
) -> Result<bool, AppError> {
    limits::reserve(conn, &throttle::TWO_FACTOR, &user.to_string(), now).await?;
    let right = match proof {
        Proof::Code(code) => {
            let now_secs = u64::try_from(now / 1000).unwrap_or(0);
            let secret = sealing
                .open(&stored.secret, &sealed_for(user))
                .map_err(|e| {
                    tracing::error!(%user, error = %e, "a two-factor secret does not open");
                    AppError::CorruptRow("two-factor secret")
                })?;
            match codes::matching_step(&secret, code, now_secs)? {
                Some(step) => {
                    let step = i64::try_from(step).map_err(|_| AppError::CorruptRow("step"))?;
                    repo::accept_step(conn, user, step).await?
                }
                None => false,
            }
        }
        Proof::Recovery(code) => {
            let used = repo::use_recovery_code(conn, user, code, now).await?;
            if used {
                let left = repo::recovery_codes_left(conn, user).await?;
                events::record(
                    conn,
                    user,
                    SecurityEvent::RecoveryCodeUsed,
                    client,
                    json!({ "left": left }),
                    now,
                )
                .await?;
            }
            used
        }
    };
    if right {
        limits::clear(conn, &throttle::TWO_FACTOR, &user.to_string()).await?;
    }
    Ok(right)
}

pub async fn status(db: &Db, user: UserId) -> Result<TwoFactorStatus, AppError> {
    let mut conn = db.pool().acquire().await?;
    let enabled_at = repo::find(&mut conn, user)
        .await?
        .and_then(|stored| stored.enabled_at);
    let left = if enabled_at.is_some() {
        repo::recovery_codes_left(&mut conn, user).await?
    } else {
        0
    };
    Ok(TwoFactorStatus {
        enabled: enabled_at.is_some(),
        enabled_at: enabled_at.map(to_datetime),
        recovery_codes_left: u32::try_from(left).unwrap_or(0),
    })
}

/// Starts (or starts over) an enrolment: a new secret, not yet in force.
pub async fn start(state: &AppState, user: UserId) -> Result<TwoFactorEnrolment, AppError> {
    let now = now_ms();
    let mut tx = state.db.write().await?;
    if repo::is_enabled(&mut tx, user).await? {
        return Err(TwoFactorError::AlreadyEnabled.into());
    }
    let (email,) = account::profile(&mut tx, user)
        .await?
        .map(|(user, _)| (user.email,))
        .ok_or(AuthError::Unauthenticated)?;
    let secret = codes::new_secret();
    let sealed = state.sealing.seal(&secret, &sealed_for(user));
    repo::start(&mut tx, user, &sealed, now).await?;
    let shown = codes::enrolment(&secret, &email)?;
    tx.commit().await?;
    Ok(shown)
}

/// Turns two-factor on with a code from the enrolment's secret; answers the recovery
/// codes, shown this once.
pub async fn confirm(
    state: &AppState,
    user: UserId,
    client: &Client,
    req: &ConfirmTwoFactorRequest,
) -> Result<RecoveryCodes, AppError> {
    let proof = Proof::of(Some(&req.code), None)?;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let stored = repo::find(&mut tx, user)
        .await?
        .ok_or(TwoFactorError::NotStarted)?;
    if stored.enabled_at.is_some() {
        return Err(TwoFactorError::AlreadyEnabled.into());
    }
    if !check(&mut tx, &state.sealing, user, &stored, proof, client, now).await? {
        tx.commit().await?;
        return Err(TwoFactorError::InvalidCode.into());
    }
    repo::enable(&mut tx, user, now).await?;
    let recovery = codes::new_recovery_codes();
    repo::replace_recovery_codes(&mut tx, user, &recovery).await?;
    events::record(
        &mut tx,
        user,
        SecurityEvent::TwoFactorEnabled,
        client,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RecoveryCodes { codes: recovery })
}

/// A write transaction in which `proof` was checked against `user`'s enabled two-factor,
/// and its time. A wrong proof is committed (it stays counted) and answered
/// `invalid_two_factor_code`.
async fn proven(
    state: &AppState,
    user: UserId,
    proof: &TwoFactorProof,
    client: &Client,
) -> Result<(Tx, i64), AppError> {
    let proof = Proof::of(proof.code.as_deref(), proof.recovery_code.as_deref())?;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let stored = repo::find(&mut tx, user)
        .await?
        .filter(|s| s.enabled_at.is_some())
        .ok_or(TwoFactorError::NotEnabled)?;
    if !check(&mut tx, &state.sealing, user, &stored, proof, client, now).await? {
        tx.commit().await?;
        return Err(TwoFactorError::InvalidCode.into());
    }
    Ok((tx, now))
}

/// A write transaction in which, if `user` has two-factor on, `proof` was checked (a
/// change that must be proven with the second factor where there is one: deleting an org).
/// Without two-factor the proof is ignored. A wrong proof is committed and answered
/// `invalid_two_factor_code`; a missing one is 422 on `code`.
pub async fn proven_if_enabled(
    state: &AppState,
    user: UserId,
    proof: &TwoFactorProof,
    client: &Client,
) -> Result<(Tx, i64), AppError> {
    let enabled = {
        let mut conn = state.db.pool().acquire().await?;
        repo::is_enabled(&mut conn, user).await?
    };
    if enabled {
        proven(state, user, proof, client).await
    } else {
        Ok((state.db.write().await?, now_ms()))
    }
}

/// New recovery codes in place of the old ones.
pub async fn regenerate(
    state: &AppState,
    user: UserId,
    client: &Client,
    proof: &TwoFactorProof,
) -> Result<RecoveryCodes, AppError> {
    let (mut tx, now) = proven(state, user, proof, client).await?;
    let recovery = codes::new_recovery_codes();
    repo::replace_recovery_codes(&mut tx, user, &recovery).await?;
    events::record(
        &mut tx,
        user,
        SecurityEvent::RecoveryCodesRegenerated,
        client,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RecoveryCodes { codes: recovery })
}

/// Turns two-factor off. An org that requires it then refuses this account until it is on
/// again.
pub async fn disable(
    state: &AppState,
    user: UserId,
    client: &Client,
    proof: &TwoFactorProof,
) -> Result<(), AppError> {
    let (mut tx, now) = proven(state, user, proof, client).await?;
    repo::remove(&mut tx, user).await?;
    events::record(
        &mut tx,
        user,
        SecurityEvent::TwoFactorDisabled,
        client,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
