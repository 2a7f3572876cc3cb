//! Deliveries as their managers read them: the list per endpoint, one with its payload and
//! attempts, a test event, and sending one again.

use orgdesk_model::event::AuditAction;
use orgdesk_model::page::PageQuery;
use orgdesk_model::webhook::{
    DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookDeliveryDetail,
};
use orgdesk_model::{OrgId, Page, UserId, WebhookDeliveryId, WebhookId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Db, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};
use crate::membership::{self, require, OrgKey};
use crate::webhooks::error::WebhookError;
use crate::webhooks::repo;
use crate::webhooks::service::managed;
use orgdesk_model::Capability;

const SELECT: &str = "SELECT d.id, d.webhook_id, d.event_id, d.event_type, d.status, \
     d.attempts, d.next_attempt_at, d.created_at, d.delivered_at, \
     a.at AS a_at, a.status_code AS a_status, a.duration_ms AS a_duration, \
     a.response_excerpt AS a_excerpt, a.error AS a_error \
     FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.id = ( \
     SELECT l.id FROM webhook_attempts l WHERE l.delivery_id = d.id ORDER BY l.at DESC, l.id DESC LIMIT 1)";

/// Newest first: (created_at, id).
type ListKey = (i64, String);
const ORDER: Order<'static> = Order::descending(&["d.created_at", "d.id"]);

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    webhook_id: String,
    event_id: String,
    event_type: String,
    status: String,
    attempts: i64,
    next_attempt_at: Option<i64>,
    created_at: i64,
    delivered_at: Option<i64>,
    a_at: Option<i64>,
    a_status: Option<i64>,
    a_duration: Option<i64>,
    a_excerpt: Option<String>,
    a_error: Option<String>,
}

fn corrupt<T, E>(what: &'static str) -> impl FnOnce(E) -> Result<T, AppError> {
    move |_| Err(AppError::CorruptRow(what))
}

fn status_of(stored: &str) -> Result<DeliveryStatus, AppError> {
    match stored {
        "pending" => Ok(DeliveryStatus::Pending),
        "delivered" => Ok(DeliveryStatus::Delivered),
        "failed" => Ok(DeliveryStatus::Failed),
        _ => Err(AppError::CorruptRow("delivery status")),
    }
}

/// An attempt as stored: at, status code, duration, excerpt, error.
type AttemptRow = (i64, Option<i64>, i64, Option<String>, Option<String>);

fn attempt(
    at: i64,
    status: Option<i64>,
    duration: i64,
    excerpt: Option<String>,
    error: Option<String>,
) -> WebhookAttempt {
    WebhookAttempt {
        at: to_datetime(at),
        status_code: status.and_then(|s| u16::try_from(s).ok()),
        duration_ms: u32::try_from(duration).unwrap_or(u32::MAX),
        response_excerpt: excerpt,
        error,
    }
}

impl Row {
    fn into_delivery(self) -> Result<(WebhookDelivery, ListKey), AppError> {
        let key = (self.created_at, self.id.clone());
        let status = status_of(&self.status)?;
        let last_attempt = self.a_at.map(|at| {
            attempt(
                at,
                self.a_status,
                self.a_duration.unwrap_or(0),
                self.a_excerpt,
                self.a_error,
            )
        });
        let delivery = WebhookDelivery {
            id: self.id.parse().or_else(corrupt("delivery id"))?,
            webhook_id: self.webhook_id.parse().or_else(corrupt("webhook id"))?,
            event_id: self.event_id.parse().or_else(corrupt("event id"))?,
            event_type: AuditAction::parse(&self.event_type)
                .ok_or(AppError::CorruptRow("delivery event"))?,
            status,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            created_at: to_datetime(self.created_at),
            next_attempt_at: (status == DeliveryStatus::Pending)
                .then_some(self.next_attempt_at)
                .flatten()
                .map(to_datetime),
            delivered_at: self.delivered_at.map(to_datetime),
            last_attempt,
        };
        Ok((delivery, key))
    }
}

/// One page of an endpoint's deliveries, newest first.
pub async fn list(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    webhook: WebhookId,
    query: &PageQuery,
) -> Result<Page<WebhookDelivery>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let view = managed(&mut conn, org, user).await?;
    repo::find(&mut conn, view.org.id, webhook, now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT} WHERE d.org_id = {} AND d.webhook_id = {}",
        params.text(view.org.id.to_string()),
        params.text(webhook.to_string())
    );
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<Row> = params
        .bind(sqlx::query_as(&sql))
        .fetch_all(&mut *conn)
        .await?;
    let rows = rows
        .into_iter()
        .map(Row::into_delivery)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page.page(rows))
}

async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    id: WebhookDeliveryId,
) -> Result<Option<WebhookDelivery>, AppError> {
    let sql = format!("{SELECT} WHERE d.org_id = $1 AND d.id = $2");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(Row::into_delivery).transpose()?.map(|(d, _)| d))
}

/// One delivery with the body it sends and every attempt, newest first.
pub async fn detail(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    id: WebhookDeliveryId,
) -> Result<WebhookDeliveryDetail, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = managed(&mut conn, org, user).await?;
    let delivery = find(&mut conn, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (payload,): (String,) =
        sqlx::query_as("SELECT payload FROM webhook_deliveries WHERE id = $1")
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await?;
    let rows: Vec<AttemptRow> = sqlx::query_as(
        "SELECT at, status_code, duration_ms, response_excerpt, error FROM webhook_attempts \
         WHERE delivery_id = $1 ORDER BY at DESC, id DESC LIMIT 100",
    )
    .bind(id.to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(WebhookDeliveryDetail {
        delivery,
        payload: serde_json::from_str(&payload).map_err(|_| AppError::CorruptRow("payload"))?,
        attempts: rows
            .into_iter()
            .map(|(at, status, duration, excerpt, error)| {
                attempt(at, status, duration, excerpt, error)
            })
            .collect(),
    })
}

/// Sends the delivery again with the same `webhook-id` (receivers drop what they have
/// seen): it is pending and due now, whatever became of it before. Refused while its
/// endpoint is off.
pub async fn redeliver(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    id: WebhookDeliveryId,
) -> Result<WebhookDelivery, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ManageSecurity)?;
    let delivery = find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let endpoint = repo::find(&mut tx, view.org.id, delivery.webhook_id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    if !endpoint.enabled {
        return Err(WebhookError::Disabled.into());
    }
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, \
         delivered_at = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id.to_string())
    .execute(&mut *tx)
    .await?;
    let delivery = find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(delivery)
}

/// A `webhook.test` event to this endpoint alone (on or off), audited like any change.
pub async fn send_test(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    webhook: WebhookId,
) -> Result<WebhookDelivery, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ManageSecurity)?;
    repo::find(&mut tx, view.org.id, webhook, now)
        .await?
        .ok_or(AppError::NotFound)?;
    Entry::new(view.org.id, AuditAction::WebhookTest, webhook)
        .details(json!({ "message": "A test event from Orgdesk." }))
        .write(&mut tx, actor, now)
        .await?;
    let (id,): (String,) = sqlx::query_as(
        "SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND event_type = $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(webhook.to_string())
    .bind(AuditAction::WebhookTest.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let id = id
        .parse()
        .map_err(|_| AppError::CorruptRow("delivery id"))?;
    let delivery = find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(delivery)
}
