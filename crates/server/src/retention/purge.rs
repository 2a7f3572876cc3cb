//! The purge step: for every org, what is past its retention period goes, in batches of
//! [`BATCH`] rows, each its own short write transaction (never one long lock). Then one
//! `org.data_purged` per kind that changed anything (`{kind, deleted, older_than}`,
//! written by the system). Two instances may run it at once: each counts only the rows
//! its own statements changed, so their events add up to the rows there were.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::retention::RetentionKind;
use orgdesk_model::{OrgId, Plan};
use serde_json::json;

use crate::audit::Entry;
use crate::db::{to_datetime, Db};
use crate::error::AppError;
use crate::membership::retention::{self, cutoff};
use crate::retention::kinds;

/// Rows per transaction.
pub const BATCH: i64 = 1000;
/// Orgs read at a time.
const ORG_PAGE: i64 = 500;

/// What one kind lost in one org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub org: OrgId,
    pub kind: RetentionKind,
    pub deleted: u64,
    /// The kind's cutoff: rows older than this were past the period.
    pub older_than: i64,
}

/// One run over every org at `now`: what it purged (orgs that failed are logged and
/// left for the next run).
pub async fn step(db: &Db, now: i64) -> Result<Vec<Purged>, AppError> {
    let mut purged = Vec::new();
    let mut after = String::new();
    loop {
        let orgs: Vec<(String, String)> =
            sqlx::query_as("SELECT id, plan FROM orgs WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(&after)
                .bind(ORG_PAGE)
                .fetch_all(db.pool())
                .await?;
        let Some((last, _)) = orgs.last() else {
            break;
        };
        after = last.clone();
        for (id, plan) in orgs {
            let (Ok(org), Some(plan)) = (id.parse::<OrgId>(), Plan::parse(&plan)) else {
                tracing::error!(org = %id, "an org row does not parse; not purged");
                continue;
            };
            match org_step(db, org, plan, now).await {
                Ok(done) => purged.extend(done),
                Err(error) => tracing::error!(%org, %error, "retention purge failed"),
            }
        }
    }
    Ok(purged)
}

/// Purges one org at `now` under its effective policy.
pub async fn org_step(db: &Db, org: OrgId, plan: Plan, now: i64) -> Result<Vec<Purged>, AppError> {
    let policy = {
        let mut conn = db.pool().acquire().await?;
        retention::effective(&mut conn, org, plan).await?
    };
    let mut purged = Vec::new();
    for kind in RetentionKind::ALL {
        let older_than = cutoff(now, policy.days(kind));
        let deleted = kind_step(db, org, kind, older_than, now).await?;
        if deleted == 0 {
            continue;
        }
        let mut tx = db.write().await?;
        Entry::org(org, AuditAction::OrgDataPurged)
            .details(json!({
                "kind": kind,
                "deleted": deleted,
                "older_than": to_datetime(older_than),
            }))
            .write_by(&mut tx, None, now)
            .await?;
        tx.commit().await?;
        tracing::info!(%org, kind = kind.as_str(), deleted, "retention purge");
        purged.push(Purged {
            org,
            kind,
            deleted,
            older_than,
        });
    }
    Ok(purged)
}

/// Every batch of `kind` for `org` until one comes back short (none when a read finds
/// nothing past the cutoff).
async fn kind_step(
    db: &Db,
    org: OrgId,
    kind: RetentionKind,
    older_than: i64,
    now: i64,
) -> Result<u64, AppError> {
    {
        let mut conn = db.pool().acquire().await?;
        if !kinds::any_past(&mut conn, kind, org, older_than).await? {
            return Ok(0);
        }
    }
    let mut total = 0;
    loop {
        match batch(db, org, kind, older_than, now).await {
            Ok(n) => {
                total += n;
                if n < BATCH.unsigned_abs() {
                    return Ok(total);
                }
            }
            // What earlier batches deleted is gone: record it; the rest waits for the
            // next run.
            Err(error) if total > 0 => {
                tracing::error!(%org, kind = kind.as_str(), %error, "retention batch failed");
                return Ok(total);
            }
            Err(error) => return Err(error),
        }
    }
}

/// One batch in its own short write transaction.
async fn batch(
    db: &Db,
    org: OrgId,
    kind: RetentionKind,
    older_than: i64,
    now: i64,
) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let n = kinds::batch(&mut tx, db.backend(), kind, (org, older_than, BATCH), now).await?;
    tx.commit().await?;
    Ok(n)
}
