use orgdesk_client::keys;
use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::{ApiKeyId, OrgId};
use tauri::State;

use crate::error::CmdResult;
use crate::reads::Fresh;
use crate::state::AppState;

/// Keys the signed-in account may see: all of them for owners and admins, their own for
/// members.
#[tauri::command]
#[specta::specta]
pub async fn list_api_keys(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<ApiKey>>> {
    let read = state.read(keys::api_keys(org_id), move |c| async move {
        c.api_keys(org_id).await
    });
    Ok(read.await?)
}

/// Creates a key; the secret in the answer is shown once, so it needs the server now.
#[tauri::command]
#[specta::specta]
pub async fn create_api_key(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateApiKeyRequest,
) -> CmdResult<CreatedApiKey> {
    let create = state.online("Creating an API key", |c| async move {
        c.create_api_key(org_id, &input).await
    });
    Ok(create.await?)
}

/// Revoking must take effect at once, so it needs the server.
#[tauri::command]
#[specta::specta]
pub async fn revoke_api_key(
    state: State<'_, AppState>,
    org_id: OrgId,
    key_id: ApiKeyId,
) -> CmdResult<()> {
    let revoke = state.online("Revoking an API key", |c| async move {
        c.revoke_api_key(org_id, key_id).await
    });
    Ok(revoke.await?)
}
