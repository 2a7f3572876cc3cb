//! Organizations (and personal contexts) on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, UserId};
pub use crate::kind::OrgKind;
use crate::plan::{Plan, PlanLimits};
use crate::project::ProjectCounts;
use crate::role::{Capability, Role};

/// Where an org's logo is and which version it is (changes with every upload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LogoInfo {
    pub content_type: String,
    /// A content hash: a new value means a new image.
    pub etag: String,
    pub size: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Org {
    pub id: OrgId,
    pub kind: OrgKind,
    /// The current slug. Former slugs keep resolving to this org.
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub website: Option<String>,
    pub logo: Option<LogoInfo>,
    pub plan: Plan,
    /// Increases with every change; send it as `If-Match` to update safely.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// Set while the org is scheduled for deletion: it is read-only until then.
    pub pending_deletion: Option<PendingDeletion>,
}

/// An org scheduled for deletion: read-only for everyone; deleted for good at `purge_at`
/// unless the owner cancels first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PendingDeletion {
    pub scheduled_at: DateTime<Utc>,
    pub purge_at: DateTime<Utc>,
    /// Who scheduled it (`null` once their account is gone).
    pub scheduled_by: Option<UserId>,
}

/// `POST /v1/orgs/{org}/deletion`: the owner schedules the org's deletion. The slug is
/// typed to confirm; the password, and a code where the account has two-factor sign-in,
/// prove it is them.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ScheduleDeletionRequest {
    #[schema(max_length = 200)]
    pub confirm_slug: String,
    #[schema(max_length = 1024)]
    pub password: String,
    /// A code from the authenticator app (accounts with two-factor sign-in).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub code: Option<String>,
    /// Or one of the recovery codes (used up).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub recovery_code: Option<String>,
}

impl std::fmt::Debug for ScheduleDeletionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScheduleDeletionRequest")
            .field("confirm_slug", &self.confirm_slug)
            .finish_non_exhaustive()
    }
}

/// An org as seen by one member: with their role and what that role allows there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Membership {
    pub org: Org,
    pub role: Role,
    pub capabilities: Vec<Capability>,
    /// The org refuses this session for want of its single sign-on: its "require SSO"
    /// applies to the account (the email is in one of the org's verified domains and the
    /// account is not its owner) and the session was not started by the org's SSO. Its
    /// routes answer 403 `sso_required`: offer "Continue with <org> SSO". Set in
    /// `GET /v1/orgs`; `false` elsewhere (a refused session never reads the org).
    #[serde(default)]
    pub sso_required: bool,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct CreateOrgRequest {
    pub name: String,
    /// Generated from the name when absent or blank.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

/// A partial update: absent fields stay as they are; an empty description or website
/// clears it.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct UpdateOrgRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

/// The overview page of a context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OrgOverview {
    pub org: Org,
    pub role: Role,
    pub member_count: i64,
    /// Projects by status; for a member with a project scope, only those in it.
    pub projects: ProjectCounts,
    /// Invitations pending and not yet expired; only for those who may see invitations.
    pub pending_invitations: Option<i64>,
    /// Members plus pending invitations (what counts against the plan's seats); only for
    /// those who may see invitations, as it reveals how many are pending.
    pub seats_used: Option<i64>,
    pub limits: PlanLimits,
}
