use tauri::State;

use crate::deeplink::{DeepLink, PendingLink};

/// The `orgdesk://` link waiting to be opened, if any (taking it clears it).
#[tauri::command]
#[specta::specta]
pub fn take_deep_link(pending: State<'_, PendingLink>) -> Option<DeepLink> {
    pending.take()
}

/// The waiting link if it is one that works signed out (verify an email, reset a
/// password); any other stays for after the sign-in.
#[tauri::command]
#[specta::specta]
pub fn take_account_link(pending: State<'_, PendingLink>) -> Option<DeepLink> {
    pending.take_if(DeepLink::works_signed_out)
}
