use orgdesk_client::OrgRef;
use orgdesk_model::org::{CreateOrgRequest, Membership, Org, OrgOverview, UpdateOrgRequest};
use orgdesk_model::OrgId;
use tauri::State;

use crate::error::{AppError, CmdResult};
use crate::logo::LogoImage;
use crate::state::AppState;

/// Personal and every organization of the signed-in account, with role and capabilities.
#[tauri::command]
#[specta::specta]
pub async fn list_contexts(state: State<'_, AppState>) -> CmdResult<Vec<Membership>> {
    let client = state.client().await?;
    let contexts = client.all_orgs().await.map_err(AppError::from)?.value;
    for m in &contexts {
        state.remember_org_name(m.org.id, &m.org.name);
    }
    Ok(contexts)
}

#[tauri::command]
#[specta::specta]
pub async fn get_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<Membership> {
    let client = state.client().await?;
    Ok(client
        .get_org(&OrgRef::Id(org_id))
        .await
        .map_err(AppError::from)?
        .value)
}

/// Finds an org by a current or former slug (deep links, typed addresses).
#[tauri::command]
#[specta::specta]
pub async fn resolve_org(state: State<'_, AppState>, slug: String) -> CmdResult<Membership> {
    let client = state.client().await?;
    Ok(client
        .get_org(&OrgRef::Slug(slug))
        .await
        .map_err(AppError::from)?
        .value)
}

#[tauri::command]
#[specta::specta]
pub async fn get_overview(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<OrgOverview> {
    let client = state.client().await?;
    Ok(client.overview(org_id).await.map_err(AppError::from)?.value)
}

#[tauri::command]
#[specta::specta]
pub async fn create_org(
    state: State<'_, AppState>,
    input: CreateOrgRequest,
) -> CmdResult<Membership> {
    let client = state.client().await?;
    Ok(client.create_org(&input).await.map_err(AppError::from)?)
}

/// Saves settings if nobody changed the org since `expected_version`; otherwise fails
/// with `version_conflict` so the UI can show both versions.
#[tauri::command]
#[specta::specta]
pub async fn update_org(
    state: State<'_, AppState>,
    org_id: OrgId,
    expected_version: i64,
    patch: UpdateOrgRequest,
) -> CmdResult<Membership> {
    let client = state.client().await?;
    let updated = client
        .update_org(org_id, Some(expected_version), &patch)
        .await;
    Ok(updated.map_err(AppError::from)?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<()> {
    let client = state.client().await?;
    Ok(client.delete_org(org_id).await.map_err(AppError::from)?)
}

/// The logo as a `data:` URL; `etag` is the one the org currently names.
#[tauri::command]
#[specta::specta]
pub async fn get_logo(
    state: State<'_, AppState>,
    org_id: OrgId,
    etag: String,
) -> CmdResult<Option<LogoImage>> {
    Ok(state.logo(org_id, etag).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn upload_logo(
    state: State<'_, AppState>,
    org_id: OrgId,
    content_type: String,
    data_base64: String,
) -> CmdResult<Org> {
    Ok(state
        .upload_logo(org_id, &content_type, &data_base64)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_logo(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<()> {
    Ok(state.remove_logo(org_id).await?)
}
