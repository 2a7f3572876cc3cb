//! The caller of the metering route: a live API key from `Authorization: Bearer odk_…`.
//! A missing, unknown or revoked key, or one whose creator left the org, answers 401.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::api_keys::repo::{self, KeyRecord};
use crate::api_keys::secret;
use crate::error::AppError;
use crate::idempotency::caller::bearer;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct ApiKeyCaller(pub KeyRecord);

impl FromRequestParts<AppState> for ApiKeyCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // Already looked up by the idempotency layer for this very request.
        if let Some(key) = parts.extensions.get::<KeyRecord>() {
            return Ok(Self(key.clone()));
        }
        let token = bearer(&parts.headers)
            .filter(|t| t.starts_with(secret::PREFIX))
            .ok_or(AppError::InvalidApiKey)?;
        let mut conn = state.db.pool().acquire().await?;
        let key = repo::find_live(&mut conn, token)
            .await?
            .ok_or(AppError::InvalidApiKey)?;
        Ok(Self(key))
    }
}
