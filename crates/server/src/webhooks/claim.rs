//! Taking due deliveries for an attempt, so that several instances of one database share
//! the work and never send one delivery twice at the same time.
//!
//! A claim is one short transaction: it picks due pending deliveries (on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take different
//! rows; on SQLite the transaction holds the database's write lock, so one claimer runs
//! at a time), counts the attempt and pushes `next_attempt_at` past a lease. Until the
//! lease runs out nobody else takes the delivery; the instance that claimed it records the
//! attempt's result well before (the lease is longer than an attempt's timeout). If that
//! instance died mid-attempt, the lease runs out and any instance claims the delivery
//! again, with the same id, noting the attempt that never finished.

use std::time::Duration;

use orgdesk_model::event::AuditAction;
use orgdesk_model::WebhookId;
use sqlx::AnyConnection;
use uuid::Uuid;

use crate::config::Backend;
use crate::db::Db;

/// What an attempt whose instance stopped before it finished is recorded with.
pub const UNFINISHED: &str = "no result: the server stopped during this attempt";

/// A delivery taken for one attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// Also the `webhook-id` header.
    pub id: String,
    pub webhook: WebhookId,
    pub url: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: u32,
}

type Row = (String, String, String, String, i64, i64, String, i64);

/// Claims up to `limit` deliveries due at `now` for `lease`.
pub async fn due(
    db: &Db,
    now: i64,
    limit: usize,
    lease: Duration,
) -> Result<Vec<Claimed>, sqlx::Error> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
    let lock = match db.backend() {
        Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "SELECT d.id, d.webhook_id, w.url, d.payload, d.attempts, w.enabled, d.event_type, \
         d.next_attempt_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         JOIN orgs o ON o.id = w.org_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND o.deletion_purge_at IS NULL \
         ORDER BY d.next_attempt_at, d.id LIMIT $2{lock}"
    );
    let mut tx = db.write().await?;
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(now)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for (id, webhook, url, payload, attempts, enabled, event_type, due_at) in rows {
        if enabled == 0 && event_type != AuditAction::WebhookTest.as_str() {
            // Turned off after it was written: given up, as the endpoint's others were.
            give_up(&mut tx, &id).await?;
            continue;
        }
        if attempts > 0 {
            note_unfinished(&mut tx, &id, attempts, due_at - lease_ms).await?;
        }
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1 \
             WHERE id = $2",
        )
        .bind(now.saturating_add(lease_ms))
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let Ok(webhook) = webhook.parse() else {
            tracing::error!(delivery = %id, "a webhook delivery names an unreadable endpoint id");
            continue;
        };
        claimed.push(Claimed {
            id,
            webhook,
            url,
            payload,
            attempts: u32::try_from(attempts + 1).unwrap_or(u32::MAX),
        });
    }
    tx.commit().await?;
    Ok(claimed)
}

/// When the earliest pending delivery is due (a claimed one: when its lease runs out).
/// Deliveries of an org scheduled for deletion wait (its webhooks are paused).
pub async fn next_due(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    let (next,): (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(d.next_attempt_at) FROM webhook_deliveries d \
         JOIN webhooks w ON w.id = d.webhook_id JOIN orgs o ON o.id = w.org_id \
         WHERE d.status = 'pending' AND o.deletion_purge_at IS NULL",
    )
    .fetch_one(db.pool())
    .await?;
    Ok(next)
}

async fn give_up(conn: &mut AnyConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL \
         WHERE id = $1",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the attempts claimed before whose results never came (their instance died
/// mid-attempt), at the time they were claimed, so the log shows every attempt made.
async fn note_unfinished(
    conn: &mut AnyConnection,
    id: &str,
    attempts: i64,
    claimed_at: i64,
) -> Result<(), sqlx::Error> {
    let (recorded,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    if recorded >= attempts {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO webhook_attempts (id, delivery_id, at, status_code, duration_ms, \
         response_excerpt, error) VALUES ($1, $2, $3, NULL, 0, NULL, $4)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(id)
    .bind(claimed_at)
    .bind(UNFINISHED)
    .execute(conn)
    .await?;
    Ok(())
}
