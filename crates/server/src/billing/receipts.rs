//! Receipt numbers: `OD-<year>-<n>`, counting from 1 each year without gaps — the counter
//! moves in the transaction that marks a payment paid, so a rolled-back payment takes no
//! number.

use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;

/// The next receipt number of the year of `now`: `OD-2026-000001`, `OD-2026-000002`, …
pub async fn next_number(conn: &mut AnyConnection, now: i64) -> Result<String, AppError> {
    let year = i64::from(chrono::Datelike::year(&to_datetime(now)));
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO receipt_counters (year, last) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last",
    )
    .bind(year)
    .fetch_one(conn)
    .await?;
    Ok(format!("OD-{year}-{last:06}"))
}
