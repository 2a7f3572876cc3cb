//! `/v1/orgs/{org}/deletion`: the owner schedules an org's deletion, or cancels it, over
//! [`crate::lifecycle::deletion`].

use axum::extract::State;
use axum::response::Response;
use orgdesk_model::org::ScheduleDeletionRequest;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::actor::Client;
use crate::auth::Actor;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::lifecycle::deletion;
use crate::membership::OrgPath;
use crate::orgs::routes::with_etag;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(schedule_deletion, cancel_deletion))
        .routes(routes!(delete_org))
}

/// Delete an organization: the SPEC's route, which schedules the deletion exactly as
/// `POST /v1/orgs/{org}/deletion` does (nothing is deleted at once; 30 days to cancel).
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    request_body = ScheduleDeletionRequest,
    responses(
        (status = 200, description = "Scheduled: the org with `pending_deletion`", body = orgdesk_model::org::Membership),
        (status = 403, description = "`forbidden`: only the owner deletes"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`, or `invalid_state`: already scheduled"),
        (status = 422, description = "`validation_failed` (`confirm_slug`, `code`), `invalid_credentials` on `password`, or `invalid_two_factor_code`"),
        (status = 429, description = "`rate_limited`: too many passwords or codes tried"),
    )
)]
async fn delete_org(
    state: State<AppState>,
    actor: Actor,
    client: Client,
    org: OrgPath,
    req: ApiJson<ScheduleDeletionRequest>,
) -> Result<Response, AppError> {
    schedule_deletion(state, actor, client, org, req).await
}

/// Schedule the org's deletion (owner only). It is read-only for everyone from now on —
/// changes answer 409 `org_pending_deletion`, API keys stop working, webhooks pause — and
/// is deleted for good after 30 days unless the owner cancels. Members are mailed. Type
/// the slug to confirm; the password, and a code where the account has two-factor
/// sign-in, prove it is the owner.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/deletion",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    request_body = ScheduleDeletionRequest,
    responses(
        (status = 200, description = "Scheduled: the org with `pending_deletion`", body = orgdesk_model::org::Membership),
        (status = 403, description = "`forbidden`: only the owner deletes"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`, or `invalid_state`: already scheduled"),
        (status = 422, description = "`validation_failed` (`confirm_slug`, `code`), `invalid_credentials` on `password`, or `invalid_two_factor_code`"),
        (status = 429, description = "`rate_limited`: too many passwords or codes tried"),
    )
)]
async fn schedule_deletion(
    State(state): State<AppState>,
    actor: Actor,
    client: Client,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<ScheduleDeletionRequest>,
) -> Result<Response, AppError> {
    let membership = deletion::schedule(&state, &actor, &client, &org, &req).await?;
    Ok(with_etag(membership))
}

/// Cancel a scheduled deletion (owner only): the org is writable again, as it was.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/deletion",
    tag = "orgs",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "Cancelled", body = orgdesk_model::org::Membership),
        (status = 403, description = "`forbidden`: only the owner cancels"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not scheduled"),
    )
)]
async fn cancel_deletion(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
) -> Result<Response, AppError> {
    let membership = deletion::cancel(&state, &actor, &org).await?;
    Ok(with_etag(membership))
}
