//! What a request under an Idempotency-Key can be refused with. (A malformed key is a
//! malformed request: [`crate::error::AppError::BadIdempotencyKey`].)

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    #[error("an Idempotency-Key header is required")]
    Required,
    #[error("the Idempotency-Key was used for another request")]
    Reused,
    #[error("a request with this Idempotency-Key is in flight")]
    InFlight,
}

impl DomainError for IdempotencyError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Required => ErrorCode::IdempotencyKeyRequired,
            Self::Reused => ErrorCode::IdempotencyKeyReused,
            Self::InFlight => ErrorCode::IdempotencyKeyInFlight,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Required => {
                "Send an `Idempotency-Key` header (a unique string per operation, e.g. a UUID)."
            }
            Self::Reused => {
                "This Idempotency-Key was used for a different request. Use a new key for a \
                 new request."
            }
            Self::InFlight => {
                "A request with this Idempotency-Key is still being processed. Retry in a \
                 moment."
            }
        }
        .to_owned()
    }
}
