//! Sign-in throttling, kept in the database so that every instance sharing it applies the
//! same limits: after 5 failures for one email, or 20 from one address, within 15 minutes,
//! sign-in answers 429 until the oldest of those failures leaves the window. A successful
//! sign-in clears the email's failures.
//!
//! The check and the record are separate statements, so a burst of parallel attempts may
//! slip a few past the limit; it cannot keep an attacker going beyond that.

use sqlx::AnyConnection;

use crate::auth::error::AuthError;
use crate::error::AppError;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
pub const MAX_PER_EMAIL: usize = 5;
pub const MAX_PER_IP: usize = 20;

/// Fails with `RateLimited` when either limit is reached.
pub async fn check(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    now: i64,
) -> Result<(), AppError> {
    let since = now - WINDOW_MS;
    let by_email = failure_times(conn, "email", email, since, MAX_PER_EMAIL).await?;
    let by_ip = failure_times(conn, "ip", ip, since, MAX_PER_IP).await?;
    let wait_ms = [(by_email, MAX_PER_EMAIL), (by_ip, MAX_PER_IP)]
        .into_iter()
        .filter_map(|(times, max)| blocked_until(&times, max).map(|until| until - now))
        .max();
    match wait_ms {
        Some(ms) => Err(AuthError::RateLimited {
            retry_after_secs: u64::try_from(ms.max(0)).unwrap_or(0).div_ceil(1000).max(1),
        }
        .into()),
        None => Ok(()),
    }
}

/// With `times` sorted newest first: when the window holds fewer than `max` again.
fn blocked_until(times: &[i64], max: usize) -> Option<i64> {
    (times.len() >= max).then(|| times[max - 1] + WINDOW_MS)
}

async fn failure_times(
    conn: &mut AnyConnection,
    column: &'static str,
    value: &str,
    since: i64,
    max: usize,
) -> Result<Vec<i64>, AppError> {
    let sql = format!(
        "SELECT attempted_at FROM login_failures WHERE {column} = $1 AND attempted_at > $2 \
         ORDER BY attempted_at DESC LIMIT $3"
    );
    let rows: Vec<(i64,)> = sqlx::query_as(&sql)
        .bind(value)
        .bind(since)
        .bind(i64::try_from(max).unwrap_or(i64::MAX))
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

pub async fn record_failure(
    conn: &mut AnyConnection,
    email: &str,
    ip: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE attempted_at <= $1")
        .bind(now - WINDOW_MS)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO login_failures (email, ip, attempted_at) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(ip)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn clear(conn: &mut AnyConnection, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_failures WHERE email = $1")
        .bind(email)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_until_the_oldest_counted_failure_leaves_the_window() {
        assert_eq!(blocked_until(&[50, 40, 30], 5), None);
        assert_eq!(
            blocked_until(&[50, 40, 30, 20, 10], 5),
            Some(10 + WINDOW_MS)
        );
        assert_eq!(
            blocked_until(&[60, 50, 40, 30, 20], 5),
            Some(20 + WINDOW_MS)
        );
    }
}
