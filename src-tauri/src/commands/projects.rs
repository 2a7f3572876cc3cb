use std::sync::Arc;

use orgdesk_app_core::outbox::Outcome;
use orgdesk_app_core::projects::Projects;
use orgdesk_app_core::reads::Fresh;
use orgdesk_model::project::{CreateProjectRequest, Project, UpdateProjectRequest};
use orgdesk_model::{OrgId, ProjectId};
use tauri::State;

use super::CmdResult;

/// Every project of the org the signed-in account may see (a scoped member: theirs).
#[tauri::command]
#[specta::specta]
pub async fn list_projects(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<Project>>> {
    Ok(projects.list(org_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn create_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    input: CreateProjectRequest,
) -> CmdResult<Outcome<Project>> {
    Ok(projects.create(org_id, input).await?)
}

/// Renames or edits; a stale `expected_version` comes back as a conflict to resolve.
#[tauri::command]
#[specta::specta]
pub async fn update_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
    expected_version: i64,
    patch: UpdateProjectRequest,
) -> CmdResult<Outcome<Project>> {
    Ok(projects
        .update(org_id, project_id, expected_version, patch)
        .await?)
}

#[tauri::command]
#[specta::specta]
pub async fn suspend_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
    reason: String,
) -> CmdResult<Outcome<Project>> {
    Ok(projects.suspend(org_id, project_id, reason).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn unsuspend_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    Ok(projects.unsuspend(org_id, project_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn archive_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    Ok(projects.archive(org_id, project_id).await?)
}

/// Brings an archived project back; fails with `plan_limit_reached` when the plan is full.
#[tauri::command]
#[specta::specta]
pub async fn restore_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
) -> CmdResult<Outcome<Project>> {
    Ok(projects.restore(org_id, project_id).await?)
}

/// Deletes for good; `confirm` is the slug the user typed. Needs the server.
#[tauri::command]
#[specta::specta]
pub async fn delete_project(
    projects: State<'_, Arc<Projects>>,
    org_id: OrgId,
    project_id: ProjectId,
    confirm: String,
) -> CmdResult<()> {
    Ok(projects.delete(org_id, project_id, confirm).await?)
}
