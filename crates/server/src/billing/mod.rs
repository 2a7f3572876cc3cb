//! Billing: balances, plans, top-ups through a payment provider ([`crate::payments`]), the
//! rate card, low-balance alerts and the spend policy. The ledger itself is
//! [`crate::ledger`].

pub mod alerts;
pub mod error;
pub mod profile;
pub mod rates;
pub mod receipts;
pub mod repo;
pub mod routes;
pub mod service;
pub mod topup;

pub use error::BillingError;

/// Credits with thousands separators: `12,345`.
pub fn format_credits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    let out = groups.join(",");
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn credits_have_thousands_separators() {
        assert_eq!(super::format_credits(0), "0");
        assert_eq!(super::format_credits(999), "999");
        assert_eq!(super::format_credits(1000), "1,000");
        assert_eq!(super::format_credits(-1_234_567), "-1,234,567");
        assert_eq!(
            super::format_credits(i64::MIN),
            "-9,223,372,036,854,775,808"
        );
    }
}
