//! The offline banner and the outbox panel: connectivity, queued changes, and what the
//! user decides about a conflict or a refusal.

use tauri::State;

use crate::connectivity::ConnectivityStatus;
use crate::error::CmdResult;
use crate::outbox::QueuedChange;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn connectivity_status(state: State<'_, AppState>) -> CmdResult<ConnectivityStatus> {
    Ok(state.connectivity_status().await)
}

/// Asks the server now (the banner's "Try again"); queued changes are sent if it answers.
#[tauri::command]
#[specta::specta]
pub async fn check_connection(state: State<'_, AppState>) -> CmdResult<ConnectivityStatus> {
    if state.check_connection().await {
        state.outbox_wake();
    }
    Ok(state.connectivity_status().await)
}

/// Every change waiting in the outbox, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_outbox(state: State<'_, AppState>) -> CmdResult<Vec<QueuedChange>> {
    Ok(state.outbox().await?)
}

/// Drops a change: a refused one after reading why, or "take theirs" on a conflict.
#[tauri::command]
#[specta::specta]
pub async fn discard_change(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.discard_change(id).await?)
}

/// "Keep mine" on a conflict: my edit is sent again on top of the version saved meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn keep_mine(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(state.keep_mine(id).await?)
}
