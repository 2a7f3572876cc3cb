//! `/v1/me/two-factor`: one's own two-factor settings, thin handlers over
//! [`crate::auth::two_factor::service`]. Answers holding the secret or recovery codes are
//! marked [`Sensitive`], so a replayed `Idempotency-Key` never repeats them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use orgdesk_model::two_factor::{
    ConfirmTwoFactorRequest, RecoveryCodes, TwoFactorEnrolment, TwoFactorProof, TwoFactorStatus,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::two_factor::service;
use crate::auth::{Client, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::http::Sensitive;
use crate::state::AppState;

const ENROLMENT: Sensitive = Sensitive(&["secret", "otpauth_uri", "qr_svg"]);
const CODES: Sensitive = Sensitive(&["codes"]);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, start, disable))
        .routes(routes!(confirm))
        .routes(routes!(regenerate))
}

/// Whether the account signs in with a second factor.
#[utoipa::path(
    get,
    path = "/v1/me/two-factor",
    tag = "auth",
    security(("session" = [])),
    responses((status = 200, description = "The account's two-factor state", body = TwoFactorStatus))
)]
async fn status(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<Json<TwoFactorStatus>, AppError> {
    Ok(Json(service::status(&state.db, session.user_id()).await?))
}

/// Start setting up two-factor sign-in: a new secret with its otpauth URI and QR code. It
/// is not in force until confirmed; starting again replaces it.
#[utoipa::path(
    post,
    path = "/v1/me/two-factor",
    tag = "auth",
    security(("session" = [])),
    responses(
        (status = 200, description = "Add this to an authenticator app, then confirm", body = TwoFactorEnrolment),
        (status = 409, description = "`invalid_state`: two-factor is already on"),
    )
)]
async fn start(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<(Extension<Sensitive>, Json<TwoFactorEnrolment>), AppError> {
    let shown = service::start(&state, session.user_id()).await?;
    Ok((Extension(ENROLMENT), Json(shown)))
}

/// Turn two-factor sign-in on with a code from the app; answers ten recovery codes, shown
/// this once.
#[utoipa::path(
    post,
    path = "/v1/me/two-factor/confirm",
    tag = "auth",
    security(("session" = [])),
    request_body = ConfirmTwoFactorRequest,
    responses(
        (status = 200, description = "Two-factor is on; keep these codes", body = RecoveryCodes),
        (status = 409, description = "`invalid_state`: no enrolment started, or already on"),
        (status = 422, description = "`invalid_two_factor_code`, or `validation_failed` (field `code`)"),
        (status = 429, description = "`rate_limited`: too many codes; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn confirm(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(req): ApiJson<ConfirmTwoFactorRequest>,
) -> Result<(Extension<Sensitive>, Json<RecoveryCodes>), AppError> {
    let codes = service::confirm(&state, session.user_id(), &client, &req).await?;
    Ok((Extension(CODES), Json(codes)))
}

/// New recovery codes in place of the old ones, with a code from the app or a recovery
/// code.
#[utoipa::path(
    post,
    path = "/v1/me/two-factor/recovery-codes",
    tag = "auth",
    security(("session" = [])),
    request_body = TwoFactorProof,
    responses(
        (status = 200, description = "The new codes; the old ones no longer work", body = RecoveryCodes),
        (status = 409, description = "`invalid_state`: two-factor is off"),
        (status = 422, description = "`invalid_two_factor_code`, or `validation_failed` (fields `code`, `recovery_code`)"),
        (status = 429, description = "`rate_limited`: too many codes; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn regenerate(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(proof): ApiJson<TwoFactorProof>,
) -> Result<(Extension<Sensitive>, Json<RecoveryCodes>), AppError> {
    let codes = service::regenerate(&state, session.user_id(), &client, &proof).await?;
    Ok((Extension(CODES), Json(codes)))
}

/// Turn two-factor sign-in off, with a code from the app or a recovery code. Orgs that
/// require it refuse the account until it is on again.
#[utoipa::path(
    delete,
    path = "/v1/me/two-factor",
    tag = "auth",
    security(("session" = [])),
    request_body = TwoFactorProof,
    responses(
        (status = 204, description = "Two-factor is off"),
        (status = 409, description = "`invalid_state`: two-factor is off"),
        (status = 422, description = "`invalid_two_factor_code`, or `validation_failed` (fields `code`, `recovery_code`)"),
        (status = 429, description = "`rate_limited`: too many codes; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn disable(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(proof): ApiJson<TwoFactorProof>,
) -> Result<StatusCode, AppError> {
    service::disable(&state, session.user_id(), &client, &proof).await?;
    Ok(StatusCode::NO_CONTENT)
}
