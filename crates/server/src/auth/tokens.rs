//! The single-use tokens of mailed links (verify the email, confirm a new email, reset the
//! password): 32 bytes from the OS CSPRNG in base64url, mailed once; only their SHA-256 is
//! stored (`account_tokens`). A newer token of the same purpose replaces the older one, and
//! redeeming a token deletes it, so each link works once.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::UserId;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::error::AppError;

/// What a token lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Prove the account's email (mailed at sign-up, and again on request).
    VerifyEmail,
    /// Prove a new email; the account takes it on.
    ChangeEmail,
    /// Set a new password without the old one.
    PasswordReset,
}

impl Purpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ChangeEmail => "change_email",
            Self::PasswordReset => "password_reset",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        [Self::VerifyEmail, Self::ChangeEmail, Self::PasswordReset]
            .into_iter()
            .find(|p| p.as_str() == stored)
    }
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Stores a new token for `user` and `purpose`, proving `email` until `now + ttl_ms`, in
/// place of any earlier one of that purpose; returns the token (to be mailed, never kept).
pub async fn issue(
    conn: &mut AnyConnection,
    user: UserId,
    purpose: Purpose,
    email: &str,
    ttl_ms: i64,
    now: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query("DELETE FROM account_tokens WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?;
    forget(conn, user, &[purpose]).await?;
    let token = random_token();
    sqlx::query(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash(&token))
    .bind(user.to_string())
    .bind(purpose.as_str())
    .bind(email)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(conn)
    .await?;
    Ok(token)
}

/// A token that was just used up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub user: UserId,
    pub purpose: Purpose,
    /// The address the link was mailed to.
    pub email: String,
}

/// Uses up the token if it is live and of one of `purposes`: deletes it and says whose it
/// was. Unknown, used, expired and other-purpose tokens all give `None` (an expired one is
/// deleted too). Call it in a write transaction, so that a token is redeemed once.
pub async fn redeem(
    conn: &mut AnyConnection,
    token: &str,
    purposes: &[Purpose],
    now: i64,
) -> Result<Option<Redeemed>, AppError> {
    let token_hash = hash(token);
    let row: Option<(String, String, String, i64)> = sqlx::query_as(
        "SELECT user_id, purpose, email, expires_at FROM account_tokens WHERE token_hash = $1",
    )
    .bind(&token_hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user, purpose, email, expires_at)) = row else {
        return Ok(None);
    };
    let purpose = Purpose::parse(&purpose).ok_or(AppError::CorruptRow("token purpose"))?;
    if !purposes.contains(&purpose) {
        return Ok(None);
    }
    let deleted = sqlx::query("DELETE FROM account_tokens WHERE token_hash = $1")
        .bind(&token_hash)
        .execute(conn)
        .await?;
    if deleted.rows_affected() != 1 || expires_at <= now {
        return Ok(None);
    }
    Ok(Some(Redeemed {
        user: user.parse().map_err(|_| AppError::CorruptRow("user id"))?,
        purpose,
        email,
    }))
}

/// Whose live token of `purpose` this is, without using it up (to check what comes with
/// it before the write transaction that redeems it).
pub async fn peek(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> Result<Option<Redeemed>, AppError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT user_id, email FROM account_tokens \
         WHERE token_hash = $1 AND purpose = $2 AND expires_at > $3",
    )
    .bind(hash(token))
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    row.map(|(user, email)| {
        Ok(Redeemed {
            user: user.parse().map_err(|_| AppError::CorruptRow("user id"))?,
            purpose,
            email,
        })
    })
    .transpose()
}

/// Deletes every token of `user` for `purposes`: their links stop working.
pub async fn forget(
    conn: &mut AnyConnection,
    user: UserId,
    purposes: &[Purpose],
) -> Result<(), sqlx::Error> {
    for purpose in purposes {
        sqlx::query("DELETE FROM account_tokens WHERE user_id = $1 AND purpose = $2")
            .bind(user.to_string())
            .bind(purpose.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_as_sha256() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash(&a).len(), 64);
        assert_eq!(hash(&format!(" {a}\n")), hash(&a));
        for purpose in [
            Purpose::VerifyEmail,
            Purpose::ChangeEmail,
            Purpose::PasswordReset,
        ] {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
        }
    }
}
