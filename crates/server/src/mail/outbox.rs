//! The `mail_outbox` table. Several instances may share it: a message is claimed by moving
//! its next attempt past a lease, so only one of them sends it at a time, and a message
//! whose sender died is tried again when the lease runs out.
//!
//! Mail about an org keeps its row once sent, as the org's copy: `sent_at` set and the
//! message blanked (it may carry an invitation token, which must not outlive delivery),
//! so who was mailed what, and when, stays until the org's mail-copies period has passed
//! (the retention purge deletes it). A sent row is never due again. Mail about no org
//! is deleted once sent.

use orgdesk_model::OrgId;
use sqlx::AnyConnection;
use uuid::Uuid;

/// How long a claimed message is left alone before another attempt may start.
pub const LEASE_MS: i64 = 5 * 60 * 1000;

pub struct NewMail {
    pub org: Option<OrgId>,
    pub subject: String,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
}

/// A message due for delivery.
#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: String,
    pub sender: String,
    pub recipient: String,
    pub message: Vec<u8>,
    pub attempts: i64,
    pub next_attempt_at: i64,
}

pub async fn insert(conn: &mut AnyConnection, mail: &NewMail, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mail_outbox (id, sender, recipient, message, attempts, next_attempt_at, \
         created_at, org_id, subject) VALUES ($1, $2, $3, $4, 0, $5, $5, $6, $7)",
    )
    .bind(Uuid::now_v7().to_string())
    .bind(&mail.sender)
    .bind(&mail.recipient)
    .bind(mail.message.clone())
    .bind(now)
    .bind(mail.org.map(|org| org.to_string()))
    .bind(&mail.subject)
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` messages whose next attempt is due, oldest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<Pending>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, sender, recipient, message, attempts, next_attempt_at FROM mail_outbox \
         WHERE next_attempt_at <= $1 AND gave_up_at IS NULL AND sent_at IS NULL ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Takes `mail` for one attempt; `false` if another worker took it first.
pub async fn claim(
    conn: &mut AnyConnection,
    mail: &Pending,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = $1, attempts = attempts + 1 \
         WHERE id = $2 AND next_attempt_at = $3 AND gave_up_at IS NULL AND sent_at IS NULL",
    )
    .bind(now + LEASE_MS)
    .bind(&mail.id)
    .bind(mail.next_attempt_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Delivered at `now`: the message (and the token it may carry) goes; the row stays as
/// the org's copy when the mail is about one, and goes too otherwise.
pub async fn delivered(conn: &mut AnyConnection, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET sent_at = $1, message = $2, last_error = NULL \
         WHERE id = $3 AND org_id IS NOT NULL",
    )
    .bind(now)
    .bind(Vec::<u8>::new())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM mail_outbox WHERE id = $1 AND org_id IS NULL")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn retry_at(
    conn: &mut AnyConnection,
    id: &str,
    at: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE mail_outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3")
        .bind(at)
        .bind(error)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// No more attempts: the message is blanked, the row kept for the record.
pub async fn give_up(
    conn: &mut AnyConnection,
    id: &str,
    now: i64,
    error: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET gave_up_at = $1, last_error = $2, message = $3 WHERE id = $4",
    )
    .bind(now)
    .bind(error)
    .bind(Vec::<u8>::new())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
