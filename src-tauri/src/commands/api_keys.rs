use std::sync::Arc;

use orgdesk_app_core::api_keys::ApiKeys;
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::{ApiKeyId, OrgId};
use tauri::State;

use super::CmdResult;

/// Keys the signed-in account may see: all of them for owners and admins, their own for
/// members.
#[tauri::command]
#[specta::specta]
pub async fn list_api_keys(
    keys: State<'_, Arc<ApiKeys>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<ApiKey>>> {
    Ok(keys.list(org_id).await?)
}

/// Creates a key; the secret in the answer is shown once, so it needs the server now.
#[tauri::command]
#[specta::specta]
pub async fn create_api_key(
    keys: State<'_, Arc<ApiKeys>>,
    org_id: OrgId,
    input: CreateApiKeyRequest,
) -> CmdResult<CreatedApiKey> {
    Ok(keys.create(org_id, input).await?)
}

/// Revoking must take effect at once, so it needs the server.
#[tauri::command]
#[specta::specta]
pub async fn revoke_api_key(
    keys: State<'_, Arc<ApiKeys>>,
    org_id: OrgId,
    key_id: ApiKeyId,
) -> CmdResult<()> {
    Ok(keys.revoke(org_id, key_id).await?)
}
