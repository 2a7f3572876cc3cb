use tauri::State;

use crate::error::CmdResult;
use crate::session::{SessionInfo, SignInInput, SignUpInput, StartupState};
use crate::state::AppState;

/// Resumes the last session if it can; tells the UI what to show first.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(state: State<'_, AppState>) -> CmdResult<StartupState> {
    Ok(state.restore().await)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_up(state: State<'_, AppState>, input: SignUpInput) -> CmdResult<SessionInfo> {
    Ok(state.sign_up(input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_in(state: State<'_, AppState>, input: SignInInput) -> CmdResult<SessionInfo> {
    Ok(state.sign_in(input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> CmdResult<()> {
    Ok(state.sign_out().await?)
}
