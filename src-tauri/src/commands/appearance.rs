use std::sync::Arc;

use orgdesk_app_core::appearance::Appearance;
use orgdesk_app_core::prefs::ThemeChoice;
use tauri::State;

use super::CmdResult;
use crate::main_window::Background;

/// The theme chosen: the desktop's, light or dark.
#[tauri::command]
#[specta::specta]
pub fn get_theme(appearance: State<'_, Arc<Appearance>>) -> ThemeChoice {
    appearance.theme()
}

/// Keeps the theme for the next launches, and paints the main window's background in it.
#[tauri::command]
#[specta::specta]
pub fn set_theme(
    appearance: State<'_, Arc<Appearance>>,
    window: State<'_, Arc<dyn Background>>,
    theme: ThemeChoice,
) -> CmdResult<()> {
    appearance.set_theme(theme)?;
    window.paint(theme);
    Ok(())
}
