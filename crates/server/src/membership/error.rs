//! What reaching an org can fail with, besides not finding it (404, which tells a
//! non-member nothing).

use orgdesk_model::{Capability, ErrorCode};

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("the role lacks {0:?}")]
    Forbidden(Capability),
    #[error("not possible in a personal context")]
    PersonalContext,
}

impl DomainError for AccessError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::PersonalContext => ErrorCode::PersonalContext,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Forbidden(_) => "Your role in this organization does not allow this.",
            Self::PersonalContext => "This is not possible in a personal context.",
        }
        .to_owned()
    }
}
