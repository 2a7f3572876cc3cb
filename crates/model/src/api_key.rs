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
    /// When the key stops working by itself; it must be in the future. Omitted or `null`:
    /// it works until revoked.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
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
