//! Rate limits kept in the database, so that every instance sharing it counts the same
//! events: a [`Rule`] allows at most `max` events per window for one subject (an email, a
//! client address, an org). [`reserve`] counts and records an event in one step, inside
//! the caller's write transaction: on SQLite the transaction holds the write lock
//! (`BEGIN IMMEDIATE`), on PostgreSQL the subject's row is locked first, so a burst of
//! parallel requests is counted one by one and never slips past the limit.

use axum::http::{header, HeaderMap, HeaderValue};
use orgdesk_model::ErrorCode;
use sqlx::AnyConnection;

use crate::error::DomainError;

/// At most `max` events in any `window_ms` for one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stored with each event: rename a rule and its old events stop counting.
    pub name: &'static str,
    pub max: u32,
    pub window_ms: i64,
}

pub const MINUTE_MS: i64 = 60 * 1000;
pub const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// A counted event; [`release`] takes it back (the attempt turned out not to count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("{rule}: limit reached, retry in {retry_after_secs}s")]
    Exceeded {
        rule: &'static str,
        retry_after_secs: u64,
    },
    #[error("rate limit storage: {0}")]
    Database(#[from] sqlx::Error),
}

impl DomainError for LimitError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Exceeded { .. } => ErrorCode::RateLimited,
            Self::Database(_) => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Exceeded {
                retry_after_secs, ..
            } => format!(
                "Too many attempts. Try again in {}.",
                wait_text(*retry_after_secs)
            ),
            Self::Database(_) => String::new(),
        }
    }

    fn headers(&self, headers: &mut HeaderMap) {
        if let Self::Exceeded {
            retry_after_secs, ..
        } = self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
}

/// "40 seconds", "15 minutes", "3 hours".
pub fn wait_text(secs: u64) -> String {
    let (n, unit) = match secs {
        0..=119 => (secs.max(1), "second"),
        120..=7199 => (secs.div_ceil(60), "minute"),
        _ => (secs.div_ceil(3600), "hour"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// Counts an event for `subject` under `rule` and records it, or fails with
/// [`LimitError::Exceeded`] (and records nothing) when the window already holds `max`.
/// Call it inside a write transaction (`Db::write`); the event counts once it commits.
pub async fn reserve(
    conn: &mut AnyConnection,
    rule: &Rule,
    subject: &str,
    now: i64,
) -> Result<Hit, LimitError> {
    lock_subject(conn, rule, subject).await?;
    sqlx::query("DELETE FROM rate_limit_hits WHERE rule = $1 AND subject = $2 AND at <= $3")
        .bind(rule.name)
        .bind(subject)
        .bind(now - rule.window_ms)
        .execute(&mut *conn)
        .await?;
    if let Some(until) = blocked_until(conn, rule, subject, now).await? {
        return Err(LimitError::Exceeded {
            rule: rule.name,
            retry_after_secs: u64::try_from(until - now)
                .unwrap_or(0)
                .div_ceil(1000)
                .max(1),
        });
    }
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query("INSERT INTO rate_limit_hits (id, rule, subject, at) VALUES ($1, $2, $3, $4)")
        .bind(&id)
        .bind(rule.name)
        .bind(subject)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(Hit { id })
}

/// Whether `subject` has used up `rule` now, without counting anything: when it may try
/// again, if not yet.
pub async fn blocked_until(
    conn: &mut AnyConnection,
    rule: &Rule,
    subject: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let times: Vec<(i64,)> = sqlx::query_as(
        "SELECT at FROM rate_limit_hits WHERE rule = $1 AND subject = $2 AND at > $3 \
         ORDER BY at DESC LIMIT $4",
    )
    .bind(rule.name)
    .bind(subject)
    .bind(now - rule.window_ms)
    .bind(i64::from(rule.max))
    .fetch_all(conn)
    .await?;
    let full = u32::try_from(times.len()).unwrap_or(u32::MAX) >= rule.max;
    Ok(times
        .last()
        .filter(|_| full)
        .map(|(at,)| at + rule.window_ms))
}

/// Takes an event back, as if it had not been counted.
pub async fn release(conn: &mut AnyConnection, hit: Hit) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE id = $1")
        .bind(hit.id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets every event of `subject` under `rule` (a successful sign-in clears its email's
/// failures).
pub async fn clear(
    conn: &mut AnyConnection,
    rule: &Rule,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limit_hits WHERE rule = $1 AND subject = $2")
        .bind(rule.name)
        .bind(subject)
        .execute(conn)
        .await?;
    Ok(())
}

/// On PostgreSQL, locks the subject's row until the transaction ends (creating it first),
/// so reservations for one subject run one after the other. SQLite's write transaction
/// already excludes every other writer.
async fn lock_subject(
    conn: &mut AnyConnection,
    rule: &Rule,
    subject: &str,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() != <sqlx::Postgres as sqlx::Database>::NAME {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO rate_limit_subjects (rule, subject) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(rule.name)
    .bind(subject)
    .execute(&mut *conn)
    .await?;
    sqlx::query("SELECT rule FROM rate_limit_subjects WHERE rule = $1 AND subject = $2 FOR UPDATE")
        .bind(rule.name)
        .bind(subject)
        .fetch_one(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_in_the_largest_sensible_unit() {
        assert_eq!(wait_text(0), "1 second");
        assert_eq!(wait_text(40), "40 seconds");
        assert_eq!(wait_text(900), "15 minutes");
        assert_eq!(wait_text(86_400), "24 hours");
    }
}
