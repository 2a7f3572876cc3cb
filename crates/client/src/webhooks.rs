//! Webhook routes: the published event catalogue, an org's endpoints (owners and admins),
//! their deliveries and each delivery's attempts. Creating an endpoint and rotating its
//! secret answer the signing secret, which the server never shows again.

use orgdesk_model::event_data::EventInfo;
use orgdesk_model::webhook::{
    CreateWebhookRequest, CreatedWebhook, RotatedWebhookSecret, UpdateWebhookRequest, Webhook,
    WebhookDelivery, WebhookDeliveryDetail,
};
use orgdesk_model::{OrgId, Page, WebhookDeliveryId, WebhookId};
use reqwest::Method;

use crate::cache::Cached;
use crate::keys::{OrgRead, ReadKey};
use crate::{Client, Result};

impl Client {
    fn webhooks_path<'a>(org: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["orgs", org, "webhooks"];
        path.extend_from_slice(rest);
        path
    }

    /// Every event an endpoint may be sent, with its label and area, in catalogue order.
    pub async fn webhook_events(&self) -> Result<Cached<Vec<EventInfo>>> {
        let req = self.request(Method::GET, &["webhook-events"]);
        self.cached(ReadKey::WebhookEvents, self.json(req)).await
    }

    /// The org's endpoints, with how each has been doing.
    pub async fn webhooks(&self, org: OrgId) -> Result<Cached<Vec<Webhook>>> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::webhooks_path(&id, &[]));
        self.cached(ReadKey::of(org, OrgRead::Webhooks), self.json(req))
            .await
    }

    pub async fn webhook(&self, org: OrgId, webhook: WebhookId) -> Result<Cached<Webhook>> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let req = self.request(Method::GET, &Self::webhooks_path(&id, &[&hook]));
        let key = ReadKey::of(org, OrgRead::Webhook { webhook });
        self.cached(key, self.json(req)).await
    }

    /// Adds an endpoint; the answer holds its signing secret, shown this once. A URL the
    /// server will not send to is `webhook_url_not_allowed` on the field `url`.
    pub async fn create_webhook(
        &self,
        org: OrgId,
        input: &CreateWebhookRequest,
    ) -> Result<CreatedWebhook> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::webhooks_path(&id, &[]));
        self.json(req.json(input)).await
    }

    /// Changes what is given; turning an endpoint on again clears its failure streak.
    pub async fn update_webhook(
        &self,
        org: OrgId,
        webhook: WebhookId,
        input: &UpdateWebhookRequest,
    ) -> Result<Webhook> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let req = self.request(Method::PATCH, &Self::webhooks_path(&id, &[&hook]));
        self.json(req.json(input)).await
    }

    pub async fn delete_webhook(&self, org: OrgId, webhook: WebhookId) -> Result<()> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let req = self.request(Method::DELETE, &Self::webhooks_path(&id, &[&hook]));
        self.empty(req).await
    }

    /// Sends a `webhook.test` event to this endpoint only; answers its delivery, pending.
    pub async fn test_webhook(&self, org: OrgId, webhook: WebhookId) -> Result<WebhookDelivery> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let req = self.request(Method::POST, &Self::webhooks_path(&id, &[&hook, "test"]));
        self.json(req).await
    }

    /// A new signing secret, shown this once; the previous one keeps signing for a day.
    pub async fn rotate_webhook_secret(
        &self,
        org: OrgId,
        webhook: WebhookId,
    ) -> Result<RotatedWebhookSecret> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let req = self.request(
            Method::POST,
            &Self::webhooks_path(&id, &[&hook, "rotate-secret"]),
        );
        self.json(req).await
    }

    /// One page of an endpoint's deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        org: OrgId,
        webhook: WebhookId,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Cached<Page<WebhookDelivery>>> {
        let (id, hook) = (org.to_string(), webhook.to_string());
        let key = ReadKey::of(
            org,
            OrgRead::WebhookDeliveries {
                webhook,
                cursor: cursor.map(str::to_owned),
            },
        );
        let mut req = self
            .request(
                Method::GET,
                &Self::webhooks_path(&id, &[&hook, "deliveries"]),
            )
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.cached(key, self.json(req)).await
    }

    /// A delivery with the body as sent and every attempt, newest first.
    pub async fn webhook_delivery(
        &self,
        org: OrgId,
        delivery: WebhookDeliveryId,
    ) -> Result<Cached<WebhookDeliveryDetail>> {
        let (id, del) = (org.to_string(), delivery.to_string());
        let req = self.request(
            Method::GET,
            &Self::webhooks_path(&id, &["deliveries", &del]),
        );
        let key = ReadKey::of(org, OrgRead::WebhookDelivery { delivery });
        self.cached(key, self.json(req)).await
    }

    /// Sends a delivery again (the same id, so receivers can tell it is the same event);
    /// answers it, pending.
    pub async fn redeliver_webhook(
        &self,
        org: OrgId,
        delivery: WebhookDeliveryId,
    ) -> Result<WebhookDelivery> {
        let (id, del) = (org.to_string(), delivery.to_string());
        let req = self.request(
            Method::POST,
            &Self::webhooks_path(&id, &["deliveries", &del, "redeliver"]),
        );
        self.json(req).await
    }
}
