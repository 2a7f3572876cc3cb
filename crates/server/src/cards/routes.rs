//! `POST /v1/orgs/{org}/billing/card`: a card page for the org (see [`crate::cards::page`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::payment::CardSetup;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::cards::setup;
use crate::error::AppError;
use crate::membership::OrgPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_card_setup))
}

/// Where to add or replace the org's card (owners and admins; `stripe` mode). Open the
/// returned `url` in a browser: the page hands the card to Stripe and saves it; then the
/// card shows in the billing summary. The link works for 30 minutes.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/billing/card",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 201, description = "The card page", body = CardSetup),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`payments_not_configured`: the server takes no card payments"),
        (status = 502, description = "`payment_processor_unavailable`"),
    )
)]
async fn start_card_setup(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
) -> Result<(StatusCode, Json<CardSetup>), AppError> {
    let setup = setup::start(&state.db, &state.payments, &state.public_url, &actor, &org).await?;
    Ok((StatusCode::CREATED, Json(setup)))
}
