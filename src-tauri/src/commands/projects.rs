use orgdesk_client::ProjectTransition;
use orgdesk_model::project::{CreateProjectRequest, Project, UpdateProjectRequest};
use orgdesk_model::{OrgId, ProjectId};
use tauri::State;

use crate::error::CmdResult;
use crate::state::AppState;

/// Every project of the org the signed-in account may see (a scoped member: theirs).
#[tauri::command]
#[specta::specta]
pub async fn list_projects(state: State<'_, AppState>, org_id: OrgId) -> CmdResult<Vec<Project>> {
    Ok(state.client().await?.all_projects(org_id).await?.value)
}

#[tauri::command]
#[specta::specta]
pub async fn create_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    input: CreateProjectRequest,
) -> CmdResult<Project> {
    Ok(state.client().await?.create_project(org_id, &input).await?)
}

/// Renames or edits; fails with `version_conflict` if it changed since `expected_version`.
#[tauri::command]
#[specta::specta]
pub async fn update_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    expected_version: i64,
    patch: UpdateProjectRequest,
) -> CmdResult<Project> {
    let client = state.client().await?;
    Ok(client
        .update_project(org_id, project_id, Some(expected_version), &patch)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn suspend_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    reason: String,
) -> CmdResult<Project> {
    Ok(state
        .client()
        .await?
        .suspend_project(org_id, project_id, &reason)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn unsuspend_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Project> {
    let client = state.client().await?;
    Ok(client
        .transition_project(org_id, project_id, ProjectTransition::Unsuspend)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn archive_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Project> {
    let client = state.client().await?;
    Ok(client
        .transition_project(org_id, project_id, ProjectTransition::Archive)
        .await?)
}

/// Brings an archived project back; fails with `plan_limit_reached` when the plan is full.
#[tauri::command]
#[specta::specta]
pub async fn restore_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Project> {
    let client = state.client().await?;
    Ok(client
        .transition_project(org_id, project_id, ProjectTransition::Restore)
        .await?)
}

/// Deletes for good; `confirm` is the slug the user typed.
#[tauri::command]
#[specta::specta]
pub async fn delete_project(
    state: State<'_, AppState>,
    org_id: OrgId,
    project_id: ProjectId,
    confirm: String,
) -> CmdResult<()> {
    Ok(state
        .client()
        .await?
        .delete_project(org_id, project_id, &confirm)
        .await?)
}
