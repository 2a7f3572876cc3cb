//! Each account's security log: sign-ins and failed ones, password, email and two-factor
//! changes, sessions ended. Written in the transaction of the change it records (a failed
//! sign-in in its own), read by the account's owner newest first.

use orgdesk_model::security::{AccountEvent, SecurityEvent};
use orgdesk_model::UserId;
use serde_json::Value;
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};

/// The log's order: newest first.
const ORDER: Order<'static> = Order::descending(&["created_at", "id"]);

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
    rows.into_iter().map(Row::into_event).collect()
}

impl Row {
    fn into_event(self) -> Result<AccountEvent, AppError> {
        Ok(AccountEvent {
            id: self.id,
            event: SecurityEvent::parse(&self.event)
                .ok_or(AppError::CorruptRow("account event"))?,
            ip: self.ip,
            user_agent: self.user_agent,
            details: serde_json::from_str(&self.details)
                .map_err(|_| AppError::CorruptRow("account event details"))?,
            created_at: to_datetime(self.created_at),
        })
    }
}

/// One page of `user`'s events, newest first, each with its sort key.
pub async fn page(
    conn: &mut AnyConnection,
    user: UserId,
    page: &PageRequest<(i64, String)>,
) -> Result<Vec<(AccountEvent, (i64, String))>, AppError> {
    let mut params = Params::default();
    let user = params.text(user.to_string());
    let after = page
        .after_sql(ORDER, &mut params)
        .map(|condition| format!(" AND {condition}"))
        .unwrap_or_default();
    let tail = page.order_sql(ORDER, &mut params);
    let sql = format!(
        "SELECT id, event, ip, user_agent, details, created_at FROM account_events \
         WHERE user_id = {user}{after} {tail}"
    );
    let rows: Vec<Row> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter()
        .map(|row| {
            let key = (row.created_at, row.id.clone());
            Ok((row.into_event()?, key))
        })
        .collect()
}
