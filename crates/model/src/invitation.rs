//! Invitations on the wire. The token is a secret: it appears once, in the link given to
//! the inviter and mailed to the invitee; the server keeps only its SHA-256.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{InvitationId, OrgId};
use crate::member::PersonRef;
use crate::org::LogoInfo;
use crate::project::ProjectScope;
use crate::role::Role;

/// How long an invitation stays valid.
pub const TTL_DAYS: i64 = 7;
/// At most this many emails in one invite request.
pub const MAX_EMAILS: usize = 50;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Declined,
    Revoked,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Invitation {
    pub id: InvitationId,
    pub org_id: OrgId,
    pub email: String,
    pub role: Role,
    pub project_scope: ProjectScope,
    pub status: InvitationStatus,
    pub invited_by: Option<PersonRef>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreateInvitationsRequest {
    /// 1 to 50 emails; all are invited or none.
    #[schema(min_items = 1, max_items = 50)]
    pub emails: Vec<String>,
    /// `admin` or `member`.
    pub role: Role,
    #[serde(default)]
    pub project_scope: ProjectScope,
}

/// An invitation with its accept link, shown to the inviter once (after create or resend).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct IssuedInvitation {
    pub invitation: Invitation,
    /// `orgdesk://invite/<token>`
    pub link: String,
}

impl std::fmt::Debug for IssuedInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedInvitation")
            .field("invitation", &self.invitation)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct IssuedInvitations {
    pub invitations: Vec<IssuedInvitation>,
}

/// The org an invitation is for, as much as the invitee may see before joining.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InvitingOrg {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub logo: Option<LogoInfo>,
}

/// An invitation as its invitee sees it (`GET /v1/me/invitations`, `GET /v1/invitations/{token}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ReceivedInvitation {
    pub id: InvitationId,
    pub org: InvitingOrg,
    pub email: String,
    pub role: Role,
    pub invited_by: Option<String>,
    pub expires_at: DateTime<Utc>,
}
