//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) behind the core's `SecretStore`.

use orgdesk_app_core::secrets::{SecretError, SecretStore};

const SERVICE: &str = "orgdesk";

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
