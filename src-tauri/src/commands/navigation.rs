use std::sync::Arc;

use orgdesk_app_core::navigation::Location;
use orgdesk_app_core::session::SessionService;
use tauri::State;

use super::CmdResult;

/// Remembers where the signed-in account is, to reopen there next time.
#[tauri::command]
#[specta::specta]
pub async fn save_location(
    session: State<'_, Arc<SessionService>>,
    location: Location,
) -> CmdResult<()> {
    Ok(session.save_location(&location).await?)
}
