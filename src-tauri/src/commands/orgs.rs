use std::sync::Arc;

use orgdesk_app_core::logo::{LogoImage, Logos};
use orgdesk_app_core::orgs::Orgs;
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::org::{
    CreateOrgRequest, Membership, Org, OrgOverview, ScheduleDeletionRequest, UpdateOrgRequest,
};
use orgdesk_model::OrgId;
use tauri::State;

use super::CmdResult;

/// Personal and every organization of the signed-in account, with role and capabilities.
#[tauri::command]
#[specta::specta]
pub async fn list_contexts(orgs: State<'_, Arc<Orgs>>) -> CmdResult<Fresh<Vec<Membership>>> {
    Ok(orgs.contexts().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_org(orgs: State<'_, Arc<Orgs>>, org_id: OrgId) -> CmdResult<Fresh<Membership>> {
    Ok(orgs.get(org_id).await?)
}

/// Finds an org by a current or former slug (deep links, typed addresses). Offline, only
/// current slugs of orgs seen before are known.
#[tauri::command]
#[specta::specta]
pub async fn resolve_org(orgs: State<'_, Arc<Orgs>>, slug: String) -> CmdResult<Membership> {
    Ok(orgs.resolve(slug).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_overview(
    orgs: State<'_, Arc<Orgs>>,
    org_id: OrgId,
) -> CmdResult<Fresh<OrgOverview>> {
    Ok(orgs.overview(org_id).await?)
}

/// Needs the server: the slug and the plan's org allowance are decided there.
#[tauri::command]
#[specta::specta]
pub async fn create_org(
    orgs: State<'_, Arc<Orgs>>,
    input: CreateOrgRequest,
) -> CmdResult<Membership> {
    Ok(orgs.create(input).await?)
}

/// Saves settings if nobody changed the org since `expected_version`; a stale version
/// comes back as a conflict (mine vs theirs) to resolve.
#[tauri::command]
#[specta::specta]
pub async fn update_org(
    orgs: State<'_, Arc<Orgs>>,
    org_id: OrgId,
    expected_version: i64,
    patch: UpdateOrgRequest,
) -> CmdResult<Outcome<Membership>> {
    Ok(orgs.update(org_id, expected_version, patch).await?)
}

/// Schedules the org's deletion (the owner: the slug typed exactly, the password, and a
/// code where the account has two-factor). Read-only for everyone until it is deleted for
/// good after the grace period. Needs the server; never queued.
#[tauri::command]
#[specta::specta]
pub async fn schedule_org_deletion(
    orgs: State<'_, Arc<Orgs>>,
    org_id: OrgId,
    input: ScheduleDeletionRequest,
) -> CmdResult<Membership> {
    Ok(orgs.schedule_deletion(org_id, input).await?)
}

/// Cancels a scheduled deletion (the owner). Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn cancel_org_deletion(
    orgs: State<'_, Arc<Orgs>>,
    org_id: OrgId,
) -> CmdResult<Membership> {
    Ok(orgs.cancel_deletion(org_id).await?)
}

/// The logo as a `data:` URL; `etag` is the one the org currently names.
#[tauri::command]
#[specta::specta]
pub async fn get_logo(
    logos: State<'_, Arc<Logos>>,
    org_id: OrgId,
    etag: String,
) -> CmdResult<Option<LogoImage>> {
    Ok(logos.logo(org_id, etag).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn upload_logo(
    logos: State<'_, Arc<Logos>>,
    org_id: OrgId,
    content_type: String,
    data_base64: String,
) -> CmdResult<Org> {
    Ok(logos.upload(org_id, &content_type, &data_base64).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_logo(logos: State<'_, Arc<Logos>>, org_id: OrgId) -> CmdResult<()> {
    Ok(logos.remove(org_id).await?)
}
