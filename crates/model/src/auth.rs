//! Accounts and sessions on the wire.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, SessionId, UserId};

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

/// One live session of the account, as its owner sees it (never its token). The app's
/// bindings call it `AccountSession` (the app's `SessionInfo` is the signed-in session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(rename = "AccountSession")]
#[schema(as = SessionInfo)]
pub struct SessionInfo {
    pub id: SessionId,
    /// The app or browser that signed in, as it named itself.
    pub user_agent: Option<String>,
    /// The address it signed in from (behind a trusted proxy: the forwarded one).
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The last request made with it, to within a minute.
    pub last_seen_at: DateTime<Utc>,
    /// When it ends at the latest (its maximum age); it ends sooner when left idle.
    pub expires_at: DateTime<Utc>,
    /// The session this request was made with.
    pub current: bool,
}

/// The account's live sessions, most recently used first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SessionList {
    pub items: Vec<SessionInfo>,
}

/// Sign out everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RevokeSessionsRequest {
    /// Keep the session this request is made with (the default): "sign out everywhere
    /// else". `false` ends it too.
    #[serde(default = "keep_current_default")]
    #[schema(default = true)]
    pub keep_current: bool,
}

fn keep_current_default() -> bool {
    true
}

/// How many sessions ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RevokedSessions {
    pub revoked: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_keeps_its_api_name_and_takes_another_in_the_app_bindings() {
        use utoipa::ToSchema;
        // The API document names it as before; only the app's TypeScript calls it
        // `AccountSession`, beside the app's own `SessionInfo`.
        assert_eq!(SessionInfo::name(), "SessionInfo");
        let session = SessionInfo {
            id: SessionId::new(),
            user_agent: None,
            ip: None,
            created_at: DateTime::UNIX_EPOCH,
            last_seen_at: DateTime::UNIX_EPOCH,
            expires_at: DateTime::UNIX_EPOCH,
            current: true,
        };
        let json = serde_json::to_value(&session).unwrap();
        assert_eq!(json["current"], true);
        assert_eq!(
            serde_json::from_value::<SessionInfo>(json).unwrap(),
            session
        );
    }
}
