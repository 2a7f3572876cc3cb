//! An org's security policy (`org_security_policies`, no row meaning the default): whether
//! its members must sign in with two-factor, how long their sessions may sit idle, how
//! long their passwords must be. Owners and admins read and replace it
//! ([`Capability::ManageSecurity`]); a change is audited (`org.security_updated`, with the
//! fields before and after). Where it takes effect: [`crate::membership::view`] (two-factor),
//! [`crate::auth::session`] (idle timeout), [`crate::auth::policy`] (password length).
//!
//! Requiring two-factor needs it on the caller's own account first, so that nobody locks
//! themselves out by switching it on.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::policy::{
    OrgSecurityPolicy, UpdateOrgSecurityPolicy, IDLE_TIMEOUT_MAX_MINUTES, IDLE_TIMEOUT_MIN_MINUTES,
    MIN_PASSWORD_LENGTH_CEILING, MIN_PASSWORD_LENGTH_FLOOR,
};
use orgdesk_model::{Capability, FieldError, OrgId, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::two_factor::repo as two_factor;
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::{AppError, DomainError};
use crate::membership::{self, OrgKey};

const MINUTE_MS: i64 = 60 * 1000;

/// Refusals of a policy change.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("the caller has no two-factor sign-in")]
    CallerWithoutTwoFactor,
}

impl DomainError for PolicyError {
    fn code(&self) -> orgdesk_model::ErrorCode {
        orgdesk_model::ErrorCode::InvalidState
    }

    fn detail(&self) -> String {
        "Turn on two-factor sign-in for your own account before requiring it of everyone."
            .to_owned()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
struct Row {
    require_two_factor: i64,
    session_idle_timeout_ms: Option<i64>,
    min_password_length: i64,
    updated_at: i64,
}

async fn stored(conn: &mut AnyConnection, org: OrgId) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT require_two_factor, session_idle_timeout_ms, min_password_length, updated_at \
         FROM org_security_policies WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await
}

/// Members of `org` (its owner included) without two-factor sign-in.
async fn without_two_factor(conn: &mut AnyConnection, org: OrgId) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM memberships m LEFT JOIN two_factor t ON t.user_id = m.user_id \
         WHERE m.org_id = $1 AND t.enabled_at IS NULL",
    )
    .bind(org.to_string())
    .fetch_one(conn)
    .await?;
    Ok(count)
}

async fn read(conn: &mut AnyConnection, org: OrgId) -> Result<OrgSecurityPolicy, AppError> {
    let row = stored(conn, org).await?;
    let missing = without_two_factor(conn, org).await?;
    let minutes = |ms: i64| u32::try_from(ms / MINUTE_MS).unwrap_or(u32::MAX);
    Ok(match row {
        Some(row) => OrgSecurityPolicy {
            require_two_factor: row.require_two_factor == 1,
            session_idle_timeout_minutes: row.session_idle_timeout_ms.map(minutes),
            min_password_length: u32::try_from(row.min_password_length)
                .map_err(|_| AppError::CorruptRow("min password length"))?,
            members_without_two_factor: u32::try_from(missing).unwrap_or(u32::MAX),
            updated_at: Some(to_datetime(row.updated_at)),
        },
        None => OrgSecurityPolicy {
            require_two_factor: false,
            session_idle_timeout_minutes: None,
            min_password_length: MIN_PASSWORD_LENGTH_FLOOR,
            members_without_two_factor: u32::try_from(missing).unwrap_or(u32::MAX),
            updated_at: None,
        },
    })
}

/// The policy, for owners and admins.
pub async fn get(db: &Db, user: UserId, key: &OrgKey) -> Result<OrgSecurityPolicy, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, user).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    read(&mut conn, view.org.id).await
}

fn validate(req: &UpdateOrgSecurityPolicy) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if let Some(minutes) = req.session_idle_timeout_minutes {
        if !(IDLE_TIMEOUT_MIN_MINUTES..=IDLE_TIMEOUT_MAX_MINUTES).contains(&minutes) {
            errors.push(FieldError {
                field: "session_idle_timeout_minutes".to_owned(),
                message: format!(
                    "Use {IDLE_TIMEOUT_MIN_MINUTES} to {IDLE_TIMEOUT_MAX_MINUTES} minutes, or \
                     none for the server's setting."
                ),
            });
        }
    }
    if !(MIN_PASSWORD_LENGTH_FLOOR..=MIN_PASSWORD_LENGTH_CEILING).contains(&req.min_password_length)
    {
        errors.push(FieldError {
            field: "min_password_length".to_owned(),
            message: format!(
                "Use {MIN_PASSWORD_LENGTH_FLOOR} to {MIN_PASSWORD_LENGTH_CEILING} characters."
            ),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Replaces the policy; audited with what it was and what it is.
pub async fn update(
    db: &Db,
    actor: &Actor,
    key: &OrgKey,
    req: &UpdateOrgSecurityPolicy,
) -> Result<OrgSecurityPolicy, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    validate(req)?;
    let org = view.org.id;
    if req.require_two_factor && !two_factor::is_enabled(&mut tx, actor.user_id).await? {
        return Err(PolicyError::CallerWithoutTwoFactor.into());
    }
    let before = read(&mut tx, org).await?;
    sqlx::query(
        "INSERT INTO org_security_policies (org_id, require_two_factor, \
         session_idle_timeout_ms, min_password_length, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (org_id) DO UPDATE SET require_two_factor = $2, \
         session_idle_timeout_ms = $3, min_password_length = $4, updated_at = $5",
    )
    .bind(org.to_string())
    .bind(i64::from(req.require_two_factor))
    .bind(
        req.session_idle_timeout_minutes
            .map(|minutes| i64::from(minutes) * MINUTE_MS),
    )
    .bind(i64::from(req.min_password_length))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let after = read(&mut tx, org).await?;
    let fields = |p: &OrgSecurityPolicy| {
        json!({
            "require_two_factor": p.require_two_factor,
            "session_idle_timeout_minutes": p.session_idle_timeout_minutes,
            "min_password_length": p.min_password_length,
        })
    };
    Entry::org(org, AuditAction::OrgSecurityUpdated)
        .details(json!({ "before": fields(&before), "after": fields(&after) }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(after)
}
