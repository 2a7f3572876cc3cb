use std::sync::Arc;

use orgdesk_app_core::security::OrgSecurity;
use orgdesk_model::policy::{OrgSecurityPolicy, UpdateOrgSecurityPolicy};
use orgdesk_model::OrgId;
use tauri::State;

use super::CmdResult;

/// The org's security policy as the server has it now (owners and admins).
#[tauri::command]
#[specta::specta]
pub async fn get_org_security(
    security: State<'_, Arc<OrgSecurity>>,
    org_id: OrgId,
) -> CmdResult<OrgSecurityPolicy> {
    Ok(security.get(org_id).await?)
}

/// Replaces the org's security policy; needs the server now.
#[tauri::command]
#[specta::specta]
pub async fn update_org_security(
    security: State<'_, Arc<OrgSecurity>>,
    org_id: OrgId,
    input: UpdateOrgSecurityPolicy,
) -> CmdResult<OrgSecurityPolicy> {
    Ok(security.update(org_id, input).await?)
}
