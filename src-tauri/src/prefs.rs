//! Preferences that are not secret, kept with `tauri-plugin-store`: which account was
//! signed in on which server, what to prefill on the sign-in form, and each account's last
//! location. Tokens never go here (see `keychain`).

use std::sync::Arc;

use orgdesk_model::auth::Me;
use orgdesk_model::UserId;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::AppError;
use crate::navigation::Location;

/// Key-value storage of JSON values that survives restarts.
pub trait PrefStore: Send + Sync {
    fn get(&self, key: &str) -> Option<serde_json::Value>;
    fn set(&self, key: &str, value: serde_json::Value) -> Result<(), AppError>;
    fn remove(&self, key: &str) -> Result<(), AppError>;
}

impl<R: tauri::Runtime> PrefStore for tauri_plugin_store::Store<R> {
    fn get(&self, key: &str) -> Option<serde_json::Value> {
        tauri_plugin_store::Store::get(self, key)
    }

    fn set(&self, key: &str, value: serde_json::Value) -> Result<(), AppError> {
        tauri_plugin_store::Store::set(self, key, value);
        self.save().map_err(|e| AppError::Prefs(e.to_string()))
    }

    fn remove(&self, key: &str) -> Result<(), AppError> {
        tauri_plugin_store::Store::delete(self, key);
        self.save().map_err(|e| AppError::Prefs(e.to_string()))
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

#[derive(Clone)]
pub struct Prefs(Arc<dyn PrefStore>);

const ACCOUNT: &str = "account";
const HINT: &str = "sign_in_hint";

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

    pub fn location(&self, user: UserId) -> Option<Location> {
        self.read(&format!("location/{user}"))
    }

    pub fn set_location(&self, user: UserId, location: &Location) -> Result<(), AppError> {
        self.write(&format!("location/{user}"), location)
    }
}
