//! Whether the server answers. Offline is noticed from failed or timed-out requests, not
//! only the OS flag; once offline, the server is probed with growing pauses (1 s doubling
//! to 30 s) until it answers, then the outbox is replayed.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use orgdesk_client::ClientError;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::state::AppState;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// What the offline banner shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ConnectivityStatus {
    pub online: bool,
    /// When the current state began.
    pub since: DateTime<Utc>,
    /// Changes waiting in the outbox (including those needing attention).
    pub queued: u32,
    /// Changes the server refused or that conflict: they wait for the user.
    pub attention: u32,
    /// Whether queued changes survive quitting the app (false without a keychain).
    pub durable: bool,
}

pub struct Connectivity {
    state: Mutex<(bool, DateTime<Utc>)>,
    probing: Mutex<bool>,
}

impl Default for Connectivity {
    fn default() -> Self {
        Self {
            state: Mutex::new((true, Utc::now())),
            probing: Mutex::new(false),
        }
    }
}

impl Connectivity {
    pub fn is_online(&self) -> bool {
        self.state.lock().map(|s| s.0).unwrap_or(true)
    }

    pub fn since(&self) -> DateTime<Utc> {
        self.state
            .lock()
            .map(|s| s.1)
            .unwrap_or_else(|_| Utc::now())
    }

    /// Records the state; true when it changed.
    fn set(&self, online: bool) -> bool {
        let Ok(mut s) = self.state.lock() else {
            return false;
        };
        if s.0 == online {
            return false;
        }
        *s = (online, Utc::now());
        true
    }

    /// Claims the probe loop; false if one already runs.
    fn start_probing(&self) -> bool {
        let Ok(mut p) = self.probing.lock() else {
            return false;
        };
        !std::mem::replace(&mut *p, true)
    }

    fn stop_probing(&self) {
        if let Ok(mut p) = self.probing.lock() {
            *p = false;
        }
    }
}

impl AppState {
    /// Notes what a request's outcome says about the connection.
    pub(crate) fn observe<T>(&self, result: &Result<T, ClientError>) {
        match result {
            Err(e) if e.is_connectivity() => self.went_offline(),
            Ok(_) | Err(_) => self.came_online(),
        }
    }

    pub(crate) fn went_offline(&self) {
        if self.connectivity.set(false) {
            tracing::info!("the server stopped answering; working offline");
            self.announce_connectivity();
        }
        self.probe();
    }

    pub(crate) fn came_online(&self) {
        if self.connectivity.set(true) {
            tracing::info!("the server answers again");
            self.announce_connectivity();
            self.outbox_wake();
        }
    }

    pub async fn connectivity_status(&self) -> ConnectivityStatus {
        let (queued, attention) = self.outbox_counts().await;
        ConnectivityStatus {
            online: self.connectivity.is_online(),
            since: self.connectivity.since(),
            queued,
            attention,
            durable: self.has_durable_outbox().await,
        }
    }

    pub(crate) fn announce_connectivity(&self) {
        let Some(this) = self.handle() else { return };
        tauri::async_runtime::spawn(async move {
            let status = this.connectivity_status().await;
            if let Some(ui) = this.ui.get() {
                ui.connectivity(&status);
            }
        });
    }

    /// Probes the server until it answers (one loop at a time).
    fn probe(&self) {
        if !self.connectivity.start_probing() {
            return;
        }
        let Some(this) = self.handle() else { return };
        tauri::async_runtime::spawn(async move {
            let mut pause = FIRST_PAUSE;
            loop {
                tokio::time::sleep(pause).await;
                let Ok(client) = this.client().await else {
                    break;
                };
                if client.health().await.is_ok() {
                    this.came_online();
                    break;
                }
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            this.connectivity.stop_probing();
        });
    }

    /// Checks now (the banner's "Try again").
    pub async fn check_connection(&self) -> bool {
        let Ok(client) = self.client().await else {
            return false;
        };
        let result = client.health().await;
        self.observe(&result);
        result.is_ok()
    }
}
