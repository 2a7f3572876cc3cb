//! Each account's security log: sign-ins and failed ones, password, email and two-factor
//! changes, sessions ended. Written in the transaction of the change it records (a failed
//! sign-in in its own), read by the account's owner newest first.

use orgdesk_model::security::{AccountEvent, SecurityEvent};
use orgdesk_model::UserId;
use serde_json::Value;
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::db::to_datetime;
use crate::error::AppError;

/// Records `event` for `user`, from `client`, with event-specific `details` (`{}` if none).
pub async fn record(
    conn: &mut AnyConnection,
    user: UserId,
    event: SecurityEvent,
    client: &Client,
    details: Value,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_events (id, user_id, event, ip, user_agent, details, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(user.to_string())
    .bind(event.as_str())
    .bind(client.ip.clone())
    .bind(client.user_agent.clone())
    .bind(details.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    event: String,
    ip: Option<String>,
    user_agent: Option<String>,
    details: String,
    created_at: i64,
}

/// The newest `limit` events of `user`, newest first.
pub async fn recent(
    conn: &mut AnyConnection,
    user: UserId,
    limit: u32,
) -> Result<Vec<AccountEvent>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, event, ip, user_agent, details, created_at FROM account_events \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(user.to_string())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(AccountEvent {
                id: row.id,
                event: SecurityEvent::parse(&row.event)
                    .ok_or(AppError::CorruptRow("account event"))?,
                ip: row.ip,
                user_agent: row.user_agent,
                details: serde_json::from_str(&row.details)
                    .map_err(|_| AppError::CorruptRow("account event details"))?,
                created_at: to_datetime(row.created_at),
            })
        })
        .collect()
}
