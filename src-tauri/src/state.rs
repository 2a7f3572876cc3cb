//! What the app backend holds while it runs. `AppState` is a cheap handle (an `Arc`), so
//! background work (probing the server, replaying the outbox, refreshing reads) holds one.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use orgdesk_client::Client;
use orgdesk_model::OrgId;
use tokio::sync::{Notify, RwLock};

use crate::alerts::Notifier;
use crate::connectivity::Connectivity;
use crate::deeplink::DeepLink;
use crate::embedded::Embedded;
use crate::error::AppError;
use crate::events::UiEvents;
use crate::keychain::{MemorySecrets, SecretStore};
use crate::logo::LogoImage;
use crate::prefs::{Prefs, ServerChoice};
use crate::session::Session;

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub(crate) data_dir: PathBuf,
    pub(crate) embedded: Embedded,
    /// The OS keychain (or, in tests, whatever store was given).
    pub(crate) keychain: Arc<dyn SecretStore>,
    /// Where tokens go when the keychain cannot be used: gone when the app quits.
    pub(crate) fallback: Arc<MemorySecrets>,
    pub(crate) prefs: Prefs,
    pub(crate) session: RwLock<Option<Session>>,
    pub(crate) logos: Mutex<HashMap<OrgId, LogoImage>>,
    /// An `orgdesk://` link that arrived and the UI has not opened yet.
    pub(crate) pending_link: Mutex<Option<DeepLink>>,
    /// Shows desktop notifications (set once the app runs).
    pub(crate) notifier: OnceLock<Arc<dyn Notifier>>,
    /// Tells the UI about connectivity, refreshed data and the outbox (set once it runs).
    pub(crate) ui: OnceLock<Arc<dyn UiEvents>>,
    pub(crate) connectivity: Connectivity,
    /// Wakes the outbox replay.
    pub(crate) outbox_signal: Notify,
    /// Reads under these key prefixes are older than a change made since (see `reads`).
    pub(crate) stale: crate::reads::Staleness,
    /// Org names by id, for notifications.
    org_names: Mutex<HashMap<OrgId, String>>,
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(data_dir: PathBuf, keychain: Arc<dyn SecretStore>, prefs: Prefs) -> Self {
        Self(Arc::new(Shared {
            embedded: Embedded::new(data_dir.join("server")),
            data_dir,
            keychain,
            fallback: Arc::new(MemorySecrets::default()),
            prefs,
            session: RwLock::new(None),
            logos: Mutex::new(HashMap::new()),
            pending_link: Mutex::new(None),
            notifier: OnceLock::new(),
            ui: OnceLock::new(),
            connectivity: Connectivity::default(),
            outbox_signal: Notify::new(),
            stale: crate::reads::Staleness::default(),
            org_names: Mutex::new(HashMap::new()),
        }))
    }

    /// Another handle to the same state, for background work.
    pub(crate) fn handle(&self) -> Option<AppState> {
        Some(self.clone())
    }

    pub fn set_notifier(&self, notifier: Arc<dyn Notifier>) {
        let _ = self.notifier.set(notifier);
    }

    pub fn set_ui_events(&self, ui: Arc<dyn UiEvents>) {
        let _ = self.ui.set(ui);
    }

    pub(crate) fn remember_org_name(&self, org: OrgId, name: &str) {
        if let Ok(mut names) = self.org_names.lock() {
            names.insert(org, name.to_owned());
        }
    }

    pub(crate) fn org_name(&self, org: OrgId) -> Option<String> {
        self.org_names.lock().ok()?.get(&org).cloned()
    }

    pub(crate) async fn server_url(&self, server: &ServerChoice) -> Result<String, AppError> {
        match server {
            ServerChoice::Embedded => self.embedded.url().await,
            ServerChoice::Remote { url } => Ok(url.clone()),
        }
    }

    /// The signed-in client, or `NotSignedIn`.
    pub(crate) async fn client(&self) -> Result<Client, AppError> {
        let session = self.session.read().await;
        session
            .as_ref()
            .map(|s| s.client.clone())
            .ok_or(AppError::NotSignedIn)
    }

    /// Stops the built-in server, letting in-flight requests finish.
    pub async fn shutdown(&self) {
        self.embedded.stop().await;
    }
}
