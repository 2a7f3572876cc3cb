//! What the export routes refuse with.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("The export is still being written: try again when its status is ready.")]
    NotReady,
    #[error("The export failed, so there is nothing to download: {0}")]
    Failed(String),
    #[error("The export's file was removed a week after it was written: start a new export.")]
    Expired,
}

impl DomainError for ExportError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotReady | Self::Failed(_) => ErrorCode::ExportNotReady,
            Self::Expired => ErrorCode::ExportExpired,
        }
    }

    fn detail(&self) -> String {
        self.to_string()
    }
}
