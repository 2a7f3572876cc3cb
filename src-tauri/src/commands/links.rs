use tauri::State;

use crate::deeplink::{DeepLink, PendingLink};

/// The `orgdesk://` link waiting to be opened, if any (taking it clears it).
#[tauri::command]
#[specta::specta]
pub fn take_deep_link(pending: State<'_, PendingLink>) -> Option<DeepLink> {
    pending.take()
}
