//! Password hashing with argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1), run on
//! the blocking pool so that hashing never stalls the async workers.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::auth::error::AuthError;
use crate::error::AppError;

/// Hashed once per process; unknown emails are verified against it so that a failed
/// sign-in costs the same whether the account exists or not.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn dummy_hash() -> Result<&'static str, AppError> {
    if let Some(hash) = DUMMY_HASH.get() {
        return Ok(hash);
    }
    let hash =
        hash_now("orgdesk: no account has this password").map_err(AuthError::PasswordHash)?;
    Ok(DUMMY_HASH.get_or_init(|| hash))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await?
        .map_err(|e| AuthError::PasswordHash(e).into())
}

/// Checks `password` against `stored`, or against the dummy hash when there is no account.
/// Returns `false` for no account, whatever the password.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let exists = stored.is_some();
        let phc = match &stored {
            Some(hash) => hash.as_str(),
            None => dummy_hash()?,
        };
        let parsed = PasswordHash::new(phc).map_err(AuthError::PasswordHash)?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(exists && matches)
    })
    .await?
}

/// Computes the dummy hash ahead of the first failed sign-in, so that even that one takes
/// no longer than the others.
pub async fn warm_up() {
    let _ = tokio::task::spawn_blocking(dummy_hash).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hash = hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(hash))
            .await
            .unwrap());
        assert!(
            !verify("orgdesk: no account has this password".into(), None)
                .await
                .unwrap()
        );
    }
}
