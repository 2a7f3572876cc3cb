//! API key secrets: `odk_` and 32 bytes from the OS CSPRNG in base64url, shown once; only
//! the SHA-256 is stored, with the first 8 characters after `odk_` to tell keys apart.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "odk_";
/// Characters of the secret after `odk_` that are kept and shown.
pub const SHOWN: usize = 8;

/// A new secret with its hash and shown prefix.
pub struct Secret {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

pub fn generate() -> Secret {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let body = URL_SAFE_NO_PAD.encode(bytes);
    let secret = format!("{PREFIX}{body}");
    Secret {
        hash: hash(&secret),
        prefix: body.chars().take(SHOWN).collect(),
        secret,
    }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_odk_and_43_base64url_characters() {
        let a = generate();
        let b = generate();
        assert!(a.secret.starts_with(PREFIX));
        assert_eq!(a.secret.len(), PREFIX.len() + 43);
        assert!(a.secret[PREFIX.len()..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a.prefix, a.secret[PREFIX.len()..PREFIX.len() + SHOWN]);
        assert_eq!(a.hash, hash(&a.secret));
        assert_ne!(a.secret, b.secret);
    }
}
