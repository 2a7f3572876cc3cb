//! What creating and changing an org can fail with.

use orgdesk_model::{ErrorCode, FieldError};

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error("the slug is taken")]
    SlugTaken,
    #[error("the plan allows {limit} owned organizations")]
    OwnedOrgLimit { limit: u32 },
    #[error("refused media: {0}")]
    Logo(LogoRefusal),
    #[error("the org is already scheduled for deletion")]
    AlreadyScheduled,
    #[error("the org is not scheduled for deletion")]
    NotScheduled,
    #[error("the org's deletion has begun")]
    BeingDeleted,
    #[error("the org has a paid subscription")]
    StillSubscribed,
}

/// Why a logo upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogoRefusal {
    #[error("the Content-Type is not PNG, JPEG or SVG")]
    NotAccepted,
    #[error("the bytes are not what the Content-Type says")]
    Mismatch,
    #[error("the SVG cannot be read or drawn")]
    UnreadableSvg,
}

impl DomainError for OrgError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::SlugTaken => ErrorCode::SlugTaken,
            Self::OwnedOrgLimit { .. } => ErrorCode::PlanLimitReached,
            Self::Logo(_) => ErrorCode::UnsupportedMediaType,
            Self::AlreadyScheduled
            | Self::NotScheduled
            | Self::BeingDeleted
            | Self::StillSubscribed => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::SlugTaken => "This slug is used by another organization.".to_owned(),
            Self::OwnedOrgLimit { limit } => format!(
                "Your plan lets you own at most {limit} organizations. Upgrade, or delete one \
                 first."
            ),
            Self::Logo(refusal) => refusal.to_string(),
            Self::AlreadyScheduled => {
                "This organization is already scheduled for deletion.".to_owned()
            }
            Self::NotScheduled => "This organization is not scheduled for deletion.".to_owned(),
            Self::BeingDeleted => {
                "The grace period is over: this organization is being deleted.".to_owned()
            }
            Self::StillSubscribed => "This organization pays for its plan by subscription. \
                 Move it to the Free plan first (Billing → Plan), so it is not charged \
                 after it is gone."
                .to_owned(),
        }
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::SlugTaken => vec![FieldError {
                field: "slug".to_owned(),
                message: "This slug is taken. Pick another one.".to_owned(),
            }],
            _ => Vec::new(),
        }
    }
}
