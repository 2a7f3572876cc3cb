//! Exports to files the user picked in a save dialog, streamed to disk (never half a
//! file: the client writes beside it and renames).

use std::path::PathBuf;

use orgdesk_model::audit::{AuditFilter, ExportFormat};
use orgdesk_model::OrgId;
use serde::Serialize;
use specta::Type;

use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportDone {
    pub path: String,
    pub bytes: u64,
}

impl AppState {
    pub async fn export_audit(
        &self,
        org: OrgId,
        filter: &AuditFilter,
        format: ExportFormat,
        dest: PathBuf,
        progress: impl FnMut(u64),
    ) -> Result<ExportDone, AppError> {
        let client = self.client().await?;
        let bytes = client
            .export_audit_log(org, filter, format, &dest, progress)
            .await?;
        Ok(ExportDone {
            path: dest.display().to_string(),
            bytes,
        })
    }
}
