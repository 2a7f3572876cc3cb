use orgdesk_client::keys;
use orgdesk_model::project::{CreateProjectRequest, Project, UpdateProjectRequest};
use orgdesk_model::{OrgId, ProjectId};
use tauri::State;

use crate::error::CmdResult;
use crate::outbox::{Change, Outcome};
use crate::reads::Fresh;
use crate::state::AppState;

/// Every project of the org the signed-in account may see (a scoped member: theirs).
#[tauri::command]
#[specta::specta]
pub async fn list_projects(
    state: State<'_, AppState>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<Project>>> {
    let read = state.read(keys::projects(org_id), move |c| async move {
        c.all_projects(org_id).await
    });
    Ok(read.await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateProjectRequest,
) -> CmdResult<Outcome<Project>> {
    let change = Change::CreateProject { org_id, input };
    Ok(state.submit(change, None).await?)
}

/// Renames or edits; a stale `expected_version` comes back as a conflict to resolve.
#[tauri::command]
#[specta::specta]
pub async fn update_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    expected_version: i64,
    patch: UpdateProjectRequest,
) -> CmdResult<Outcome<Project>> {
    let change = Change::UpdateProject {
        org_id,
        project_id,
        expected_version,
        patch,
    };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn suspend_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    reason: String,
) -> CmdResult<Outcome<Project>> {
    let change = Change::SuspendProject {
        org_id,
        project_id,
        reason,
    };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn unsuspend_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    let change = Change::UnsuspendProject { org_id, project_id };
    Ok(state.submit(change, None).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn archive_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    let change = Change::ArchiveProject { org_id, project_id };
    Ok(state.submit(change, None).await?)
}

/// Brings an archived project back; fails with `plan_limit_reached` when the plan is full.
#[tauri::command]
#[specta::specta]
pub async fn restore_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    let change = Change::RestoreProject { org_id, project_id };
    Ok(state.submit(change, None).await?)
}

/// Deletes for good; `confirm` is the slug the user typed. Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn delete_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    confirm: String,
) -> CmdResult<()> {
    let delete = state.online("Deleting a project", |c| async move {
        c.delete_project(org_id, project_id, &confirm).await
    });
    Ok(delete.await?)
}
