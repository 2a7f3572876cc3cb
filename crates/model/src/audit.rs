//! The audit log on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{AuditEventId, OrgId, ProjectId, UserId};
use crate::member::PersonRef;

/// Everything the audit log records, one variant per kind of change. The wire form is
/// dotted, `<target>.<past tense>` (`project.suspended`); [`AuditAction::label`] is how
/// people read it, in the app and in exports. Adding a change means adding it here: the
/// server can only write what this enum names, and the app's labels come from `label`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub enum AuditAction {
    #[serde(rename = "org.created")]
    OrgCreated,
    #[serde(rename = "org.updated")]
    OrgUpdated,
    #[serde(rename = "org.logo_updated")]
    OrgLogoUpdated,
    #[serde(rename = "org.logo_removed")]
    OrgLogoRemoved,
    #[serde(rename = "org.ownership_transferred")]
    OrgOwnershipTransferred,
    #[serde(rename = "org.plan_changed")]
    OrgPlanChanged,
    #[serde(rename = "org.deleted")]
    OrgDeleted,
    #[serde(rename = "org.security_updated")]
    OrgSecurityUpdated,
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged,
    #[serde(rename = "member.scope_changed")]
    MemberScopeChanged,
    #[serde(rename = "member.removed")]
    MemberRemoved,
    #[serde(rename = "member.left")]
    MemberLeft,
    #[serde(rename = "invitation.created")]
    InvitationCreated,
    #[serde(rename = "invitation.resent")]
    InvitationResent,
    #[serde(rename = "invitation.revoked")]
    InvitationRevoked,
    #[serde(rename = "invitation.accepted")]
    InvitationAccepted,
    #[serde(rename = "invitation.declined")]
    InvitationDeclined,
    #[serde(rename = "project.created")]
    ProjectCreated,
    #[serde(rename = "project.updated")]
    ProjectUpdated,
    #[serde(rename = "project.suspended")]
    ProjectSuspended,
    #[serde(rename = "project.unsuspended")]
    ProjectUnsuspended,
    #[serde(rename = "project.archived")]
    ProjectArchived,
    #[serde(rename = "project.restored")]
    ProjectRestored,
    #[serde(rename = "project.deleted")]
    ProjectDeleted,
    #[serde(rename = "api_key.created")]
    ApiKeyCreated,
    #[serde(rename = "api_key.revoked")]
    ApiKeyRevoked,
    #[serde(rename = "billing.top_up")]
    BillingTopUp,
    #[serde(rename = "billing.credits_granted")]
    BillingCreditsGranted,
    #[serde(rename = "billing.low_balance")]
    BillingLowBalance,
    #[serde(rename = "billing.alerts_updated")]
    BillingAlertsUpdated,
    #[serde(rename = "billing.spend_policy_updated")]
    BillingSpendPolicyUpdated,
    #[serde(rename = "billing.payment_succeeded")]
    BillingPaymentSucceeded,
    #[serde(rename = "billing.payment_failed")]
    BillingPaymentFailed,
    #[serde(rename = "billing.payment_refunded")]
    BillingPaymentRefunded,
    #[serde(rename = "billing.card_saved")]
    BillingCardSaved,
    #[serde(rename = "billing.profile_updated")]
    BillingProfileUpdated,
    #[serde(rename = "billing.subscription_changed")]
    BillingSubscriptionChanged,
    #[serde(rename = "billing.past_due")]
    BillingPastDue,
}

/// What an audit event is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuditTarget {
    Org,
    Project,
    Member,
    Invitation,
    ApiKey,
}

impl AuditTarget {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Project => "project",
            Self::Member => "member",
            Self::Invitation => "invitation",
            Self::ApiKey => "api_key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Org,
            Self::Project,
            Self::Member,
            Self::Invitation,
            Self::ApiKey,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

impl AuditAction {
    pub const ALL: [Self; 38] = [
        Self::OrgCreated,
        Self::OrgUpdated,
        Self::OrgLogoUpdated,
        Self::OrgLogoRemoved,
        Self::OrgOwnershipTransferred,
        Self::OrgPlanChanged,
        Self::OrgDeleted,
        Self::OrgSecurityUpdated,
        Self::MemberRoleChanged,
        Self::MemberScopeChanged,
        Self::MemberRemoved,
        Self::MemberLeft,
        Self::InvitationCreated,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::InvitationDeclined,
        Self::ProjectCreated,
        Self::ProjectUpdated,
        Self::ProjectSuspended,
        Self::ProjectUnsuspended,
        Self::ProjectArchived,
        Self::ProjectRestored,
        Self::ProjectDeleted,
        Self::ApiKeyCreated,
        Self::ApiKeyRevoked,
        Self::BillingTopUp,
        Self::BillingCreditsGranted,
        Self::BillingPaymentSucceeded,
        Self::BillingPaymentFailed,
        Self::BillingPaymentRefunded,
        Self::BillingCardSaved,
        Self::BillingProfileUpdated,
        Self::BillingSubscriptionChanged,
        Self::BillingPastDue,
        Self::BillingLowBalance,
        Self::BillingAlertsUpdated,
        Self::BillingSpendPolicyUpdated,
    ];

    /// The wire and database form, e.g. `member.role_changed`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OrgCreated => "org.created",
            Self::OrgUpdated => "org.updated",
            Self::OrgLogoUpdated => "org.logo_updated",
            Self::OrgLogoRemoved => "org.logo_removed",
            Self::OrgOwnershipTransferred => "org.ownership_transferred",
            Self::OrgPlanChanged => "org.plan_changed",
            Self::OrgDeleted => "org.deleted",
            Self::OrgSecurityUpdated => "org.security_updated",
            Self::MemberRoleChanged => "member.role_changed",
            Self::MemberScopeChanged => "member.scope_changed",
            Self::MemberRemoved => "member.removed",
            Self::MemberLeft => "member.left",
            Self::InvitationCreated => "invitation.created",
            Self::InvitationResent => "invitation.resent",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationDeclined => "invitation.declined",
            Self::ProjectCreated => "project.created",
            Self::ProjectUpdated => "project.updated",
            Self::ProjectSuspended => "project.suspended",
            Self::ProjectUnsuspended => "project.unsuspended",
            Self::ProjectArchived => "project.archived",
            Self::ProjectRestored => "project.restored",
            Self::ProjectDeleted => "project.deleted",
            Self::ApiKeyCreated => "api_key.created",
            Self::ApiKeyRevoked => "api_key.revoked",
            Self::BillingTopUp => "billing.top_up",
            Self::BillingCreditsGranted => "billing.credits_granted",
            Self::BillingPaymentSucceeded => "billing.payment_succeeded",
            Self::BillingPaymentFailed => "billing.payment_failed",
            Self::BillingPaymentRefunded => "billing.payment_refunded",
            Self::BillingCardSaved => "billing.card_saved",
            Self::BillingProfileUpdated => "billing.profile_updated",
            Self::BillingSubscriptionChanged => "billing.subscription_changed",
            Self::BillingPastDue => "billing.past_due",
            Self::BillingLowBalance => "billing.low_balance",
            Self::BillingAlertsUpdated => "billing.alerts_updated",
            Self::BillingSpendPolicyUpdated => "billing.spend_policy_updated",
        }
    }

    /// How people read it: "Role changed".
    pub const fn label(self) -> &'static str {
        match self {
            Self::OrgCreated => "Organization created",
            Self::OrgUpdated => "Settings changed",
            Self::OrgLogoUpdated => "Logo changed",
            Self::OrgLogoRemoved => "Logo removed",
            Self::OrgOwnershipTransferred => "Ownership transferred",
            Self::OrgPlanChanged => "Plan changed",
            Self::OrgDeleted => "Organization deleted",
            Self::OrgSecurityUpdated => "Security policy changed",
            Self::MemberRoleChanged => "Role changed",
            Self::MemberScopeChanged => "Project scope changed",
            Self::MemberRemoved => "Member removed",
            Self::MemberLeft => "Member left",
            Self::InvitationCreated => "Invitation sent",
            Self::InvitationResent => "Invitation resent",
            Self::InvitationRevoked => "Invitation revoked",
            Self::InvitationAccepted => "Invitation accepted",
            Self::InvitationDeclined => "Invitation declined",
            Self::ProjectCreated => "Project created",
            Self::ProjectUpdated => "Project changed",
            Self::ProjectSuspended => "Project suspended",
            Self::ProjectUnsuspended => "Project unsuspended",
            Self::ProjectArchived => "Project archived",
            Self::ProjectRestored => "Project restored",
            Self::ProjectDeleted => "Project deleted",
            Self::ApiKeyCreated => "API key created",
            Self::ApiKeyRevoked => "API key revoked",
            Self::BillingTopUp => "Credits added",
            Self::BillingCreditsGranted => "Credits granted",
            Self::BillingPaymentSucceeded => "Card payment received",
            Self::BillingPaymentFailed => "Card payment failed",
            Self::BillingPaymentRefunded => "Card payment refunded",
            Self::BillingCardSaved => "Card saved",
            Self::BillingProfileUpdated => "Billing details updated",
            Self::BillingSubscriptionChanged => "Subscription changed",
            Self::BillingPastDue => "Plan payment past due",
            Self::BillingLowBalance => "Balance ran low",
            Self::BillingAlertsUpdated => "Low-balance alert changed",
            Self::BillingSpendPolicyUpdated => "Spend policy changed",
        }
    }

    /// What the event's `target_id` names.
    pub const fn target(self) -> AuditTarget {
        match self {
            Self::OrgCreated
            | Self::OrgUpdated
            | Self::OrgLogoUpdated
            | Self::OrgLogoRemoved
            | Self::OrgOwnershipTransferred
            | Self::OrgPlanChanged
            | Self::OrgDeleted
            | Self::OrgSecurityUpdated
            | Self::BillingTopUp
            | Self::BillingCreditsGranted
            | Self::BillingLowBalance
            | Self::BillingAlertsUpdated
            | Self::BillingSpendPolicyUpdated
            | Self::BillingPaymentSucceeded
            | Self::BillingPaymentFailed
            | Self::BillingPaymentRefunded
            | Self::BillingCardSaved
            | Self::BillingProfileUpdated
            | Self::BillingSubscriptionChanged
            | Self::BillingPastDue => AuditTarget::Org,
            Self::MemberRoleChanged
            | Self::MemberScopeChanged
            | Self::MemberRemoved
            | Self::MemberLeft => AuditTarget::Member,
            Self::InvitationCreated
            | Self::InvitationResent
            | Self::InvitationRevoked
            | Self::InvitationAccepted
            | Self::InvitationDeclined => AuditTarget::Invitation,
            Self::ProjectCreated
            | Self::ProjectUpdated
            | Self::ProjectSuspended
            | Self::ProjectUnsuspended
            | Self::ProjectArchived
            | Self::ProjectRestored
            | Self::ProjectDeleted => AuditTarget::Project,
            Self::ApiKeyCreated | Self::ApiKeyRevoked => AuditTarget::ApiKey,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

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

    #[test]
    fn every_action_reads_back_from_its_wire_form() {
        let mut seen = std::collections::HashSet::new();
        for action in AuditAction::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert!(seen.insert(action.as_str()), "{} twice", action.as_str());
            assert!(!action.label().is_empty());
            let target = action.as_str().split('.').next().unwrap();
            let expected = if target == "billing" { "org" } else { target };
            assert_eq!(action.target().as_str(), expected, "{}", action.as_str());
        }
    }
}
