use std::sync::Arc;

use orgdesk_app_core::account_mail::{AccountMail, EmailConfirmed, ResetPasswordInput};
use orgdesk_model::auth::Me;
use tauri::State;

use super::CmdResult;

/// Mails the verification link again.
#[tauri::command]
#[specta::specta]
pub async fn resend_verification(mail: State<'_, Arc<AccountMail>>) -> CmdResult<()> {
    Ok(mail.resend_verification().await?)
}

/// The signed-in account as the server has it now.
#[tauri::command]
#[specta::specta]
pub async fn refresh_me(mail: State<'_, Arc<AccountMail>>) -> CmdResult<Me> {
    Ok(mail.refresh_me().await?)
}

/// Follows a verification link (`server_url`: where the account is, when signed out).
#[tauri::command]
#[specta::specta]
pub async fn verify_email(
    mail: State<'_, Arc<AccountMail>>,
    token: String,
    server_url: Option<String>,
) -> CmdResult<EmailConfirmed> {
    Ok(mail.verify_email(&token, server_url.as_deref()).await?)
}

/// Asks for a password-reset link; answers alike whether or not an account has `email`.
#[tauri::command]
#[specta::specta]
pub async fn request_password_reset(
    mail: State<'_, Arc<AccountMail>>,
    server_url: Option<String>,
    email: String,
) -> CmdResult<()> {
    Ok(mail
        .request_password_reset(server_url.as_deref(), &email)
        .await?)
}

/// Sets a new password through a reset link.
#[tauri::command]
#[specta::specta]
pub async fn reset_password(
    mail: State<'_, Arc<AccountMail>>,
    input: ResetPasswordInput,
) -> CmdResult<()> {
    Ok(mail.reset_password(input).await?)
}
