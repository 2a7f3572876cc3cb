//! Encryption at rest for the local store: XChaCha20-Poly1305 with a random nonce per
//! value, under a 256-bit key that lives in the OS keychain (never on disk).

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, OsRng};
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

    /// `nonce || ciphertext`
    pub fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self.0.encrypt(&nonce, plain).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    pub fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 24 {
            return Err(CryptoError::Decrypt);
        }
        let (nonce, body) = sealed.split_at(24);
        self.0
            .decrypt(XNonce::from_slice(nonce), body)
            .map_err(|_| CryptoError::Decrypt)
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
        let sealed = cipher.seal(b"balance: 42");
        assert_ne!(&sealed[24..], b"balance: 42");
        assert_eq!(cipher.open(&sealed).unwrap(), b"balance: 42");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(cipher.open(&tampered).is_err());
        // The same account gets the same key back; another account another key.
        let again = Cipher::for_account(&keychain, "a").unwrap();
        assert_eq!(again.open(&sealed).unwrap(), b"balance: 42");
        let other = Cipher::for_account(&keychain, "b").unwrap();
        assert!(other.open(&sealed).is_err());
    }
}
