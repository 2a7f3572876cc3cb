//! API key routes.

use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::{ApiKeyId, OrgId, Page};
use reqwest::Method;

use crate::cache::Cached;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    /// Every key the caller may see (owners and admins: all; members: their own).
    pub async fn api_keys(&self, org: OrgId) -> Result<Cached<Vec<ApiKey>>> {
        let fetch = async {
            let id = org.to_string();
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let mut req = self
                    .request(Method::GET, &["orgs", &id, "api-keys"])
                    .query(&[("limit", "200")]);
                if let Some(c) = &cursor {
                    req = req.query(&[("cursor", c)]);
                }
                let page: Page<ApiKey> = self.json(req).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::of(org, OrgRead::ApiKeys), fetch).await
    }

    /// Creates a key; the answer holds its secret, which is never shown again.
    pub async fn create_api_key(
        &self,
        org: OrgId,
        input: &CreateApiKeyRequest,
    ) -> Result<CreatedApiKey> {
        let req = self
            .request(Method::POST, &["orgs", &org.to_string(), "api-keys"])
            .json(input);
        self.json(req).await
    }

    pub async fn revoke_api_key(&self, org: OrgId, key: ApiKeyId) -> Result<()> {
        let path = ["orgs", &org.to_string(), "api-keys", &key.to_string()];
        self.empty(self.request(Method::DELETE, &path)).await
    }
}
