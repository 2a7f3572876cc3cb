//! `/v1/me` (rename, delete), `/v1/me/password`, `/v1/me/email`,
//! `/v1/me/verify-email/resend`, and the mailed links' `/v1/auth/verify-email` and
//! `/v1/auth/password-reset…`: thin handlers over [`crate::accounts`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::account::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, EmailVerified,
    PasswordResetConfirm, PasswordResetRequest, UpdateProfileRequest, VerifyEmailRequest,
};
use orgdesk_model::auth::Me;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::accounts::{email, profile, recovery};
use crate::auth::{service as auth, Actor, Client, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_me, delete_me))
        .routes(routes!(change_password))
        .routes(routes!(change_email))
        .routes(routes!(resend_verification))
        .routes(routes!(verify_email))
        .routes(routes!(request_password_reset))
        .routes(routes!(confirm_password_reset))
}

/// Change the display name.
#[utoipa::path(
    patch,
    path = "/v1/me",
    tag = "account",
    security(("session" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "Renamed", body = Me),
        (status = 422, description = "`validation_failed`: `display_name`"),
    )
)]
async fn update_me(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(req): ApiJson<UpdateProfileRequest>,
) -> Result<Json<Me>, AppError> {
    profile::rename(&state.db, &session.0, &client, &req).await?;
    Ok(Json(auth::me(&state.db, &session.0).await?))
}

/// Delete the account, its personal context and its sessions; it leaves every org it is a
/// member of. Refused while it owns organizations.
#[utoipa::path(
    delete,
    path = "/v1/me",
    tag = "account",
    security(("session" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "`owns_organizations`: the detail names them; transfer or delete them first"),
        (status = 422, description = "`validation_failed`: `password` is not the account's"),
        (status = 429, description = "`rate_limited`: too many wrong passwords",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn delete_me(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<DeleteAccountRequest>,
) -> Result<StatusCode, AppError> {
    profile::delete(&state.db, &state.cpu, &actor, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the password, confirmed with the current one. Every other session of the account
/// ends; this one stays.
#[utoipa::path(
    post,
    path = "/v1/me/password",
    tag = "account",
    security(("session" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "`validation_failed`: `current_password` is not the account's, or `new_password` breaks the rules"),
        (status = 429, description = "`rate_limited`: too many wrong passwords",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    session: CurrentSession,
    client: Client,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    profile::change_password(&state.db, &state.cpu, &session.0, &client, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start a change of email, confirmed with the password: the new address is mailed a link
/// (the change takes effect when it is followed), the current one a notice.
#[utoipa::path(
    post,
    path = "/v1/me/email",
    tag = "account",
    security(("session" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "Mailed; nothing changes until the link is followed"),
        (status = 409, description = "`email_taken`"),
        (status = 422, description = "`validation_failed`: `new_email`, or `password` is not the account's"),
        (status = 429, description = "`rate_limited`: too many changes today, or too many wrong passwords",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn change_email(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<ChangeEmailRequest>,
) -> Result<StatusCode, AppError> {
    let client = Client::from(&actor);
    let limits = &state.account_limits;
    email::change(
        &state.db,
        &state.cpu,
        &state.mail,
        limits,
        actor.user_id,
        &client,
        &req,
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mail the verification link again (the earlier one stops working).
#[utoipa::path(
    post,
    path = "/v1/me/verify-email/resend",
    tag = "account",
    security(("session" = [])),
    responses(
        (status = 202, description = "Mailed"),
        (status = 409, description = "`invalid_state`: the email is verified already"),
        (status = 429, description = "`rate_limited`: too many today",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn resend_verification(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<StatusCode, AppError> {
    let limits = &state.account_limits;
    email::resend(&state.db, &state.mail, limits, session.user_id()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Follow a verification link: verifies the account's email, or (a change of email) moves
/// the account to the new address. No session needed: the token is the proof.
#[utoipa::path(
    post,
    path = "/v1/auth/verify-email",
    tag = "account",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Verified", body = EmailVerified),
        (status = 409, description = "`email_taken`: the new address got an account meanwhile"),
        (status = 422, description = "`invalid_token`: unknown, used or expired"),
    )
)]
async fn verify_email(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<VerifyEmailRequest>,
) -> Result<Json<EmailVerified>, AppError> {
    Ok(Json(email::verify(&state.db, &client, &req).await?))
}

/// Ask for a password-reset link (valid 15 minutes). The answer is the same whether or not
/// an account has the address.
#[utoipa::path(
    post,
    path = "/v1/auth/password-reset",
    tag = "account",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If an account has this email, it was mailed a link"),
        (status = 422, description = "`validation_failed`: `email` is not an address"),
        (status = 429, description = "`rate_limited`: too many today from this client or for this address",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn request_password_reset(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<PasswordResetRequest>,
) -> Result<StatusCode, AppError> {
    let limits = &state.account_limits;
    recovery::request(&state.db, &state.mail, limits, &client, &req).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with a reset link. Every session of the account ends; sign in again.
#[utoipa::path(
    post,
    path = "/v1/auth/password-reset/confirm",
    tag = "account",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Reset; the email counts as verified"),
        (status = 422, description = "`invalid_token`: unknown, used or expired; `validation_failed`: `new_password`"),
    )
)]
async fn confirm_password_reset(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<PasswordResetConfirm>,
) -> Result<StatusCode, AppError> {
    recovery::confirm(&state.db, &state.cpu, &client, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}
