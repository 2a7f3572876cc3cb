use std::sync::Arc;

use orgdesk_app_core::reads::Fresh;
use orgdesk_app_core::webhooks::Webhooks;
use orgdesk_model::event_data::EventInfo;
use orgdesk_model::webhook::{
    CreateWebhookRequest, CreatedWebhook, RotatedWebhookSecret, UpdateWebhookRequest, Webhook,
    WebhookDelivery, WebhookDeliveryDetail,
};
use orgdesk_model::{OrgId, Page, WebhookDeliveryId, WebhookId};
use tauri::State;

use super::CmdResult;

/// Every event an endpoint may be sent, with its label and area.
#[tauri::command]
#[specta::specta]
pub async fn webhook_events(hooks: State<'_, Arc<Webhooks>>) -> CmdResult<Fresh<Vec<EventInfo>>> {
    Ok(hooks.events().await?)
}

/// The org's webhook endpoints with their health (owners and admins).
#[tauri::command]
#[specta::specta]
pub async fn list_webhooks(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
) -> CmdResult<Fresh<Vec<Webhook>>> {
    Ok(hooks.list(org_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn get_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
) -> CmdResult<Fresh<Webhook>> {
    Ok(hooks.get(org_id, webhook_id).await?)
}

/// Adds an endpoint; the signing secret in the answer is shown once.
#[tauri::command]
#[specta::specta]
pub async fn create_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    input: CreateWebhookRequest,
) -> CmdResult<CreatedWebhook> {
    Ok(hooks.create(org_id, input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn update_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
    input: UpdateWebhookRequest,
) -> CmdResult<Webhook> {
    Ok(hooks.update(org_id, webhook_id, input).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn delete_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
) -> CmdResult<()> {
    Ok(hooks.delete(org_id, webhook_id).await?)
}

/// Sends a test event to one endpoint; answers its delivery.
#[tauri::command]
#[specta::specta]
pub async fn send_test_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
) -> CmdResult<WebhookDelivery> {
    Ok(hooks.send_test(org_id, webhook_id).await?)
}

/// A new signing secret, shown once; the old one keeps signing for 24 hours.
#[tauri::command]
#[specta::specta]
pub async fn rotate_webhook_secret(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
) -> CmdResult<RotatedWebhookSecret> {
    Ok(hooks.rotate_secret(org_id, webhook_id).await?)
}

/// One page of an endpoint's deliveries, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_webhook_deliveries(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    webhook_id: WebhookId,
    cursor: Option<String>,
) -> CmdResult<Fresh<Page<WebhookDelivery>>> {
    Ok(hooks.deliveries(org_id, webhook_id, cursor).await?)
}

/// A delivery with its payload and every attempt.
#[tauri::command]
#[specta::specta]
pub async fn get_webhook_delivery(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    delivery_id: WebhookDeliveryId,
) -> CmdResult<Fresh<WebhookDeliveryDetail>> {
    Ok(hooks.delivery(org_id, delivery_id).await?)
}

/// Sends a delivery again, under the same id.
#[tauri::command]
#[specta::specta]
pub async fn redeliver_webhook(
    hooks: State<'_, Arc<Webhooks>>,
    org_id: OrgId,
    delivery_id: WebhookDeliveryId,
) -> CmdResult<WebhookDelivery> {
    Ok(hooks.redeliver(org_id, delivery_id).await?)
}
