//! What posting to the ledger can fail with.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// A debit larger than the balance: nothing was posted.
    #[error("balance {balance} is below {needed}")]
    InsufficientCredits { balance: i64, needed: i64 },
}

impl DomainError for LedgerError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::InsufficientCredits { .. } => ErrorCode::InsufficientCredits,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::InsufficientCredits { balance, needed } => format!(
                "This needs {needed} credits and the balance is {balance}. Top up, then retry \
                 with a new Idempotency-Key."
            ),
        }
    }
}
