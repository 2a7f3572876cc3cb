//! One's own sessions and security log: list the live sessions (never their tokens), end
//! one, sign out everywhere (keeping the current session unless asked not to), and read
//! the account's security events newest first. Every ending is written to the log.

use orgdesk_model::auth::{RevokeSessionsRequest, RevokedSessions, SessionInfo, SessionList};
use orgdesk_model::page::PageQuery;
use orgdesk_model::security::{AccountEvent, SecurityEvent};
use orgdesk_model::{Page, SessionId};
use serde_json::json;

use crate::auth::actor::Client;
use crate::auth::events;
use crate::auth::session::{self, SessionRecord};
use crate::config::SessionLifetimes;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;

/// The caller's live sessions, most recently used first.
pub async fn list(
    db: &Db,
    lifetimes: &SessionLifetimes,
    current: &SessionRecord,
) -> Result<SessionList, AppError> {
    let mut conn = db.pool().acquire().await?;
    let rows = session::list(&mut conn, current.user_id, lifetimes, now_ms()).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let id: SessionId = row
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("session id"))?;
            Ok(SessionInfo {
                current: id == current.id,
                id,
                user_agent: row.user_agent,
                ip: row.ip,
                created_at: to_datetime(row.created_at),
                last_seen_at: to_datetime(row.last_seen_at),
                expires_at: to_datetime(row.expires_at),
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(SessionList { items })
}

/// Ends one of the caller's sessions (the current one too, if named): 404 for an id that
/// is not one of theirs.
pub async fn revoke(
    db: &Db,
    current: &SessionRecord,
    client: &Client,
    id: SessionId,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    if !session::revoke_by_id(&mut tx, current.user_id, id).await? {
        return Err(AppError::NotFound);
    }
    let details = json!({ "session_id": id, "current": id == current.id });
    events::record(
        &mut tx,
        current.user_id,
        SecurityEvent::SessionRevoked,
        client,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Signs out everywhere: every other session of the caller, and the current one too when
/// `keep_current` is false.
pub async fn revoke_all(
    db: &Db,
    current: &SessionRecord,
    client: &Client,
    req: &RevokeSessionsRequest,
) -> Result<RevokedSessions, AppError> {
    let now = now_ms();
    let keep = req.keep_current.then_some(current.id);
    let mut tx = db.write().await?;
    let revoked = session::revoke_all_except(&mut tx, current.user_id, keep).await?;
    let details = json!({ "revoked": revoked, "kept_current": req.keep_current });
    events::record(
        &mut tx,
        current.user_id,
        SecurityEvent::SignedOutEverywhere,
        client,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(RevokedSessions {
        revoked: u32::try_from(revoked).unwrap_or(u32::MAX),
    })
}

/// The caller's security log, newest first, a page at a time.
pub async fn security_events(
    db: &Db,
    current: &SessionRecord,
    query: &PageQuery,
) -> Result<Page<AccountEvent>, AppError> {
    let page = PageRequest::<(i64, String)>::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let rows = events::page(&mut conn, current.user_id, &page).await?;
    Ok(page.page(rows))
}
