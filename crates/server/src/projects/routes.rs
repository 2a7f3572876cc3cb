//! `/v1/orgs/{org}/projects…`: thin handlers over [`crate::projects::service`] and
//! [`crate::projects::lifecycle`].

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::project::{
    CreateProjectRequest, DeleteProjectQuery, Project, ProjectQuery, SuspendProjectRequest,
    UpdateProjectRequest,
};
use orgdesk_model::Page;
use serde::{Deserialize, Deserializer};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::precondition::{etag, IfMatch};
use crate::membership::{OrgKey, OrgPath};
use crate::projects::lifecycle::{self, Transition};
use crate::projects::{service, ProjectKey};
use crate::reader::ReadCaller;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, update_project, delete_project))
        .routes(routes!(suspend_project))
        .routes(routes!(unsuspend_project))
        .routes(routes!(archive_project))
        .routes(routes!(restore_project))
}

/// `{project}` in `/v1/orgs/{org}/projects/{project}…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ProjectSegment {
    /// Project id or slug
    #[serde(deserialize_with = "project_key")]
    #[param(value_type = String)]
    project: ProjectKey,
}

fn project_key<'de, D: Deserializer<'de>>(raw: D) -> Result<ProjectKey, D::Error> {
    String::deserialize(raw).map(|raw| ProjectKey::parse(&raw))
}

/// A project with its version as `ETag`.
fn with_etag(project: Project) -> Response {
    ([(header::ETAG, etag(project.version))], Json(project)).into_response()
}

/// The org's projects by name; a member with a project scope sees only those, an API key
/// limited to a project only that one.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/projects",
    tag = "projects",
    security(("session" = []), ("api_key" = [])),
    params(OrgPath, ProjectQuery),
    responses(
        (status = 200, description = "By lowercased name, then id", body = Page<Project>),
        (status = 400, description = "`malformed_request`: a bad cursor, limit or status"),
        (status = 404, description = "`not_found`: no such org, or not a member"),
    )
)]
async fn list_projects(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<ProjectQuery>,
) -> Result<Json<Page<Project>>, AppError> {
    Ok(Json(service::list(&state.db, &reader, &key, &query).await?))
}

/// Create a project (owners and admins). Active and suspended projects count toward the
/// plan's project limit.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/projects",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath),
    request_body = CreateProjectRequest,
    responses(
        (status = 201, description = "Created", body = Project,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`slug_taken` (field `slug`) or `plan_limit_reached`"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn create_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<CreateProjectRequest>,
) -> Result<Response, AppError> {
    let project = service::create(&state.db, &actor, &org, &req).await?;
    Ok((StatusCode::CREATED, with_etag(project)).into_response())
}

/// One project by id or slug.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/projects/{project}",
    tag = "projects",
    security(("session" = []), ("api_key" = [])),
    params(OrgPath, ProjectSegment),
    responses(
        (status = 200, description = "The project", body = Project,
            headers(("ETag" = String, description = "The project's version"))),
        (status = 404, description = "`not_found`: no such project, or outside the caller's scope (or the API key's project)"),
    )
)]
async fn get_project(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
) -> Result<Response, AppError> {
    Ok(with_etag(
        service::get(&state.db, &reader, &org, &project).await?,
    ))
}

/// Change name, slug or description.
#[utoipa::path(
    patch,
    path = "/v1/orgs/{org}/projects/{project}",
    tag = "projects",
    security(("session" = [])),
    params(
        OrgPath,
        ProjectSegment,
        ("If-Match" = Option<String>, Header, description = "The version last seen, e.g. \"3\""),
    ),
    request_body = UpdateProjectRequest,
    responses(
        (status = 200, description = "Updated", body = Project,
            headers(("ETag" = String, description = "The new version"))),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`slug_taken`"),
        (status = 412, description = "`version_conflict`: `If-Match` is stale"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn update_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<UpdateProjectRequest>,
) -> Result<Response, AppError> {
    let if_match = IfMatch::from_headers(&headers);
    Ok(with_etag(
        service::update(&state.db, &actor, &org, &project, &req, &if_match).await?,
    ))
}

/// Delete a project for good; `confirm` must be its slug.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/projects/{project}",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath, ProjectSegment, DeleteProjectQuery),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`malformed_request`: no `confirm`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`confirmation_mismatch`"),
    )
)]
async fn delete_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
    ApiQuery(query): ApiQuery<DeleteProjectQuery>,
) -> Result<StatusCode, AppError> {
    service::delete(&state.db, &actor, &org, &project, &query.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Suspend an active project; members see the reason.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/projects/{project}/suspend",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath, ProjectSegment),
    request_body = SuspendProjectRequest,
    responses(
        (status = 200, description = "Suspended", body = Project),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not active"),
        (status = 422, description = "`validation_failed`: the reason must have 1–300 characters"),
    )
)]
async fn suspend_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
    ApiJson(req): ApiJson<SuspendProjectRequest>,
) -> Result<Json<Project>, AppError> {
    let transition = Transition::suspend(&req.reason)?;
    transition_to(&state, &actor, &org, &project, transition).await
}

/// Make a suspended project active again.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/projects/{project}/unsuspend",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath, ProjectSegment),
    responses(
        (status = 200, description = "Active again", body = Project),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not suspended"),
    )
)]
async fn unsuspend_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
) -> Result<Json<Project>, AppError> {
    transition_to(&state, &actor, &org, &project, Transition::Unsuspend).await
}

/// Archive an active or suspended project: it no longer counts toward the limit.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/projects/{project}/archive",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath, ProjectSegment),
    responses(
        (status = 200, description = "Archived", body = Project),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: already archived"),
    )
)]
async fn archive_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
) -> Result<Json<Project>, AppError> {
    transition_to(&state, &actor, &org, &project, Transition::Archive).await
}

/// Restore an archived project to active, if the plan's limit allows.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/projects/{project}/restore",
    tag = "projects",
    security(("session" = [])),
    params(OrgPath, ProjectSegment),
    responses(
        (status = 200, description = "Active again", body = Project),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not archived; `plan_limit_reached`"),
    )
)]
async fn restore_project(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(ProjectSegment { project }): ApiPath<ProjectSegment>,
) -> Result<Json<Project>, AppError> {
    transition_to(&state, &actor, &org, &project, Transition::Restore).await
}

async fn transition_to(
    state: &AppState,
    actor: &Actor,
    org: &OrgKey,
    project: &ProjectKey,
    transition: Transition,
) -> Result<Json<Project>, AppError> {
    Ok(Json(
        lifecycle::apply(&state.db, actor, org, project, transition).await?,
    ))
}
