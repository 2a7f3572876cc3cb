//! The audit log on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::event::{AuditAction, AuditTarget, EventArea};
use crate::ids::{AuditEventId, OrgId, ProjectId, UserId};
use crate::member::PersonRef;

/// Where an audit event's change came from.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    specta::Type,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditActorKind {
    /// A person (or an API key of theirs): `actor` names them. What an entry kept offline
    /// by an older app reads as.
    #[default]
    Person,
    /// Whoever runs the server, through its command line (`orgdesk-server grant-credits`,
    /// `set-plan`).
    Operator,
    /// The server itself (e.g. a balance crossing its threshold through metered usage).
    System,
}

impl AuditActorKind {
    pub const ALL: [Self; 3] = [Self::Person, Self::Operator, Self::System];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Operator => "operator",
            Self::System => "system",
        }
    }

    /// How people read it where no person is named.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Person => "Person",
            Self::Operator => "Server operator",
            Self::System => "System",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub org_id: OrgId,
    /// Who did it; absent for the server operator and the system (see `actor_kind`).
    pub actor: Option<PersonRef>,
    /// A person (`actor` names them), the server's operator, or the system.
    #[serde(default)]
    #[schema(required = true)]
    pub actor_kind: AuditActorKind,
    /// What happened, e.g. `org.updated`, `member.role_changed`, `invitation.accepted`.
    pub action: AuditAction,
    /// The kind and id of what it happened to, e.g. `project` and its id.
    pub target_type: AuditTarget,
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
    pub action: Option<AuditAction>,
    pub project: Option<ProjectId>,
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
    pub action: Option<AuditAction>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_kinds_read_back_and_name_the_operator() {
        for kind in AuditActorKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(AuditActorKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AuditActorKind::Operator.label(), "Server operator");
        assert_eq!(AuditActorKind::parse("robot"), None);
    }
}
