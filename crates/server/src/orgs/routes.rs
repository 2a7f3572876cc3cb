//! `/v1/orgs` and `/v1/orgs/{org}`: thin handlers over [`crate::orgs::service`].

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::org::{CreateOrgRequest, Membership, OrgOverview, UpdateOrgRequest};
use orgdesk_model::page::PageQuery;
use orgdesk_model::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::precondition::{etag, IfMatch};
use crate::membership::OrgPath;
use crate::orgs::service;
use crate::reader::ReadCaller;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(get_org, update_org))
        .routes(routes!(org_overview))
}

/// A membership with its version as `ETag`.
pub(crate) fn with_etag(membership: Membership) -> Response {
    (
        [(header::ETAG, etag(membership.org.version))],
        Json(membership),
    )
        .into_response()
}

/// The caller's personal context and organizations, with their role in each.
#[utoipa::path(
    get,
    path = "/v1/orgs",
    tag = "orgs",
    security(("session" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "Personal context first, then by name", body = Page<Membership>),
        (status = 400, description = "`malformed_request`: a bad cursor or limit"),
    )
)]
async fn list_orgs(
    State(state): State<AppState>,
    session: CurrentSession,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<Membership>>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), session.0.sso_org_id, &query).await?,
    ))
}

/// Create an organization owned by the caller, on the free plan.
#[utoipa::path(
    post,
    path = "/v1/orgs",
    tag = "orgs",
    security(("session" = [])),
    request_body = CreateOrgRequest,
    responses(
        (status = 201, description = "Created; the caller is its owner", body = Membership,
            headers(("ETag" = String, description = "The org's version"))),
        (status = 409, description = "`slug_taken` or `plan_limit_reached`"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn create_org(
    State(state): State<AppState>,
    actor: Actor,
    ApiJson(req): ApiJson<CreateOrgRequest>,
) -> Result<Response, AppError> {
    let membership = service::create(&state.db, &actor, &req).await?;
    Ok((StatusCode::CREATED, with_etag(membership)).into_response())
}

/// One organization by id, current slug or former slug.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}",
    tag = "orgs",
    security(("session" = []), ("api_key" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The org with the caller's role (for an API key, its creator's) and what the caller may do there (for a key, what it may read)", body = Membership,
            headers(("ETag" = String, description = "The org's version"))),
        (status = 404, description = "`not_found`: no such org, or not a member"),
    )
)]
async fn get_org(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
) -> Result<Response, AppError> {
    Ok(with_etag(service::get(&state.db, &reader, &org).await?))
}

/// Change name, slug, description or website. Former slugs keep resolving.
#[utoipa::path(
    patch,
    path = "/v1/orgs/{org}",
    tag = "orgs",
    security(("session" = [])),
    params(
        OrgPath,
        ("If-Match" = Option<String>, Header, description = "The version last seen, e.g. \"3\""),
    ),
    request_body = UpdateOrgRequest,
    responses(
        (status = 200, description = "Updated", body = Membership,
            headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "`forbidden`: the role cannot edit settings"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`slug_taken`"),
        (status = 412, description = "`version_conflict`: `If-Match` is stale"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn update_org(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateOrgRequest>,
) -> Result<Response, AppError> {
    let if_match = IfMatch::from_headers(&headers);
    Ok(with_etag(
        service::update(&state.db, &actor, &key, &req, &if_match).await?,
    ))
}

/// The overview page: the org, the caller's role, counts of projects (in the caller's
/// scope), members, pending invitations and seats in use, and the plan's limits.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/overview",
    tag = "orgs",
    security(("session" = []), ("api_key" = [])),

    params(OrgPath),
    responses(
        (status = 200, description = "The overview", body = OrgOverview),
        (status = 404, description = "`not_found`"),
    )
)]
async fn org_overview(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
) -> Result<Json<OrgOverview>, AppError> {
    Ok(Json(service::overview(&state.db, &reader, &org).await?))
}
