use orgdesk_client::{keys, CacheKey, OrgRef};
use orgdesk_model::org::{CreateOrgRequest, Membership, Org, OrgOverview, UpdateOrgRequest};
use orgdesk_model::OrgId;
use tauri::State;

use crate::error::{AppError, CmdResult};
use crate::logo::LogoImage;
use crate::outbox::{Change, Outcome};
use crate::reads::Fresh;
use crate::state::AppState;

/// Personal and every organization of the signed-in account, with role and capabilities.
#[tauri::command]
#[specta::specta]
pub async fn list_contexts(state: State<'_, AppState>) -> CmdResult<Fresh<Vec<Membership>>> {
    let read = state.read(keys::orgs(), |c| async move { c.all_orgs().await });
    let contexts = read.await?;
    for m in &contexts.value {
        state.remember_org_name(m.org.id, &m.org.name);
    }
    Ok(contexts)
}

#[tauri::command]
#[specta::specta]
pub async fn get_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<Fresh<Membership>> {
    let read = state.read(keys::org(org_id), move |c| async move {
        c.get_org(&OrgRef::Id(org_id)).await
    });
    Ok(read.await?)
}

/// Finds an org by a current or former slug (deep links, typed addresses). Offline, only
/// current slugs of orgs seen before are known.
#[tauri::command]
#[specta::specta]
pub async fn resolve_org(state: State<'_, AppState>, slug: String) -> CmdResult<Membership> {
    if !state.connectivity.is_online() {
        let client = state.client().await?;
        let known = client.cache().load(&CacheKey::new(keys::orgs()));
        let contexts: Vec<Membership> = known
            .and_then(|(json, _)| serde_json::from_value(json).ok())
            .unwrap_or_default();
        return contexts
            .into_iter()
            .find(|m| m.org.slug == slug)
            .ok_or_else(|| AppError::NeedsServer("Opening this link").into());
    }
    let resolve = state.online("Opening this link", |c| async move {
        c.get_org(&OrgRef::Slug(slug)).await
    });
    Ok(resolve.await?.value)
}

#[tauri::command]
#[specta::specta]
pub async fn get_overview(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<OrgOverview>> {
    let read = state.read(keys::overview(org_id), move |c| async move {
        c.overview(org_id).await
    });
    Ok(read.await?)
}

/// Needs the server: the slug and the plan's org allowance are decided there.
#[tauri::command]
#[specta::specta]
pub async fn create_org(
    state: State<'_, AppState>,
    input: CreateOrgRequest,
) -> CmdResult<Membership> {
    let create = state.online("Creating an organization", |c| async move {
        c.create_org(&input).await
    });
    Ok(create.await?)
}

/// Saves settings if nobody changed the org since `expected_version`; a stale version
/// comes back as a conflict (mine vs theirs) to resolve.
#[tauri::command]
#[specta::specta]
pub async fn update_org(
    state: State<'_, AppState>,
    org_id: OrgId,
    expected_version: i64,
    patch: UpdateOrgRequest,
) -> CmdResult<Outcome<Membership>> {
    let change = Change::UpdateOrg {
        org_id,
        expected_version,
        patch,
    };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<()> {
    let delete = state.online("Deleting an organization", |c| async move {
        c.delete_org(org_id).await
    });
    Ok(delete.await?)
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
