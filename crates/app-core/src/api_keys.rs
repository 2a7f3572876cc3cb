//! API keys: listing, creating (the secret is shown once) and revoking.

use std::sync::Arc;

use orgdesk_client::{Client, OrgRead, ReadKey};
use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::{ApiKeyId, OrgId};

use crate::error::AppError;
use crate::reads::{Fresh, Reads};

pub struct ApiKeys {
    reads: Arc<Reads>,
}

impl ApiKeys {
    pub fn new(reads: Arc<Reads>) -> Self {
        Self { reads }
    }

    /// Keys the account may see: all of them for owners and admins, their own for members.
    pub async fn list(&self, org_id: OrgId) -> Result<Fresh<Vec<ApiKey>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::ApiKeys);
        let read = move |c: Client| async move { c.api_keys(org_id).await };
        self.reads.read(key, read).await
    }

    /// Creates a key; the secret in the answer is shown once, so it needs the server now.
    pub async fn create(
        &self,
        org_id: OrgId,
        input: CreateApiKeyRequest,
    ) -> Result<CreatedApiKey, AppError> {
        let create = |c: Client| async move { c.create_api_key(org_id, &input).await };
        self.reads.online("Creating an API key", create).await
    }

    /// Revoking must take effect at once, so it needs the server.
    pub async fn revoke(&self, org_id: OrgId, key_id: ApiKeyId) -> Result<(), AppError> {
        let revoke = |c: Client| async move { c.revoke_api_key(org_id, key_id).await };
        self.reads.online("Revoking an API key", revoke).await
    }
}
