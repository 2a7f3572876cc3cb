//! Projects: the list, and every change to one.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, ReadKey};
use orgdesk_model::project::{CreateProjectRequest, Project, UpdateProjectRequest};
use orgdesk_model::{OrgId, ProjectId};

use crate::error::AppError;
use crate::outbox::edits::{
    ArchiveProject, CreateProject, RestoreProject, SuspendProject, UnsuspendProject, UpdateProject,
};
use crate::outbox::{Outbox, Outcome};
use crate::reads::{Fresh, Reads};

pub struct Projects {
    reads: Arc<Reads>,
    outbox: Arc<Outbox>,
}

type Changed = Result<Outcome<Project>, AppError>;

impl Projects {
    pub fn new(reads: Arc<Reads>, outbox: Arc<Outbox>) -> Self {
        Self { reads, outbox }
    }

    /// Every project of the org the account may see (a scoped member: theirs).
    pub async fn list(&self, org_id: OrgId) -> Result<Fresh<Vec<Project>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Projects);
        let read = move |c: Client| async move { c.all_projects(org_id).await };
        self.reads.read(key, read).await
    }

    pub async fn create(&self, org_id: OrgId, input: CreateProjectRequest) -> Changed {
        let edit = CreateProject { org_id, input };
        self.outbox.submit(edit, None).await
    }

    /// Renames or edits; a stale `expected_version` comes back as a conflict to resolve.
    pub async fn update(
        &self,
        org_id: OrgId,
        project_id: ProjectId,
        expected_version: i64,
        patch: UpdateProjectRequest,
    ) -> Changed {
        let edit = UpdateProject {
            org_id,
            project_id,
            expected_version,
            patch,
        };
        self.outbox.submit(edit, None).await
    }

    pub async fn suspend(&self, org_id: OrgId, project_id: ProjectId, reason: String) -> Changed {
        let edit = SuspendProject {
            org_id,
            project_id,
            reason,
        };
        self.outbox.submit(edit, None).await
    }

    pub async fn unsuspend(&self, org_id: OrgId, project_id: ProjectId) -> Changed {
        let edit = UnsuspendProject { org_id, project_id };
        self.outbox.submit(edit, None).await
    }

    pub async fn archive(&self, org_id: OrgId, project_id: ProjectId) -> Changed {
        let edit = ArchiveProject { org_id, project_id };
        self.outbox.submit(edit, None).await
    }

    /// Brings an archived project back; fails with `plan_limit_reached` when the plan is full.
    pub async fn restore(&self, org_id: OrgId, project_id: ProjectId) -> Changed {
        let edit = RestoreProject { org_id, project_id };
        self.outbox.submit(edit, None).await
    }

    /// Deletes for good; `confirm` is the slug the user typed. Needs the server.
    pub async fn delete(
        &self,
        org_id: OrgId,
        project_id: ProjectId,
        confirm: String,
    ) -> Result<(), AppError> {
        let delete =
            |c: Client| async move { c.delete_project(org_id, project_id, &confirm).await };
        self.reads.online("Deleting a project", delete).await
    }
}
