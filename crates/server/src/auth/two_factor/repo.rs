//! Two-factor sign-in in the database: the secret and its state (`two_factor`), recovery
//! codes (`recovery_codes`, hashed) and the second steps of sign-ins (`login_challenges`,
//! hashed, single use).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::UserId;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::auth::two_factor::codes;

/// How long the second step of a sign-in may wait.
pub const CHALLENGE_TTL_MS: i64 = 5 * 60 * 1000;
const CHALLENGE_PREFIX: &str = "odc_";

/// An account's two-factor row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub secret: String,
    pub enabled_at: Option<i64>,
    pub last_step: Option<i64>,
}

pub async fn find(conn: &mut AnyConnection, user: UserId) -> Result<Option<Stored>, sqlx::Error> {
    sqlx::query_as("SELECT secret, enabled_at, last_step FROM two_factor WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_optional(conn)
        .await
}

/// Whether `user` signs in with a second factor.
pub async fn is_enabled(conn: &mut AnyConnection, user: UserId) -> Result<bool, sqlx::Error> {
    Ok(find(conn, user)
        .await?
        .is_some_and(|stored| stored.enabled_at.is_some()))
}

/// Starts (or restarts) an enrolment with `secret`; refuses to touch an enabled one.
pub async fn start(
    conn: &mut AnyConnection,
    user: UserId,
    secret: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM two_factor WHERE user_id = $1 AND enabled_at IS NULL")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO two_factor (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user.to_string())
    .bind(secret)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Accepts a code of time step `step`: `false` when a code of that step (or a later one)
/// was already accepted, so no code works twice.
pub async fn accept_step(
    conn: &mut AnyConnection,
    user: UserId,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE two_factor SET last_step = $1 WHERE user_id = $2 \
         AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(step)
    .bind(user.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn enable(conn: &mut AnyConnection, user: UserId, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE two_factor SET enabled_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Turns two-factor off: the secret and the recovery codes go.
pub async fn remove(conn: &mut AnyConnection, user: UserId) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM two_factor WHERE user_id = $1",
    ] {
        sqlx::query(sql)
            .bind(user.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces the recovery codes of `user` with `codes` (stored hashed).
pub async fn replace_recovery_codes(
    conn: &mut AnyConnection,
    user: UserId,
    codes: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.to_string())
            .bind(codes::recovery_hash(code))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Uses up a recovery code: `false` when it is not one of `user`'s unused codes.
pub async fn use_recovery_code(
    conn: &mut AnyConnection,
    user: UserId,
    code: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 \
         AND used_at IS NULL",
    )
    .bind(now)
    .bind(user.to_string())
    .bind(codes::recovery_hash(code))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recovery_codes_left(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<i64, sqlx::Error> {
    let (left,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(left)
}

fn challenge_hash(challenge: &str) -> String {
    hex::encode(Sha256::digest(challenge.as_bytes()))
}

/// A new second step for `user`'s sign-in: the challenge (shown once) and when it ends.
pub async fn new_challenge(
    conn: &mut AnyConnection,
    user: UserId,
    now: i64,
) -> Result<(String, i64), sqlx::Error> {
    sqlx::query("DELETE FROM login_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let challenge = format!("{CHALLENGE_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let expires_at = now + CHALLENGE_TTL_MS;
    sqlx::query(
        "INSERT INTO login_challenges (challenge_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(challenge_hash(&challenge))
    .bind(user.to_string())
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok((challenge, expires_at))
}

/// The account a live challenge is for.
pub async fn challenge_user(
    conn: &mut AnyConnection,
    challenge: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT user_id FROM login_challenges WHERE challenge_hash = $1 AND expires_at > $2",
    )
    .bind(challenge_hash(challenge))
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(user,)| user))
}

/// Uses up a challenge: `false` when another request used it first (or it just expired).
pub async fn use_challenge(
    conn: &mut AnyConnection,
    challenge: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM login_challenges WHERE challenge_hash = $1 AND expires_at > $2")
            .bind(challenge_hash(challenge))
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
