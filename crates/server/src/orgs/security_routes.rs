//! `/v1/orgs/{org}/security`: the org's security policy, thin handlers over
//! [`crate::orgs::security`].

use axum::extract::State;
use axum::Json;
use orgdesk_model::policy::{OrgSecurityPolicy, UpdateOrgSecurityPolicy};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::membership::OrgPath;
use crate::orgs::security;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_security, put_security))
}

/// The org's security policy (owners and admins).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/security",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The policy", body = OrgSecurityPolicy),
        (status = 403, description = "`forbidden`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn get_security(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
) -> Result<Json<OrgSecurityPolicy>, AppError> {
    Ok(Json(
        security::get(&state.db, session.user_id(), &key).await?,
    ))
}

/// Replace the org's security policy (owners and admins); audited as
/// `org.security_updated`.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/security",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    request_body = UpdateOrgSecurityPolicy,
    responses(
        (status = 200, description = "The new policy", body = OrgSecurityPolicy),
        (status = 403, description = "`forbidden`"),
        (status = 409, description = "`personal_context`; or `invalid_state`: requiring \
            two-factor needs it on the caller's own account first"),
        (status = 422, description = "`validation_failed`: every invalid field is listed"),
    )
)]
async fn put_security(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(req): ApiJson<UpdateOrgSecurityPolicy>,
) -> Result<Json<OrgSecurityPolicy>, AppError> {
    Ok(Json(security::update(&state.db, &actor, &key, &req).await?))
}
