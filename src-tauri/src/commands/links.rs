use tauri::State;

use crate::deeplink::DeepLink;
use crate::state::AppState;

/// The `orgdesk://` link waiting to be opened, if any (taking it clears it).
#[tauri::command]
#[specta::specta]
pub fn take_deep_link(state: State<'_, AppState>) -> Option<DeepLink> {
    state.pending_link.lock().ok().and_then(|mut l| l.take())
}
