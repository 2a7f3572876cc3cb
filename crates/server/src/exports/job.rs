//! The export job's one step, [`step`]: expire what is past its week, then take one
//! export ([`claim::next`]) and write it whole ([`run`]): `org.json`, the record files of
//! [`TABLES`], and `manifest.json` (each file's records, bytes and SHA-256, and
//! the export time) last. Any instance may run it; tests call it with a clock they hold.

use std::time::Duration;

use orgdesk_model::{ExportId, OrgId};
use serde_json::{json, Value};

use crate::db::{to_datetime, Db};
use crate::exports::archive::{Archive, Clock, RunError};
use crate::exports::claim::{self, Claimed};
use crate::exports::pages;
use crate::exports::tables::TABLES;

/// How long a finished export can be downloaded.
pub const KEEP: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// What a failure the caller cannot act on is recorded as (its details are logged).
pub const INTERNAL_FAILURE: &str =
    "the server could not write the export (the details are in the server's log); try again";

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was waiting.
    Idle,
    /// The export is ready.
    Ready(ExportId),
    /// The export failed, and says why.
    Failed(ExportId),
    /// Another run took the export over (or the org was deleted): this one stopped.
    Abandoned(ExportId),
}

/// Expires old files, then takes one due export at `now` and writes it.
pub async fn step(db: &Db, now: i64, lease: Duration) -> Result<Outcome, sqlx::Error> {
    claim::expire(db, now).await?;
    let Some(claimed) = claim::next(db, now, lease).await? else {
        return Ok(Outcome::Idle);
    };
    Ok(run(db, &claimed, Clock::starting_at(now), lease).await)
}

/// Writes a claimed export, and records how it ended.
pub async fn run(db: &Db, claimed: &Claimed, clock: Clock, lease: Duration) -> Outcome {
    match write(db, claimed, clock, lease).await {
        Ok(()) => Outcome::Ready(claimed.id),
        Err(RunError::LeaseLost) => {
            tracing::info!(export = %claimed.id, run = claimed.run, "an export run was taken over");
            Outcome::Abandoned(claimed.id)
        }
        Err(error) => {
            tracing::error!(%error, export = %claimed.id, "an export failed");
            match fail(db, claimed, clock.now(), INTERNAL_FAILURE).await {
                Ok(true) => Outcome::Failed(claimed.id),
                Ok(false) => Outcome::Abandoned(claimed.id),
                Err(error) => {
                    tracing::error!(%error, export = %claimed.id, "a failed export was not recorded; it is taken again when its lease runs out");
                    Outcome::Abandoned(claimed.id)
                }
            }
        }
    }
}

/// Marks the run's export failed with `reason`, if it is still this run's.
async fn fail(db: &Db, claimed: &Claimed, now: i64, reason: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM export_chunks WHERE export_id = $1")
        .bind(claimed.id.to_string())
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query(
        "UPDATE org_exports SET status = 'failed', error = $1, finished_at = $2, \
         lease_until = NULL WHERE id = $3 AND attempts = $4 AND status = 'running'",
    )
    .bind(reason)
    .bind(now)
    .bind(claimed.id.to_string())
    .bind(claimed.run)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

async fn write(db: &Db, claimed: &Claimed, clock: Clock, lease: Duration) -> Result<(), RunError> {
    let exported_at = to_datetime(clock.now());
    let mut archive = Archive::new(db.clone(), claimed.clone(), clock, lease);
    let total = pages::total(db, claimed.org).await?;
    archive.set_total(total + 1).await?;
    let org = org_document(db, claimed.org).await?;
    let mut file = archive.file("org.json").await?;
    let bytes = serde_json::to_vec_pretty(&org).map_err(|e| RunError::Io(e.into()))?;
    file.write(&bytes, 1).await?;
    file.close().await?;
    for table in &TABLES {
        pages::write(db, &mut archive, claimed.org, table).await?;
    }
    let manifest = json!({
        "format": 1,
        "org_id": claimed.org,
        "export_id": claimed.id,
        "exported_at": exported_at.to_rfc3339(),
        "files": archive.files(),
    });
    let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| RunError::Io(e.into()))?;
    let mut file = archive.file("manifest.json").await?;
    file.write(&bytes, 0).await?;
    file.close().await?;
    archive.finish(KEEP).await?;
    Ok(())
}

type OrgRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

/// `org.json`: the org itself, its former slugs and its balance.
async fn org_document(db: &Db, org: OrgId) -> Result<Value, RunError> {
    let row: Option<OrgRow> = sqlx::query_as(
        "SELECT id, kind, slug, name, description, website, plan, owner_user_id, created_at, \
         updated_at, deletion_scheduled_at, deletion_purge_at FROM orgs WHERE id = $1",
    )
    .bind(org.to_string())
    .fetch_optional(db.pool())
    .await?;
    // The org was deleted meanwhile: the export row went with it.
    let Some(row) = row else {
        return Err(RunError::LeaseLost);
    };
    let (id, kind, slug, name, description, website, plan, owner, created, updated, sched, purge) =
        row;
    let slugs: Vec<(String,)> =
        sqlx::query_as("SELECT slug FROM org_slugs WHERE org_id = $1 ORDER BY created_at, slug")
            .bind(org.to_string())
            .fetch_all(db.pool())
            .await?;
    let balance: Option<(i64,)> =
        sqlx::query_as("SELECT balance FROM billing_accounts WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(db.pool())
            .await?;
    let time = |ms: i64| to_datetime(ms).to_rfc3339();
    Ok(json!({
        "id": id,
        "kind": kind,
        "slug": slug,
        "slugs": slugs.into_iter().map(|(s,)| s).collect::<Vec<_>>(),
        "name": name,
        "description": description,
        "website": website,
        "plan": plan,
        "owner_user_id": owner,
        "created_at": time(created),
        "updated_at": time(updated),
        "balance": balance.map(|(b,)| b),
        "deletion_scheduled_at": sched.map(time),
        "deletion_purge_at": purge.map(time),
    }))
}
