//! What changing members can fail with.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    #[error("the owner must transfer ownership first")]
    OwnerMustTransfer,
    #[error("the owner cannot be changed or removed this way")]
    OwnerProtected,
}

impl DomainError for MemberError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::OwnerMustTransfer => ErrorCode::OwnerMustTransfer,
            Self::OwnerProtected => ErrorCode::Forbidden,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::OwnerMustTransfer => {
                "The owner cannot leave. Transfer ownership to another member first."
            }
            Self::OwnerProtected => {
                "The owner cannot be changed or removed; ownership moves only by transfer."
            }
        }
        .to_owned()
    }
}
