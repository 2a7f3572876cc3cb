use tauri::State;

use crate::error::{AppError, CmdResult};
use crate::navigation::Location;
use crate::state::AppState;

/// Remembers where the signed-in account is, to reopen there next time.
#[tauri::command]
#[specta::specta]
pub async fn save_location(state: State<'_, AppState>, location: Location) -> CmdResult<()> {
    let session = state.session.read().await;
    let user = session
        .as_ref()
        .ok_or(AppError::NotSignedIn)?
        .account
        .me
        .user
        .id;
    Ok(state.prefs.set_location(user, &location)?)
}
