//! Settings → Data: whole-org exports (followed through a progress channel, saved through
//! the native save dialog) and retention periods.

use std::sync::Arc;

use orgdesk_app_core::exports::ExportDone;
use orgdesk_app_core::org_exports::{ExportEntry, OrgExports};
use orgdesk_app_core::reads::Fresh;
use orgdesk_app_core::retention::Retention;
use orgdesk_model::export::OrgExport;
use orgdesk_model::retention::{RetentionPolicy, RetentionSettings};
use orgdesk_model::{ExportId, OrgId};
use tauri::ipc::Channel;
use tauri::State;

use super::CmdResult;

/// The org's recent exports, newest first, each saying whether its ZIP is kept on this
/// computer (then it can be saved offline).
#[tauri::command]
#[specta::specta]
pub async fn list_org_exports(
    exports: State<'_, Arc<OrgExports>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<ExportEntry>>> {
    Ok(exports.list(org_id).await?)
}

/// Starts an export of everything the org holds and follows it: `progress` hears the
/// export at every look (file being written, n of m) until it is ready or failed; a ready
/// export's ZIP is then kept on this computer. Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn start_org_export(
    exports: State<'_, Arc<OrgExports>>,
    org_id: OrgId,
    progress: Channel<OrgExport>,
) -> CmdResult<OrgExport> {
    let report = |e: &OrgExport| {
        let _ = progress.send(e.clone());
    };
    Ok(exports.start(org_id, report).await?)
}

/// Follows an export already started (a page opened while it runs), as `start_org_export`.
#[tauri::command]
#[specta::specta]
pub async fn follow_org_export(
    exports: State<'_, Arc<OrgExports>>,
    org_id: OrgId,
    export_id: ExportId,
    progress: Channel<OrgExport>,
) -> CmdResult<OrgExport> {
    let report = |e: &OrgExport| {
        let _ = progress.send(e.clone());
    };
    Ok(exports.follow(org_id, export_id, report).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`, a name and never a path),
/// then saves the export's ZIP there, from the copy on this computer when there is one
/// (offline too); `progress` hears the bytes written (0 once a place is chosen). `null`
/// when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_org_export(
    exports: State<'_, Arc<OrgExports>>,
    org_id: OrgId,
    export_id: ExportId,
    file_name: String,
    progress: Channel<u64>,
) -> CmdResult<Option<ExportDone>> {
    let report = |bytes| {
        let _ = progress.send(bytes);
    };
    Ok(exports.save(org_id, export_id, &file_name, report).await?)
}

/// Each kind's retention period with the plan's bounds (remembered; readable offline).
#[tauri::command]
#[specta::specta]
pub async fn get_retention(
    retention: State<'_, Arc<Retention>>,
    org_id: OrgId,
) -> CmdResult<Fresh<RetentionSettings>> {
    Ok(retention.get(org_id).await?)
}

/// Sets every period (needs the server; never queued): one outside the plan's bounds is
/// `validation_failed` naming its field.
#[tauri::command]
#[specta::specta]
pub async fn update_retention(
    retention: State<'_, Arc<Retention>>,
    org_id: OrgId,
    policy: RetentionPolicy,
) -> CmdResult<RetentionSettings> {
    Ok(retention.update(org_id, policy).await?)
}
