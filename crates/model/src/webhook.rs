//! Webhooks on the wire: an org's endpoints, what they are sent, and how each delivery
//! went. Events are signed by the Standard Webhooks specification (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`
//! with a `whsec_…` secret), so receivers can verify them with its official libraries.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditActorKind, AuditTarget};
use crate::event::AuditAction;
use crate::ids::{AuditEventId, OrgId, ProjectId, UserId, WebhookDeliveryId, WebhookId};

/// The longest URL an endpoint may have.
pub const MAX_URL_LEN: usize = 2000;
/// The longest description.
pub const MAX_DESCRIPTION_LEN: usize = 500;
/// Endpoints per org.
pub const MAX_WEBHOOKS_PER_ORG: usize = 20;
/// How much of a receiver's answer each attempt keeps.
pub const RESPONSE_EXCERPT_BYTES: usize = 1024;
/// How long the previous secret still signs after a rotation.
pub const PREVIOUS_SECRET_HOURS: i64 = 24;

/// An org's webhook endpoint (its secret is never read back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Webhook {
    pub id: WebhookId,
    pub org_id: OrgId,
    pub url: String,
    pub description: String,
    /// Every event of the catalogue, including ones added later.
    pub all_events: bool,
    /// The chosen events when `all_events` is off.
    pub events: Vec<AuditAction>,
    pub enabled: bool,
    /// Why it is off when the server turned it off (not when a person did).
    pub disabled_reason: Option<WebhookDisabledReason>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// After a rotation, deliveries are signed with the old secret too until then.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    pub health: WebhookHealth,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WebhookDisabledReason {
    /// Every delivery failed for three days.
    Failing,
}

/// How an endpoint has been doing.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct WebhookHealth {
    /// The last attempt, successful or not.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The last attempt's HTTP status, if the receiver answered.
    pub last_status_code: Option<u16>,
    /// The last 2xx answer.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Attempts that failed in a row since the last success.
    pub failure_streak: u32,
    /// When the current run of failures began.
    pub failing_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreateWebhookRequest {
    /// `https://…` (plain `http://` only on servers started with `--allow-insecure-webhooks`).
    #[schema(max_length = 2000)]
    pub url: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: String,
    /// Send every event (also ones added to the catalogue later).
    #[serde(default)]
    pub all_events: bool,
    /// The events to send when `all_events` is off; at least one then.
    #[serde(default)]
    pub events: Vec<AuditAction>,
    /// Starts on unless `false`.
    #[serde(default = "yes")]
    pub enabled: bool,
}

const fn yes() -> bool {
    true
}

/// Changes to an endpoint; absent fields stay as they are. Turning it on again clears a
/// failure streak.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
pub struct UpdateWebhookRequest {
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub description: Option<String>,
    #[serde(default)]
    pub all_events: Option<bool>,
    #[serde(default)]
    pub events: Option<Vec<AuditAction>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// A new endpoint with its signing secret, shown this once.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    /// `whsec_` and the base64 key.
    pub secret: String,
}

/// A new signing secret, shown this once; the previous one signs too until
/// `previous_expires_at`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RotatedWebhookSecret {
    pub webhook: Webhook,
    pub secret: String,
    pub previous_expires_at: DateTime<Utc>,
}

macro_rules! hide_secret {
    ($name:ident) => {
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("webhook", &self.webhook)
                    .finish_non_exhaustive()
            }
        }
    };
}
hide_secret!(CreatedWebhook);
hide_secret!(RotatedWebhookSecret);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first attempt or for a retry.
    Pending,
    /// A receiver answered 2xx.
    Delivered,
    /// Given up: retries ran out, or the endpoint was turned off or deleted.
    Failed,
}

/// One event on its way to one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookDelivery {
    /// Also the `webhook-id` header, the same on every attempt.
    pub id: WebhookDeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: AuditEventId,
    pub event_type: AuditAction,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub last_attempt: Option<WebhookAttempt>,
}

/// One try at sending a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookAttempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; absent when it could not be reached.
    pub status_code: Option<u16>,
    pub duration_ms: u32,
    /// The start of the receiver's answer (at most 1 KiB).
    pub response_excerpt: Option<String>,
    /// Why the attempt failed, when it did ("timed out after 10 s", "connection refused").
    pub error: Option<String>,
}

/// A delivery with what was sent and every attempt, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookDeliveryDetail {
    pub delivery: WebhookDelivery,
    /// The body as sent (a [`WebhookPayload`]).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub attempts: Vec<WebhookAttempt>,
}

/// The body of every webhook request: `{"type", "timestamp", "data"}` as the Standard
/// Webhooks specification suggests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookPayload {
    #[serde(rename = "type")]
    pub event: AuditAction,
    pub timestamp: DateTime<Utc>,
    pub data: WebhookEventData,
}

/// What happened: the audit event the change wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookEventData {
    /// The audit event's id (the same change in the org's audit log).
    pub event_id: AuditEventId,
    pub org_id: OrgId,
    pub actor_kind: AuditActorKind,
    /// The person who made the change (no email address).
    pub actor: Option<WebhookActor>,
    pub target_type: AuditTarget,
    pub target_id: Option<String>,
    pub project_id: Option<ProjectId>,
    /// The event's facts, as in the audit log: the type [`crate::event_data::details_type`]
    /// names for `type` (e.g. the fields that changed).
    #[schema(value_type = crate::event_data::EventDetails)]
    #[specta(type = crate::event_data::EventDetails)]
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct WebhookActor {
    pub id: UserId,
    pub display_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_endpoint_starts_on_and_secrets_stay_out_of_debug() {
        let req: CreateWebhookRequest =
            serde_json::from_str(r#"{"url":"https://example.com/hook","all_events":true}"#)
                .unwrap();
        assert!(req.enabled);
        assert!(req.events.is_empty());
        let webhook = Webhook {
            id: WebhookId::new(),
            org_id: OrgId::new(),
            url: req.url,
            description: String::new(),
            all_events: true,
            events: vec![],
            enabled: true,
            disabled_reason: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            previous_secret_expires_at: None,
            health: WebhookHealth::default(),
        };
        let created = CreatedWebhook {
            webhook,
            secret: "whsec_c2VjcmV0".into(),
        };
        assert!(!format!("{created:?}").contains("whsec_"));
    }
}
