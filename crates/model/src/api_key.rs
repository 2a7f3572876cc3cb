//! API keys on the wire. The secret is shown once at creation; the server keeps only
//! its hash and a short prefix to recognise it by.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ApiKeyId, OrgId, ProjectId};
use crate::member::PersonRef;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub enum ApiKeyScope {
    /// May record metered usage (`POST /v1/usage`).
    #[serde(rename = "usage:write")]
    UsageWrite,
    /// May read the org's data the key's project allows.
    #[serde(rename = "read")]
    Read,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    /// A key limited to one project; `None` for the whole org.
    pub project_id: Option<ProjectId>,
    pub name: String,
    /// The first characters of the secret, to tell keys apart (`odk_3f9a…`).
    pub prefix: String,
    pub scopes: Vec<ApiKeyScope>,
    pub created_by: Option<PersonRef>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When the key stops working by itself; `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreateApiKeyRequest {
    pub name: String,
    /// Required for members (one of their projects); optional for owners and admins.
    #[serde(default)]
    pub project_id: Option<ProjectId>,
    /// At least one.
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiKeyScope>,
    /// When the key stops working by itself (RFC 3339, e.g. `2027-01-31T00:00:00Z`); it
    /// must be in the future. Omitted or `null`: it works until revoked. Read by
    /// [`CreateApiKeyRequest::expiry`], so a value that is not a date and time is a field
    /// error (422), not an unreadable body.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<String>,
}

impl CreateApiKeyRequest {
    /// The expiry asked for, if any, or why it cannot be read.
    pub fn expiry(&self) -> Result<Option<DateTime<Utc>>, &'static str> {
        self.expires_at
            .as_deref()
            .map(|at| {
                DateTime::parse_from_rfc3339(at.trim())
                    .map(|at| at.to_utc())
                    .map_err(|_| "Give a date and time like 2027-01-31T00:00:00Z, or none.")
            })
            .transpose()
    }
}

/// A new key with its secret, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreatedApiKey {
    pub key: ApiKey,
    pub secret: String,
}

impl std::fmt::Debug for CreatedApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}
