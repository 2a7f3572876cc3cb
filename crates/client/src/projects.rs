//! Project routes.

use orgdesk_model::project::{
    CreateProjectRequest, Project, ProjectStatus, SuspendProjectRequest, UpdateProjectRequest,
};
use orgdesk_model::{OrgId, Page, ProjectId};
use reqwest::header::IF_MATCH;
use reqwest::Method;

use crate::cache::Cached;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

/// A lifecycle step of a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectTransition {
    Unsuspend,
    Archive,
    Restore,
}

impl ProjectTransition {
    fn segment(self) -> &'static str {
        match self {
            Self::Unsuspend => "unsuspend",
            Self::Archive => "archive",
            Self::Restore => "restore",
        }
    }
}

impl Client {
    pub async fn list_projects(
        &self,
        org: OrgId,
        status: Option<ProjectStatus>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<Project>> {
        let mut req = self
            .request(Method::GET, &["orgs", &org.to_string(), "projects"])
            .query(&[("limit", limit.to_string())]);
        if let Some(status) = status {
            req = req.query(&[("status", status.as_str())]);
        }
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.json(req).await
    }

    /// Every project the caller may see in `org`, following the cursor to the end.
    pub async fn all_projects(&self, org: OrgId) -> Result<Cached<Vec<Project>>> {
        let fetch = async {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = self
                    .list_projects(org, None, cursor.as_deref(), 200)
                    .await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::of(org, OrgRead::Projects), fetch)
            .await
    }

    pub async fn create_project(
        &self,
        org: OrgId,
        input: &CreateProjectRequest,
    ) -> Result<Project> {
        let req = self
            .request(Method::POST, &["orgs", &org.to_string(), "projects"])
            .json(input);
        self.json(req).await
    }

    pub async fn update_project(
        &self,
        org: OrgId,
        project: ProjectId,
        if_match: Option<i64>,
        patch: &UpdateProjectRequest,
    ) -> Result<Project> {
        let path = ["orgs", &org.to_string(), "projects", &project.to_string()];
        let mut req = self.request(Method::PATCH, &path).json(patch);
        if let Some(version) = if_match {
            req = req.header(IF_MATCH, format!("\"{version}\""));
        }
        self.json(req).await
    }

    pub async fn suspend_project(
        &self,
        org: OrgId,
        project: ProjectId,
        reason: &str,
    ) -> Result<Project> {
        let path = [
            "orgs",
            &org.to_string(),
            "projects",
            &project.to_string(),
            "suspend",
        ];
        let body = SuspendProjectRequest {
            reason: reason.to_owned(),
        };
        self.json(self.request(Method::POST, &path).json(&body))
            .await
    }

    pub async fn transition_project(
        &self,
        org: OrgId,
        project: ProjectId,
        step: ProjectTransition,
    ) -> Result<Project> {
        let path = [
            "orgs",
            &org.to_string(),
            "projects",
            &project.to_string(),
            step.segment(),
        ];
        self.json(self.request(Method::POST, &path)).await
    }

    /// Deletes for good; `confirm` must be the project's slug.
    pub async fn delete_project(
        &self,
        org: OrgId,
        project: ProjectId,
        confirm: &str,
    ) -> Result<()> {
        let path = ["orgs", &org.to_string(), "projects", &project.to_string()];
        let req = self
            .request(Method::DELETE, &path)
            .query(&[("confirm", confirm)]);
        self.empty(req).await
    }
}
