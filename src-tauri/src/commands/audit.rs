use std::sync::Arc;

use orgdesk_app_core::audit::Audit;
use orgdesk_app_core::exports::{ExportDone, Exports};
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::audit::{AuditEvent, AuditFilter, ExportFormat};
use orgdesk_model::{OrgId, Page};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

/// One page of the audit log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn audit_log(
    audit: State<'_, Arc<Audit>>,
    org_id: OrgId,
    filter: AuditFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<AuditEvent>>> {
    Ok(audit.log(org_id, filter, cursor).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`, a name and never a
/// path), then streams the filtered log there as CSV or JSON, reporting the bytes written
/// on `progress` (0 once a place is chosen). `null` when the dialog was cancelled. The
/// whole log lives on the server, so this needs it.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_log(
    exports: State<'_, Arc<Exports>>,
    org_id: OrgId,
    filter: AuditFilter,
    format: ExportFormat,
    file_name: String,
    progress: Channel<u64>,
) -> CmdResult<Option<ExportDone>> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    Ok(exports
        .audit_log(org_id, &filter, format, &file_name, report)
        .await?)
}
