//! What a plan change by card can fail with besides Stripe's own errors.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    #[error("a paid plan needs a saved card")]
    CardRequired,
    #[error("another plan change is under way")]
    InFlight,
}

impl DomainError for SubscriptionError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::CardRequired => ErrorCode::CardRequired,
            Self::InFlight => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::CardRequired => "A paid plan is charged to the organization's card: add \
                                   one under Billing → Payment method first."
                .to_owned(),
            Self::InFlight => "Another plan change of this organization is under way. Try \
                               again in a moment."
                .to_owned(),
        }
    }
}
