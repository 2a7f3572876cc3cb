//! Reading and changing an org's retention periods (owners and admins:
//! [`Capability::EditSettings`]). A change must sit inside the current plan's bounds for
//! every kind (422 naming each field outside them); it is stored as one row per org and
//! audited as `org.retention_updated` with the kinds that changed (none changed, no
//! event). What applies is the setting held inside the plan's bounds, so a downgrade
//! shrinks periods without rewriting the row.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::retention::{RetentionKind, RetentionPolicy, RetentionRule, RetentionSettings};
use orgdesk_model::{Capability, FieldError, OrgId, Plan, UserId};
use sqlx::AnyConnection;

use crate::audit::{Changes, Entry};
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::membership::{self, require, retention, OrgKey};

/// The settings as the page shows them: the setting, and per kind what applies.
pub fn describe(plan: Plan, policy: RetentionPolicy) -> RetentionSettings {
    let effective = policy.effective(plan);
    RetentionSettings {
        plan,
        policy,
        rules: RetentionKind::ALL
            .into_iter()
            .map(|kind| RetentionRule {
                kind,
                label: kind.label().to_owned(),
                days: policy.days(kind),
                effective_days: effective.days(kind),
                bounds: plan.retention(kind),
            })
            .collect(),
    }
}

/// Every period outside `plan`'s bounds, named by its field.
pub fn validate(plan: Plan, policy: &RetentionPolicy) -> Result<(), AppError> {
    let errors: Vec<FieldError> = RetentionKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let bounds = plan.retention(kind);
            let days = policy.days(kind);
            (days < bounds.min_days || days > bounds.max_days).then(|| FieldError {
                field: kind.as_str().to_owned(),
                message: format!(
                    "The {} plan keeps {} for {} to {} days.",
                    plan.as_str(),
                    kind.label().to_lowercase(),
                    bounds.min_days,
                    bounds.max_days
                ),
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The org's retention settings.
pub async fn get(db: &Db, user: UserId, key: &OrgKey) -> Result<RetentionSettings, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, user).await?;
    require(&view, Capability::EditSettings)?;
    let policy = retention::setting(&mut conn, view.org.id, view.org.plan).await?;
    Ok(describe(view.org.plan, policy))
}

async fn store(
    conn: &mut AnyConnection,
    org: OrgId,
    policy: &RetentionPolicy,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_retention (org_id, audit_log, usage_events, webhook_deliveries, \
         mail_copies, archived_projects, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (org_id) DO UPDATE SET audit_log = $2, usage_events = $3, \
         webhook_deliveries = $4, mail_copies = $5, archived_projects = $6, updated_at = $7",
    )
    .bind(org.to_string())
    .bind(i64::from(policy.audit_log))
    .bind(i64::from(policy.usage_events))
    .bind(i64::from(policy.webhook_deliveries))
    .bind(i64::from(policy.mail_copies))
    .bind(i64::from(policy.archived_projects))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the org's periods with `policy`, under the org's lock (so parallel changes
/// apply one after the other, each audited against the one before).
pub async fn update(
    db: &Db,
    actor: &Actor,
    key: &OrgKey,
    policy: &RetentionPolicy,
) -> Result<RetentionSettings, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, actor.user_id).await?;
    require(&view, Capability::EditSettings)?;
    let (org, plan) = (view.org.id, view.org.plan);
    validate(plan, policy)?;
    let before = retention::setting(&mut tx, org, plan).await?;
    let changes = RetentionKind::ALL
        .into_iter()
        .fold(Changes::default(), |changes, kind| {
            changes.field(kind.as_str(), before.days(kind), policy.days(kind))
        });
    if changes.is_empty() {
        return Ok(describe(plan, before));
    }
    store(&mut tx, org, policy, now).await?;
    Entry::org(org, AuditAction::OrgRetentionUpdated)
        .details(changes.into_details())
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(describe(plan, *policy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_outside_the_plan_is_named_by_its_field() {
        let mut policy = RetentionPolicy::defaults(Plan::Free);
        assert!(validate(Plan::Free, &policy).is_ok());
        policy.audit_log = 2555;
        policy.mail_copies = 0;
        let Err(AppError::Validation(errors)) = validate(Plan::Free, &policy) else {
            panic!("accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["audit_log", "mail_copies"]);
        assert!(validate(
            Plan::Business,
            &RetentionPolicy {
                mail_copies: 1,
                ..policy
            }
        )
        .is_ok());
    }

    #[test]
    fn the_page_shows_the_setting_and_what_applies() {
        let mut policy = RetentionPolicy::defaults(Plan::Business);
        policy.audit_log = 2000;
        let settings = describe(Plan::Team, policy);
        let audit = &settings.rules[0];
        assert_eq!(audit.kind, RetentionKind::AuditLog);
        assert_eq!((audit.days, audit.effective_days), (2000, 365));
        assert_eq!(settings.rules.len(), RetentionKind::ALL.len());
    }
}
