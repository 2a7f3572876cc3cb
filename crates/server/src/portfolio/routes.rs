//! `GET /v1/me/portfolio`: a thin handler over [`crate::portfolio::service`].

use axum::extract::State;
use axum::Json;
use orgdesk_model::portfolio::Portfolio;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::portfolio::service;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(portfolio))
}

/// Every org the caller belongs to, personal context first, then by name: the role, and
/// the figures that role may see there — balance, low-balance flag, credits spent this
/// and last calendar month (UTC) for those who see billing; pending invitations for those
/// who manage them; active projects (a scoped member's, in their scope) for all. A figure
/// the role may not see is `null`; an org that refuses this session (its SSO or
/// two-factor policy) shows no figure at all.
#[utoipa::path(
    get,
    path = "/v1/me/portfolio",
    tag = "orgs",
    security(("session" = [])),
    responses((status = 200, description = "Every org of the caller with its figures", body = Portfolio))
)]
async fn portfolio(
    State(state): State<AppState>,
    session: CurrentSession,
) -> Result<Json<Portfolio>, AppError> {
    Ok(Json(service::portfolio(&state.db, &session.0).await?))
}
