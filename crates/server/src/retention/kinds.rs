//! One batch of the purge for one kind of data: at most `limit` rows of one org that are
//! past `cutoff`, in the caller's short write transaction. Each answers how many rows it
//! really changed (what another instance took first is not counted twice).
//!
//! Rows are picked by a subquery that, on PostgreSQL, locks them with
//! `FOR UPDATE SKIP LOCKED` (two instances purging at once take different rows); on
//! SQLite the write transaction holds the database's write lock, so batches take turns.
//! The purge is the one place that deletes by age, so its statements over other
//! domains' tables live here, each with the same conditions those domains rely on (a
//! pending webhook delivery or unsent mail is never touched; a ledger line keeps every
//! amount).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::retention::RetentionKind;
use orgdesk_model::{OrgId, ProjectId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::config::Backend;
use crate::error::AppError;

/// What locks the picked rows: skip those another purge holds (PostgreSQL).
fn skip_locked(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

/// The rows of `table` matching `condition` (with `$1` the org, `$2` the cutoff), at
/// most `$3`, in no particular order (so an index scan stops at the limit).
fn pick(table: &str, condition: &str, backend: Backend) -> String {
    format!(
        "SELECT id FROM {table} WHERE org_id = $1 AND {condition} LIMIT $3{}",
        skip_locked(backend)
    )
}

async fn delete(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    condition: &str,
    (org, cutoff, limit): (OrgId, i64, i64),
) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "DELETE FROM {table} WHERE id IN ({}) AND org_id = $1 AND {condition}",
        pick(table, condition, backend)
    );
    let done = sqlx::query(&sql)
        .bind(org.to_string())
        .bind(cutoff)
        .bind(limit)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// The per-request detail a usage line carries; the rest of the line (amount, balance,
/// sequence, project, modality, quantity, rate, description, period) is money and stays.
const USAGE_DETAIL: &str =
    "(user_id IS NOT NULL OR api_key_id IS NOT NULL OR reference IS NOT NULL \
     OR idempotency_key IS NOT NULL OR request_hash IS NOT NULL)";

/// One batch of `kind` for `org`: rows past `cutoff`, at most `limit`. Archived projects
/// are deleted as a person's delete would, each with its `project.deleted` event (written
/// by the system, at `now`).
pub async fn batch(
    conn: &mut AnyConnection,
    backend: Backend,
    kind: RetentionKind,
    (org, cutoff, limit): (OrgId, i64, i64),
    now: i64,
) -> Result<u64, AppError> {
    let args = (org, cutoff, limit);
    Ok(match kind {
        RetentionKind::AuditLog => {
            delete(conn, backend, "audit_events", "created_at < $2", args).await?
        }
        RetentionKind::WebhookDeliveries => {
            // Their attempts go with them (ON DELETE CASCADE).
            let finished = "status IN ('delivered', 'failed') AND created_at < $2";
            delete(conn, backend, "webhook_deliveries", finished, args).await?
        }
        RetentionKind::MailCopies => {
            let kept = "(sent_at < $2 OR gave_up_at < $2)";
            delete(conn, backend, "mail_outbox", kept, args).await?
        }
        RetentionKind::UsageEvents => scrub_usage(conn, backend, args).await?,
        RetentionKind::ArchivedProjects => archived_projects(conn, backend, args, now).await?,
    })
}

async fn scrub_usage(
    conn: &mut AnyConnection,
    backend: Backend,
    (org, cutoff, limit): (OrgId, i64, i64),
) -> Result<u64, sqlx::Error> {
    let condition = format!("kind = 'usage' AND created_at < $2 AND {USAGE_DETAIL}");
    let sql = format!(
        "UPDATE ledger_entries SET user_id = NULL, api_key_id = NULL, reference = NULL, \
         idempotency_scope = NULL, idempotency_key = NULL, request_hash = NULL \
         WHERE id IN ({}) AND org_id = $1 AND {condition}",
        pick("ledger_entries", &condition, backend)
    );
    let done = sqlx::query(&sql)
        .bind(org.to_string())
        .bind(cutoff)
        .bind(limit)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

async fn archived_projects(
    conn: &mut AnyConnection,
    backend: Backend,
    (org, cutoff, limit): (OrgId, i64, i64),
    now: i64,
) -> Result<u64, AppError> {
    let sql = format!(
        "SELECT id, name, slug FROM projects WHERE org_id = $1 AND status = 'archived' \
         AND archived_at < $2 LIMIT $3{}",
        skip_locked(backend)
    );
    let rows: Vec<(String, String, String)> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let mut deleted = 0;
    for (id, name, slug) in rows {
        let done = sqlx::query(
            "DELETE FROM projects WHERE org_id = $1 AND id = $2 AND status = 'archived' \
             AND archived_at < $3",
        )
        .bind(org.to_string())
        .bind(&id)
        .bind(cutoff)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 0 {
            continue;
        }
        let project: ProjectId = id.parse().map_err(|_| AppError::CorruptRow("project id"))?;
        Entry::project(org, AuditAction::ProjectDeleted, project)
            .details(json!({ "name": name, "slug": slug }))
            .write_by(conn, None, now)
            .await?;
        deleted += 1;
    }
    Ok(deleted)
}
