//! `/v1/auth/login`, `/v1/auth/logout` and `/v1/me`: thin handlers over
//! [`crate::auth::service`] (sign-up is [`crate::signup::routes`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::auth::{LoginRequest, Me, SessionGrant};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{service, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Sign in with email and password.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionGrant),
        (status = 400, description = "`malformed_request`"),
        (status = 401, description = "`invalid_credentials`"),
        (status = 429, description = "`rate_limited`: see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<SessionGrant>, AppError> {
    let ip = peer.ip().to_string();
    Ok(Json(service::login(&state.db, req, &ip).await?))
}

/// End the current session.
#[utoipa::path(
    post,
    path = "/v1/auth/logout",
    tag = "auth",
    security(("session" = [])),
    responses((status = 204, description = "Signed out"))
)]
async fn logout(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<StatusCode, AppError> {
    service::logout(&state.db, &session.0).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account and its personal context.
#[utoipa::path(
    get,
    path = "/v1/me",
    tag = "auth",
    security(("session" = [])),
    responses((status = 200, description = "The caller", body = Me))
)]
async fn me(State(state): State<AppState>, session: CurrentSession) -> Result<Json<Me>, AppError> {
    Ok(Json(service::me(&state.db, &session.0).await?))
}
