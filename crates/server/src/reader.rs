//! The caller of a read route: a member's session, or a live API key with the `read`
//! scope ([`ReadCaller`]). What that reader may see is decided in one place,
//! [`crate::membership::reading`]; this only tells who it is.
//!
//! A key without the `read` scope gets 403 `forbidden`; an unknown, revoked or expired key,
//! or one whose creator left the org, 401 (as does a request with neither). Keys reach
//! the read routes that take this extractor, and the metering route; every other route
//! takes a session ([`crate::auth::CurrentSession`], [`crate::auth::Actor`]) and answers a
//! key 401.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use orgdesk_model::api_key::ApiKeyScope;

use crate::auth::api_key::PREFIX;
use crate::auth::extractor::bearer;
use crate::auth::{ApiKeyCaller, CurrentSession};
use crate::error::AppError;
use crate::membership::{AccessError, KeyReader, Reader};
use crate::state::AppState;

/// Who reads: see the module.
#[derive(Debug, Clone)]
pub struct ReadCaller(pub Reader);

impl FromRequestParts<AppState> for ReadCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let is_key = bearer(&parts.headers).is_some_and(|t| t.starts_with(PREFIX));
        if !is_key {
            let session = CurrentSession::from_request_parts(parts, state).await?;
            return Ok(Self(Reader::Member(session.user_id())));
        }
        let ApiKeyCaller(key) = ApiKeyCaller::from_request_parts(parts, state).await?;
        if !key.scopes.contains(&ApiKeyScope::Read) {
            return Err(AccessError::KeyScopeMissing("read").into());
        }
        Ok(Self(Reader::Key(KeyReader {
            org: key.org_id,
            creator: key.created_by,
            project: key.project_id,
        })))
    }
}
