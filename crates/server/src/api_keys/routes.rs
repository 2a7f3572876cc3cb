//! `/v1/orgs/{org}/api-keys…`: thin handlers over [`crate::api_keys::service`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::page::PageQuery;
use orgdesk_model::{ApiKeyId, Page};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_keys::service;
use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::idempotency::Sensitive;
use crate::membership::OrgPath;
use crate::state::AppState;

/// `{id}` in `/v1/orgs/{org}/api-keys/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ApiKeySegment {
    /// The key's id
    #[param(value_type = ApiKeyId)]
    id: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// The org's API keys, newest first: owners and admins see all, a member only their own.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/api-keys",
    tag = "api_keys",
    security(("session" = [])),
    params(OrgPath, PageQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<ApiKey>),
        (status = 400, description = "`malformed_request`: a bad cursor"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_api_keys(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<ApiKey>>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), &key, &query).await?,
    ))
}

/// Create a key; its secret (`odk_…`) is in this answer only. Owners and admins: for any
/// project or the whole org; members: for one project of their scope. It may expire
/// (`expires_at`); it always acts with its creator's current role and project scope.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/api-keys",
    tag = "api_keys",
    security(("session" = [])),
    params(OrgPath),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Created; a replay by Idempotency-Key has an empty secret", body = CreatedApiKey),
        (status = 403, description = "`forbidden`: a member, for a project outside their scope"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`: `name`, `scopes`, `project_id` (required for members), `expires_at` (not in the future)"),
    )
)]
async fn create_api_key(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<CreateApiKeyRequest>,
) -> Result<Response, AppError> {
    let created = service::create(&state.db, &actor, &org, &req).await?;
    Ok((
        StatusCode::CREATED,
        Extension(Sensitive(&["secret"])),
        Json(created),
    )
        .into_response())
}

/// Revoke a key (owners and admins: any; members: their own). It stops working at once.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/api-keys/{id}",
    tag = "api_keys",
    security(("session" = [])),
    params(OrgPath, ApiKeySegment),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`not_found`: no such key, or not one the caller manages"),
    )
)]
async fn revoke_api_key(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ApiKeySegment { id }): ApiPath<ApiKeySegment>,
) -> Result<StatusCode, AppError> {
    let id: ApiKeyId = id.parse().map_err(|_| AppError::NotFound)?;
    service::revoke(&state.db, &actor, &org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
