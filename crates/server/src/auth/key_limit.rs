//! The API keys' rate limit: every request made with a live key — reads and metering
//! alike, whatever the route answers next — counts toward its key's window, kept in the
//! database (`api_key_windows`) so every instance sharing it counts the same.
//!
//! A fixed window per key: it opens with the first request after the previous window
//! ended and lasts [`WINDOW_MS`]; past the limit inside it, the request gets 429
//! `rate_limited` with `Retry-After`, the whole seconds until the window ends. One
//! statement counts (`INSERT … ON CONFLICT … DO UPDATE … RETURNING`), atomic by itself, so
//! no transaction around it (its `BEGIN` and `COMMIT` were two more round trips to the
//! database on every request of a key): PostgreSQL applies concurrent upserts of one row
//! one after the other, SQLite's statement holds the write lock while it runs (taken in
//! turn through this process's write gate), so a parallel burst of `limit + n` requests
//! gets exactly `n` refusals on either backend.
//!
//! [`gate`] runs around every route: a request whose bearer is not a live key passes on
//! untouched (the route serves a session, or answers 401); a live key is counted, its
//! `last_used_at` moved (at most once a minute), and handed on in the request's extensions
//! so that [`crate::auth::ApiKeyCaller`] does not look it up again.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use orgdesk_model::ApiKeyId;
use sqlx::AnyConnection;

use crate::auth::api_key::{self, KeyRecord};
use crate::auth::error::AuthError;
use crate::auth::extractor::bearer;
use crate::db::now_ms;
use crate::error::AppError;
use crate::limits::MINUTE_MS;
use crate::state::AppState;

/// How long a key's window lasts: the limit is per minute.
pub const WINDOW_MS: i64 = MINUTE_MS;
/// `last_used_at` is moved when it is at least this old, not on every request.
const TOUCH_AFTER_MS: i64 = MINUTE_MS;

/// Counts one request of `key` at `now`; returns the start of its window and the requests
/// counted in it, this one included. On SQLite, hold a turn of the write gate.
pub async fn count(
    conn: &mut AnyConnection,
    key: ApiKeyId,
    now: i64,
) -> Result<(i64, i64), sqlx::Error> {
    // Every expression of SET reads the row as it was: both CASEs see the old window.
    sqlx::query_as(
        "INSERT INTO api_key_windows (key_id, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (key_id) DO UPDATE SET \
         hits = CASE WHEN api_key_windows.window_start > $3 \
                THEN api_key_windows.hits + 1 ELSE 1 END, \
         window_start = CASE WHEN api_key_windows.window_start > $3 \
                THEN api_key_windows.window_start ELSE $2 END \
         RETURNING window_start, hits",
    )
    .bind(key.to_string())
    .bind(now)
    .bind(now - WINDOW_MS)
    .fetch_one(conn)
    .await
}

/// Whole seconds until a window that started at `start` ends, 1 to 60. (A request that
/// read the clock just before another opened the window may see it start after `now`.)
fn retry_after_secs(start: i64, now: i64) -> u64 {
    u64::try_from((start + WINDOW_MS - now).clamp(0, WINDOW_MS))
        .unwrap_or(0)
        .div_ceil(1000)
        .max(1)
}

/// The live key of a request, counted: `None` when its bearer is not one (no bearer, a
/// session, or an unknown, revoked or expired key); 429 when the key is over its limit.
async fn admit(state: &AppState, headers: &HeaderMap) -> Result<Option<KeyRecord>, AppError> {
    let Some(token) = bearer(headers).filter(|t| t.starts_with(api_key::PREFIX)) else {
        return Ok(None);
    };
    let now = now_ms();
    let key = {
        let mut conn = state.db.pool().acquire().await?;
        api_key::find_live(&mut conn, token, now).await?
    };
    // The read connection is back in the pool before the write starts: a writer holding
    // SQLite's gate may be waiting for one.
    let Some(key) = key else {
        return Ok(None);
    };
    let stale = key.last_used_at.is_none_or(|at| at <= now - TOUCH_AFTER_MS);
    if state.api_key_rate_limit.is_none() && !stale {
        return Ok(Some(key));
    }
    let counted = {
        let _turn = state.db.write_gate().await?;
        let mut conn = state.db.pool().acquire().await?;
        let counted = match state.api_key_rate_limit {
            Some(_) => Some(count(&mut conn, key.id, now).await?),
            None => None,
        };
        if stale {
            api_key::touch(&mut conn, key.id, now).await?;
        }
        counted
    };
    if let (Some(limit), Some((start, hits))) = (state.api_key_rate_limit, counted) {
        if hits > i64::from(limit) {
            return Err(AuthError::KeyRateLimited {
                limit,
                retry_after_secs: retry_after_secs(start, now),
            }
            .into());
        }
    }
    Ok(Some(key))
}

/// Counts the requests of live keys before the route runs (see the module).
pub async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    match admit(&state, request.headers()).await {
        Ok(Some(key)) => {
            request.extensions_mut().insert(key);
            next.run(request).await
        }
        Ok(None) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_until_the_window_ends() {
        assert_eq!(retry_after_secs(0, 0), 60);
        assert_eq!(retry_after_secs(0, 1), 60);
        assert_eq!(retry_after_secs(0, 59_000), 1);
        assert_eq!(retry_after_secs(0, 59_001), 1);
        assert_eq!(retry_after_secs(0, 60_000), 1);
        assert_eq!(retry_after_secs(5, 0), 60);
    }
}
