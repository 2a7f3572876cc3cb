//! Paying for top-ups. [`PaymentProvider`] is the seam a real processor plugs into; the
//! one implementation today, [`RecordedPayments`], takes payment as settled elsewhere
//! (a bank transfer, an invoice) and records its reference.
//!
//! The provider is called before the ledger transaction opens (a processor is never
//! called while the org's row is locked), with the request's Idempotency-Key so that a
//! processor can deduplicate charges the way the ledger deduplicates entries.

use orgdesk_model::OrgId;

/// One charge to make.
#[derive(Debug, Clone)]
pub struct Charge<'a> {
    pub org: OrgId,
    /// Credits bought (one credit is one unit of the processor's currency here).
    pub amount: i64,
    /// The reference the caller gave, if any.
    pub reference: Option<&'a str>,
    /// The request's idempotency scope and key, when it had one.
    pub idempotency_key: Option<&'a str>,
}

/// A settled charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// What the ledger entry records as its reference.
    pub reference: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PaymentError {
    /// The processor refused; the message is safe to show.
    #[error("{0}")]
    Declined(String),
    /// The processor could not be reached or failed.
    #[error("payment processor: {0}")]
    Unavailable(String),
}

#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    async fn charge(&self, charge: &Charge<'_>) -> Result<Receipt, PaymentError>;
}

/// Records the caller's payment reference; with none, a generated `manual-…` one.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordedPayments;

#[async_trait::async_trait]
impl PaymentProvider for RecordedPayments {
    async fn charge(&self, charge: &Charge<'_>) -> Result<Receipt, PaymentError> {
        let reference = match charge.reference {
            Some(reference) => reference.to_owned(),
            None => format!("manual-{}", uuid::Uuid::now_v7().simple()),
        };
        Ok(Receipt { reference })
    }
}
