//! Sessions in the database. Tokens are 32 bytes from the OS CSPRNG, shown once as
//! `ods_<base64url>`; only their SHA-256 is stored, with an id that can be shown (to list
//! and end sessions), where the session was made from, and when it was last used.
//!
//! A session ends at `expires_at` (sign-in plus the server's maximum age, which is also
//! re-checked from `created_at` so that lowering `--session-max-age` ends old ones), or
//! after sitting idle longer than the server's idle timeout — or the strictest one among
//! the orgs its person belongs to (`org_security_policies`, read in the same statement).
//! `last_seen_at` moves at most once a minute ([`TOUCH_EVERY_MS`]), so the idle timeout
//! is exact to the minute and a busy client writes once a minute, not once a request.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::{OrgId, SessionId, UserId};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::config::SessionLifetimes;
use crate::error::AppError;

pub const TOKEN_PREFIX: &str = "ods_";
/// `last_seen_at` is written when it is at least this old.
pub const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// A session as the server sees it: never the token itself.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// The org whose single sign-on started this session, if one did (set by
    /// [`crate::sso`]'s redemption right after [`issue`]).
    pub sso_org_id: Option<OrgId>,
}

/// A freshly issued token and its record.
pub struct Issued {
    pub token: String,
    pub record: SessionRecord,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session for `user_id`, made from `client`, living as `lifetimes` say.
pub async fn issue(
    conn: &mut AnyConnection,
    user_id: UserId,
    client: &Client,
    lifetimes: &SessionLifetimes,
    now: i64,
) -> Result<Issued, sqlx::Error> {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let record = SessionRecord {
        id: SessionId::new(),
        user_id,
        token_hash: hash_token(&token),
        created_at: now,
        last_seen_at: now,
        expires_at: now.saturating_add(lifetimes.max_age_ms()),
        sso_org_id: None,
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, \
         ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&record.token_hash)
    .bind(record.id.to_string())
    .bind(user_id.to_string())
    .bind(now)
    .bind(now)
    .bind(record.expires_at)
    .bind(client.ip.clone())
    .bind(client.user_agent.clone())
    .execute(conn)
    .await?;
    Ok(Issued { token, record })
}

#[derive(sqlx::FromRow)]
struct LiveRow {
    id: String,
    user_id: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    /// The strictest idle timeout among the person's orgs, if any sets one.
    org_idle_ms: Option<i64>,
    sso_org_id: Option<String>,
    /// The value of an [`ExtraColumn`], `NULL` without one.
    extra: Option<String>,
}

/// The strictest idle timeout among the orgs of the session's person, as a column.
const ORG_IDLE: &str = "(SELECT MIN(p.session_idle_timeout_ms) FROM memberships m \
     JOIN org_security_policies p ON p.org_id = m.org_id WHERE m.user_id = s.user_id) \
     AS org_idle_ms";

/// Whether a session is still live `now`.
fn live(
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    org_idle_ms: Option<i64>,
    lifetimes: &SessionLifetimes,
    now: i64,
) -> bool {
    let idle = org_idle_ms.map_or(lifetimes.idle_timeout_ms(), |org| {
        org.min(lifetimes.idle_timeout_ms())
    });
    now < expires_at
        && now < created_at.saturating_add(lifetimes.max_age_ms())
        && now < last_seen_at.saturating_add(idle)
}

/// The live session for a token, if any. Expired and idle sessions are never returned.
pub async fn find(
    conn: &mut AnyConnection,
    token: &str,
    lifetimes: &SessionLifetimes,
    now: i64,
) -> Result<Option<SessionRecord>, AppError> {
    Ok(find_with(conn, token, lifetimes, now, None)
        .await?
        .map(|(record, _)| record))
}

/// One more column read in the same statement as the session: `column` is an SQL
/// expression over the session row `s` named `AS extra`, whose one parameter is `$3`.
pub struct ExtraColumn {
    pub column: String,
    pub value: String,
}

/// Like [`find`], with the value of `extra` (a request's other question about the same
/// session, asked without another round trip).
pub async fn find_with(
    conn: &mut AnyConnection,
    token: &str,
    lifetimes: &SessionLifetimes,
    now: i64,
    extra: Option<ExtraColumn>,
) -> Result<Option<(SessionRecord, Option<String>)>, AppError> {
    let token_hash = hash_token(token);
    let extra_column = extra
        .as_ref()
        .map_or("CAST(NULL AS TEXT) AS extra", |e| &e.column);
    let sql = format!(
        "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, {ORG_IDLE}, \
         s.sso_org_id, {extra_column} \
         FROM sessions s WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    let mut query = sqlx::query_as::<_, LiveRow>(&sql)
        .bind(&token_hash)
        .bind(now);
    if let Some(extra) = &extra {
        query = query.bind(&extra.value);
    }
    let row: Option<LiveRow> = query.fetch_optional(conn).await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if !live(
        row.created_at,
        row.last_seen_at,
        row.expires_at,
        row.org_idle_ms,
        lifetimes,
        now,
    ) {
        return Ok(None);
    }
    let record = SessionRecord {
        id: row
            .id
            .parse()
            .map_err(|_| AppError::CorruptRow("session id"))?,
        user_id: row
            .user_id
            .parse()
            .map_err(|_| AppError::CorruptRow("user id"))?,
        token_hash,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        expires_at: row.expires_at,
        sso_org_id: row.sso_org_id.and_then(|id| id.parse().ok()),
    };
    Ok(Some((record, row.extra)))
}

/// Whether a session seen `now` should have its `last_seen_at` written.
pub fn needs_touch(record: &SessionRecord, now: i64) -> bool {
    now - record.last_seen_at >= TOUCH_EVERY_MS
}

/// Marks the session used now (unless another request just did).
pub async fn touch(
    conn: &mut AnyConnection,
    record: &SessionRecord,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3",
    )
    .bind(now)
    .bind(&record.token_hash)
    .bind(now - TOUCH_EVERY_MS)
    .execute(conn)
    .await?;
    Ok(())
}

/// One session of a person, as the list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Listed {
    pub id: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub org_idle_ms: Option<i64>,
}

/// The live sessions of `user`, most recently used first.
pub async fn list(
    conn: &mut AnyConnection,
    user: UserId,
    lifetimes: &SessionLifetimes,
    now: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let sql = format!(
        "SELECT s.id, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent, \
         {ORG_IDLE} FROM sessions s WHERE s.user_id = $1 AND s.expires_at > $2 \
         ORDER BY s.last_seen_at DESC, s.id DESC"
    );
    let rows: Vec<Listed> = sqlx::query_as(&sql)
        .bind(user.to_string())
        .bind(now)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| {
            live(
                r.created_at,
                r.last_seen_at,
                r.expires_at,
                r.org_idle_ms,
                lifetimes,
                now,
            )
        })
        .collect())
}

pub async fn revoke(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends `user`'s session `id`; `false` when the person has no such session.
pub async fn revoke_by_id(
    conn: &mut AnyConnection,
    user: UserId,
    id: SessionId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id = $2")
        .bind(user.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of `user` except `keep` (when given): sign out everywhere (else),
/// and what a password change does to the other sessions. Returns how many ended.
pub async fn revoke_all_except(
    conn: &mut AnyConnection,
    user: UserId,
    keep: Option<SessionId>,
) -> Result<u64, sqlx::Error> {
    let done = match keep {
        Some(keep) => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user.to_string())
                .bind(keep.to_string())
                .execute(conn)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.to_string())
                .execute(conn)
                .await?
        }
    };
    Ok(done.rows_affected())
}

/// Drops sessions past their maximum age or the server's idle timeout; called
/// opportunistically at sign-in.
pub async fn purge_expired(
    conn: &mut AnyConnection,
    lifetimes: &SessionLifetimes,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now.saturating_sub(lifetimes.idle_timeout_ms()))
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn token_hash_is_sha256_hex() {
        let hash = hash_token("ods_example");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, hash_token("ods_other"));
    }

    #[test]
    fn a_session_ends_at_its_age_or_its_strictest_idle_timeout() {
        let lifetimes = SessionLifetimes {
            idle_timeout: Duration::from_secs(3600),
            max_age: Duration::from_secs(10 * 3600),
        };
        let hour = 3_600_000;
        // Fresh, used a minute ago.
        assert!(live(0, hour, 10 * hour, None, &lifetimes, hour + 60_000));
        // Idle for an hour.
        assert!(!live(0, hour, 10 * hour, None, &lifetimes, 2 * hour));
        // An org's 30 minutes applies; a laxer org's 2 hours does not lengthen it.
        assert!(!live(
            0,
            hour,
            10 * hour,
            Some(hour / 2),
            &lifetimes,
            hour + hour / 2
        ));
        assert!(!live(
            0,
            hour,
            10 * hour,
            Some(2 * hour),
            &lifetimes,
            2 * hour
        ));
        // Past the maximum age, used or not; a lowered maximum age ends older sessions.
        assert!(!live(
            0,
            10 * hour - 1,
            10 * hour,
            None,
            &lifetimes,
            10 * hour
        ));
        assert!(!live(0, 11 * hour, 20 * hour, None, &lifetimes, 11 * hour));
    }
}
