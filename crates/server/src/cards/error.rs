//! What card payments fail with, and how each reaches the caller.

use orgdesk_model::ErrorCode;

use crate::error::{DomainError, INTERNAL_DETAIL};
use crate::payments::PaymentError;
use crate::stripe::client::StripeError;
use crate::stripe::signature::SignatureError;

#[derive(Debug, thiserror::Error)]
pub enum CardError {
    /// The server is not in `stripe` mode.
    #[error("this server takes no card payments")]
    NotConfigured,
    /// The org has no saved card.
    #[error("no saved card")]
    CardRequired,
    /// The card was declined: Stripe's reason, safe to show.
    #[error("{0}")]
    Declined(String),
    /// Stripe could not be reached or failed; logged. Nothing was charged twice: a retry
    /// with the same Idempotency-Key continues the same payment.
    #[error("the payment processor is unavailable: {0}")]
    Unavailable(String),
    /// Stripe refused a request of ours (a bug or a stale id): logged, answered as internal.
    #[error("the payment processor refused: {0}")]
    Refused(String),
    /// The PaymentMethod is not a card of the org's customer.
    #[error("the payment method is not a card of this org's customer")]
    NotTheOrgsCard,
    /// A receipt was asked of a payment that is not paid.
    #[error("the payment is not paid")]
    NotPaid,
    /// A webhook delivery whose signature does not hold.
    #[error("webhook signature: {0}")]
    Signature(#[from] SignatureError),
    /// A signed webhook delivery that is not an event.
    #[error("the webhook body is not a Stripe event")]
    NotAnEvent,
}

impl From<StripeError> for CardError {
    fn from(error: StripeError) -> Self {
        match error {
            StripeError::Declined { message, .. } => Self::Declined(message),
            StripeError::Unavailable(why) => Self::Unavailable(why),
            other @ (StripeError::NotFound(_) | StripeError::Rejected { .. }) => {
                Self::Refused(other.to_string())
            }
        }
    }
}

impl From<PaymentError> for CardError {
    fn from(error: PaymentError) -> Self {
        match error {
            PaymentError::Declined(why) => Self::Declined(why),
            PaymentError::Unavailable(why) => Self::Unavailable(why),
            PaymentError::NotConfigured | PaymentError::ByCard => Self::NotConfigured,
        }
    }
}

impl DomainError for CardError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotConfigured => ErrorCode::PaymentsNotConfigured,
            Self::CardRequired => ErrorCode::CardRequired,
            Self::Declined(_) => ErrorCode::PaymentDeclined,
            Self::Unavailable(_) => ErrorCode::PaymentProcessorUnavailable,
            Self::Refused(_) => ErrorCode::Internal,
            Self::NotTheOrgsCard | Self::NotPaid => ErrorCode::InvalidState,
            Self::Signature(_) | Self::NotAnEvent => ErrorCode::MalformedRequest,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::NotConfigured => "This server takes no card payments: credits and paid plans \
                                    come from the server's operator (or are recorded, on a \
                                    server on your computer)."
                .to_owned(),
            Self::CardRequired => "Save a card first: Billing → Payment method.".to_owned(),
            // The title says it was declined; the detail is Stripe's reason alone.
            Self::Declined(why) => why.clone(),
            Self::Unavailable(_) => "The payment processor is not answering. Nothing was \
                                     charged twice: retry with the same Idempotency-Key."
                .to_owned(),
            Self::Refused(_) => INTERNAL_DETAIL.to_owned(),
            Self::NotTheOrgsCard => {
                "That payment method is not a card saved for this organization.".to_owned()
            }
            Self::NotPaid => "The payment is not paid: a receipt exists once it is.".to_owned(),
            Self::Signature(why) => format!(
                "The Stripe-Signature header does not verify ({why}); nothing was recorded."
            ),
            Self::NotAnEvent => "The body is not a Stripe event.".to_owned(),
        }
    }
}

/// A Stripe error met outside a [`CardError`] (the card page, subscriptions) reaches the
/// caller as the card error it maps to.
impl DomainError for StripeError {
    fn code(&self) -> ErrorCode {
        CardError::from(self.clone()).code()
    }

    fn detail(&self) -> String {
        CardError::from(self.clone()).detail()
    }
}
