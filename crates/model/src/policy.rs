//! An org's security policy on the wire: two-factor sign-in required of its members, how
//! long their sessions may sit idle, and how long their passwords must be.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validate::PASSWORD_MIN;

/// Bounds of the idle timeout an org may set, in minutes (5 minutes to 30 days).
pub const IDLE_TIMEOUT_MIN_MINUTES: u32 = 5;
pub const IDLE_TIMEOUT_MAX_MINUTES: u32 = 30 * 24 * 60;
/// Bounds of the minimum password length an org may set.
pub const MIN_PASSWORD_LENGTH_FLOOR: u32 = PASSWORD_MIN as u32;
pub const MIN_PASSWORD_LENGTH_CEILING: u32 = 64;

/// The policy as owners and admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OrgSecurityPolicy {
    /// Members without two-factor sign-in get 403 `mfa_required_by_org` on this org's
    /// routes until they turn it on.
    pub require_two_factor: bool,
    /// Sessions of members end after this many minutes without a request (the strictest
    /// of a person's orgs applies, and never longer than the server's own); `null`: the
    /// server's setting.
    #[schema(minimum = 5, maximum = 43200)]
    pub session_idle_timeout_minutes: Option<u32>,
    /// The shortest password a member may set from now on.
    #[schema(minimum = 10, maximum = 64)]
    pub min_password_length: u32,
    /// Members (the owner included) who have not turned on two-factor sign-in.
    pub members_without_two_factor: u32,
    /// When it was last changed; `null` while it is the default.
    pub updated_at: Option<DateTime<Utc>>,
}

/// A new policy, replacing the current one whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UpdateOrgSecurityPolicy {
    /// Turning it on needs two-factor on the caller's own account first.
    pub require_two_factor: bool,
    /// 5 to 43200 minutes, or `null` for the server's setting.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 43200)]
    pub session_idle_timeout_minutes: Option<u32>,
    /// 10 to 64 characters.
    #[schema(minimum = 10, maximum = 64)]
    pub min_password_length: u32,
}
