//! `PUT /v1/orgs/{org}/plan`: the owner's plan change ([`crate::subscriptions::change`]).

use axum::extract::State;
use axum::Json;
use orgdesk_model::billing::{BillingSummary, ChangePlanRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::error::AppError;
use crate::http::extract::ApiJson;
use crate::idempotency::IdempotencyKey;
use crate::membership::OrgPath;
use crate::state::AppState;
use crate::subscriptions::change;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(change_plan))
}

/// Change the plan (the owner). A plan that current usage exceeds is refused, naming each
/// limit that is over (`projects`, `seats`, and for a personal context `owned_orgs`). A
/// server in `none` payment mode refuses paid plans (`payments_not_configured`). With card
/// payments (`stripe`) a paid plan is a subscription charged to the saved card: the plan
/// changes once Stripe says it is active (the summary's `subscription` shows `pending`
/// until then); Free cancels it.
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/plan",
    tag = "billing",
    security(("session" = [])),
    params(
        OrgPath,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe; passed on to Stripe"),
    ),
    request_body = ChangePlanRequest,
    responses(
        (status = 200, description = "The billing summary on the new plan", body = BillingSummary),
        (status = 403, description = "`forbidden`: only the owner changes the plan"),
        (status = 404, description = "`not_found`"),
        (status = 402, description = "`payment_declined`: the card was declined (Stripe's reason in `detail`); the plan is unchanged"),
        (status = 409, description = "`plan_downgrade_blocked`: `errors` lists what is over; `payments_not_configured`: the server takes no payments (`payment_mode` `none`) and the plan is a paid one (the Free plan stays open); `card_required`: add a card first (`stripe`)"),
        (status = 502, description = "`payment_processor_unavailable`"),
    )
)]
async fn change_plan(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    IdempotencyKey(idempotency): IdempotencyKey,
    ApiJson(req): ApiJson<ChangePlanRequest>,
) -> Result<Json<BillingSummary>, AppError> {
    let key = idempotency.map(|i| format!("orgdesk-plan-{}/{}", i.scope, i.key));
    Ok(Json(
        change::change_plan(
            &state.db,
            &state.payments,
            &actor,
            &org,
            req.plan,
            key.as_deref(),
        )
        .await?,
    ))
}
