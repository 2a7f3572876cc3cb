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

/// The table `kind` lives in, and what makes one of its rows (of an org: `$1`) past the
/// cutoff (`$2`).
fn target(kind: RetentionKind) -> (&'static str, String) {
    match kind {
        RetentionKind::AuditLog => ("audit_events", "created_at < $2".to_owned()),
        // A pending delivery is never past: only finished ones.
        RetentionKind::WebhookDeliveries => (
            "webhook_deliveries",
            "status IN ('delivered', 'failed') AND created_at < $2".to_owned(),
        ),
        // Sent copies and given-up mail; unsent mail is never past.
        RetentionKind::MailCopies => (
            "mail_outbox",
            "(sent_at < $2 OR gave_up_at < $2)".to_owned(),
        ),
        RetentionKind::UsageEvents => (
            "ledger_entries",
            format!("kind = 'usage' AND created_at < $2 AND {USAGE_DETAIL}"),
        ),
        RetentionKind::ArchivedProjects => (
            "projects",
            "status = 'archived' AND archived_at < $2".to_owned(),
        ),
    }
}

/// Whether `org` has anything of `kind` past `cutoff`: a read, so that orgs with nothing
/// to purge take no write lock.
pub async fn any_past(
    conn: &mut AnyConnection,
    kind: RetentionKind,
    org: OrgId,
    cutoff: i64,
) -> Result<bool, sqlx::Error> {
    let (table, condition) = target(kind);
    let sql = format!("SELECT 1 FROM {table} WHERE org_id = $1 AND {condition} LIMIT 1");
    let found: Option<(i64,)> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(cutoff)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

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
    let (table, condition) = target(kind);
    Ok(match kind {
        // Their attempts go with the deliveries (ON DELETE CASCADE).
        RetentionKind::AuditLog | RetentionKind::WebhookDeliveries | RetentionKind::MailCopies => {
            delete(conn, backend, table, &condition, args).await?
        }
        RetentionKind::UsageEvents => scrub_usage(conn, backend, &condition, args).await?,
        RetentionKind::ArchivedProjects => {
            archived_projects(conn, backend, &condition, args, now).await?
        }
    })
}

async fn scrub_usage(
    conn: &mut AnyConnection,
    backend: Backend,
    condition: &str,
    (org, cutoff, limit): (OrgId, i64, i64),
) -> Result<u64, sqlx::Error> {
    let sql = format!(
        "UPDATE ledger_entries SET user_id = NULL, api_key_id = NULL, reference = NULL, \
         idempotency_scope = NULL, idempotency_key = NULL, request_hash = NULL \
         WHERE id IN ({}) AND org_id = $1 AND {condition}",
        pick("ledger_entries", condition, backend)
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
    condition: &str,
    (org, cutoff, limit): (OrgId, i64, i64),
    now: i64,
) -> Result<u64, AppError> {
    let sql = format!(
        "SELECT id, name, slug FROM projects WHERE org_id = $1 AND {condition} LIMIT $3{}",
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
        let sql = format!("DELETE FROM projects WHERE org_id = $1 AND {condition} AND id = $3");
        let done = sqlx::query(&sql)
            .bind(org.to_string())
            .bind(cutoff)
            .bind(&id)
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
