//! Secrets the server must read back (two-factor secrets) are sealed with a key that lives
//! outside the database: XChaCha20-Poly1305 with a random 192-bit nonce per value, and
//! associated data naming what the value is and whose it is, so a sealed value copied to
//! another row or another account does not open. A copy of the database alone reveals no
//! secret.
//!
//! The key is 32 random bytes, base64 in a file only the owner may read: by default
//! `<data dir>/secret.key`, made on first start. Instances sharing one database must be
//! given the same file (`--secret-key-file`); the database remembers the key's id and a
//! server started with another key refuses to start rather than fail every sign-in.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use crate::owner_only;

/// The key file's name in the data folder when none is configured.
pub const KEY_FILE: &str = "secret.key";
/// What a sealed value starts with: the format's version.
const SEALED_PREFIX: &str = "xc1.";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SealingError {
    #[error("cannot read or create the secret key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the secret key file {path} does not hold 32 bytes in base64")]
    KeyFormat { path: PathBuf },
    #[error("a sealed value does not open with this server's key")]
    Unsealable,
}

/// The server's sealing key. Cheap to clone; never printed.
#[derive(Clone)]
pub struct Sealing {
    cipher: Arc<XChaCha20Poly1305>,
    id: String,
}

impl fmt::Debug for Sealing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealing").field("key_id", &self.id).finish()
    }
}

impl Sealing {
    /// A key from its 32 bytes.
    pub fn from_bytes(key: &[u8; KEY_LEN]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"orgdesk sealing key id\0")
            .chain_update(key)
            .finalize();
        Self {
            cipher: Arc::new(XChaCha20Poly1305::new(key.into())),
            id: URL_SAFE_NO_PAD.encode(&digest[..12]),
        }
    }

    /// Reads the key at `path`, or makes a new one there (owner-only) when there is none.
    pub fn load_or_create(path: &Path) -> Result<Self, SealingError> {
        let failed = |source| SealingError::KeyFile {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                owner_only::tighten(path).map_err(failed)?;
                let bytes = STANDARD
                    .decode(text.trim())
                    .ok()
                    .and_then(|bytes| <[u8; KEY_LEN]>::try_from(bytes).ok())
                    .ok_or_else(|| SealingError::KeyFormat {
                        path: path.to_path_buf(),
                    })?;
                Ok(Self::from_bytes(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; KEY_LEN] = XChaCha20Poly1305::generate_key(&mut OsRng).into();
                owner_only::write_new(path, format!("{}\n", STANDARD.encode(key)).as_bytes())
                    .map_err(failed)?;
                // Another process may have made it first: what is on disk wins.
                Self::load_or_create(path)
            }
            Err(e) => Err(failed(e)),
        }
    }

    /// Names the key without revealing it (what the database remembers).
    pub fn key_id(&self) -> &str {
        &self.id
    }

    /// Seals `secret`, bound to `context` (what it is and whose).
    pub fn seal(&self, secret: &str, context: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: secret.as_bytes(),
            aad: context.as_bytes(),
        };
        // Encrypting into a Vec fails only on a message beyond the cipher's limit (GiBs).
        let sealed = self
            .cipher
            .encrypt(&nonce, payload)
            .unwrap_or_else(|_| unreachable!("a short secret always seals"));
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Opens what [`Sealing::seal`] made with the same key and `context`.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, SealingError> {
        let bytes = sealed
            .strip_prefix(SEALED_PREFIX)
            .and_then(|body| URL_SAFE_NO_PAD.decode(body).ok())
            .filter(|bytes| bytes.len() > NONCE_LEN)
            .ok_or(SealingError::Unsealable)?;
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let payload = Payload {
            msg: body,
            aad: context.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealingError::Unsealable)?;
        String::from_utf8(plain).map_err(|_| SealingError::Unsealable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Sealing {
        Sealing::from_bytes(&[byte; KEY_LEN])
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_context() {
        let sealing = key(1);
        let sealed = sealing.seal("JBSWY3DPEHPK3PXP", "two-factor:ana");
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(
            sealing.open(&sealed, "two-factor:ana").unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert!(sealing.open(&sealed, "two-factor:bo").is_err());
        assert!(key(2).open(&sealed, "two-factor:ana").is_err());
        assert!(sealing.open("JBSWY3DPEHPK3PXP", "two-factor:ana").is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(sealing.open(&tampered, "two-factor:ana").is_err());
    }

    #[test]
    fn each_seal_takes_a_new_nonce() {
        let sealing = key(1);
        assert_ne!(sealing.seal("x", "c"), sealing.seal("x", "c"));
    }

    #[test]
    fn the_key_file_is_made_once_owner_only_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let first = Sealing::load_or_create(&path).unwrap();
        let again = Sealing::load_or_create(&path).unwrap();
        assert_eq!(first.key_id(), again.key_id());
        let sealed = first.seal("s", "c");
        assert_eq!(again.open(&sealed, "c").unwrap(), "s");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").unwrap();
        assert!(matches!(
            Sealing::load_or_create(&path),
            Err(SealingError::KeyFormat { .. })
        ));
    }
}
