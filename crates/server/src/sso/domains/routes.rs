//! `/v1/orgs/{org}/domains…`: thin handlers over [`crate::sso::domains::service`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::sso::{ClaimDomainRequest, OrgDomain, OrgDomainList};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath};
use crate::membership::OrgPath;
use crate::sso::domains::service;
use crate::state::AppState;

/// `{domain}` in `/v1/orgs/{org}/domains/{domain}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct DomainSegment {
    /// The claimed domain, e.g. `acme.com`
    domain: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domains, claim_domain))
        .routes(routes!(verify_domain))
        .routes(routes!(remove_domain))
}

/// The org's claimed email domains with the TXT record each needs (owners and admins).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/domains",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "Oldest claim first", body = OrgDomainList),
        (status = 403, description = "`forbidden`: not an owner or admin; or `sso_required`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn list_domains(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
) -> Result<Json<OrgDomainList>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), &org).await?,
    ))
}

/// Claim an email domain; audited as `org.domain_claimed`. Publish the answer's
/// `record_value` as a TXT record at its `record_name`, then verify. Claiming a domain
/// the org already claims answers that claim (200).
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/domains",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath),
    request_body = ClaimDomainRequest,
    responses(
        (status = 201, description = "Claimed, not yet verified", body = OrgDomain),
        (status = 200, description = "The org's existing claim of this domain", body = OrgDomain),
        (status = 403, description = "`forbidden`: not an owner or admin; or `sso_required`"),
        (status = 409, description = "`domain_taken`: another org has it verified; \
            `invalid_state`: the org claims 50 domains already; `personal_context`; \
            `org_pending_deletion`"),
        (status = 422, description = "`validation_failed` (field `domain`)"),
    )
)]
async fn claim_domain(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<ClaimDomainRequest>,
) -> Result<Response, AppError> {
    let claimed = service::claim(&state.db, &actor, &org, &req).await?;
    let status = if claimed.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(claimed.domain)).into_response())
}

/// Look the domain's TXT record up now (through the server's resolver); verified when it
/// holds the value (audited as `org.domain_verified`).
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/domains/{domain}/verify",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath, DomainSegment),
    responses(
        (status = 200, description = "Verified", body = OrgDomain),
        (status = 403, description = "`forbidden`: not an owner or admin; or `sso_required`"),
        (status = 409, description = "`domain_taken`: another org has it verified; \
            `personal_context`; `org_pending_deletion`"),
        (status = 422, description = "`domain_not_verified`: the record is missing or holds \
            other values (the detail says what was found)"),
        (status = 503, description = "`dns_unavailable`: no definitive answer (timeout, \
            server failure); nothing changed"),
    )
)]
async fn verify_domain(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<DomainSegment>,
) -> Result<Json<OrgDomain>, AppError> {
    Ok(Json(
        service::verify(&state.db, &state.dns, &actor, &org, &segment.domain).await?,
    ))
}

/// Withdraw a claim, verified or not; audited as `org.domain_removed`.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/domains/{domain}",
    tag = "sso",
    security(("session" = [])),
    params(OrgPath, DomainSegment),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`: not an owner or admin; or `sso_required`"),
        (status = 409, description = "`personal_context`; `org_pending_deletion`"),
    )
)]
async fn remove_domain(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<DomainSegment>,
) -> Result<StatusCode, AppError> {
    service::remove(&state.db, &actor, &org, &segment.domain).await?;
    Ok(StatusCode::NO_CONTENT)
}
