//! An org's stored retention periods (`org_retention`, no row meaning its plan's
//! defaults) and what applies under its plan now. Read here, below every domain, so the
//! readers that hide what is past a period (the audit log) and the purge job agree; the
//! setting itself is changed by [`crate::retention`] (a higher layer).

use orgdesk_model::retention::RetentionPolicy;
use orgdesk_model::{OrgId, Plan};
use sqlx::AnyConnection;

use crate::error::AppError;

/// One day in milliseconds.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

type Row = (i64, i64, i64, i64, i64);

fn days(value: i64) -> Result<u32, AppError> {
    u32::try_from(value).map_err(|_| AppError::CorruptRow("retention days"))
}

/// The org's own setting, if it made one.
pub async fn stored(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<Option<RetentionPolicy>, AppError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT audit_log, usage_events, webhook_deliveries, mail_copies, archived_projects \
         FROM org_retention WHERE org_id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    let Some((audit_log, usage_events, webhook_deliveries, mail_copies, archived)) = row else {
        return Ok(None);
    };
    Ok(Some(RetentionPolicy {
        audit_log: days(audit_log)?,
        usage_events: days(usage_events)?,
        webhook_deliveries: days(webhook_deliveries)?,
        mail_copies: days(mail_copies)?,
        archived_projects: days(archived)?,
    }))
}

/// The org's setting, or its plan's defaults when it made none.
pub async fn setting(
    conn: &mut AnyConnection,
    org: OrgId,
    plan: Plan,
) -> Result<RetentionPolicy, AppError> {
    Ok(stored(conn, org)
        .await?
        .unwrap_or_else(|| RetentionPolicy::defaults(plan)))
}

/// What applies now: the setting held inside `plan`'s bounds.
pub async fn effective(
    conn: &mut AnyConnection,
    org: OrgId,
    plan: Plan,
) -> Result<RetentionPolicy, AppError> {
    Ok(setting(conn, org, plan).await?.effective(plan))
}

/// The oldest moment a period of `days` keeps at `now`: anything before it is past.
pub fn cutoff(now: i64, days: u32) -> i64 {
    now.saturating_sub(i64::from(days).saturating_mul(DAY_MS))
}
