//! `/v1/orgs/{org}/members…`, `…/leave` and `…/transfer-ownership`: thin handlers over
//! [`crate::members::service`] and [`crate::members::ownership`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::member::{Member, MemberQuery, TransferOwnershipRequest, UpdateMemberRequest};
use orgdesk_model::org::Membership;
use orgdesk_model::{Page, UserId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::members::named::Listed;
use crate::members::{ownership, service};
use crate::membership::OrgPath;
use crate::reader::ReadCaller;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_members))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(leave_org))
        .routes(routes!(transfer_ownership))
}

/// `{user_id}` in `/v1/orgs/{org}/members/{user_id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct MemberSegment {
    /// The member's user id
    #[param(value_type = UserId)]
    user_id: String,
}

/// A user id from the path; anything else names nobody (404).
fn user_id(raw: &str) -> Result<UserId, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// The org's members by name. `q` matches the start of the name, of any word of it, or of
/// the email. Read with an API key, members carry no `email` (`user` is `id` and
/// `display_name`), `q` matches names only, and project scopes name only the key's
/// projects.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/members",
    tag = "members",
    security(("session" = []), ("api_key" = [])),
    params(OrgPath, MemberQuery),
    responses(
        (status = 200, description = "By lowercased name, then id (without emails for an API key)", body = Page<Member>),
        (status = 400, description = "`malformed_request`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn list_members(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<MemberQuery>,
) -> Result<Json<Listed>, AppError> {
    Ok(Json(service::list(&state.db, &reader, &key, &query).await?))
}

/// Change a member's role (admin or member) and/or project scope (members only).
#[utoipa::path(
    patch,
    path = "/v1/orgs/{org}/members/{user_id}",
    tag = "members",
    security(("session" = [])),
    params(OrgPath, MemberSegment),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "Updated", body = Member),
        (status = 403, description = "`forbidden`: the role cannot manage members, or the target is the owner"),
        (status = 404, description = "`not_found`: no such org or member"),
        (status = 409, description = "`personal_context`"),
        (status = 422, description = "`validation_failed`: `role` owner, or a bad `project_scope`"),
    )
)]
async fn update_member(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(MemberSegment { user_id: user }): ApiPath<MemberSegment>,
    ApiJson(req): ApiJson<UpdateMemberRequest>,
) -> Result<Json<Member>, AppError> {
    let target = user_id(&user)?;
    Ok(Json(
        service::update(&state.db, &actor, &org, target, &req).await?,
    ))
}

/// Remove a member (never the owner).
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/members/{user_id}",
    tag = "members",
    security(("session" = [])),
    params(OrgPath, MemberSegment),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn remove_member(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(MemberSegment { user_id: user }): ApiPath<MemberSegment>,
) -> Result<StatusCode, AppError> {
    let target = user_id(&user)?;
    service::remove(&state.db, &actor, &org, target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave the organization. The owner transfers ownership first.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/leave",
    tag = "members",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 204, description = "Left"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`owner_must_transfer` or `personal_context`"),
    )
)]
async fn leave_org(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
) -> Result<StatusCode, AppError> {
    ownership::leave(&state.db, &actor, &org).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Make another member the owner; the caller becomes an admin.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/transfer-ownership",
    tag = "members",
    security(("session" = [])),
    params(OrgPath),
    request_body = TransferOwnershipRequest,
    responses(
        (status = 200, description = "Transferred; the caller's new membership", body = Membership),
        (status = 403, description = "`forbidden`: only the owner transfers"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`"),
        (status = 422, description = "`validation_failed`: `user_id` is not another member"),
    )
)]
async fn transfer_ownership(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(req): ApiJson<TransferOwnershipRequest>,
) -> Result<Json<Membership>, AppError> {
    Ok(Json(
        ownership::transfer(&state.db, &actor, &key, &req).await?,
    ))
}
