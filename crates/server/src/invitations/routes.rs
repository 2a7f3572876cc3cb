//! `/v1/orgs/{org}/invitations…`, `/v1/me/invitations` and `/v1/invitations/{token}…`:
//! thin handlers over [`crate::invitations::service`] and [`crate::invitations::respond`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, ReceivedInvitation,
};
use orgdesk_model::org::Membership;
use orgdesk_model::page::PageQuery;
use orgdesk_model::{InvitationId, Page};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::idempotency::Sensitive;
use crate::invitations::token::InvitationRef;
use crate::invitations::{respond, service};
use crate::membership::OrgPath;
use crate::state::AppState;

/// Accept links carry the token: an idempotent replay repeats everything but them.
const LINKS: Sensitive = Sensitive(&["link"]);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invitations, create_invitations))
        .routes(routes!(revoke_invitation))
        .routes(routes!(resend_invitation))
        .routes(routes!(my_invitations))
        .routes(routes!(get_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(decline_invitation))
}

/// `{id}` in `/v1/orgs/{org}/invitations/{id}…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct InvitationSegment {
    /// Invitation id
    #[param(value_type = InvitationId)]
    id: String,
}

/// `{token}` in `/v1/invitations/{token}…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct TokenSegment {
    /// The token from the link, or the invitation id
    token: String,
}

/// An invitation id from the path; anything else names nothing (404).
fn invitation_id(raw: &str) -> Result<InvitationId, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// Pending invitations (expired ones are left out), newest first.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/invitations",
    tag = "invitations",
    security(("session" = [])),
    params(OrgPath, PageQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<Invitation>),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`personal_context`"),
    )
)]
async fn list_invitations(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<Invitation>>, AppError> {
    Ok(Json(service::list(&state.db, &actor, &key, &query).await?))
}

/// Invite people by email, all or none. Each gets a link with a secret token, shown here
/// once and mailed. Each message counts against the inviter's invitation mail (200 per 24
/// hours) and the org's (twice the plan's seats, at least 20).
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/invitations",
    tag = "invitations",
    security(("session" = [])),
    params(OrgPath),
    request_body = CreateInvitationsRequest,
    responses(
        (status = 201, description = "Invited and mailed", body = IssuedInvitations),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`already_member`, `invitation_pending`, `seat_limit_reached` or `personal_context`"),
        (status = 422, description = "`validation_failed`: `emails`, `role` or `project_scope`"),
        (status = 429, description = "`rate_limited`: the inviter's or the org's invitation mail for the last 24 hours is used up; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn create_invitations(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(key): OrgPath,
    ApiJson(req): ApiJson<CreateInvitationsRequest>,
) -> Result<(StatusCode, Extension<Sensitive>, Json<IssuedInvitations>), AppError> {
    let issued = service::create(&state.db, &state.mail, &actor, &key, &req).await?;
    Ok((StatusCode::CREATED, Extension(LINKS), Json(issued)))
}

/// Revoke a pending invitation; its token stops working.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/invitations/{id}",
    tag = "invitations",
    security(("session" = [])),
    params(OrgPath, InvitationSegment),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not pending; `personal_context`"),
    )
)]
async fn revoke_invitation(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(InvitationSegment { id }): ApiPath<InvitationSegment>,
) -> Result<StatusCode, AppError> {
    let id = invitation_id(&id)?;
    service::revoke(&state.db, &actor, &org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send again with a new token and expiry (the old token stops working); an expired
/// invitation needs a free seat. The message counts like a new invitation's.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/invitations/{id}/resend",
    tag = "invitations",
    security(("session" = [])),
    params(OrgPath, InvitationSegment),
    responses(
        (status = 200, description = "Renewed and mailed", body = IssuedInvitation),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`, `seat_limit_reached`, `already_member`, `invitation_pending` or `personal_context`"),
        (status = 429, description = "`rate_limited`: the inviter's or the org's invitation mail for the last 24 hours is used up; see `Retry-After`",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn resend_invitation(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(InvitationSegment { id }): ApiPath<InvitationSegment>,
) -> Result<(Extension<Sensitive>, Json<IssuedInvitation>), AppError> {
    let id = invitation_id(&id)?;
    let issued = service::resend(&state.db, &state.mail, &actor, &org, id).await?;
    Ok((Extension(LINKS), Json(issued)))
}

/// Invitations waiting for the signed-in account's email, newest first; none until the
/// account verified its email.
#[utoipa::path(
    get,
    path = "/v1/me/invitations",
    tag = "invitations",
    security(("session" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "Pending, unexpired (empty while the email is not verified)", body = Page<ReceivedInvitation>),
        (status = 400, description = "`malformed_request`"),
    )
)]
async fn my_invitations(
    State(state): State<AppState>,
    session: CurrentSession,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<ReceivedInvitation>>, AppError> {
    Ok(Json(
        respond::mine(&state.db, session.user_id(), &query).await?,
    ))
}

/// An invitation by its token (or, for its invitee with a verified email, its id).
#[utoipa::path(
    get,
    path = "/v1/invitations/{token}",
    tag = "invitations",
    security(("session" = [])),
    params(TokenSegment),
    responses(
        (status = 200, description = "The invitation", body = ReceivedInvitation),
        (status = 403, description = "`invitation_for_another_account`: the detail shows the invited email masked; `email_not_verified`: by id, before the account verified its email"),
        (status = 404, description = "`not_found`"),
        (status = 410, description = "`invitation_expired`: used, declined, revoked or expired"),
    )
)]
async fn get_invitation(
    State(state): State<AppState>,
    session: CurrentSession,
    ApiPath(TokenSegment { token }): ApiPath<TokenSegment>,
) -> Result<Json<ReceivedInvitation>, AppError> {
    let by = InvitationRef::parse(&token);
    Ok(Json(
        respond::view(&state.db, session.user_id(), &by).await?,
    ))
}

/// Accept: join the org with the invited role and scope. Accepting by the mailed token
/// proves the email, and verifies the account.
#[utoipa::path(
    post,
    path = "/v1/invitations/{token}/accept",
    tag = "invitations",
    security(("session" = [])),
    params(TokenSegment),
    responses(
        (status = 200, description = "Joined; the new membership (by token, the account's email counts as verified from now)", body = Membership),
        (status = 403, description = "`invitation_for_another_account`; `email_not_verified`: by id, before the account verified its email"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`already_member` or `seat_limit_reached`"),
        (status = 410, description = "`invitation_expired`"),
    )
)]
async fn accept_invitation(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(TokenSegment { token }): ApiPath<TokenSegment>,
) -> Result<Json<Membership>, AppError> {
    let by = InvitationRef::parse(&token);
    Ok(Json(respond::accept(&state.db, &actor, &by).await?))
}

/// Decline.
#[utoipa::path(
    post,
    path = "/v1/invitations/{token}/decline",
    tag = "invitations",
    security(("session" = [])),
    params(TokenSegment),
    responses(
        (status = 204, description = "Declined"),
        (status = 403, description = "`invitation_for_another_account`; `email_not_verified`: by id, before the account verified its email"),
        (status = 404, description = "`not_found`"),
        (status = 410, description = "`invitation_expired`"),
    )
)]
async fn decline_invitation(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(TokenSegment { token }): ApiPath<TokenSegment>,
) -> Result<StatusCode, AppError> {
    let by = InvitationRef::parse(&token);
    respond::decline(&state.db, &actor, &by).await?;
    Ok(StatusCode::NO_CONTENT)
}
