//! Preferences that are not secret, in a JSON file: which account was signed in on which
//! server, what to prefill on the sign-in form, each account's last location and when it
//! last visited each org, which low-balance alerts were announced, and the theme. Tokens
//! never go here (see `secrets`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use orgdesk_model::auth::Me;
use orgdesk_model::{OrgId, UserId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;

use crate::error::AppError;
use crate::navigation::Location;
use crate::owner_only;

/// Key-value storage of JSON values that survives restarts.
pub trait PrefStore: Send + Sync {
    fn get(&self, key: &str) -> Option<Value>;
    fn set(&self, key: &str, value: Value) -> Result<(), AppError>;
    fn remove(&self, key: &str) -> Result<(), AppError>;
}

/// Preferences in one JSON file, an object of key to value, written whole on every change
/// (beside the file, then renamed over it, so a crash never leaves half a file). Earlier
/// versions kept the same file through `tauri-plugin-store`, in the same shape, so it
/// carries over. A file that cannot be read counts as empty (with a warning) and is replaced
/// at the next change: preferences are conveniences, losing them must not stop the app.
pub struct JsonFilePrefs {
    path: PathBuf,
    values: Mutex<Map<String, Value>>,
}

impl JsonFilePrefs {
    /// Opens the file at `path`; one an earlier version left readable by others is made
    /// the owner's only ([`owner_only`]).
    pub fn open(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        if let Err(e) = owner_only::file(&path) {
            tracing::warn!(path = %path.display(), error = %e, "preferences could not be made private");
        }
        let values = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable preferences");
                Map::new()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "preferences could not be read");
                Map::new()
            }
        };
        Self {
            path,
            values: Mutex::new(values),
        }
    }

    fn change(&self, edit: impl FnOnce(&mut Map<String, Value>)) -> Result<(), AppError> {
        let mut values = self
            .values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        edit(&mut values);
        let bytes =
            serde_json::to_vec_pretty(&*values).map_err(|e| AppError::Prefs(e.to_string()))?;
        let mut partial = self.path.as_os_str().to_owned();
        partial.push(".part");
        let partial = PathBuf::from(partial);
        let written = owner_only::write(&partial, &bytes)
            .and_then(|()| std::fs::rename(&partial, &self.path));
        written.map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            AppError::Prefs(e.to_string())
        })
    }
}

impl PrefStore for JsonFilePrefs {
    fn get(&self, key: &str) -> Option<Value> {
        self.values.lock().ok()?.get(key).cloned()
    }

    fn set(&self, key: &str, value: Value) -> Result<(), AppError> {
        self.change(|values| {
            values.insert(key.to_owned(), value);
        })
    }

    fn remove(&self, key: &str) -> Result<(), AppError> {
        self.change(|values| {
            values.remove(key);
        })
    }
}

/// Which server an account lives on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerChoice {
    /// The server the app runs itself, on loopback, with its data in the app data folder.
    Embedded,
    Remote {
        url: String,
    },
}

impl ServerChoice {
    /// The choice a sign-in form's "server" field means: blank is the built-in server.
    pub fn from_input(url: Option<&str>) -> Result<Self, AppError> {
        let url = url.map(str::trim).unwrap_or_default();
        if url.is_empty() {
            return Ok(Self::Embedded);
        }
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
                Ok(Self::Remote {
                    url: url.trim_end_matches('/').to_owned(),
                })
            }
            _ => Err(AppError::invalid(
                "server_url",
                "Enter the server's address, like https://orgdesk.example.com, or leave it blank.",
            )),
        }
    }

    /// A stable name for keychain entries, independent of the embedded server's port.
    pub fn key(&self) -> &str {
        match self {
            Self::Embedded => "embedded",
            Self::Remote { url } => url,
        }
    }
}

/// The account that was signed in last, so the app can resume it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedAccount {
    pub server: ServerChoice,
    pub me: Me,
}

impl SavedAccount {
    pub fn keychain_key(&self) -> String {
        format!("{}#{}", self.server.key(), self.me.user.id)
    }
}

/// What the sign-in form is prefilled with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Type)]
pub struct SignInHint {
    pub server_url: Option<String>,
    pub email: Option<String>,
}

/// The theme a person chose: the desktop's (light or dark as it says), or one of them
/// whatever the desktop says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone)]
pub struct Prefs(Arc<dyn PrefStore>);

const ACCOUNT: &str = "account";
const HINT: &str = "sign_in_hint";
const THEME: &str = "theme";

impl Prefs {
    pub fn new(store: Arc<dyn PrefStore>) -> Self {
        Self(store)
    }

    fn read<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let value = self.0.get(key)?;
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::warn!(key, error = %e, "ignoring unreadable preference");
                None
            }
        }
    }

    fn write<T: Serialize>(&self, key: &str, value: &T) -> Result<(), AppError> {
        let json = serde_json::to_value(value).map_err(|e| AppError::Prefs(e.to_string()))?;
        self.0.set(key, json)
    }

    pub fn account(&self) -> Option<SavedAccount> {
        self.read(ACCOUNT)
    }

    pub fn set_account(&self, account: &SavedAccount) -> Result<(), AppError> {
        self.write(ACCOUNT, account)?;
        let url = match &account.server {
            ServerChoice::Embedded => None,
            ServerChoice::Remote { url } => Some(url.clone()),
        };
        self.write(
            HINT,
            &SignInHint {
                server_url: url,
                email: Some(account.me.user.email.clone()),
            },
        )
    }

    pub fn forget_account(&self) -> Result<(), AppError> {
        self.0.remove(ACCOUNT)
    }

    pub fn sign_in_hint(&self) -> SignInHint {
        self.read(HINT).unwrap_or_default()
    }

    pub fn get_i64(&self, key: &str) -> Option<i64> {
        self.read(key)
    }

    pub fn set_i64(&self, key: &str, value: i64) -> Result<(), AppError> {
        self.write(key, &value)
    }

    /// The theme chosen (the desktop's when none was, or what was saved cannot be read).
    pub fn theme(&self) -> ThemeChoice {
        self.read(THEME).unwrap_or_default()
    }

    pub fn set_theme(&self, theme: ThemeChoice) -> Result<(), AppError> {
        self.write(THEME, &theme)
    }

    pub fn location(&self, user: UserId) -> Option<Location> {
        self.read(&format!("location/{user}"))
    }

    pub fn set_location(&self, user: UserId, location: &Location) -> Result<(), AppError> {
        self.write(&format!("location/{user}"), location)
    }

    /// When `user` last opened each org on this computer (by org id).
    pub fn visits(&self, user: UserId) -> BTreeMap<OrgId, DateTime<Utc>> {
        self.read(&format!("visits/{user}")).unwrap_or_default()
    }

    /// Remembers that `user` opened `org` at `at`.
    pub fn record_visit(
        &self,
        user: UserId,
        org: OrgId,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let mut visits = self.visits(user);
        visits.insert(org, at);
        self.write(&format!("visits/{user}"), &visits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_file_keeps_preferences_across_opening_and_reads_the_earlier_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prefs.json");
        // As tauri-plugin-store wrote it.
        std::fs::write(
            &path,
            br#"{
  "sign_in_hint": {
    "server_url": null,
    "email": "ana@example.com"
  }
}"#,
        )
        .unwrap();
        let prefs = Prefs::new(Arc::new(JsonFilePrefs::open(&path)));
        assert_eq!(
            prefs.sign_in_hint().email.as_deref(),
            Some("ana@example.com")
        );
        prefs.set_i64("low_balance_notified/x", 7).unwrap();

        let again = Prefs::new(Arc::new(JsonFilePrefs::open(&path)));
        assert_eq!(again.get_i64("low_balance_notified/x"), Some(7));
        assert_eq!(
            again.sign_in_hint().email.as_deref(),
            Some("ana@example.com")
        );
        assert!(!dir.path().join("prefs.json.part").exists());

        std::fs::write(&path, b"{ not json").unwrap();
        let damaged = Prefs::new(Arc::new(JsonFilePrefs::open(&path)));
        assert!(
            damaged.account().is_none(),
            "an unreadable file is no preferences, not a crash"
        );
    }
}
