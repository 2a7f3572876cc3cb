use std::path::PathBuf;
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

/// Streams the filtered log as CSV or JSON to `path` (picked by the user in a save
/// dialog), reporting the bytes written on `progress`. The whole log lives on the
/// server, so this needs it.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_log(
    exports: State<'_, Arc<Exports>>,
    org_id: OrgId,
    filter: AuditFilter,
    format: ExportFormat,
    path: String,
    progress: Channel<u64>,
) -> CmdResult<ExportDone> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let dest = PathBuf::from(path);
    Ok(exports
        .audit_log(org_id, &filter, format, dest, report)
        .await?)
}
