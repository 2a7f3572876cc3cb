//! What billing can fail with: a plan change over the new limits, a payment, the spend
//! policy.

use orgdesk_model::{ErrorCode, FieldError};

use crate::error::{DomainError, INTERNAL_DETAIL};
use crate::payments::PaymentError;

/// What an owner is told on a server that takes no payments.
pub const NOT_CONFIGURED: &str = "This server takes no payments: credits and paid plans come \
     from the server's operator. Ask whoever runs it to grant credits or set the plan. \
     Moving to the Free plan works.";

/// What an owner is told who tries a recorded top-up on a server that sells by card.
pub const BY_CARD: &str = "This server sells credits by card: pick a credit pack under \
     Billing → Top up (POST /v1/orgs/{org}/payments) with a saved card.";

#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    #[error("the plan change is blocked on {} limit(s)", .0.len())]
    PlanDowngradeBlocked(Vec<FieldError>),
    /// Declined (the processor's reason is safe to show), or the processor is unavailable
    /// (logged, answered as internal).
    #[error(transparent)]
    Payment(#[from] PaymentError),
    #[error("the spend policy refuses: {0}")]
    SpendNotAllowed(&'static str),
}

impl DomainError for BillingError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::PlanDowngradeBlocked(_) => ErrorCode::PlanDowngradeBlocked,
            Self::Payment(PaymentError::Declined(_)) => ErrorCode::InvalidState,
            Self::Payment(PaymentError::Unavailable(_)) => ErrorCode::Internal,
            Self::Payment(PaymentError::NotConfigured) => ErrorCode::PaymentsNotConfigured,
            Self::Payment(PaymentError::ByCard) => ErrorCode::CardRequired,
            Self::SpendNotAllowed(_) => ErrorCode::SpendNotAllowed,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::PlanDowngradeBlocked(_) => "Current usage is over the new plan's limits. \
                                              Reduce it first, or pick a larger plan."
                .to_owned(),
            Self::Payment(PaymentError::Declined(why)) => {
                format!("The payment was declined: {why}")
            }
            Self::Payment(PaymentError::Unavailable(_)) => INTERNAL_DETAIL.to_owned(),
            Self::Payment(PaymentError::NotConfigured) => NOT_CONFIGURED.to_owned(),
            Self::Payment(PaymentError::ByCard) => BY_CARD.to_owned(),
            Self::SpendNotAllowed(why) => (*why).to_owned(),
        }
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::PlanDowngradeBlocked(over) => over.clone(),
            _ => Vec::new(),
        }
    }
}
