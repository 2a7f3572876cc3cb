//! Single sign-on: signing in through the system browser, and an org's connection and
//! domains (owners and admins). The browser flows run in the core; a remote page can call
//! none of these (no capability names one).

use std::sync::Arc;

use orgdesk_app_core::org_sso::OrgSso;
use orgdesk_app_core::session::SessionInfo;
use orgdesk_app_core::sso_sign_in::{SsoSignIn, SsoSignInInput};
use orgdesk_model::sso::{
    OrgDomain, OrgDomainList, SsoConnectionRequest, SsoSettings, SsoTestResult,
};
use orgdesk_model::OrgId;
use tauri::State;

use super::CmdResult;

/// "Continue with SSO": the email's org's provider in the browser, then signed in.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_with_sso(
    sso: State<'_, Arc<SsoSignIn>>,
    input: SsoSignInInput,
) -> CmdResult<SessionInfo> {
    Ok(sso.sign_in(input).await?)
}

/// "Continue with <org> SSO", for an org that answered `sso_required` (by its slug).
#[tauri::command]
#[specta::specta]
pub async fn sign_in_to_org_with_sso(
    sso: State<'_, Arc<SsoSignIn>>,
    org: String,
) -> CmdResult<SessionInfo> {
    Ok(sso.sign_in_to_org(org).await?)
}

/// Stops waiting for the browser (a sign-in or a connection test).
#[tauri::command]
#[specta::specta]
pub async fn cancel_sso(sso: State<'_, Arc<SsoSignIn>>) -> CmdResult<()> {
    sso.cancel();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn get_sso_settings(
    sso: State<'_, Arc<OrgSso>>,
    org_id: OrgId,
) -> CmdResult<SsoSettings> {
    Ok(sso.settings(org_id).await?)
}

/// Creates or replaces the connection; a blank client secret keeps the stored one.
#[tauri::command]
#[specta::specta]
pub async fn save_sso(
    sso: State<'_, Arc<OrgSso>>,
    org_id: OrgId,
    input: SsoConnectionRequest,
) -> CmdResult<SsoSettings> {
    Ok(sso.save(org_id, input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_sso(sso: State<'_, Arc<OrgSso>>, org_id: OrgId) -> CmdResult<()> {
    Ok(sso.delete(org_id).await?)
}

/// Runs the org's flow in the browser and answers whom the provider signed in.
#[tauri::command]
#[specta::specta]
pub async fn test_sso(sso: State<'_, Arc<OrgSso>>, org_id: OrgId) -> CmdResult<SsoTestResult> {
    Ok(sso.test(org_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn list_domains(sso: State<'_, Arc<OrgSso>>, org_id: OrgId) -> CmdResult<OrgDomainList> {
    Ok(sso.domains(org_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn claim_domain(
    sso: State<'_, Arc<OrgSso>>,
    org_id: OrgId,
    domain: String,
) -> CmdResult<OrgDomain> {
    Ok(sso.claim_domain(org_id, domain).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_domain(
    sso: State<'_, Arc<OrgSso>>,
    org_id: OrgId,
    domain: String,
) -> CmdResult<OrgDomain> {
    Ok(sso.verify_domain(org_id, domain).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_domain(
    sso: State<'_, Arc<OrgSso>>,
    org_id: OrgId,
    domain: String,
) -> CmdResult<()> {
    Ok(sso.remove_domain(org_id, domain).await?)
}
