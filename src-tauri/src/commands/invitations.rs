use std::sync::Arc;

use orgdesk_app_core::invitations::Invitations;
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::{InvitationId, OrgId};
use tauri::State;

use super::CmdResult;

/// Invites one or several emails. Applied now, it answers each invitation with its link
/// (shown once); queued offline, the invitations are mailed once the server has them.
#[tauri::command]
#[specta::specta]
pub async fn invite_members(
    invitations: State<'_, Arc<Invitations>>,
    org_id: OrgId,
    input: CreateInvitationsRequest,
) -> CmdResult<Outcome<IssuedInvitations>> {
    Ok(invitations.invite(org_id, input).await?)
}

/// Pending invitations of the org (owners and admins).
#[tauri::command]
#[specta::specta]
pub async fn list_invitations(
    invitations: State<'_, Arc<Invitations>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<Invitation>>> {
    Ok(invitations.list(org_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_invitation(
    invitations: State<'_, Arc<Invitations>>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<Outcome<()>> {
    Ok(invitations.revoke(org_id, invitation_id).await?)
}

/// Sends again with a fresh link (the previous link stops working) and answers it; the
/// link is shown once, so this needs the server.
#[tauri::command]
#[specta::specta]
pub async fn resend_invitation(
    invitations: State<'_, Arc<Invitations>>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<IssuedInvitation> {
    Ok(invitations.resend(org_id, invitation_id).await?)
}

/// Invitations waiting for the signed-in account.
#[tauri::command]
#[specta::specta]
pub async fn my_invitations(
    invitations: State<'_, Arc<Invitations>>,
) -> CmdResult<Fresh<Vec<ReceivedInvitation>>> {
    Ok(invitations.mine().await?)
}

/// What an `orgdesk://invite/<token>` link is for, before accepting it.
#[tauri::command]
#[specta::specta]
pub async fn preview_invitation(
    invitations: State<'_, Arc<Invitations>>,
    token: String,
) -> CmdResult<ReceivedInvitation> {
    Ok(invitations.preview(token).await?)
}

/// Accepts by link token or by the id of an invitation listed for me. Needs the server:
/// it is never queued.
#[tauri::command]
#[specta::specta]
pub async fn accept_invitation(
    invitations: State<'_, Arc<Invitations>>,
    token_or_id: String,
) -> CmdResult<Membership> {
    Ok(invitations.accept(token_or_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn decline_invitation(
    invitations: State<'_, Arc<Invitations>>,
    token_or_id: String,
) -> CmdResult<()> {
    Ok(invitations.decline(token_or_id).await?)
}
