use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::{InvitationId, OrgId};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Invites one or several emails; answers each invitation with its link (shown once).
#[tauri::command]
#[specta::specta]
pub async fn invite_members(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateInvitationsRequest,
) -> CmdResult<IssuedInvitations> {
    Ok(state.client().await?.invite(org_id, &input).await?)
}

/// Pending invitations of the org (owners and admins).
#[tauri::command]
#[specta::specta]
pub async fn list_invitations(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Vec<Invitation>> {
    Ok(state.client().await?.all_invitations(org_id).await?.value)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_invitation(
    state: State<'_, AppState>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<()> {
    Ok(state
        .client()
        .await?
        .revoke_invitation(org_id, invitation_id)
        .await?)
}

/// Sends again with a fresh link (the previous link stops working) and answers it.
#[tauri::command]
#[specta::specta]
pub async fn resend_invitation(
    state: State<'_, AppState>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<IssuedInvitation> {
    Ok(state
        .client()
        .await?
        .resend_invitation(org_id, invitation_id)
        .await?)
}

/// Invitations waiting for the signed-in account.
#[tauri::command]
#[specta::specta]
pub async fn my_invitations(state: State<'_, AppState>) -> CmdResult<Vec<ReceivedInvitation>> {
    Ok(state.client().await?.my_invitations().await?.value)
}

/// What an `orgdesk://invite/<token>` link is for, before accepting it.
#[tauri::command]
#[specta::specta]
pub async fn preview_invitation(
    state: State<'_, AppState>,
    token: String,
) -> CmdResult<ReceivedInvitation> {
    Ok(state.client().await?.preview_invitation(&token).await?)
}

/// Accepts by link token or by the id of an invitation listed for me. Needs the server:
/// it is never queued.
#[tauri::command]
#[specta::specta]
pub async fn accept_invitation(
    state: State<'_, AppState>,
    token_or_id: String,
) -> CmdResult<Membership> {
    Ok(state
        .client()
        .await?
        .accept_invitation(&token_or_id)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn decline_invitation(state: State<'_, AppState>, token_or_id: String) -> CmdResult<()> {
    Ok(state
        .client()
        .await?
        .decline_invitation(&token_or_id)
        .await?)
}
