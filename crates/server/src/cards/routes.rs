//! `POST /v1/orgs/{org}/billing/card`: a card page for the org (see [`crate::cards::page`]);
//! `PUT /v1/orgs/{org}/billing/profile`: the billing profile, copied to the org's customer at
//! Stripe when it has one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::payment::{BillingProfile, CardSetup};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::billing::profile;
use crate::cards::{customer, setup};
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::membership::OrgPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_card_setup))
        .routes(routes!(set_billing_profile))
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

/// Change who receipts are made out to (owners and admins). Empty fields clear; with
/// card payments the processor's customer is updated too.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/billing/profile",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath),
    request_body = BillingProfile,
    responses(
        (status = 200, description = "The saved profile", body = BillingProfile),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`: `billing_email`, `country` (two letters), a line over 200 characters, `tax_id` over 40, or a control/invisible character"),
    )
)]
async fn set_billing_profile(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<BillingProfile>,
) -> Result<Json<BillingProfile>, AppError> {
    let (org_id, saved) = profile::update(&state.db, &actor, &org, &req).await?;
    if let Ok(stripe) = state.payments.card_processor() {
        // The profile is saved here either way; Stripe's copy (its own receipts) catches
        // up with the next change when it cannot be reached now.
        if let Err(error) = customer::sync_profile(&state.db, stripe, org_id, &saved).await {
            tracing::warn!(%error, %org_id, "the billing profile was not copied to Stripe");
        }
    }
    Ok(Json(saved))
}
