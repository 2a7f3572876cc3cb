use std::sync::Arc;

use orgdesk_app_core::account::{Account, AccountSummary, PendingEmail};
use orgdesk_app_core::sessions::Sessions;
use orgdesk_model::account::{ChangeEmailRequest, ChangePasswordRequest};
use orgdesk_model::auth::{Me, RevokedSessions, SessionList};
use orgdesk_model::security::AccountEvent;
use orgdesk_model::{Page, SessionId};
use tauri::State;

use super::CmdResult;

/// The signed-in account as the server has it now, and a change of email still waiting.
#[tauri::command]
#[specta::specta]
pub async fn get_account(account: State<'_, Arc<Account>>) -> CmdResult<AccountSummary> {
    Ok(account.summary().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_profile(
    account: State<'_, Arc<Account>>,
    display_name: String,
) -> CmdResult<Me> {
    Ok(account.update_profile(display_name).await?)
}

/// Changes the password (the current one confirms it); every other session ends.
#[tauri::command]
#[specta::specta]
pub async fn change_password(
    account: State<'_, Arc<Account>>,
    input: ChangePasswordRequest,
) -> CmdResult<()> {
    Ok(account.change_password(input).await?)
}

/// Mails a link to the new address; the email changes when it is followed.
#[tauri::command]
#[specta::specta]
pub async fn change_email(
    account: State<'_, Arc<Account>>,
    input: ChangeEmailRequest,
) -> CmdResult<PendingEmail> {
    Ok(account.change_email(input).await?)
}

/// Deletes the account (refused while it owns organizations), then signs out here.
#[tauri::command]
#[specta::specta]
pub async fn delete_account(account: State<'_, Arc<Account>>, password: String) -> CmdResult<()> {
    Ok(account.delete(password).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_sessions(sessions: State<'_, Arc<Sessions>>) -> CmdResult<SessionList> {
    Ok(sessions.list().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_session(
    sessions: State<'_, Arc<Sessions>>,
    session_id: SessionId,
) -> CmdResult<()> {
    Ok(sessions.revoke(session_id).await?)
}

/// Ends every session of the account but this app's.
#[tauri::command]
#[specta::specta]
pub async fn sign_out_other_sessions(
    sessions: State<'_, Arc<Sessions>>,
) -> CmdResult<RevokedSessions> {
    Ok(sessions.revoke_others().await?)
}

/// One page of the account's security log, newest first.
#[tauri::command]
#[specta::specta]
pub async fn security_events(
    sessions: State<'_, Arc<Sessions>>,
    cursor: Option<String>,
) -> CmdResult<Page<AccountEvent>> {
    Ok(sessions.events(cursor).await?)
}
