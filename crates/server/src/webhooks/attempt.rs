//! Writing down how an attempt went, in one transaction: the attempt's row, the
//! delivery's next step (delivered, another try later, or given up), the endpoint's
//! health, and — when its failures have run for three days — turning it off
//! ([`crate::webhooks::failing`]).

use std::time::Duration;

use sqlx::AnyConnection;
use uuid::Uuid;

use crate::db::Db;
use crate::error::AppError;
use crate::mail::Mailer;
use crate::webhooks::claim::Claimed;
use crate::webhooks::failing;
use crate::webhooks::retry;
use crate::webhooks::send::Outcome;

/// What became of the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    /// Tried again at this time.
    RetryAt(i64),
    /// Out of attempts.
    GivenUp,
    /// The endpoint was deleted meanwhile: nothing to record.
    Gone,
}

/// Records `outcome` of the attempt at `at` (ms) on `claimed`, at `now`.
pub async fn record(
    db: &Db,
    mailer: &Mailer,
    claimed: &Claimed,
    at: i64,
    outcome: &Outcome,
    retry_base: Duration,
    now: i64,
) -> Result<Next, AppError> {
    let mut tx = db.write().await?;
    // The endpoint's row first: attempts of one endpoint queue here, in one order.
    if !health(&mut tx, claimed, at, outcome).await? {
        return Ok(Next::Gone);
    }
    sqlx::query(
        "INSERT INTO webhook_attempts (id, delivery_id, at, status_code, duration_ms, \
         response_excerpt, error) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(&claimed.id)
    .bind(at)
    .bind(outcome.status.map(i64::from))
    .bind(i64::try_from(outcome.duration.as_millis()).unwrap_or(i64::MAX))
    .bind(outcome.excerpt.as_deref())
    .bind(outcome.error.as_deref())
    .execute(&mut *tx)
    .await?;
    let next = if outcome.delivered() {
        Next::Delivered
    } else {
        match retry::next_wait(claimed.attempts, retry_base) {
            Some(wait) => Next::RetryAt(
                now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX)),
            ),
            None => Next::GivenUp,
        }
    };
    advance(&mut tx, &claimed.id, next, now).await?;
    let turned_off = if outcome.delivered() {
        false
    } else {
        failing::turn_off_if_failing(&mut tx, mailer, claimed.webhook, now).await?
    };
    tx.commit().await?;
    if turned_off {
        mailer.wake();
    }
    Ok(next)
}

/// The endpoint's health after this attempt; `false` when the endpoint is gone.
async fn health(
    conn: &mut AnyConnection,
    claimed: &Claimed,
    at: i64,
    outcome: &Outcome,
) -> Result<bool, sqlx::Error> {
    let sql = if outcome.delivered() {
        "UPDATE webhooks SET last_attempt_at = $1, last_status_code = $2, \
         last_success_at = $1, failure_streak = 0, failing_since = NULL WHERE id = $3"
    } else {
        "UPDATE webhooks SET last_attempt_at = $1, last_status_code = $2, \
         failure_streak = failure_streak + 1, failing_since = COALESCE(failing_since, $1) \
         WHERE id = $3"
    };
    let done = sqlx::query(sql)
        .bind(at)
        .bind(outcome.status.map(i64::from))
        .bind(claimed.webhook.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a delivery on. Only a pending one: a delivery another instance already
/// delivered (after a lease ran out) stays delivered.
async fn advance(
    conn: &mut AnyConnection,
    id: &str,
    next: Next,
    now: i64,
) -> Result<(), sqlx::Error> {
    let query = match next {
        Next::Delivered => sqlx::query(
            "UPDATE webhook_deliveries SET status = 'delivered', delivered_at = $1, \
             next_attempt_at = NULL WHERE id = $2 AND status = 'pending'",
        )
        .bind(now),
        Next::RetryAt(at) => sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(at),
        Next::GivenUp => sqlx::query(
            "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL \
             WHERE id = $1 AND status = 'pending'",
        ),
        Next::Gone => return Ok(()),
    };
    query.bind(id).execute(conn).await?;
    Ok(())
}
