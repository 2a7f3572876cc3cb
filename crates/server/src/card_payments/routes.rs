//! `/v1/orgs/{org}/payments…` and `/v1/payments/stripe/webhook`: thin handlers over
//! [`crate::card_payments`].

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::page::PageQuery;
use orgdesk_model::payment::{Payment, PaymentReceipt, PaymentRequest};
use orgdesk_model::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::card_payments::{charge, events, pdf, reads};
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::raw::RawBytes;
use crate::idempotency::IdempotencyKey;
use crate::membership::OrgPath;
use crate::state::AppState;

const PDF: &str = "application/pdf";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_payments, create_payment))
        .routes(routes!(get_payment))
        .routes(routes!(get_receipt))
        .routes(routes!(get_receipt_pdf))
        .routes(routes!(stripe_webhook))
}

/// `{id}` in `/v1/orgs/{org}/payments/{id}…`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct PaymentSegment {
    /// Payment id
    id: String,
}

/// Buy a credit pack with the org's saved card (owners and admins; `stripe` payment mode).
/// One `Idempotency-Key` is charged once, also when retried after a 502 or in parallel.
/// Credits are written when the processor says the payment succeeded: at once when it
/// answers so, else by its webhook or a read of the payment.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/payments",
    tag = "billing",
    security(("session" = [])),
    params(
        OrgPath,
        ("Idempotency-Key" = String, Header, description = "Required: one key, one charge"),
    ),
    request_body = PaymentRequest,
    responses(
        (status = 201, description = "`succeeded` (credited) or `pending` (credited when the processor confirms)", body = Payment),
        (status = 400, description = "`idempotency_key_required`; `malformed_request`"),
        (status = 402, description = "`payment_declined`: the detail carries the processor's reason; the payment shows `failed`, no credits"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`payments_not_configured`: the server does not take card payments (`payment_mode` is not `stripe`); `card_required`: no saved card; `idempotency_key_in_flight`"),
        (status = 422, description = "`validation_failed` (`credits`: one of the rate card's `credit_packs`); `idempotency_key_reused`"),
        (status = 502, description = "`payment_processor_unavailable`: nothing was charged twice; retry with the same Idempotency-Key"),
    )
)]
async fn create_payment(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    key: IdempotencyKey,
    ApiJson(req): ApiJson<PaymentRequest>,
) -> Result<(StatusCode, Json<Payment>), AppError> {
    // The key first: a request without one is malformed wherever it is sent.
    let key = key.required()?;
    let payment = charge::buy(&state.db, &state.payments, &actor, &org, &req, &key).await?;
    Ok((StatusCode::CREATED, Json(payment)))
}

/// The org's card payments, newest first (owners and admins; empty unless the server
/// takes card payments).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/payments",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, PageQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<Payment>),
        (status = 400, description = "`malformed_request`: a bad cursor"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_payments(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<Payment>>, AppError> {
    Ok(Json(
        reads::list(&state.db, session.user_id(), &org, &query).await?,
    ))
}

/// One payment. A pending one is read back from the processor (and credited, once, if it
/// succeeded).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/payments/{id}",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, PaymentSegment),
    responses(
        (status = 200, description = "The payment", body = Payment),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`: no such payment in this org"),
    )
)]
async fn get_payment(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(PaymentSegment { id }): ApiPath<PaymentSegment>,
) -> Result<Json<Payment>, AppError> {
    Ok(Json(
        reads::get(&state.db, &state.payments, session.user_id(), &org, &id).await?,
    ))
}

/// A paid payment's receipt.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/payments/{id}/receipt",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, PaymentSegment),
    responses(
        (status = 200, description = "The receipt", body = PaymentReceipt),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not paid (pending or failed)"),
    )
)]
async fn get_receipt(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(PaymentSegment { id }): ApiPath<PaymentSegment>,
) -> Result<Json<PaymentReceipt>, AppError> {
    let (receipt, _) = reads::receipt(&state.db, session.user_id(), &org, &id).await?;
    Ok(Json(receipt))
}

/// A paid payment's receipt as a PDF.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/payments/{id}/receipt.pdf",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, PaymentSegment),
    responses(
        (status = 200, description = "The receipt", content((RawBytes = "application/pdf"))),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: not paid (pending or failed)"),
    )
)]
async fn get_receipt_pdf(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(PaymentSegment { id }): ApiPath<PaymentSegment>,
) -> Result<Response, AppError> {
    let (receipt, slug) = reads::receipt(&state.db, session.user_id(), &org, &id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        pdf::filename(&slug, &receipt.number)
    );
    let bytes = tokio::task::spawn_blocking(move || pdf::render(&receipt)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, PDF.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Stripe's webhook: signed events about payments (and, later, subscriptions). No session;
/// the `Stripe-Signature` header must verify against the endpoint's secret.
#[utoipa::path(
    post,
    path = "/v1/payments/stripe/webhook",
    tag = "billing",
    params(
        ("Stripe-Signature" = String, Header, description = "`t=<unix seconds>,v1=<hex HMAC-SHA256>`"),
    ),
    request_body(content((RawBytes = "application/json"))),
    responses(
        (status = 200, description = "Acknowledged (handled, handled before, or of a type the server does not act on)"),
        (status = 400, description = "`malformed_request`: no, a malformed, a stale or a wrong signature, or a signed body that is not an event; nothing was recorded"),
        (status = 409, description = "`payments_not_configured`: the server does not take card payments"),
        (status = 413, description = "`payload_too_large`"),
        (status = 502, description = "`payment_processor_unavailable`: reading the event's object back failed; Stripe delivers it again"),
    )
)]
async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    events::receive(&state.db, &state.payments, &state.mail, signature, &body).await?;
    Ok(StatusCode::OK)
}
