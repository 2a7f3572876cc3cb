use orgdesk_client::keys;
use orgdesk_model::member::{Member, MemberFilter};
use orgdesk_model::org::Membership;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{OrgId, Page, Role, UserId};
use tauri::State;

use crate::error::CmdResult;
use crate::outbox::{Change, Outcome};
use crate::reads::Fresh;
use crate::state::AppState;

/// One page of members, filtered; pass the previous page's `next_cursor` for the next.
#[tauri::command]
#[specta::specta]
pub async fn list_members(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: MemberFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<Member>>> {
    let key = keys::members(org_id, filter.q.as_deref(), filter.role, cursor.as_deref());
    let read = state.read(key, move |c| async move {
        c.list_members(org_id, &filter, cursor.as_deref(), 100)
            .await
    });
    Ok(read.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn change_member_role(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
    role: Role,
) -> CmdResult<Outcome<Member>> {
    let change = Change::ChangeMemberRole {
        org_id,
        user_id,
        role,
    };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_member_scope(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
    scope: ProjectScope,
) -> CmdResult<Outcome<Member>> {
    let change = Change::SetMemberScope {
        org_id,
        user_id,
        scope,
    };
    Ok(state.submit(change, None).await?)
}

/// Needs the server: removing someone is never queued.
#[tauri::command]
#[specta::specta]
pub async fn remove_member(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<()> {
    let remove = state.online("Removing a member", |c| async move {
        c.remove_member(org_id, user_id).await
    });
    Ok(remove.await?)
}

/// Leaves the org (owners must transfer ownership first). Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn leave_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<()> {
    let leave = state.online("Leaving an organization", |c| async move {
        c.leave_org(org_id).await
    });
    Ok(leave.await?)
}

/// Makes another member the owner; answers the caller's membership, now as admin.
#[tauri::command]
#[specta::specta]
pub async fn transfer_ownership(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<Membership> {
    let transfer = state.online("Transferring ownership", |c| async move {
        c.transfer_ownership(org_id, user_id).await
    });
    Ok(transfer.await?)
}
