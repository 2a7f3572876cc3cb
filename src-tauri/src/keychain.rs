//! Where session tokens live: the OS keychain (Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows). When it cannot be reached the token is kept in
//! memory only and the app says so; it is never written to a plain file.

use std::collections::HashMap;
use std::sync::Mutex;

use thiserror::Error;

const SERVICE: &str = "orgdesk";

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

/// The OS keychain through `keyring`.
#[derive(Debug, Default)]
pub struct OsKeychain;

impl OsKeychain {
    fn entry(account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, account).map_err(unavailable)
    }
}

fn unavailable(e: keyring::Error) -> SecretError {
    let reason = match &e {
        keyring::Error::NoStorageAccess(inner) => {
            format!("the keychain refused access ({inner}); it may be locked")
        }
        keyring::Error::PlatformFailure(inner) => {
            format!("no keychain service answered ({inner})")
        }
        other => other.to_string(),
    };
    SecretError::Unavailable(reason)
}

impl SecretStore for OsKeychain {
    fn get(&self, account: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(account)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(unavailable)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn persistent(&self) -> bool {
        true
    }
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
