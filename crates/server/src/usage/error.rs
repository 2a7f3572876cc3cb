//! What recording usage through an API key, and reporting it, can fail with.

use orgdesk_model::ErrorCode;

use crate::error::{DomainError, INTERNAL_DETAIL};

#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("the API key lacks the {0} scope")]
    MissingScope(&'static str),
    #[error("the API key is limited to another project")]
    KeyProjectMismatch,
    #[error("the API key's creator can no longer reach the project")]
    CreatorOutOfScope,
    #[error("the project is {status}")]
    ProjectNotActive {
        status: &'static str,
        reason: Option<String>,
    },
    #[error("export: {0}")]
    Report(String),
}

impl DomainError for UsageError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::MissingScope(_) | Self::KeyProjectMismatch | Self::CreatorOutOfScope => {
                ErrorCode::Forbidden
            }
            Self::ProjectNotActive { .. } => ErrorCode::ProjectNotActive,
            Self::Report(_) => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::MissingScope(scope) => format!("This API key lacks the `{scope}` scope."),
            Self::KeyProjectMismatch => "This API key is limited to another project.".to_owned(),
            Self::CreatorOutOfScope => "The person who created this API key can no longer \
                reach this project, so the key cannot either."
                .to_owned(),
            Self::ProjectNotActive {
                status,
                reason: Some(reason),
            } => format!("The project is {status}: {reason}"),
            Self::ProjectNotActive { status, .. } => {
                format!("The project is {status}; it cannot spend credits.")
            }
            Self::Report(_) => INTERNAL_DETAIL.to_owned(),
        }
    }
}
