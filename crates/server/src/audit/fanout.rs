//! Turning a change into deliveries. [`crate::audit::record::Entry`] calls [`event`] on the
//! connection of the change's own transaction, right after it writes the audit event: a
//! delivery row exists exactly when its change does, so nothing is lost if the process
//! dies after the commit, and nothing is sent for a change that was rolled back.

use orgdesk_model::audit::{AuditActorKind, AuditTarget};
use orgdesk_model::event::AuditAction;
use orgdesk_model::webhook::{WebhookActor, WebhookEventData, WebhookPayload};
use orgdesk_model::{AuditEventId, OrgId, ProjectId, UserId, WebhookDeliveryId};
use serde_json::Value;
use sqlx::AnyConnection;

use crate::db::to_datetime;

/// The audit event just written, as deliveries need it.
pub struct Event<'a> {
    pub id: AuditEventId,
    pub org: OrgId,
    pub action: AuditAction,
    pub actor_kind: AuditActorKind,
    pub actor: Option<UserId>,
    pub target_id: Option<&'a str>,
    pub project: Option<ProjectId>,
    pub details: &'a Value,
    pub at: i64,
}

/// Writes one pending delivery per endpoint of the org that takes this event: enabled and
/// subscribed to it (all events, or this one). A test event goes to its own endpoint
/// alone, on or off. Answers how many were written.
pub async fn event(conn: &mut AnyConnection, event: &Event<'_>) -> Result<usize, sqlx::Error> {
    let endpoints: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT w.id, w.all_events, w.events, w.enabled FROM webhooks w \
         JOIN orgs o ON o.id = w.org_id \
         WHERE w.org_id = $1 AND o.deletion_purge_at IS NULL ORDER BY w.id",
    )
    .bind(event.org.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let wanted: Vec<String> = endpoints
        .into_iter()
        .filter(|(id, all, events, enabled)| {
            if event.action.fans_out() {
                *enabled == 1
                    && (*all == 1 || events.split(' ').any(|e| e == event.action.as_str()))
            } else {
                event.target_id == Some(id.as_str())
            }
        })
        .map(|(id, ..)| id)
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let body = payload(conn, event).await?;
    for webhook in &wanted {
        sqlx::query(
            "INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, event_type, \
             payload, status, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
        )
        .bind(WebhookDeliveryId::new().to_string())
        .bind(event.org.to_string())
        .bind(webhook)
        .bind(event.id.to_string())
        .bind(event.action.as_str())
        .bind(&body)
        .bind(event.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(wanted.len())
}

/// The body every endpoint gets for this event (the same bytes are signed on each try).
async fn payload(conn: &mut AnyConnection, event: &Event<'_>) -> Result<String, sqlx::Error> {
    let actor = match event.actor {
        Some(user) => {
            sqlx::query_as::<_, (String,)>("SELECT display_name FROM users WHERE id = $1")
                .bind(user.to_string())
                .fetch_optional(&mut *conn)
                .await?
                .map(|(display_name,)| WebhookActor {
                    id: user,
                    display_name,
                })
        }
        None => None,
    };
    let payload = WebhookPayload {
        event: event.action,
        timestamp: to_datetime(event.at),
        data: WebhookEventData {
            event_id: event.id,
            org_id: event.org,
            actor_kind: event.actor_kind,
            actor,
            target_type: event.action.target(),
            target_id: event.target_id.map(str::to_owned),
            project_id: event.project,
            details: event.details.clone(),
        },
    };
    debug_assert!(payload.data.target_type != AuditTarget::Webhook || event.target_id.is_some());
    Ok(serde_json::to_string(&payload).unwrap_or_else(|_| "{}".to_owned()))
}
