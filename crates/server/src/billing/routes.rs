//! `/v1/orgs/{org}/billing…`, plan, top-ups, the ledger and `/v1/rates`: thin handlers
//! over [`crate::billing::service`] and [`crate::billing::topup`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::billing::{
    AlertSettings, BillingSummary, LedgerEntry, LedgerQuery, RateCard, SpendPolicy, TopUp,
    TopUpRequest,
};
use orgdesk_model::payment::BillingProfile;
use orgdesk_model::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Actor;
use crate::auth::CurrentSession;
use crate::billing::{profile, rates, service, topup};
use crate::db::now_ms;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::idempotency::IdempotencyKey;
use crate::membership::OrgPath;
use crate::reader::ReadCaller;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(billing_summary))
        .routes(routes!(top_up))
        .routes(routes!(ledger))
        .routes(routes!(set_alerts))
        .routes(routes!(set_spend_policy))
        .routes(routes!(rate_card))
        .routes(routes!(billing_profile))
}

/// Who the org's receipts are made out to (everyone who sees billing).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/billing/profile",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The billing profile (empty fields when none was saved)", body = BillingProfile),
        (status = 403, description = "`forbidden`: members do not see billing"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn billing_profile(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
) -> Result<Json<BillingProfile>, AppError> {
    Ok(Json(
        profile::get(&state.db, session.user_id(), &org).await?,
    ))
}

/// Balance, plan, limits and usage, the low-balance alert, this month's spending and the
/// spend policy (owners and admins).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/billing",
    tag = "billing",
    security(("session" = []), ("api_key" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "The billing summary", body = BillingSummary),
        (status = 403, description = "`forbidden`: members do not see billing (nor their API keys), and an API key limited to a project does not see the org's balance"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn billing_summary(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
) -> Result<Json<BillingSummary>, AppError> {
    Ok(Json(
        service::summary(&state.db, state.payments.mode(), &reader, &org).await?,
    ))
}

/// Buy credits (owners and admins), through the server's payments: recorded, not charged,
/// in `local` mode; refused with 409 `payments_not_configured` in `none` mode. With an
/// `Idempotency-Key` a top-up is credited exactly once.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/credits/top-ups",
    tag = "billing",
    security(("session" = [])),
    params(
        OrgPath,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe"),
    ),
    request_body = TopUpRequest,
    responses(
        (status = 201, description = "Credited", body = TopUp),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`payments_not_configured`: the server takes no payments (`payment_mode` `none`; its operator grants credits), answered to every permitted top-up; `invalid_state`: the payment was declined; `idempotency_key_in_flight`"),
        (status = 422, description = "`validation_failed` (`amount`: 1–10,000,000); `idempotency_key_reused`"),
    )
)]
async fn top_up(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    IdempotencyKey(idempotency): IdempotencyKey,
    ApiJson(req): ApiJson<TopUpRequest>,
) -> Result<(StatusCode, Json<TopUp>), AppError> {
    let done = topup::top_up(
        &state.db,
        &state.payments,
        &actor,
        &org,
        &req,
        idempotency.as_ref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

/// The ledger, newest first (owners and admins, and their API keys; a key limited to a
/// project reads that project's lines only).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/ledger",
    tag = "billing",
    security(("session" = []), ("api_key" = [])),

    params(OrgPath, LedgerQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<LedgerEntry>),
        (status = 400, description = "`malformed_request`: a bad cursor or filter"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn ledger(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Json<Page<LedgerEntry>>, AppError> {
    Ok(Json(
        service::ledger(&state.db, &reader, &org, &query).await?,
    ))
}

/// Set or clear the low-balance threshold (owners and admins).
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/billing/alerts",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath),
    request_body = AlertSettings,
    responses(
        (status = 200, description = "The billing summary", body = BillingSummary),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`: `low_balance_threshold`"),
    )
)]
async fn set_alerts(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<AlertSettings>,
) -> Result<Json<BillingSummary>, AppError> {
    Ok(Json(
        service::set_alerts(
            &state.db,
            &state.mail,
            state.payments.mode(),
            &actor,
            &org,
            &req,
        )
        .await?,
    ))
}

/// Who may spend credits through API keys (owners and admins).
#[utoipa::path(
    put,
    path = "/v1/orgs/{org}/billing/spend-policy",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath),
    request_body = SpendPolicy,
    responses(
        (status = 200, description = "The billing summary", body = BillingSummary),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`: `ids` names a project of another org"),
    )
)]
async fn set_spend_policy(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<SpendPolicy>,
) -> Result<Json<BillingSummary>, AppError> {
    Ok(Json(
        service::set_spend_policy(&state.db, state.payments.mode(), &actor, &org, &req).await?,
    ))
}

/// The rate card in effect: credits per unit of each modality.
#[utoipa::path(
    get,
    path = "/v1/rates",
    tag = "billing",
    security(("session" = [])),
    responses((status = 200, description = "The current rate card", body = RateCard))
)]
async fn rate_card(
    State(state): State<AppState>,
    _session: CurrentSession,
) -> Result<Json<RateCard>, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(Json(rates::current(&mut conn, now_ms()).await?))
}
