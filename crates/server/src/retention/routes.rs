//! `/v1/orgs/{org}/retention`: the org's retention periods, thin handlers over
//! [`crate::retention::settings`].

use axum::extract::State;
use axum::Json;
use orgdesk_model::retention::{RetentionPolicy, RetentionSettings};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::membership::OrgPath;
use crate::retention::settings;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_retention, put_retention))
}

/// How long the org keeps each kind of data (owners and admins): its setting, and per
/// kind what applies under its plan and the plan's bounds.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/retention",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The retention settings", body = RetentionSettings),
        (status = 403, description = "`forbidden`"),
    )
)]
async fn get_retention(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
) -> Result<Json<RetentionSettings>, AppError> {
    Ok(Json(
        settings::get(&state.db, session.user_id(), &key).await?,
    ))
}

/// Replace the org's retention periods (owners and admins); audited as
/// `org.retention_updated` with the kinds that changed.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/retention",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    request_body = RetentionPolicy,
    responses(
        (status = 200, description = "The new settings", body = RetentionSettings),
        (status = 403, description = "`forbidden`"),
        (status = 409, description = "`org_pending_deletion`: the org is read-only"),
        (status = 422, description = "`validation_failed`: every period outside the plan's \
            bounds is listed by its field"),
    )
)]
async fn put_retention(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(policy): ApiJson<RetentionPolicy>,
) -> Result<Json<RetentionSettings>, AppError> {
    Ok(Json(
        settings::update(&state.db, &actor, &key, &policy).await?,
    ))
}
