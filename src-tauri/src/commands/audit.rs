use std::path::PathBuf;

use orgdesk_model::audit::{AuditEvent, AuditFilter, ExportFormat};
use orgdesk_model::{OrgId, Page};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::CmdResult;
use crate::export::ExportDone;
use crate::state::AppState;

/// One page of the audit log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn audit_log(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: AuditFilter,
    cursor: Option<String>,
) -> CmdResult<Page<AuditEvent>> {
    let client = state.client().await?;
    Ok(client
        .audit_log(org_id, &filter, cursor.as_deref(), 100)
        .await?
        .value)
}

/// Streams the filtered log as CSV or JSON to `path` (picked by the user in a save
/// dialog), reporting the bytes written on `progress`.
#[tauri::command]
#[specta::specta]
pub async fn export_audit_log(
    state: State<'_, AppState>,
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
    Ok(state
        .export_audit(org_id, &filter, format, dest, report)
        .await?)
}
