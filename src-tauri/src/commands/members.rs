use orgdesk_model::member::{Member, MemberFilter, UpdateMemberRequest};
use orgdesk_model::org::Membership;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{OrgId, Page, Role, UserId};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// One page of members, filtered; pass the previous page's `next_cursor` for the next.
#[tauri::command]
#[specta::specta]
pub async fn list_members(
    state: State<'_, AppState>,
    org_id: OrgId,
    filter: MemberFilter,
    cursor: Option<String>,
) -> CmdResult<Page<Member>> {
    let client = state.client().await?;
    Ok(client
        .list_members(org_id, &filter, cursor.as_deref(), 100)
        .await?
        .value)
}

#[tauri::command]
#[specta::specta]
pub async fn change_member_role(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
    role: Role,
) -> CmdResult<Member> {
    let change = UpdateMemberRequest {
        role: Some(role),
        project_scope: None,
    };
    Ok(state
        .client()
        .await?
        .update_member(org_id, user_id, &change)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_member_scope(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
    scope: ProjectScope,
) -> CmdResult<Member> {
    let change = UpdateMemberRequest {
        role: None,
        project_scope: Some(scope),
    };
    Ok(state
        .client()
        .await?
        .update_member(org_id, user_id, &change)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_member(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<()> {
    Ok(state.client().await?.remove_member(org_id, user_id).await?)
}

/// Leaves the org (owners must transfer ownership first).
#[tauri::command]
#[specta::specta]
pub async fn leave_org(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<()> {
    Ok(state.client().await?.leave_org(org_id).await?)
}

/// Makes another member the owner; answers the caller's membership, now as admin.
#[tauri::command]
#[specta::specta]
pub async fn transfer_ownership(
    state: State<'_, AppState>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<Membership> {
    Ok(state
        .client()
        .await?
        .transfer_ownership(org_id, user_id)
        .await?)
}
