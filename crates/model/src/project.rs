//! Projects on the wire, and the project scope that can limit what a member sees.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, ProjectId};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Active,
    /// Visible, with its reason shown to members; cannot spend credits.
    Suspended,
    /// Kept for the record; does not count toward the plan's project limit.
    Archived,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [Self::Active, Self::Suspended, Self::Archived];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Whether a project in this status counts toward the plan's project limit.
    pub const fn counts_toward_limit(self) -> bool {
        !matches!(self, Self::Archived)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Project {
    pub id: ProjectId,
    pub org_id: OrgId,
    /// Unique within the org.
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub status: ProjectStatus,
    /// Why it was suspended, shown to every member who sees the project.
    pub suspended_reason: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct CreateProjectRequest {
    pub name: String,
    /// Generated from the name when absent or blank.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A partial update; an empty description clears it.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct UpdateProjectRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SuspendProjectRequest {
    /// Shown to members; 1–300 characters.
    pub reason: String,
}

/// Query parameters of the project list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// Only projects in this status.
    pub status: Option<ProjectStatus>,
    /// Opaque cursor from the previous page's `next_cursor`; empty or absent for the first
    /// page.
    #[serde(default, deserialize_with = "crate::page::cursor")]
    #[param(pattern = "^[A-Za-z0-9_-]*$")]
    pub cursor: Option<String>,
    /// Items per page, 1–200 (default 50).
    #[serde(default, deserialize_with = "crate::page::limit")]
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<u32>,
}

/// Query parameters of a permanent delete: the project's slug, typed to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteProjectQuery {
    pub confirm: String,
}

/// Which projects a member sees. Owners and admins always see all.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProjectScope {
    #[default]
    All,
    Projects {
        ids: Vec<ProjectId>,
    },
}

impl ProjectScope {
    pub fn includes(&self, project: ProjectId) -> bool {
        match self {
            Self::All => true,
            Self::Projects { ids } => ids.contains(&project),
        }
    }
}

/// Projects by status, for the overview.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    specta::Type,
    utoipa::ToSchema,
)]
pub struct ProjectCounts {
    pub active: i64,
    pub suspended: i64,
    pub archived: i64,
}
