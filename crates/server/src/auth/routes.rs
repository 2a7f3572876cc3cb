//! `/v1/auth/login` (and its two-factor step), `/v1/auth/logout` and `/v1/me`: thin
//! handlers over [`crate::auth::service`] (sign-up is [`crate::signup::routes`]; one's own
//! sessions [`crate::auth::session_routes`], two-factor settings
//! [`crate::auth::two_factor::routes`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::auth::{LoginRequest, Me, SessionGrant};
use orgdesk_model::two_factor::LoginTwoFactorRequest;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{service, Client, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(login_two_factor))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Sign in with email and password. With two-factor on, a right password answers 401
/// `mfa_required` whose `two_factor.challenge` goes to `POST /v1/auth/login/two-factor`.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionGrant),
        (status = 400, description = "`malformed_request`"),
        (status = 401, description = "`invalid_credentials`; or `mfa_required` with the \
            second step in `two_factor` (a challenge valid 5 minutes, once)"),
        (status = 429, description = "`rate_limited`: too many attempts for this account, or \
            a wrong password from a blocked address; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`server_busy`: too many passwords being checked; see \
            `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn login(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<SessionGrant>, AppError> {
    Ok(Json(service::login(&state, req, &client).await?))
}

/// Finish a sign-in with two-factor on: the challenge of the `mfa_required` answer and a
/// code from the authenticator app (or a recovery code, which is used up).
#[utoipa::path(
    post,
    path = "/v1/auth/login/two-factor",
    tag = "auth",
    request_body = LoginTwoFactorRequest,
    responses(
        (status = 200, description = "Signed in", body = SessionGrant),
        (status = 400, description = "`malformed_request`"),
        (status = 401, description = "`mfa_challenge_expired`: sign in again"),
        (status = 422, description = "`invalid_two_factor_code`, or `validation_failed` \
            (fields `code`, `recovery_code`, `challenge`)"),
        (status = 429, description = "`rate_limited`: too many codes; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn login_two_factor(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<LoginTwoFactorRequest>,
) -> Result<Json<SessionGrant>, AppError> {
    Ok(Json(service::login_two_factor(&state, req, &client).await?))
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
    client: Client,
) -> Result<StatusCode, AppError> {
    service::logout(&state.db, &session.0, &client).await?;
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
