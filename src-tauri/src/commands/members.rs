use std::sync::Arc;

use orgdesk_app_core::members::Members;
use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::member::{Member, MemberFilter};
use orgdesk_model::org::Membership;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{OrgId, Page, Role, UserId};
use tauri::State;

use super::CmdResult;

/// One page of members, filtered; pass the previous page's `next_cursor` for the next.
#[tauri::command]
#[specta::specta]
pub async fn list_members(
    members: State<'_, Arc<Members>>,
    org_id: OrgId,
    filter: MemberFilter,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<Member>>> {
    Ok(members.list(org_id, filter, cursor).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn change_member_role(
    members: State<'_, Arc<Members>>,
    org_id: OrgId,
    user_id: UserId,
    role: Role,
) -> CmdResult<Outcome<Member>> {
    Ok(members.change_role(org_id, user_id, role).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_member_scope(
    members: State<'_, Arc<Members>>,
    org_id: OrgId,
    user_id: UserId,
    scope: ProjectScope,
) -> CmdResult<Outcome<Member>> {
    Ok(members.set_scope(org_id, user_id, scope).await?)
}

/// Needs the server: removing someone is never queued.
#[tauri::command]
#[specta::specta]
pub async fn remove_member(
    members: State<'_, Arc<Members>>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<()> {
    Ok(members.remove(org_id, user_id).await?)
}

/// Leaves the org (owners must transfer ownership first). Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn leave_org(members: State<'_, Arc<Members>>, org_id: OrgId) -> CmdResult<()> {
    Ok(members.leave(org_id).await?)
}

/// Makes another member the owner; answers the caller's membership, now as admin.
#[tauri::command]
#[specta::specta]
pub async fn transfer_ownership(
    members: State<'_, Arc<Members>>,
    org_id: OrgId,
    user_id: UserId,
) -> CmdResult<Membership> {
    Ok(members.transfer_ownership(org_id, user_id).await?)
}
