use orgdesk_client::keys;
use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::{InvitationId, OrgId};
use tauri::State;

use crate::error::CmdResult;
use crate::outbox::{Change, Outcome};
use crate::reads::Fresh;
use crate::state::AppState;

/// Invites one or several emails. Applied now, it answers each invitation with its link
/// (shown once); queued offline, the invitations are mailed once the server has them.
#[tauri::command]
#[specta::specta]
pub async fn invite_members(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateInvitationsRequest,
) -> CmdResult<Outcome<IssuedInvitations>> {
    let change = Change::InviteMembers { org_id, input };
    Ok(state.submit(change, None).await?)
}

/// Pending invitations of the org (owners and admins).
#[tauri::command]
#[specta::specta]
pub async fn list_invitations(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<Invitation>>> {
    let read = state.read(keys::invitations(org_id), move |c| async move {
        c.all_invitations(org_id).await
    });
    Ok(read.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_invitation(
    state: State<'_, AppState>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<Outcome<()>> {
    let change = Change::RevokeInvitation {
        org_id,
        invitation_id,
    };
    Ok(state.submit(change, None).await?)
}

/// Sends again with a fresh link (the previous link stops working) and answers it; the
/// link is shown once, so this needs the server.
#[tauri::command]
#[specta::specta]
pub async fn resend_invitation(
    state: State<'_, AppState>,
    org_id: OrgId,
    invitation_id: InvitationId,
) -> CmdResult<IssuedInvitation> {
    let resend = state.online("Sending an invitation again", |c| async move {
        c.resend_invitation(org_id, invitation_id).await
    });
    Ok(resend.await?)
}

/// Invitations waiting for the signed-in account.
#[tauri::command]
#[specta::specta]
pub async fn my_invitations(
    state: State<'_, AppState>,
) -> CmdResult<Fresh<Vec<ReceivedInvitation>>> {
    let read = state.read(keys::my_invitations(), |c| async move {
        c.my_invitations().await
    });
    Ok(read.await?)
}

/// What an `orgdesk://invite/<token>` link is for, before accepting it.
#[tauri::command]
#[specta::specta]
pub async fn preview_invitation(
    state: State<'_, AppState>,
    token: String,
) -> CmdResult<ReceivedInvitation> {
    let preview = state.online("Opening an invitation", |c| async move {
        c.preview_invitation(&token).await
    });
    Ok(preview.await?)
}

/// Accepts by link token or by the id of an invitation listed for me. Needs the server:
/// it is never queued.
#[tauri::command]
#[specta::specta]
pub async fn accept_invitation(
    state: State<'_, AppState>,
    token_or_id: String,
) -> CmdResult<Membership> {
    let accept = state.online("Accepting an invitation", |c| async move {
        c.accept_invitation(&token_or_id).await
    });
    Ok(accept.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn decline_invitation(state: State<'_, AppState>, token_or_id: String) -> CmdResult<()> {
    let decline = state.online("Declining an invitation", |c| async move {
        c.decline_invitation(&token_or_id).await
    });
    Ok(decline.await?)
}
