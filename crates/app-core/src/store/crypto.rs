//! Encryption at rest for the local store: XChaCha20-Poly1305 with a random nonce per
//! value, under a 256-bit key that lives in the OS keychain (never on disk).

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng, Payload};
use chacha20poly1305::{AeadCore, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use thiserror::Error;

use crate::secrets::{SecretError, SecretStore};

#[derive(Debug, Error)]
pub enum CryptoError {
    #[error("the local store's key is unavailable: {0}")]
    Key(#[from] SecretError),
    #[error("the local store's key in the keychain is damaged")]
    DamagedKey,
    #[error("a stored value could not be decrypted")]
    Decrypt,
}

/// XChaCha20's nonce, stored before each ciphertext.
const NONCE_LEN: usize = 24;

pub struct Cipher(XChaCha20Poly1305);

impl Cipher {
    /// The key for `account`, made and saved in `keychain` on first use.
    pub fn for_account(keychain: &dyn SecretStore, account: &str) -> Result<Self, CryptoError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let entry = format!("{account}#store");
        let key = match keychain.get(&entry)? {
            Some(encoded) => b64.decode(encoded).map_err(|_| CryptoError::DamagedKey)?,
            None => {
                let mut key = vec![0u8; 32];
                OsRng.fill_bytes(&mut key);
                keychain.set(&entry, &b64.encode(&key))?;
                key
            }
        };
        let cipher =
            XChaCha20Poly1305::new_from_slice(&key).map_err(|_| CryptoError::DamagedKey)?;
        Ok(Self(cipher))
    }

    /// Forgets the key, making whatever it encrypted unreadable.
    pub fn forget(keychain: &dyn SecretStore, account: &str) -> Result<(), SecretError> {
        keychain.delete(&format!("{account}#store"))
    }

    /// `nonce || ciphertext`, authenticated together with `bound_to` (where the value is
    /// stored): opening it with other associated data fails.
    pub fn seal(&self, plain: &[u8], bound_to: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: plain,
            aad: bound_to,
        };
        let sealed = self.0.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// The plaintext of a value sealed with the same `bound_to`.
    pub fn open(&self, sealed: &[u8], bound_to: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let payload = Payload {
            msg: body,
            aad: bound_to,
        };
        self.0
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| CryptoError::Decrypt)
    }

    /// The plaintext of a value sealed by an earlier version, bound to nothing; only to
    /// seal it again where it lives.
    pub fn open_unbound(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.open(sealed, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    #[test]
    fn round_trip_and_tamper_detection() {
        let keychain = MemorySecrets::default();
        let cipher = Cipher::for_account(&keychain, "a").unwrap();
        let sealed = cipher.seal(b"balance: 42", b"reads/balance");
        assert_ne!(&sealed[24..], b"balance: 42");
        assert_eq!(
            cipher.open(&sealed, b"reads/balance").unwrap(),
            b"balance: 42"
        );
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(cipher.open(&tampered, b"reads/balance").is_err());
        // The same account gets the same key back; another account another key.
        let again = Cipher::for_account(&keychain, "a").unwrap();
        assert_eq!(
            again.open(&sealed, b"reads/balance").unwrap(),
            b"balance: 42"
        );
        let other = Cipher::for_account(&keychain, "b").unwrap();
        assert!(other.open(&sealed, b"reads/balance").is_err());
    }

    #[test]
    fn a_value_opens_only_where_it_was_sealed() {
        let cipher = Cipher::for_account(&MemorySecrets::default(), "a").unwrap();
        let sealed = cipher.seal(b"42", b"reads/balance");
        assert!(cipher.open(&sealed, b"reads/members").is_err());
        assert!(cipher.open_unbound(&sealed).is_err());
        let unbound = cipher.seal(b"42", b"");
        assert_eq!(cipher.open_unbound(&unbound).unwrap(), b"42");
        assert!(cipher.open(&unbound, b"reads/balance").is_err());
    }
}
