use std::path::PathBuf;

use orgdesk_client::keys;
use orgdesk_model::audit::{AuditEvent, AuditFilter, ExportFormat};
use orgdesk_model::{OrgId, Page};
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{AppError, CmdResult};
use crate::export::ExportDone;
use crate::reads::Fresh;
use crate::state::AppState;

/// One page of the audit log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn audit_log(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: AuditFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<AuditEvent>>> {
    let key = keys::audit(org_id, &filter, cursor.as_deref());
    let read = state.read(key, move |c| async move {
        c.audit_log(org_id, &filter, cursor.as_deref(), 100).await
    });
    Ok(read.await?)
}

/// Streams the filtered log as CSV or JSON to `path` (picked by the user in a save
/// dialog), reporting the bytes written on `progress`. The whole log lives on the
/// server, so this needs it.
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
    if !state.connectivity.is_online() {
        return Err(AppError::NeedsServer("Exporting the whole audit log").into());
    }
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    let dest = PathBuf::from(path);
    Ok(state
        .export_audit(org_id, &filter, format, dest, report)
        .await?)
}
