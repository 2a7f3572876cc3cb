//! `/v1/orgs/{org}/webhooks…` and `/v1/webhook-events`: thin handlers over
//! [`crate::webhooks::service`] and [`crate::webhooks::deliveries`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use orgdesk_model::event_data::EventInfo;
use orgdesk_model::page::PageQuery;
use orgdesk_model::webhook::{
    CreateWebhookRequest, CreatedWebhook, RotatedWebhookSecret, UpdateWebhookRequest, Webhook,
    WebhookDelivery, WebhookDeliveryDetail,
};
use orgdesk_model::{Page, WebhookDeliveryId, WebhookId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::idempotency::Sensitive;
use crate::membership::OrgPath;
use crate::state::AppState;
use crate::webhooks::{deliveries, service};

/// `{id}` in `/v1/orgs/{org}/webhooks/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct WebhookSegment {
    /// The webhook's id
    #[param(value_type = WebhookId)]
    id: String,
}

impl WebhookSegment {
    fn id(&self) -> Result<WebhookId, AppError> {
        self.id.parse().map_err(|_| AppError::NotFound)
    }
}

/// `{id}` in `/v1/orgs/{org}/webhooks/deliveries/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct DeliverySegment {
    /// The delivery's id (its `webhook-id` header)
    #[param(value_type = WebhookDeliveryId)]
    id: String,
}

impl DeliverySegment {
    fn id(&self) -> Result<WebhookDeliveryId, AppError> {
        self.id.parse().map_err(|_| AppError::NotFound)
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(event_catalogue))
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(test_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(get_delivery))
        .routes(routes!(redeliver))
}

/// Every event a webhook can receive, with its label and area (the same catalogue the
/// audit log records).
#[utoipa::path(
    get,
    path = "/v1/webhook-events",
    tag = "webhooks",
    security(("session" = [])),
    responses((status = 200, description = "The catalogue, in order", body = Vec<EventInfo>))
)]
async fn event_catalogue(_session: CurrentSession) -> Json<Vec<EventInfo>> {
    Json(EventInfo::catalogue())
}

/// The org's webhook endpoints (owners and admins).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/webhooks",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "Oldest first", body = Vec<Webhook>),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_webhooks(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
) -> Result<Json<Vec<Webhook>>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), &org).await?,
    ))
}

/// Add an endpoint; its signing secret (`whsec_…`) is in this answer only.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/webhooks",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Created; a replay by Idempotency-Key has an empty secret", body = CreatedWebhook),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: the org has 20 webhooks already"),
        (status = 422, description = "`webhook_url_not_allowed` (field `url`: not https, or an internal host), `validation_failed` (`description`, `events`)"),
    )
)]
async fn create_webhook(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiJson(req): ApiJson<CreateWebhookRequest>,
) -> Result<Response, AppError> {
    let created = service::create(&state, &actor, &org, &req).await?;
    Ok((
        StatusCode::CREATED,
        Extension(Sensitive(&["secret"])),
        Json(created),
    )
        .into_response())
}

/// One endpoint with its health.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/webhooks/{id}",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment),
    responses(
        (status = 200, body = Webhook),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn get_webhook(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
) -> Result<Json<Webhook>, AppError> {
    let id = segment.id()?;
    Ok(Json(
        service::get(&state.db, session.user_id(), &org, id).await?,
    ))
}

/// Change an endpoint; absent fields stay. Turning it on again starts a fresh record.
#[utoipa::path(
    patch,
    path = "/v1/orgs/{org}/webhooks/{id}",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, body = Webhook),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`webhook_url_not_allowed`, `validation_failed`"),
    )
)]
async fn update_webhook(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
    ApiJson(req): ApiJson<UpdateWebhookRequest>,
) -> Result<Json<Webhook>, AppError> {
    let id = segment.id()?;
    Ok(Json(service::update(&state, &actor, &org, id, &req).await?))
}

/// Delete an endpoint with its deliveries.
#[utoipa::path(
    delete,
    path = "/v1/orgs/{org}/webhooks/{id}",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn delete_webhook(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
) -> Result<StatusCode, AppError> {
    let id = segment.id()?;
    service::delete(&state.db, &actor, &org, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send a `webhook.test` event to this endpoint alone (also while it is off).
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/webhooks/{id}/test",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment),
    responses(
        (status = 202, description = "On its way", body = WebhookDelivery),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn test_webhook(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
) -> Result<(StatusCode, Json<WebhookDelivery>), AppError> {
    let id = segment.id()?;
    let delivery = deliveries::send_test(&state.db, &actor, &org, id).await?;
    state.webhook_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// A new signing secret, in this answer only; the previous one signs too for 24 hours.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/webhooks/{id}/rotate-secret",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment),
    responses(
        (status = 200, body = RotatedWebhookSecret),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn rotate_webhook_secret(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
) -> Result<Response, AppError> {
    let id = segment.id()?;
    let rotated = service::rotate_secret(&state, &actor, &org, id).await?;
    Ok((Extension(Sensitive(&["secret"])), Json(rotated)).into_response())
}

/// An endpoint's deliveries, newest first, each with its last attempt.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/webhooks/{id}/deliveries",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, WebhookSegment, PageQuery),
    responses(
        (status = 200, body = Page<WebhookDelivery>),
        (status = 400, description = "`malformed_request`: a bad cursor"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_deliveries(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<WebhookSegment>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<WebhookDelivery>>, AppError> {
    let id = segment.id()?;
    let page = deliveries::list(&state.db, session.user_id(), &org, id, &query).await?;
    Ok(Json(page))
}

/// One delivery: the body it sends and every attempt, newest first.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/webhooks/deliveries/{id}",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, DeliverySegment),
    responses(
        (status = 200, body = WebhookDeliveryDetail),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn get_delivery(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<DeliverySegment>,
) -> Result<Json<WebhookDeliveryDetail>, AppError> {
    let id = segment.id()?;
    Ok(Json(
        deliveries::detail(&state.db, session.user_id(), &org, id).await?,
    ))
}

/// Send a delivery again, with the same `webhook-id`.
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/webhooks/deliveries/{id}/redeliver",
    tag = "webhooks",
    security(("session" = [])),
    params(OrgPath, DeliverySegment),
    responses(
        (status = 202, description = "Pending again, due now", body = WebhookDelivery),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`invalid_state`: the webhook is turned off"),
    )
)]
async fn redeliver(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<DeliverySegment>,
) -> Result<(StatusCode, Json<WebhookDelivery>), AppError> {
    let id = segment.id()?;
    let delivery = deliveries::redeliver(&state.db, &actor, &org, id).await?;
    state.webhook_wake.notify_one();
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
