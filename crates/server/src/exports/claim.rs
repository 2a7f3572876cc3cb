//! Taking an export to write, so that several instances of one database share the work and
//! never write one export twice at the same time; and removing files past their week.
//!
//! A claim is one short transaction (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so
//! instances claiming at once take different exports; on SQLite the transaction holds the
//! database's write lock): it takes the oldest queued export, or a running one whose lease
//! ran out (its instance died or stalled), counts a new run in `attempts`, removes what an
//! earlier run wrote and holds it for the lease. The run then renews the lease with every
//! chunk it writes, and only while `attempts` is still its own (see
//! [`crate::exports::archive`]): a run that lost its lease stops at its next write.

use std::time::Duration;

use orgdesk_model::{ExportId, OrgId};
use sqlx::AnyConnection;

use crate::config::Backend;
use crate::db::Db;

/// Runs an export may start before it is failed: a file that kills its instance every
/// time is not tried for ever.
pub const MAX_RUNS: i64 = 3;

/// What a run failed with when its instance kept stopping.
pub const TOO_MANY_RUNS: &str =
    "the export was interrupted too many times (the server stopped while writing it)";

/// An export taken for one run.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: ExportId,
    pub org: OrgId,
    /// This run's number: its writes count only while the row still has it.
    pub run: i64,
}

/// Takes one export due at `now` for `lease`, if there is one.
pub async fn next(db: &Db, now: i64, lease: Duration) -> Result<Option<Claimed>, sqlx::Error> {
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT id, org_id, attempts FROM org_exports \
         WHERE status = 'queued' OR (status = 'running' AND lease_until <= $1) \
         ORDER BY created_at, id LIMIT 1{lock}"
    );
    loop {
        let mut tx = db.write().await?;
        let row: Option<(String, String, i64)> = sqlx::query_as(&sql)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((id, org, attempts)) = row else {
            return Ok(None);
        };
        remove_chunks(&mut tx, &id).await?;
        if attempts >= MAX_RUNS {
            sqlx::query(
                "UPDATE org_exports SET status = 'failed', error = $1, finished_at = $2, \
                 lease_until = NULL WHERE id = $3",
            )
            .bind(TOO_MANY_RUNS)
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::warn!(export = %id, "an export was given up after {MAX_RUNS} runs");
            continue;
        }
        sqlx::query(
            "UPDATE org_exports SET status = 'running', attempts = attempts + 1, \
             lease_until = $1, step = '', done = 0, total = 0 WHERE id = $2",
        )
        .bind(now.saturating_add(lease_ms))
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let (Ok(parsed), Ok(org)) = (id.parse(), org.parse()) else {
            tracing::error!(export = %id, "an export row has an unreadable id");
            continue;
        };
        return Ok(Some(Claimed {
            id: parsed,
            org,
            run: attempts + 1,
        }));
    }
}

async fn remove_chunks(conn: &mut AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM export_chunks WHERE export_id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks ready exports whose week is over at `now` as expired and removes their files,
/// a few at a time (each in a short transaction). Answers how many expired.
pub async fn expire(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let mut expired = 0;
    loop {
        let mut tx = db.write().await?;
        let due: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM org_exports WHERE status = 'ready' AND expires_at <= $1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id,)) = due else {
            return Ok(expired);
        };
        remove_chunks(&mut tx, &id).await?;
        sqlx::query("UPDATE org_exports SET status = 'expired' WHERE id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        expired += 1;
    }
}

/// Gives a run's export back at `now` (its instance is shutting down): any instance may
/// take it at once instead of when the lease runs out. Nothing if another run has it.
pub async fn release(db: &Db, claimed: &Claimed, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE org_exports SET lease_until = $1 \
         WHERE id = $2 AND attempts = $3 AND status = 'running'",
    )
    .bind(now)
    .bind(claimed.id.to_string())
    .bind(claimed.run)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
