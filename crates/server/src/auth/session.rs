//! Session tokens: 32 bytes from the OS CSPRNG, shown once as `ods_<base64url>`; only
//! their SHA-256 is stored. Sessions expire 30 days after sign-in.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::UserId;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

pub const TOKEN_PREFIX: &str = "ods_";
pub const TTL_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// A session as the server sees it: never the token itself.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub token_hash: String,
    pub expires_at: i64,
}

/// A freshly issued token and its record.
pub struct Issued {
    pub token: String,
    pub record: SessionRecord,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn issue(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: i64,
) -> Result<Issued, sqlx::Error> {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let record = SessionRecord {
        user_id,
        token_hash: hash_token(&token),
        expires_at: now + TTL_MS,
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&record.token_hash)
    .bind(user_id.to_string())
    .bind(now)
    .bind(record.expires_at)
    .execute(conn)
    .await?;
    Ok(Issued { token, record })
}

/// The live session for a token, if any. Expired sessions are never returned.
pub async fn find(
    conn: &mut AnyConnection,
    token: &str,
    now: i64,
) -> Result<Option<SessionRecord>, sqlx::Error> {
    let token_hash = hash_token(token);
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT user_id, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(user_id, expires_at)| {
        Some(SessionRecord {
            user_id: user_id.parse().ok()?,
            token_hash,
            expires_at,
        })
    }))
}

pub async fn revoke(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of `user` but the one whose hash is `keep` (changing the password
/// keeps the session that did it); returns how many ended.
// t9-signin builds the sessions list and exposes the same function; on merge keep one.
pub async fn revoke_all_except(
    conn: &mut AnyConnection,
    user: UserId,
    keep: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.to_string())
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of `user` (a password reset); returns how many ended.
pub async fn revoke_all(conn: &mut AnyConnection, user: UserId) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Drops sessions that expired long ago; called opportunistically at sign-in.
pub async fn purge_expired(conn: &mut AnyConnection, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hash_is_sha256_hex() {
        let hash = hash_token("ods_example");
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, hash_token("ods_other"));
    }
}
