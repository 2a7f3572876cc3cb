//! The low-balance alert: open exactly while a threshold is set and the balance is below
//! it. Crossing it downward (by any debit, or by raising the threshold above the balance)
//! records an alert row and an audit event `billing.low_balance`; getting back to or above
//! it clears the alert. Webhooks will hang off the same rows.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::OrgId;
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::billing::repo;
use crate::error::AppError;
use crate::ledger::Posted;

/// Records a crossing, once the balance fell below `threshold`.
async fn crossed(
    conn: &mut AnyConnection,
    org: OrgId,
    threshold: i64,
    balance: i64,
    actor: Option<&Actor>,
    now: i64,
) -> Result<(), AppError> {
    repo::insert_alert(conn, org, threshold, balance, now).await?;
    Entry::org(org, AuditAction::BillingLowBalance)
        .details(json!({ "threshold": threshold, "balance": balance }))
        .write_by(conn, actor, now)
        .await?;
    Ok(())
}

/// After a ledger entry: opens or clears the alert when the balance crossed the threshold.
pub async fn after_post(
    conn: &mut AnyConnection,
    posted: &Posted,
    actor: Option<&Actor>,
    now: i64,
) -> Result<(), AppError> {
    let Some(threshold) = posted.threshold else {
        return Ok(());
    };
    let org = posted.entry.org_id;
    let after = posted.entry.balance_after;
    let before = after - posted.entry.amount;
    if before >= threshold && after < threshold {
        crossed(conn, org, threshold, after, actor, now).await?;
    } else if before < threshold && after >= threshold {
        repo::clear_alerts(conn, org, now).await?;
    }
    Ok(())
}

/// After the threshold changed: the alert reflects the new one at once.
pub async fn after_threshold_change(
    conn: &mut AnyConnection,
    org: OrgId,
    balance: i64,
    threshold: Option<i64>,
    actor: &Actor,
    now: i64,
) -> Result<(), AppError> {
    repo::clear_alerts(conn, org, now).await?;
    match threshold {
        Some(t) if balance < t => crossed(conn, org, t, balance, Some(actor), now).await,
        _ => Ok(()),
    }
}
