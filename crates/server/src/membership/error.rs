//! What reaching an org can fail with, besides not finding it (404, which tells a
//! non-member nothing), as a member or as an API key that reads.

use orgdesk_model::{Capability, ErrorCode};

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("the role lacks {0:?}")]
    Forbidden(Capability),
    #[error("not possible in a personal context")]
    PersonalContext,
    #[error("the org requires two-factor sign-in")]
    TwoFactorRequired,
    #[error("the API key lacks the {0} scope")]
    KeyScopeMissing(&'static str),
    #[error("an API key may not {0:?}")]
    KeyForbidden(Capability),
    #[error("the API key is limited to a project")]
    KeyLimitedToProject,
    #[error("the org is scheduled for deletion")]
    PendingDeletion,
}

impl DomainError for AccessError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Forbidden(_)
            | Self::KeyScopeMissing(_)
            | Self::KeyForbidden(_)
            | Self::KeyLimitedToProject => ErrorCode::Forbidden,
            Self::PersonalContext => ErrorCode::PersonalContext,
            Self::TwoFactorRequired => ErrorCode::MfaRequiredByOrg,
            Self::PendingDeletion => ErrorCode::OrgPendingDeletion,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Forbidden(_) => "Your role in this organization does not allow this.",
            Self::KeyScopeMissing(scope) => {
                return format!("This API key lacks the `{scope}` scope.");
            }
            Self::KeyForbidden(_) => {
                "An API key reads only what its creator's role in this organization allows \
                 them to read, and this is not among it."
            }
            Self::KeyLimitedToProject => {
                "This API key is limited to one project; this concerns the whole organization."
            }
            Self::PersonalContext => "This is not possible in a personal context.",
            Self::PendingDeletion => {
                "This organization is scheduled for deletion and is read-only until then. \
                 Its owner can cancel the deletion."
            }
            Self::TwoFactorRequired => {
                "This organization requires two-factor sign-in. Turn it on for your account \
                 (Account → Two-factor sign-in), then come back."
            }
        }
        .to_owned()
    }
}
