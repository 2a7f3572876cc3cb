use std::sync::Arc;

use orgdesk_app_core::exports::ExportDone;
use orgdesk_app_core::two_factor::{Enrolment, TwoFactor};
use orgdesk_model::two_factor::{RecoveryCodes, TwoFactorProof, TwoFactorStatus};
use tauri::State;

use super::CmdResult;

#[tauri::command]
#[specta::specta]
pub async fn two_factor_status(
    two_factor: State<'_, Arc<TwoFactor>>,
) -> CmdResult<TwoFactorStatus> {
    Ok(two_factor.status().await?)
}

/// A new secret and its QR code; nothing changes until a code confirms it.
#[tauri::command]
#[specta::specta]
pub async fn start_two_factor(two_factor: State<'_, Arc<TwoFactor>>) -> CmdResult<Enrolment> {
    Ok(two_factor.start().await?)
}

/// Turns two-factor on; answers the recovery codes, shown this once.
#[tauri::command]
#[specta::specta]
pub async fn confirm_two_factor(
    two_factor: State<'_, Arc<TwoFactor>>,
    code: String,
) -> CmdResult<RecoveryCodes> {
    Ok(two_factor.confirm(code).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn regenerate_recovery_codes(
    two_factor: State<'_, Arc<TwoFactor>>,
    proof: TwoFactorProof,
) -> CmdResult<RecoveryCodes> {
    Ok(two_factor.regenerate(proof).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn disable_two_factor(
    two_factor: State<'_, Arc<TwoFactor>>,
    proof: TwoFactorProof,
) -> CmdResult<()> {
    Ok(two_factor.disable(proof).await?)
}

/// Asks where in the native save dialog (suggesting `file_name`), then writes the recovery
/// codes just shown there. `null` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_recovery_codes(
    two_factor: State<'_, Arc<TwoFactor>>,
    file_name: String,
) -> CmdResult<Option<ExportDone>> {
    Ok(two_factor.save_recovery_codes(&file_name).await?)
}

/// The person has their recovery codes: the app stops keeping them.
#[tauri::command]
#[specta::specta]
pub async fn forget_recovery_codes(two_factor: State<'_, Arc<TwoFactor>>) -> CmdResult<()> {
    two_factor.forget();
    Ok(())
}
