//! Members and their roles on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::project::ProjectScope;
use crate::role::Role;

/// Who a person is, as other members of an org see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PersonRef {
    pub id: UserId,
    // Not required in the OpenAPI document: the member list read with an API key leaves
    // it out (keys never see people's email addresses). A plain comment, so the UI's
    // bindings, which only ever see it present, stay as they are.
    #[schema(required = false)]
    pub email: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Member {
    pub user: PersonRef,
    pub role: Role,
    /// Always `all` for owners and admins.
    pub project_scope: ProjectScope,
    pub joined_at: DateTime<Utc>,
}

/// Query parameters of the member list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// Matches the start of the name, of any word of it, or of the email.
    pub q: Option<String>,
    pub role: Option<Role>,
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

/// The filters of the member list alone, as the app and client pass them around.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct MemberFilter {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
}

/// Changes a member's role (admin or member: ownership moves only by transfer) and/or
/// project scope (only members have one).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct UpdateMemberRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_scope: Option<ProjectScope>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TransferOwnershipRequest {
    /// The member who becomes the owner; the current owner becomes an admin.
    pub user_id: UserId,
}
