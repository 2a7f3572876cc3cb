//! The audit log on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditEventId, OrgId, ProjectId, UserId};
use crate::member::PersonRef;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub org_id: OrgId,
    /// Who did it; absent for the system (e.g. expiry).
    pub actor: Option<PersonRef>,
    /// What happened, e.g. `org.updated`, `member.role_changed`, `invitation.accepted`.
    pub action: String,
    /// The kind and id of what it happened to, e.g. `project` and its id.
    pub target_type: String,
    pub target_id: Option<String>,
    pub project_id: Option<ProjectId>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Action-specific facts, such as the fields that changed.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Filters of the audit log and its export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// From this time, inclusive (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time, exclusive (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub actor: Option<UserId>,
    pub action: Option<String>,
    pub project: Option<ProjectId>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The filters alone, as the app and client pass them around.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AuditFilter {
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    #[serde(default)]
    pub actor: Option<UserId>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub project: Option<ProjectId>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}
