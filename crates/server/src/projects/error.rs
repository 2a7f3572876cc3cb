//! What creating and changing a project can fail with.

use orgdesk_model::{ErrorCode, FieldError};

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("the plan allows {limit} projects")]
    LimitReached { limit: u32 },
    #[error("the project slug is taken in this org")]
    SlugTaken,
    #[error("the typed confirmation does not match")]
    ConfirmationMismatch,
    #[error("invalid state: the project is {status}, it cannot be {action}")]
    Transition {
        status: &'static str,
        action: &'static str,
    },
}

impl DomainError for ProjectError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::LimitReached { .. } => ErrorCode::PlanLimitReached,
            Self::SlugTaken => ErrorCode::SlugTaken,
            Self::ConfirmationMismatch => ErrorCode::ConfirmationMismatch,
            Self::Transition { .. } => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::LimitReached { limit } => format!(
                "Your plan allows {limit} active or suspended projects. Archive one, or upgrade."
            ),
            Self::SlugTaken => "Another project in this organization uses this slug.".to_owned(),
            Self::ConfirmationMismatch => "Type the project's slug exactly to confirm.".to_owned(),
            Self::Transition { status, action } => {
                format!("The project is {status}: it cannot be {action}.")
            }
        }
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::SlugTaken => vec![FieldError {
                field: "slug".to_owned(),
                message: "This slug is taken in this organization. Pick another one.".to_owned(),
            }],
            _ => Vec::new(),
        }
    }
}
