//! How a request names an org ([`OrgKey`]), and the `{org}` segment of every route under
//! `/v1/orgs/{org}` ([`OrgPath`]): parsed and documented once.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use orgdesk_model::OrgId;
use serde::Deserialize;
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use crate::error::AppError;
use crate::http::extract::ApiPath;

/// How a request names an org: its id, or one of its slugs (current or former).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgKey {
    Id(OrgId),
    Slug(String),
}

impl OrgKey {
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        match raw.parse::<OrgId>() {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Slug(raw.to_ascii_lowercase()),
        }
    }
}

/// The org a route names. Name it in the route's `params(…)` to document the segment;
/// it reads only `{org}`, so a route's further segments take their own extractors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPath(pub OrgKey);

/// The segment as the route carries it, and its documentation.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct Segment {
    /// Org id, current slug or former slug
    org: String,
}

impl<S: Send + Sync> FromRequestParts<S> for OrgPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let ApiPath(Segment { org }) = ApiPath::from_request_parts(parts, state).await?;
        Ok(Self(OrgKey::parse(&org)))
    }
}

impl IntoParams for OrgPath {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        Segment::into_params(parameter_in)
    }
}
