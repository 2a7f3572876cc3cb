//! `/v1/orgs/{org}/logo`: upload, serve and remove an org's logo.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::org::Org;
use orgdesk_model::validate::LOGO_MAX_BYTES;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::precondition::{etag, none_match_hits};
use crate::http::raw::RawBytes;
use crate::membership::OrgPath;
use crate::orgs::logo;
use crate::state::AppState;

/// Logos may be larger than the JSON bodies every other route accepts.
/// The logo's body limit, larger than the JSON routes' ([`crate::router`] applies it).
pub const BODY_LIMIT: usize = LOGO_MAX_BYTES;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(put_logo, get_logo, delete_logo))
}

/// Upload the logo: PNG, JPEG or SVG, at most 2 MB. An SVG is drawn to a PNG (512 px on
/// its longer side) and only the PNG is kept: the answer's logo is `image/png`.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/logo",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    request_body(content(
        (RawBytes = "image/png"),
        (RawBytes = "image/jpeg"),
        (RawBytes = "image/svg+xml"),
    )),
    responses(
        (status = 200, description = "Stored; the org with its new logo and version", body = Org),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 413, description = "`payload_too_large`: over 2 MB"),
        (status = 415, description = "`unsupported_media_type`: not PNG, JPEG or SVG, the bytes differ from the Content-Type, or an SVG that cannot be read or drawn"),
    )
)]
async fn put_logo(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<Org>, AppError> {
    let body = body?;
    let declared = logo::declared_type(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    );
    let org = logo::put(&state.db, &actor, &key, declared.as_deref(), body.to_vec()).await?;
    Ok(Json(org))
}

/// The logo's bytes, PNG or JPEG; honours `If-None-Match`. Cached by the caller only, and
/// revalidated before each use (`Cache-Control: private, no-cache`).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/logo",
    tag = "orgs",
    security(("session" = [])),
    params(
        OrgPath,
        ("If-None-Match" = Option<String>, Header, description = "The logo etag already held"),
    ),
    responses(
        (status = 200, description = "The image", content(
            (RawBytes = "image/png"),
            (RawBytes = "image/jpeg"),
        ), headers(("ETag" = String, description = "Content hash"))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "`not_found`: no such org, not a member, or no logo"),
    )
)]
async fn get_logo(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let logo = logo::get(&state.db, session.user_id(), &org).await?;
    let common = [
        (header::ETAG, etag(&logo.etag)),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        ),
    ];
    if none_match_hits(&headers, &logo.etag) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let content_type = HeaderValue::from_str(&logo.content_type)
        .map_err(|_| AppError::CorruptRow("logo content type"))?;
    Ok((common, [(header::CONTENT_TYPE, content_type)], logo.bytes).into_response())
}

/// Remove the logo.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/logo",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 204, description = "Removed (or there was none)"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn delete_logo(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
) -> Result<StatusCode, AppError> {
    logo::delete(&state.db, &actor, &org).await?;
    Ok(StatusCode::NO_CONTENT)
}
