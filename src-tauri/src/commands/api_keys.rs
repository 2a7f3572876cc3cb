use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::{ApiKeyId, OrgId};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Keys the signed-in account may see: all of them for owners and admins, their own for
/// members.
#[tauri::command]
#[specta::specta]
pub async fn list_api_keys(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<Vec<ApiKey>> {
    Ok(state.client().await?.api_keys(org_id).await?.value)
}

/// Creates a key; the secret in the answer is shown once and never again.
#[tauri::command]
#[specta::specta]
pub async fn create_api_key(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateApiKeyRequest,
) -> CmdResult<CreatedApiKey> {
    Ok(state.client().await?.create_api_key(org_id, &input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_api_key(
    state: State<'_, AppState>,
    org_id: OrgId,
    key_id: ApiKeyId,
) -> CmdResult<()> {
    Ok(state.client().await?.revoke_api_key(org_id, key_id).await?)
}
