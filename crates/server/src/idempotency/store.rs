//! Idempotency records in the database: claim a key, store the answer, replay it.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use sqlx::AnyConnection;

use crate::db::Db;
use crate::error::AppError;
use crate::idempotency::error::IdempotencyError;
use crate::idempotency::{Idempotency, REPLAYED_HEADER};

/// How long an answer is replayed.
pub const TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a request may run before a retry may take its key over (its process died).
pub const LEASE_MS: i64 = 60 * 1000;
/// Expired records are swept once every this many claims.
const SWEEP_EVERY: u64 = 1024;

/// The headers of an answer worth replaying.
pub const STORED_HEADERS: [HeaderName; 5] = [
    header::CONTENT_TYPE,
    header::ETAG,
    header::LOCATION,
    header::CONTENT_DISPOSITION,
    header::WWW_AUTHENTICATE,
];

static CLAIMS: AtomicU64 = AtomicU64::new(0);

/// What to do with a request after [`claim`].
#[derive(Debug)]
pub enum Claim {
    /// The key is ours: run the handler, then [`complete`] or [`release`].
    Run,
    /// The answer of the first request.
    Replay(Stored),
}

/// A stored answer.
#[derive(Debug, Clone)]
pub struct Stored {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Stored {
    /// A JSON answer, kept as the layer would keep it (secret fields blanked).
    pub fn json(status: StatusCode, body: &[u8]) -> Self {
        Stored {
            status: status.as_u16(),
            headers: vec![(
                header::CONTENT_TYPE.as_str().to_owned(),
                "application/json".to_owned(),
            )],
            body: crate::idempotency::layer::redact(body, &[]),
        }
    }

    pub fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.insert(name, value);
            }
        }
        headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
        response
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Record {
    request_hash: String,
    status: Option<i64>,
    headers: Option<String>,
    body: Option<Vec<u8>>,
    locked_until: i64,
    expires_at: i64,
}

/// Claims `(scope, key)` for this request, or tells why not: the stored answer to
/// replay, 422 for another request under the key, 409 while the first still runs.
pub async fn claim(db: &Db, ctx: &Idempotency, now: i64) -> Result<Claim, AppError> {
    let pool = db.pool();
    if CLAIMS.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
        sweep(db, now).await?;
    }
    for _ in 0..4 {
        let turn = db.write_gate().await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_records (scope, idem_key, request_hash, locked_until, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (scope, idem_key) DO NOTHING",
        )
        .bind(&ctx.scope)
        .bind(&ctx.key)
        .bind(&ctx.request_hash)
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(now + TTL_MS)
        .execute(pool)
        .await?;
        drop(turn);
        if inserted.rows_affected() == 1 {
            return Ok(Claim::Run);
        }
        let record: Option<Record> = sqlx::query_as(
            "SELECT request_hash, status, headers, body, locked_until, expires_at \
             FROM idempotency_records WHERE scope = $1 AND idem_key = $2",
        )
        .bind(&ctx.scope)
        .bind(&ctx.key)
        .fetch_optional(pool)
        .await?;
        let Some(record) = record else {
            continue;
        };
        if record.expires_at <= now {
            let _turn = db.write_gate().await?;
            sqlx::query(
                "DELETE FROM idempotency_records WHERE scope = $1 AND idem_key = $2 \
                 AND expires_at <= $3",
            )
            .bind(&ctx.scope)
            .bind(&ctx.key)
            .bind(now)
            .execute(pool)
            .await?;
            continue;
        }
        if record.request_hash != ctx.request_hash {
            return Err(IdempotencyError::Reused.into());
        }
        if let Some(status) = record.status {
            let headers: Vec<(String, String)> = record
                .headers
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| AppError::CorruptRow("idempotency headers"))?
                .unwrap_or_default();
            return Ok(Claim::Replay(Stored {
                status: u16::try_from(status).unwrap_or(500),
                headers,
                body: record.body.unwrap_or_default(),
            }));
        }
        if record.locked_until > now {
            return Err(IdempotencyError::InFlight.into());
        }
        // The first request's lease ran out: its process is gone. Take the key over.
        let turn = db.write_gate().await?;
        let taken = sqlx::query(
            "UPDATE idempotency_records SET locked_until = $1 WHERE scope = $2 \
             AND idem_key = $3 AND status IS NULL AND locked_until = $4",
        )
        .bind(now + LEASE_MS)
        .bind(&ctx.scope)
        .bind(&ctx.key)
        .bind(record.locked_until)
        .execute(pool)
        .await?;
        drop(turn);
        if taken.rows_affected() == 1 {
            return Ok(Claim::Run);
        }
    }
    Err(IdempotencyError::InFlight.into())
}

/// Stores the answer for replays.
pub async fn complete(db: &Db, ctx: &Idempotency, answer: &Stored) -> Result<(), AppError> {
    let _turn = db.write_gate().await?;
    let mut conn = db.pool().acquire().await?;
    complete_in(&mut conn, ctx, answer).await?;
    Ok(())
}

/// Stores the answer in the caller's transaction: the one that did the request's work, so
/// both are kept or neither (the handler then marks its response [`AnswerKept`]).
///
/// [`AnswerKept`]: crate::idempotency::AnswerKept
pub async fn complete_in(
    conn: &mut AnyConnection,
    ctx: &Idempotency,
    answer: &Stored,
) -> Result<(), sqlx::Error> {
    let headers = serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".to_owned());
    sqlx::query(
        "UPDATE idempotency_records SET status = $1, headers = $2, body = $3 \
         WHERE scope = $4 AND idem_key = $5",
    )
    .bind(i64::from(answer.status))
    .bind(headers)
    .bind(answer.body.clone())
    .bind(&ctx.scope)
    .bind(&ctx.key)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives the key up (the answer was not one to keep), so a retry runs again.
pub async fn release(db: &Db, ctx: &Idempotency) -> Result<(), AppError> {
    let _turn = db.write_gate().await?;
    sqlx::query(
        "DELETE FROM idempotency_records WHERE scope = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(&ctx.scope)
    .bind(&ctx.key)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Deletes records past their replay window.
pub async fn sweep(db: &Db, now: i64) -> Result<u64, AppError> {
    let _turn = db.write_gate().await?;
    let done = sqlx::query("DELETE FROM idempotency_records WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
