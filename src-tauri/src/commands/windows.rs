use std::sync::Arc;

use orgdesk_model::{ApiError, ErrorCode, OrgId};
use tauri::State;

use super::CmdResult;
use crate::windows::AppWindows;

/// Opens an org in a window of its own (or brings forward the one showing it).
#[tauri::command]
#[specta::specta]
pub async fn open_in_new_window(
    windows: State<'_, Arc<dyn AppWindows>>,
    org_id: OrgId,
    name: String,
) -> CmdResult<()> {
    windows.open_org(org_id, &name).map_err(|e| {
        tracing::warn!(error = %e, "an org window could not open");
        ApiError::new(ErrorCode::Internal, "The new window could not open.")
    })
}

/// Titles the window `label` after the context it shows (none: signed out).
#[tauri::command]
#[specta::specta]
pub fn name_window(
    windows: State<'_, Arc<dyn AppWindows>>,
    label: String,
    context: Option<String>,
) {
    windows.name(&label, context.as_deref());
}
