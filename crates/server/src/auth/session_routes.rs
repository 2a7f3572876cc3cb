//! `/v1/me/sessions` and `/v1/me/security-events`: one's own sessions and security log,
//! thin handlers over [`crate::auth::sessions`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::auth::{RevokeSessionsRequest, RevokedSessions, SessionList};
use orgdesk_model::page::PageQuery;
use orgdesk_model::security::AccountEvent;
use orgdesk_model::{Page, SessionId};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{sessions, Client, CurrentSession};
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
struct SessionSegment {
    /// The session's id (from the list)
    #[param(value_type = SessionId)]
    id: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(revoke_all_sessions))
        .routes(routes!(security_events))
}

/// The account's live sessions (app or browser, address, when made and last used; never
/// a token), most recently used first. `current` marks the one this request uses.
#[utoipa::path(
    get,
    path = "/v1/me/sessions",
    tag = "auth",
    security(("session" = [])),
    responses((status = 200, description = "Live sessions", body = SessionList))
)]
async fn list_sessions(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<Json<SessionList>, AppError> {
    Ok(Json(
        sessions::list(&state.db, &state.sessions, &session.0).await?,
    ))
}

/// End one of the account's sessions (naming the current one signs it out).
#[utoipa::path(
    delete,
    path = "/v1/me/sessions/{id}",
    tag = "auth",
    security(("session" = [])),
    params(SessionSegment),
    responses(
        (status = 204, description = "The session ended"),
        (status = 404, description = "`not_found`: no such session of this account"),
    )
)]
async fn revoke_session(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiPath(SessionSegment { id }): ApiPath<SessionSegment>,
) -> Result<StatusCode, AppError> {
    let id: SessionId = id.parse().map_err(|_| AppError::NotFound)?;
    sessions::revoke(&state.db, &session.0, &client, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out everywhere: ends every other session of the account, and the current one too
/// with `keep_current: false`.
#[utoipa::path(
    post,
    path = "/v1/me/sessions/revoke-all",
    tag = "auth",
    security(("session" = [])),
    request_body = RevokeSessionsRequest,
    responses((status = 200, description = "How many sessions ended", body = RevokedSessions))
)]
async fn revoke_all_sessions(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(req): ApiJson<RevokeSessionsRequest>,
) -> Result<Json<RevokedSessions>, AppError> {
    Ok(Json(
        sessions::revoke_all(&state.db, &session.0, &client, &req).await?,
    ))
}

/// The account's security log (sign-ins and failed ones, password, email and two-factor
/// changes, sessions ended, with address and user agent), newest first.
#[utoipa::path(
    get,
    path = "/v1/me/security-events",
    tag = "auth",
    security(("session" = [])),
    params(PageQuery),
    responses((status = 200, description = "Newest first", body = Page<AccountEvent>))
)]
async fn security_events(
    State(state): State<AppState>,
    session: CurrentSession,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<AccountEvent>>, AppError> {
    Ok(Json(
        sessions::security_events(&state.db, &session.0, &query).await?,
    ))
}
