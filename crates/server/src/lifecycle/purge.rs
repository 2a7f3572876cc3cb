//! Deleting orgs for good once their grace period ([`crate::lifecycle::deletion`]) is over.
//!
//! Each org goes in three steps, any of which may be repeated after a crash or run by two
//! instances at once:
//! 1. one short transaction writes its tombstone — who deleted it and when — and its
//!    ledger in totals per statement month and kind (what accounting keeps), unless the
//!    tombstone is already there; from then on the deletion can no longer be cancelled;
//! 2. its largest tables are emptied in batches of [`BATCH`] rows, each its own short
//!    transaction, so no lock is held for long;
//! 3. one transaction holds its slugs back for 90 days ([`slugs::retire`]) and deletes the
//!    org row, which takes the rest with it (`ON DELETE CASCADE`).

use orgdesk_model::OrgId;
use sqlx::AnyConnection;

use crate::db::Db;
use crate::error::AppError;
use crate::orgs::{repo, slugs};

/// Rows deleted per transaction.
pub const BATCH: i64 = 1000;
/// Orgs purged per run.
const ORGS_PER_RUN: i64 = 20;

/// The tables emptied in batches before the org row goes, each with its key column.
const LARGE_TABLES: [&str; 3] = ["audit_events", "ledger_entries", "webhook_deliveries"];

/// Deletes for good every org whose grace period ended at `now`. Answers how many.
pub async fn due(db: &Db, now: i64) -> Result<usize, AppError> {
    let due: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM orgs WHERE deletion_purge_at IS NOT NULL AND deletion_purge_at <= $1 \
         ORDER BY deletion_purge_at LIMIT $2",
    )
    .bind(now)
    .bind(ORGS_PER_RUN)
    .fetch_all(db.pool())
    .await?;
    let mut purged = 0;
    for (id,) in due {
        let org: OrgId = id.parse().map_err(|_| AppError::CorruptRow("org id"))?;
        if purge(db, org, now).await? {
            purged += 1;
        }
    }
    Ok(purged)
}

/// Deletes `org` for good if it is (still) due at `now`; `false` if it was not.
pub async fn purge(db: &Db, org: OrgId, now: i64) -> Result<bool, AppError> {
    if !tombstone(db, org, now).await? {
        return Ok(false);
    }
    for table in LARGE_TABLES {
        while delete_batch(db, table, org).await? > 0 {}
    }
    let mut tx = db.write().await?;
    crate::db::lock_org(&mut tx, org).await?;
    slugs::retire(&mut tx, org, now).await?;
    repo::delete(&mut tx, org).await?;
    tx.commit().await?;
    tracing::info!(%org, "org deleted for good after its grace period");
    Ok(true)
}

/// An org's kind and its deletion columns.
type Scheduled = (String, Option<i64>, Option<i64>, Option<String>);

/// Writes the tombstone and the ledger's totals if the org is due and has none yet.
/// Answers whether the org is (now) being deleted.
async fn tombstone(db: &Db, org: OrgId, now: i64) -> Result<bool, AppError> {
    let mut tx = db.write().await?;
    crate::db::lock_org(&mut tx, org).await?;
    let row: Option<Scheduled> = sqlx::query_as(
        "SELECT kind, deletion_scheduled_at, deletion_purge_at, deletion_scheduled_by \
         FROM orgs WHERE id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(&mut *tx)
    .await?;
    let Some((kind, Some(scheduled_at), Some(purge_at), by)) = row else {
        return Ok(false);
    };
    if purge_at > now {
        return Ok(false);
    }
    if !has_tombstone(&mut tx, org).await? {
        sqlx::query(
            "INSERT INTO org_tombstones (id, kind, deleted_by, scheduled_at, deleted_at) \
             VALUES ($1, $2, (SELECT id FROM users WHERE id = $3), $4, $5)",
        )
        .bind(org.to_string())
        .bind(kind)
        .bind(by)
        .bind(scheduled_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO org_tombstone_ledger (org_id, period, kind, entries, amount) \
             SELECT org_id, period, kind, COUNT(*), SUM(amount) FROM ledger_entries \
             WHERE org_id = $1 GROUP BY org_id, period, kind",
        )
        .bind(org.to_string())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Whether `org` has a tombstone: its deletion has begun and can no longer be cancelled.
pub async fn has_tombstone(conn: &mut AnyConnection, org: OrgId) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT id FROM org_tombstones WHERE id = $1")
        .bind(org.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

async fn delete_batch(db: &Db, table: &str, org: OrgId) -> Result<u64, AppError> {
    let sql = format!(
        "DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE org_id = $1 LIMIT $2)"
    );
    let mut tx = db.write().await?;
    let done = sqlx::query(&sql)
        .bind(org.to_string())
        .bind(BATCH)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
