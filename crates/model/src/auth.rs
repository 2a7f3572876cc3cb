//! Accounts and sessions on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SignupRequest {
    pub email: String,
    /// 10 to 200 characters.
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
    pub display_name: String,
}

#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

// Passwords never reach logs through Debug.
impl std::fmt::Debug for SignupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupRequest")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A new session. The token is shown once; the server keeps only its hash.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionGrant {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub me: Me,
}

impl std::fmt::Debug for SessionGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGrant")
            .field("expires_at", &self.expires_at)
            .field("me", &self.me)
            .finish_non_exhaustive()
    }
}

/// The signed-in account and where its personal context is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Me {
    pub user: User,
    pub personal_org_id: OrgId,
    pub session_expires_at: DateTime<Utc>,
    /// Whether the account proved its email (through a mailed link). Until then it works
    /// in its personal context and its own orgs, but is not shown invitations and cannot
    /// accept one by id (the mailed invitation link still works, and verifies it).
    /// Absent in what older servers sent: read as `false`.
    #[serde(default)]
    #[schema(required = true)]
    pub email_verified: bool,
}
