//! Whose key is it: the caller named by `Authorization: Bearer …`, a session (`ods_…`)
//! or an API key (`odk_…`). Unknown or expired credentials name nobody.

use axum::http::HeaderMap;
use orgdesk_model::UserId;

use crate::auth::api_key::{self, KeyRecord};
use crate::auth::extractor::bearer;
use crate::auth::session;
use crate::config::SessionLifetimes;
use crate::db::{now_ms, Db};
use crate::error::AppError;

/// Who is calling.
#[derive(Debug, Clone)]
pub enum Caller {
    User(UserId),
    /// A live API key; the layer hands it on to [`crate::auth::ApiKeyCaller`], so the
    /// metering route does not look it up twice.
    Key(KeyRecord),
}

impl Caller {
    /// `user:<id>` or `key:<id>`.
    pub fn scope(&self) -> String {
        match self {
            Self::User(user) => format!("user:{user}"),
            Self::Key(key) => format!("key:{}", key.id),
        }
    }
}

/// The caller, or `None` when the request names no valid one.
pub async fn find(
    db: &Db,
    lifetimes: &SessionLifetimes,
    headers: &HeaderMap,
) -> Result<Option<Caller>, AppError> {
    let Some(token) = bearer(headers) else {
        return Ok(None);
    };
    let mut conn = db.pool().acquire().await?;
    if token.starts_with(session::TOKEN_PREFIX) {
        let found = session::find(&mut conn, token, lifetimes, now_ms()).await?;
        return Ok(found.map(|s| Caller::User(s.user_id)));
    }
    if token.starts_with(api_key::PREFIX) {
        let found = api_key::find_live(&mut conn, token, now_ms()).await?;
        return Ok(found.map(Caller::Key));
    }
    Ok(None)
}
