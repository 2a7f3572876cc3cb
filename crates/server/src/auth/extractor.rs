//! The signed-in caller, from `Authorization: Bearer <token>`. Missing, unknown, expired and
//! idle tokens all answer 401 `unauthenticated` with `WWW-Authenticate: Bearer`. A session
//! used again after a minute or more has its `last_seen_at` moved (one small write a
//! minute per session, not one per request).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use crate::auth::error::AuthError;
use crate::auth::session::{self, SessionRecord};
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;

/// The caller's live session. Handlers that take it are authenticated.
#[derive(Debug, Clone)]
pub struct CurrentSession(pub SessionRecord);

impl CurrentSession {
    pub fn user_id(&self) -> orgdesk_model::UserId {
        self.0.user_id
    }
}

impl FromRequestParts<AppState> for CurrentSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = bearer(&parts.headers)
            .filter(|t| t.starts_with(session::TOKEN_PREFIX))
            .ok_or(AuthError::Unauthenticated)?;
        let now = now_ms();
        let record = match parts.extensions.get::<Found>() {
            Some(Found(record)) => record.clone(),
            None => {
                // The read connection goes back before a touch: a writer holding the
                // gate may be waiting for a connection.
                let mut conn = state.db.pool().acquire().await?;
                session::find(&mut conn, token, &state.sessions, now)
                    .await?
                    .ok_or(AuthError::Unauthenticated)?
            }
        };
        if session::needs_touch(&record, now) {
            let _turn = state.db.write_gate().await?;
            let mut conn = state.db.pool().acquire().await?;
            session::touch(&mut conn, &record, now).await?;
        }
        Ok(Self(record))
    }
}

/// The live session of this request's token, found by a layer before the route (the SSO
/// guard reads it in the statement that answers its own question), so that the route
/// does not look it up again. Only server code sets request extensions.
#[derive(Clone)]
struct Found(SessionRecord);

/// Keeps the live session `record` of this request's bearer token for [`CurrentSession`].
pub fn remember(parts: &mut Parts, record: SessionRecord) {
    parts.extensions.insert(Found(record));
}

/// The live session a layer before this one found for the request's bearer token, if any.
pub fn remembered(extensions: &Extensions) -> Option<&SessionRecord> {
    extensions.get::<Found>().map(|Found(record)| record)
}

/// The bearer token of a request (a session's `ods_…` or an API key's `odk_…`), if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}
