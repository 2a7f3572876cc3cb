//! `POST /v1/auth/signup`: a thin handler over [`crate::signup::service`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::auth::{SessionGrant, SignupRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Client;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::signup::service;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(signup))
}

/// Create an account, its personal context and a session, and mail the address a link
/// that verifies it (until then, invitations are not shown and cannot be accepted by id).
#[utoipa::path(
    post,
    path = "/v1/auth/signup",
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Signed up and signed in", body = SessionGrant),
        (status = 400, description = "`malformed_request`"),
        (status = 409, description = "`email_taken`: whether or not that account verified \
            the email; when it did not, the address is mailed a link to take the account over"),
        (status = 422, description = "`validation_failed`: every invalid field is listed"),
        (status = 429, description = "`rate_limited`: too many sign-ups from this address today",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "`server_busy`: too many passwords being hashed; see \
            `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn signup(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<SignupRequest>,
) -> Result<(StatusCode, Json<SessionGrant>), AppError> {
    Ok((
        StatusCode::CREATED,
        Json(service::signup(&state, req, &client).await?),
    ))
}
