//! Password hashing with argon2id (the crate's defaults: m = 19 MiB, t = 2, p = 1, stored
//! as PHC strings), run behind the server's [`Gate`]: one hash per core at a time on the
//! gate's own threads, a bounded line, 503 `server_busy` beyond it. So a flood of sign-ups
//! cannot stall the async workers nor grow the process by 19 MiB per request.
//!
//! Each worker thread keeps its argon2 working memory ([`MEMORY`]) and reuses it for every
//! hash, instead of allocating 19 MiB per hash: those allocations, 64-byte aligned, were
//! never handed back by the allocator, and 200 hashes on two threads grew the process by
//! 400 MiB. Reuse is sound: argon2 writes every block before it reads it.

use std::cell::RefCell;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::auth::error::AuthError;
use crate::cpu::Gate;
use crate::error::AppError;

type HashError = argon2::password_hash::Error;

/// Hashed once per process; unknown emails are verified against it so that a failed
/// sign-in costs the same whether the account exists or not.
static DUMMY_HASH: OnceLock<String> = OnceLock::new();

thread_local! {
    /// This thread's argon2 working memory, grown to the largest hash it computed.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 `params` over `password` and `salt` into `out`, in this thread's memory.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), HashError> {
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            *memory = vec![Block::default(); blocks];
        }
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
            .map_err(HashError::from)
    })
}

fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0_u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes)?;
    let params = Params::DEFAULT;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        compute(
            Algorithm::Argon2id,
            Version::V0x13,
            params.clone(),
            password.as_bytes(),
            salt_bytes,
            out,
        )
    })?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored` (its own algorithm and parameters).
fn matches(password: &str, stored: &str) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(stored)?;
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(&parsed)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(HashError::PhcStringField);
    };
    let mut salt_bytes = [0_u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let actual = Output::init_with(expected.len(), |out| {
        compute(
            algorithm,
            version,
            params,
            password.as_bytes(),
            salt_bytes,
            out,
        )
    })?;
    // Output's equality is constant-time.
    Ok(actual == expected)
}

fn dummy_hash() -> Result<&'static str, AppError> {
    if let Some(hash) = DUMMY_HASH.get() {
        return Ok(hash);
    }
    let hash =
        hash_now("orgdesk: no account has this password").map_err(AuthError::PasswordHash)?;
    Ok(DUMMY_HASH.get_or_init(|| hash))
}

pub async fn hash(gate: &Gate, password: String) -> Result<String, AppError> {
    gate.run(move || hash_now(&password))
        .await?
        .map_err(|e| AuthError::PasswordHash(e).into())
}

/// Checks `password` against `stored`, or against the dummy hash when there is no account.
/// Returns `false` for no account, whatever the password.
pub async fn verify(
    gate: &Gate,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    gate.run(move || {
        let exists = stored.is_some();
        let phc = match &stored {
            Some(hash) => hash.as_str(),
            None => dummy_hash()?,
        };
        let right = matches(&password, phc).map_err(AuthError::PasswordHash)?;
        Ok(exists && right)
    })
    .await?
}

/// Computes the dummy hash ahead of the first failed sign-in, so that even that one takes
/// no longer than the others.
pub async fn warm_up(gate: Gate) {
    let _ = gate.run(dummy_hash).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let gate = Gate::for_cores();
        let hash = hash(&gate, "correct horse battery".into()).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify(&gate, "correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify(&gate, "wrong horse battery".into(), Some(hash))
            .await
            .unwrap());
        assert!(
            !verify(&gate, "orgdesk: no account has this password".into(), None)
                .await
                .unwrap()
        );
    }

    #[test]
    fn our_hashes_are_the_crates_hashes() {
        // Stored hashes made by the crate's own hasher (every account so far) still verify,
        // and ours verify with the crate's verifier.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        assert!(matches("correct horse battery", &theirs).unwrap());
        assert!(!matches("correct horse batterz", &theirs).unwrap());
        let ours = hash_now("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        // Other parameters than ours are read from the string.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"pw-123456789", &salt)
        .unwrap()
        .to_string();
        assert!(matches("pw-123456789", &small).unwrap());
        assert!(matches("pw", "not a phc string").is_err());
    }
}
