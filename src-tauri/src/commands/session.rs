use std::sync::Arc;

use orgdesk_app_core::session::{
    SessionInfo, SessionService, SignInInput, SignInOutcome, SignUpInput, StartupState,
    TwoFactorInput,
};
use tauri::State;

use super::CmdResult;
use crate::windows::AppWindows;

/// Resumes the last session if it can; tells the UI what to show first.
#[tauri::command]
#[specta::specta]
pub async fn restore_session(session: State<'_, Arc<SessionService>>) -> CmdResult<StartupState> {
    Ok(session.restore().await)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_up(
    session: State<'_, Arc<SessionService>>,
    input: SignUpInput,
) -> CmdResult<SessionInfo> {
    Ok(session.sign_up(input).await?)
}

/// Signs in, or (two-factor on) answers the code step: then `sign_in_two_factor`.
#[tauri::command]
#[specta::specta]
pub async fn sign_in(
    session: State<'_, Arc<SessionService>>,
    input: SignInInput,
) -> CmdResult<SignInOutcome> {
    Ok(session.sign_in(input).await?)
}

/// The second step of a sign-in: a code from the authenticator app, or a recovery code.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_two_factor(
    session: State<'_, Arc<SessionService>>,
    input: TwoFactorInput,
) -> CmdResult<SessionInfo> {
    Ok(session.sign_in_two_factor(input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn sign_out(
    windows: State<'_, Arc<dyn AppWindows>>,
    session: State<'_, Arc<SessionService>>,
) -> CmdResult<()> {
    session.sign_out().await?;
    windows.signed_out();
    Ok(())
}
