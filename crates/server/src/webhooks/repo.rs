//! Webhook endpoints in the database (their deliveries: [`crate::webhooks::deliveries`]).

use orgdesk_model::event::AuditAction;
use orgdesk_model::webhook::{Webhook, WebhookDisabledReason, WebhookHealth};
use orgdesk_model::{OrgId, WebhookId};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;

const SELECT: &str = "SELECT id, org_id, url, description, all_events, events, enabled, \
     disabled_reason, previous_secret_expires_at, created_at, updated_at, last_attempt_at, \
     last_status_code, last_success_at, failure_streak, failing_since FROM webhooks";

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    org_id: String,
    url: String,
    description: String,
    all_events: i64,
    events: String,
    enabled: i64,
    disabled_reason: Option<String>,
    previous_secret_expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    last_attempt_at: Option<i64>,
    last_status_code: Option<i64>,
    last_success_at: Option<i64>,
    failure_streak: i64,
    failing_since: Option<i64>,
}

fn parse_id<T: std::str::FromStr>(value: &str, what: &'static str) -> Result<T, AppError> {
    value.parse().map_err(|_| AppError::CorruptRow(what))
}

/// The stored form of a list of events: space-separated wire names, in catalogue order.
pub fn events_text(events: &[AuditAction]) -> String {
    AuditAction::ALL
        .into_iter()
        .filter(|a| events.contains(a))
        .map(AuditAction::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Row {
    fn into_webhook(self, now: i64) -> Result<Webhook, AppError> {
        let events = self
            .events
            .split(' ')
            .filter(|e| !e.is_empty())
            .map(|e| AuditAction::parse(e).ok_or(AppError::CorruptRow("webhook event")))
            .collect::<Result<Vec<_>, _>>()?;
        let disabled_reason = match self.disabled_reason.as_deref() {
            None => None,
            Some("failing") => Some(WebhookDisabledReason::Failing),
            Some(_) => return Err(AppError::CorruptRow("webhook disabled reason")),
        };
        Ok(Webhook {
            id: parse_id(&self.id, "webhook id")?,
            org_id: parse_id(&self.org_id, "org id")?,
            url: self.url,
            description: self.description,
            all_events: self.all_events == 1,
            events,
            enabled: self.enabled == 1,
            disabled_reason,
            created_at: to_datetime(self.created_at),
            updated_at: to_datetime(self.updated_at),
            previous_secret_expires_at: self
                .previous_secret_expires_at
                .filter(|at| *at > now)
                .map(to_datetime),
            health: WebhookHealth {
                last_attempt_at: self.last_attempt_at.map(to_datetime),
                last_status_code: self
                    .last_status_code
                    .and_then(|code| u16::try_from(code).ok()),
                last_success_at: self.last_success_at.map(to_datetime),
                failure_streak: u32::try_from(self.failure_streak).unwrap_or(u32::MAX),
                failing_since: self.failing_since.map(to_datetime),
            },
        })
    }
}

/// The org's endpoints, oldest first.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<Vec<Webhook>, AppError> {
    let sql = format!("{SELECT} WHERE org_id = $1 ORDER BY created_at, id");
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(|r| r.into_webhook(now)).collect()
}

pub async fn count(conn: &mut AnyConnection, org: OrgId) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhooks WHERE org_id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// One endpoint of `org` (another org's id finds nothing).
pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    id: WebhookId,
    now: i64,
) -> Result<Option<Webhook>, AppError> {
    let sql = format!("{SELECT} WHERE org_id = $1 AND id = $2");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.into_webhook(now)).transpose()
}

/// What an endpoint is set to (its secret apart).
pub struct Settings<'a> {
    pub url: &'a str,
    pub description: &'a str,
    pub all_events: bool,
    pub events: &'a [AuditAction],
    pub enabled: bool,
}

pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    id: WebhookId,
    settings: &Settings<'_>,
    secret_sealed: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhooks (id, org_id, url, description, all_events, events, enabled, \
         secret_sealed, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(id.to_string())
    .bind(org.to_string())
    .bind(settings.url)
    .bind(settings.description)
    .bind(i64::from(settings.all_events))
    .bind(events_text(settings.events))
    .bind(i64::from(settings.enabled))
    .bind(secret_sealed)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves `settings`. Turning an endpoint on clears the server's reason for turning it off
/// and its failure run, so it gets a fresh three days.
pub async fn update(
    conn: &mut AnyConnection,
    org: OrgId,
    id: WebhookId,
    settings: &Settings<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhooks SET url = $1, description = $2, all_events = $3, events = $4, \
         enabled = $5, updated_at = $6, \
         disabled_reason = CASE WHEN $5 = 1 THEN NULL ELSE disabled_reason END, \
         failing_since = CASE WHEN $5 = 1 AND enabled = 0 THEN NULL ELSE failing_since END, \
         failure_streak = CASE WHEN $5 = 1 AND enabled = 0 THEN 0 ELSE failure_streak END \
         WHERE org_id = $7 AND id = $8",
    )
    .bind(settings.url)
    .bind(settings.description)
    .bind(i64::from(settings.all_events))
    .bind(events_text(settings.events))
    .bind(i64::from(settings.enabled))
    .bind(now)
    .bind(org.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// A new current secret; the old one signs too until `previous_until`.
pub async fn rotate(
    conn: &mut AnyConnection,
    id: WebhookId,
    secret_sealed: &str,
    previous_until: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhooks SET previous_secret_sealed = secret_sealed, secret_sealed = $1, \
         previous_secret_expires_at = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(secret_sealed)
    .bind(previous_until)
    .bind(now)
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the endpoint with its deliveries and their attempts.
pub async fn delete(
    conn: &mut AnyConnection,
    org: OrgId,
    id: WebhookId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM webhooks WHERE org_id = $1 AND id = $2")
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
