//! `/v1/orgs/{org}/sso` (the connection and its test) and `/v1/auth/sso/…` (the sign-in
//! flow): thin handlers over [`connection`], [`flow`], [`callback`] and [`redeem`].

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use orgdesk_model::sso::{
    SsoConnectionRequest, SsoRedeemRequest, SsoRedemption, SsoSettings, SsoStart, SsoStartRequest,
    SsoTestRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, Client, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::membership::OrgPath;
use crate::sso::callback::{self, Answer, CallbackQuery};
use crate::sso::{connection, flow, redeem, SsoError};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_sso, put_sso, delete_sso))
        .routes(routes!(test_sso))
        .routes(routes!(start))
        .routes(routes!(sso_callback))
        .routes(routes!(redeem_code))
}

/// The org's single sign-on connection (never its client secret) and the redirect URI to
/// register at the provider (owners and admins).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/sso",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The connection, or none", body = SsoSettings),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn get_sso(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
) -> Result<Json<SsoSettings>, AppError> {
    Ok(Json(
        connection::get(&state, session.user_id(), &key).await?,
    ))
}

/// Create or replace the connection (owners and admins). The provider's discovery
/// document and keys are fetched and validated first; audited as `org.sso_updated`.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/sso",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    request_body = SsoConnectionRequest,
    responses(
        (status = 200, description = "Saved", body = SsoSettings),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`, `org_pending_deletion`"),
        (status = 422, description = "`validation_failed` (every invalid field listed), or \
            `sso_discovery_failed`: the provider's configuration is not usable (why, in \
            `detail`)"),
    )
)]
async fn put_sso(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(req): ApiJson<SsoConnectionRequest>,
) -> Result<Json<SsoSettings>, AppError> {
    Ok(Json(connection::put(&state, &actor, &key, &req).await?))
}

/// Remove the connection (owners and admins); audited as `org.sso_removed`.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/sso",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`, or `sso_not_configured`"),
        (status = 409, description = "`personal_context`, `org_pending_deletion`"),
    )
)]
async fn delete_sso(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
) -> Result<StatusCode, AppError> {
    connection::delete(&state, &actor, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Run the sign-in flow as an admin, signing nobody in: open `authorization_url`, then
/// redeem the code as for a sign-in; the redemption answers what the provider said.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/sso/test",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    request_body = SsoTestRequest,
    responses(
        (status = 200, description = "Where to send the browser", body = SsoStart),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`, or `sso_not_configured`"),
        (status = 409, description = "`personal_context`"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn test_sso(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(req): ApiJson<SsoTestRequest>,
) -> Result<Json<SsoStart>, AppError> {
    Ok(Json(flow::test(&state, &actor, &key, &req).await?))
}

/// Start a sign-in with the org's identity provider (found by the org's slug, or by the
/// email's verified domain). Open `authorization_url` in the system browser; the provider
/// returns to the server, which sends the browser to `redirect_uri` with a one-time code.
#[utoipa::path(
    post,
    path = "/v1/auth/sso/start",
    tag = "sso",
    request_body = SsoStartRequest,
    responses(
        (status = 200, description = "Where to send the browser", body = SsoStart),
        (status = 400, description = "`malformed_request`"),
        (status = 404, description = "`sso_not_configured`: no such org or verified domain, \
            or no connection"),
        (status = 422, description = "`validation_failed`"),
        (status = 429, description = "`rate_limited`; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn start(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<SsoStartRequest>,
) -> Result<Json<SsoStart>, AppError> {
    Ok(Json(flow::start(&state, &req, &client).await?))
}

/// Where the identity provider sends the browser back. Answers 303 to the app's loopback
/// address (with `code` and `state`, or `error`, `error_description` and `state`), or a
/// 400 when the flow is unknown, expired or already answered: an HTML page for a browser
/// (`Accept: text/html`), a problem document otherwise.
#[utoipa::path(
    get,
    path = "/v1/auth/sso/callback",
    tag = "sso",
    params(CallbackQuery),
    responses(
        (status = 303, description = "To the app's loopback address",
            headers(("Location" = String, description = "The app's redirect URI"))),
        (status = 400, description = "`malformed_request`: no such flow (to a browser, an \
            HTML page)"),
    )
)]
async fn sso_callback(
    State(state): State<AppState>,
    client: Client,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = query.map(|Query(q)| q).unwrap_or_default();
    match callback::callback(&state, &query, &client).await {
        Answer::Redirect(location) => {
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        Answer::Unknown => {
            let browser = headers
                .get(header::ACCEPT)
                .and_then(|accept| accept.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"));
            if browser {
                (StatusCode::BAD_REQUEST, Html(UNKNOWN_PAGE)).into_response()
            } else {
                AppError::from(SsoError::UnknownFlow).into_response()
            }
        }
    }
}

const UNKNOWN_PAGE: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Sign-in expired</title></head><body><h1>This sign-in is no longer valid</h1>\
<p>It expired or was already used. Go back to Orgdesk and start it again.</p></body></html>";

/// Redeem the one-time code of the loopback redirect with the PKCE verifier of the
/// challenge the flow started with: a session (sign-in) or the provider's answer (test).
/// Works once.
#[utoipa::path(
    post,
    path = "/v1/auth/sso/redeem",
    tag = "sso",
    request_body = SsoRedeemRequest,
    responses(
        (status = 200, description = "Signed in, or tested", body = SsoRedemption),
        (status = 400, description = "`malformed_request`"),
        (status = 401, description = "`sso_failed`: unknown, used or expired code, or a \
            verifier that does not match"),
    )
)]
async fn redeem_code(
    State(state): State<AppState>,
    client: Client,
    ApiJson(req): ApiJson<SsoRedeemRequest>,
) -> Result<Json<SsoRedemption>, AppError> {
    Ok(Json(redeem::redeem(&state, &req, &client).await?))
}
