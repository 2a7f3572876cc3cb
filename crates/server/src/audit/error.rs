//! What exporting the audit log can fail with (mid-stream: logged, and the download cut).

use orgdesk_model::ErrorCode;

use crate::error::{DomainError, INTERNAL_DETAIL};

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("export: {0}")]
    Export(String),
}

impl DomainError for AuditError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Internal
    }

    fn detail(&self) -> String {
        INTERNAL_DETAIL.to_owned()
    }
}
