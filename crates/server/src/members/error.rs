//! What changing members can fail with.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum MemberError {
    #[error("the owner must transfer ownership first")]
    OwnerMustTransfer,
    #[error("the owner cannot be changed or removed this way")]
    OwnerProtected,
    #[error("the new owner is at their plan's limit of {limit} owned organizations")]
    NewOwnerAtLimit { name: String, limit: u32 },
}

impl DomainError for MemberError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::OwnerMustTransfer => ErrorCode::OwnerMustTransfer,
            Self::OwnerProtected => ErrorCode::Forbidden,
            Self::NewOwnerAtLimit { .. } => ErrorCode::PlanLimitReached,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::OwnerMustTransfer => {
                "The owner cannot leave. Transfer ownership to another member first.".to_owned()
            }
            Self::OwnerProtected => {
                "The owner cannot be changed or removed; ownership moves only by transfer."
                    .to_owned()
            }
            Self::NewOwnerAtLimit { name, limit } => format!(
                "{name} already owns {limit} organizations, as many as their plan allows: \
                 they can take this one once they own fewer or their plan allows more."
            ),
        }
    }
}
