//! Organization routes.

use orgdesk_model::org::{CreateOrgRequest, Membership, Org, OrgOverview, UpdateOrgRequest};
use orgdesk_model::portfolio::Portfolio;
use orgdesk_model::{OrgId, Page};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MATCH, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};

use crate::cache::{remember, Cached};
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, ClientError, Result};

/// How a route names an org: by id, or by a current or former slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRef {
    Id(OrgId),
    Slug(String),
}

impl OrgRef {
    fn segment(&self) -> String {
        match self {
            Self::Id(id) => id.to_string(),
            Self::Slug(slug) => slug.clone(),
        }
    }
}

impl From<OrgId> for OrgRef {
    fn from(id: OrgId) -> Self {
        Self::Id(id)
    }
}

/// A logo image as the server stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub content_type: String,
    pub etag: String,
    pub bytes: Vec<u8>,
}

impl Client {
    /// One page of the caller's orgs (personal context first).
    pub async fn list_orgs(&self, cursor: Option<&str>, limit: u32) -> Result<Page<Membership>> {
        let mut req = self
            .request(Method::GET, &["orgs"])
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.json(req).await
    }

    /// Every org of the caller, following the cursor to the end.
    pub async fn all_orgs(&self) -> Result<Cached<Vec<Membership>>> {
        let fetch = async {
            let mut all = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = self.list_orgs(cursor.as_deref(), 200).await?;
                all.extend(page.items);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break Ok(all),
                }
            }
        };
        self.cached(ReadKey::Orgs, fetch).await
    }

    /// Every org of the caller with the figures their role sees there, in one request.
    pub async fn portfolio(&self) -> Result<Cached<Portfolio>> {
        let req = self.request(Method::GET, &["me", "portfolio"]);
        self.cached(ReadKey::Portfolio, self.json(req)).await
    }

    pub async fn create_org(&self, input: &CreateOrgRequest) -> Result<Membership> {
        let membership: Membership = self
            .json(self.request(Method::POST, &["orgs"]).json(input))
            .await?;
        remember(
            self.cache.as_ref(),
            ReadKey::of(membership.org.id, OrgRead::Membership),
            &membership,
        );
        self.cache.forget(&ReadKey::Orgs);
        Ok(membership)
    }

    pub async fn get_org(&self, org: &OrgRef) -> Result<Cached<Membership>> {
        let fetch = self.json(self.request(Method::GET, &["orgs", &org.segment()]));
        match org {
            OrgRef::Id(id) => {
                self.cached(ReadKey::of(*id, OrgRead::Membership), fetch)
                    .await
            }
            // A slug may have moved to a new name: never answer it from the cache.
            OrgRef::Slug(_) => Ok(Cached {
                value: fetch.await?,
                fetched_at: chrono::Utc::now(),
                from_cache: false,
            }),
        }
    }

    /// Updates; with `if_match`, the server refuses (412) when the org changed since.
    pub async fn update_org(
        &self,
        org: OrgId,
        if_match: Option<i64>,
        patch: &UpdateOrgRequest,
    ) -> Result<Membership> {
        let mut req = self
            .request(Method::PATCH, &["orgs", &org.to_string()])
            .json(patch);
        if let Some(version) = if_match {
            req = req.header(IF_MATCH, format!("\"{version}\""));
        }
        let membership: Membership = self.json(req).await?;
        remember(
            self.cache.as_ref(),
            ReadKey::of(org, OrgRead::Membership),
            &membership,
        );
        Ok(membership)
    }

    pub async fn overview(&self, org: OrgId) -> Result<Cached<OrgOverview>> {
        let req = self.request(Method::GET, &["orgs", &org.to_string(), "overview"]);
        self.cached(ReadKey::of(org, OrgRead::Overview), self.json(req))
            .await
    }

    pub async fn put_logo(&self, org: OrgId, content_type: &str, bytes: Vec<u8>) -> Result<Org> {
        let req = self
            .request(Method::PUT, &["orgs", &org.to_string(), "logo"])
            .header(CONTENT_TYPE, content_type)
            .body(bytes);
        self.json(req).await
    }

    pub async fn delete_logo(&self, org: OrgId) -> Result<()> {
        self.empty(self.request(Method::DELETE, &["orgs", &org.to_string(), "logo"]))
            .await
    }

    /// The logo, or `None` when the org has none. With `known_etag`, answers `Ok(None)`
    /// too when the server says the known image is still current (304).
    pub async fn get_logo(&self, org: OrgId, known_etag: Option<&str>) -> Result<Option<Logo>> {
        let mut req = self.request(Method::GET, &["orgs", &org.to_string(), "logo"]);
        if let Some(etag) = known_etag {
            req = req.header(IF_NONE_MATCH, format!("\"{etag}\""));
        }
        let resp = req.send().await.map_err(ClientError::Network)?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.map_err(ClientError::Network)?.to_vec();
        if status == StatusCode::NOT_FOUND {
            let err = ClientError::from_problem(404, &bytes);
            return match err.code() {
                orgdesk_model::ErrorCode::NotFound => Ok(None),
                _ => Err(err),
            };
        }
        if !status.is_success() {
            return Err(ClientError::from_problem(status.as_u16(), &bytes));
        }
        let header = |name| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        Ok(Some(Logo {
            content_type: header(CONTENT_TYPE),
            etag: header(ETAG).trim_matches('"').to_owned(),
            bytes,
        }))
    }
}
