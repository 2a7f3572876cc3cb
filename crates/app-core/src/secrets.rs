//! Where session tokens and the local store's keys live: behind [`SecretStore`], which the
//! desktop implements with the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). When it cannot be reached the token is kept in memory
//! only ([`MemorySecrets`]) and the app says so; it is never written to a plain file.

use std::collections::HashMap;
use std::sync::Mutex;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SecretError {
    /// No keychain could be used: no session bus, a locked or missing keyring, …
    #[error("{0}")]
    Unavailable(String),
}

/// A place for secrets, keyed by account.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    fn delete(&self, account: &str) -> Result<(), SecretError>;
    /// Whether secrets survive a restart here.
    fn persistent(&self) -> bool;
}

/// Secrets held for this run only: the fallback when no keychain can be used.
#[derive(Debug, Default)]
pub struct MemorySecrets {
    secrets: Mutex<HashMap<String, String>>,
}

impl SecretStore for MemorySecrets {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        Ok(self
            .secrets
            .lock()
            .ok()
            .and_then(|s| s.get(account).cloned()))
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        if let Ok(mut s) = self.secrets.lock() {
            s.insert(account.to_owned(), secret.to_owned());
        }
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        if let Ok(mut s) = self.secrets.lock() {
            s.remove(account);
        }
        Ok(())
    }

    fn persistent(&self) -> bool {
        false
    }
}
