//! The offline banner and the outbox panel: connectivity, queued changes, and what the
//! user decides about a conflict or a refusal.

use std::sync::Arc;

use orgdesk_app_core::connectivity::Connectivity;
use orgdesk_app_core::host::ConnectivityStatus;
use orgdesk_app_core::outbox::{Outbox, QueuedChange};
use tauri::State;

use super::CmdResult;

#[tauri::command]
#[specta::specta]
pub async fn connectivity_status(outbox: State<'_, Arc<Outbox>>) -> CmdResult<ConnectivityStatus> {
    Ok(outbox.status().await)
}

/// Asks the server now (the banner's "Try again"); queued changes are sent if it answers.
#[tauri::command]
#[specta::specta]
pub async fn check_connection(
    connectivity: State<'_, Arc<Connectivity>>,
    outbox: State<'_, Arc<Outbox>>,
) -> CmdResult<ConnectivityStatus> {
    if connectivity.check_now().await {
        outbox.wake();
    }
    Ok(outbox.status().await)
}

/// Every change waiting in the outbox, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_outbox(outbox: State<'_, Arc<Outbox>>) -> CmdResult<Vec<QueuedChange>> {
    Ok(outbox.changes().await?)
}

/// Drops a change: a refused one after reading why, or "take theirs" on a conflict.
#[tauri::command]
#[specta::specta]
pub async fn discard_change(outbox: State<'_, Arc<Outbox>>, id: i64) -> CmdResult<()> {
    Ok(outbox.discard(id).await?)
}

/// "Keep mine" on a conflict: my edit is sent again on top of the version saved meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn keep_mine(outbox: State<'_, Arc<Outbox>>, id: i64) -> CmdResult<()> {
    Ok(outbox.keep_mine(id).await?)
}
