//! The credit ledger: append-only entries, each with the balance after it. The balance of
//! an org lives on its `billing_accounts` row and changes only in the transaction that
//! appends an entry ([`repo::post`]): a debit is one conditional
//! `UPDATE … SET balance = balance - n WHERE balance >= n RETURNING …`, so concurrent
//! debits queue on that row and none can overdraw; the entry takes the row's new entry
//! count as its `seq` and the new balance as `balance_after`. Hence, always:
//! balance = Σ amount, and entry n's `balance_after` = entry n-1's + its amount.

pub mod error;
pub mod list;
pub mod repo;

pub use error::LedgerError;
pub use repo::{
    balance_of, is_duplicate, open_account, post, replay_after_duplicate, replayed, Posted,
    Posting, MAX_BALANCE,
};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The statement month of a time: `YYYY-MM` in UTC.
pub fn period_of(ms: i64) -> String {
    crate::db::to_datetime(ms).format("%Y-%m").to_string()
}

/// The first day of the month `YYYY-MM`, if it is one.
pub fn parse_period(period: &str) -> Option<NaiveDate> {
    let (year, month) = period.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// The first instant of the month that `at` is in (UTC), in unix milliseconds.
pub fn month_start(at: DateTime<Utc>) -> i64 {
    NaiveDate::from_ymd_opt(at.year(), at.month(), 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |d| d.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_utc_months() {
        // 2026-10-31T23:59:59.999Z and the next millisecond.
        assert_eq!(period_of(1_793_491_199_999), "2026-10");
        assert_eq!(period_of(1_793_491_200_000), "2026-11");
        assert_eq!(
            parse_period("2026-10"),
            NaiveDate::from_ymd_opt(2026, 10, 1)
        );
        for bad in ["2026-13", "2026-1", "26-10", "2026-10-01", "x"] {
            assert_eq!(parse_period(bad), None, "{bad}");
        }
        let at = crate::db::to_datetime(1_793_491_199_999);
        assert_eq!(month_start(at), 1_790_812_800_000);
    }
}
