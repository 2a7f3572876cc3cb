//! Webhooks (owners and admins): the event catalogue, an org's endpoints with their health,
//! each endpoint's deliveries and their attempts. Reads are remembered like every page's
//! (readable offline, with their time); changes are admin settings that need the server
//! now — a new or rotated signing secret is shown once, and a test or a redelivery only
//! means something when it is sent — so none is queued, and offline each says so at once.

use std::sync::Arc;

use orgdesk_client::{Client, OrgData, OrgRead, ReadKey, ReadScope};
use orgdesk_model::event_data::EventInfo;
use orgdesk_model::webhook::{
    CreateWebhookRequest, CreatedWebhook, RotatedWebhookSecret, UpdateWebhookRequest, Webhook,
    WebhookDelivery, WebhookDeliveryDetail,
};
use orgdesk_model::{OrgId, Page, WebhookDeliveryId, WebhookId};

use crate::alerts::Alerts;
use crate::error::AppError;
use crate::reads::{Fresh, Reads};

/// Deliveries per page of an endpoint's list.
const DELIVERIES_PER_PAGE: u32 = 50;

pub struct Webhooks {
    reads: Arc<Reads>,
    alerts: Arc<Alerts>,
}

impl Webhooks {
    pub fn new(reads: Arc<Reads>, alerts: Arc<Alerts>) -> Self {
        Self { reads, alerts }
    }

    /// Every event an endpoint may be sent, with its label and area.
    pub async fn events(&self) -> Result<Fresh<Vec<EventInfo>>, AppError> {
        let read = |c: Client| async move { c.webhook_events().await };
        self.reads.read(ReadKey::WebhookEvents, read).await
    }

    /// The org's endpoints; one the server turned off after failures is announced (once,
    /// whether this answer came from the server or from the store a refresh just filled).
    pub async fn list(&self, org_id: OrgId) -> Result<Fresh<Vec<Webhook>>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Webhooks);
        let read = move |c: Client| async move { c.webhooks(org_id).await };
        let hooks = self.reads.read(key, read).await?;
        self.alerts.note_disabled_webhooks(org_id, &hooks.value);
        Ok(hooks)
    }

    pub async fn get(&self, org_id: OrgId, id: WebhookId) -> Result<Fresh<Webhook>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::Webhook { webhook: id });
        let read = move |c: Client| async move { c.webhook(org_id, id).await };
        self.reads.read(key, read).await
    }

    /// Adds an endpoint; its signing secret is in the answer, this once.
    pub async fn create(
        &self,
        org_id: OrgId,
        input: CreateWebhookRequest,
    ) -> Result<CreatedWebhook, AppError> {
        let create = |c: Client| async move { c.create_webhook(org_id, &input).await };
        let created = self.reads.online("Adding a webhook", create).await?;
        self.changed(org_id, false);
        Ok(created)
    }

    /// Changes an endpoint (turning it on again clears its failure streak).
    pub async fn update(
        &self,
        org_id: OrgId,
        id: WebhookId,
        input: UpdateWebhookRequest,
    ) -> Result<Webhook, AppError> {
        let update = |c: Client| async move { c.update_webhook(org_id, id, &input).await };
        let hook = self.reads.online("Changing a webhook", update).await?;
        self.changed(org_id, false);
        Ok(hook)
    }

    /// Deletes an endpoint; its pending deliveries are not sent.
    pub async fn delete(&self, org_id: OrgId, id: WebhookId) -> Result<(), AppError> {
        let delete = |c: Client| async move { c.delete_webhook(org_id, id).await };
        self.reads.online("Deleting a webhook", delete).await?;
        self.changed(org_id, true);
        Ok(())
    }

    /// Sends a `webhook.test` event to this endpoint only; answers its delivery.
    pub async fn send_test(
        &self,
        org_id: OrgId,
        id: WebhookId,
    ) -> Result<WebhookDelivery, AppError> {
        let test = |c: Client| async move { c.test_webhook(org_id, id).await };
        let delivery = self.reads.online("Sending a test event", test).await?;
        self.changed(org_id, true);
        Ok(delivery)
    }

    /// A new signing secret, shown this once; the old one keeps signing for 24 hours.
    pub async fn rotate_secret(
        &self,
        org_id: OrgId,
        id: WebhookId,
    ) -> Result<RotatedWebhookSecret, AppError> {
        let rotate = |c: Client| async move { c.rotate_webhook_secret(org_id, id).await };
        let rotated = self
            .reads
            .online("Rotating a webhook secret", rotate)
            .await?;
        self.changed(org_id, false);
        Ok(rotated)
    }

    /// One page of an endpoint's deliveries, newest first.
    pub async fn deliveries(
        &self,
        org_id: OrgId,
        id: WebhookId,
        cursor: Option<String>,
    ) -> Result<Fresh<Page<WebhookDelivery>>, AppError> {
        let read_key = OrgRead::WebhookDeliveries {
            webhook: id,
            cursor: cursor.clone(),
        };
        let first_page = cursor.is_none();
        let read = move |c: Client| async move {
            c.webhook_deliveries(org_id, id, cursor.as_deref(), DELIVERIES_PER_PAGE)
                .await
        };
        let page = self.reads.read(ReadKey::of(org_id, read_key), read).await?;
        if first_page {
            self.follow_health(org_id, id, &page.value.items).await;
        }
        Ok(page)
    }

    /// An endpoint's health is part of the endpoints' answer, read apart from its
    /// deliveries: when the deliveries show an attempt newer than the remembered endpoint
    /// knows of, the endpoints are read from the server again and their page told, or it
    /// would keep "No deliveries yet" beside a delivered row (the two reads raced the
    /// delivery). Once the endpoints are read again the two agree, so this fires once.
    async fn follow_health(&self, org_id: OrgId, id: WebhookId, items: &[WebhookDelivery]) {
        let Some(newest) = items
            .iter()
            .filter_map(|d| d.last_attempt.as_ref().map(|a| a.at))
            .max()
        else {
            return;
        };
        let key = ReadKey::of(org_id, OrgRead::Webhooks);
        let Ok(Some(hooks)) = self.reads.remembered::<Vec<Webhook>>(&key).await else {
            return;
        };
        let behind = hooks
            .iter()
            .find(|h| h.id == id)
            .is_some_and(|h| h.health.last_attempt_at.is_none_or(|at| at < newest));
        if behind {
            self.changed(org_id, false);
        }
    }

    /// A delivery with the body as sent and every attempt, newest first.
    pub async fn delivery(
        &self,
        org_id: OrgId,
        id: WebhookDeliveryId,
    ) -> Result<Fresh<WebhookDeliveryDetail>, AppError> {
        let key = ReadKey::of(org_id, OrgRead::WebhookDelivery { delivery: id });
        let read = move |c: Client| async move { c.webhook_delivery(org_id, id).await };
        self.reads.read(key, read).await
    }

    /// Sends a delivery again, under the same id; answers it, pending.
    pub async fn redeliver(
        &self,
        org_id: OrgId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, AppError> {
        let redeliver = |c: Client| async move { c.redeliver_webhook(org_id, id).await };
        let delivery = self
            .reads
            .online("Redelivering an event", redeliver)
            .await?;
        self.changed(org_id, true);
        Ok(delivery)
    }

    /// The pages showing the org's endpoints (and, with `deliveries`, their deliveries)
    /// read again, from the server.
    fn changed(&self, org_id: OrgId, deliveries: bool) {
        let scope = |data| ReadScope::OrgData { org_id, data };
        let mut scopes = vec![scope(OrgData::Webhooks)];
        if deliveries {
            scopes.push(scope(OrgData::WebhookDeliveries));
        }
        self.reads.changed(scopes);
    }
}
