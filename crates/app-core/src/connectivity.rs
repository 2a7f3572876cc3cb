//! Whether the server answers. Offline is noticed from failed or timed-out requests, not
//! only the OS flag; once offline, the server is probed with growing pauses (1 s doubling
//! to 30 s) until it answers (and then the outbox, which follows the changes, replays).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use orgdesk_client::ClientError;
use tokio::sync::watch;

use crate::host::Spawner;
use crate::signed_in::SignedIn;

const FIRST_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

/// Whether the server answers, noticed from what requests meet. Whoever cares about a
/// change (the outbox replays, the banner is told) follows [`Connectivity::subscribe`].
pub struct Connectivity {
    state: Mutex<(bool, DateTime<Utc>)>,
    probing: Mutex<bool>,
    changes: watch::Sender<bool>,
    signed_in: Arc<SignedIn>,
    spawner: Arc<dyn Spawner>,
}

impl Connectivity {
    pub fn new(signed_in: Arc<SignedIn>, spawner: Arc<dyn Spawner>) -> Self {
        Self {
            state: Mutex::new((true, Utc::now())),
            probing: Mutex::new(false),
            changes: watch::channel(true).0,
            signed_in,
            spawner,
        }
    }

    pub fn is_online(&self) -> bool {
        self.state.lock().map(|s| s.0).unwrap_or(true)
    }

    pub fn since(&self) -> DateTime<Utc> {
        self.state
            .lock()
            .map(|s| s.1)
            .unwrap_or_else(|_| Utc::now())
    }

    /// Hears every change between online and offline (the value is `online`).
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.changes.subscribe()
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
        self.changes.send_replace(online);
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

    /// Notes what a request's outcome says about the connection.
    pub fn observe<T>(self: &Arc<Self>, result: &Result<T, ClientError>) {
        match result {
            Err(e) if e.is_connectivity() => self.went_offline(),
            Ok(_) | Err(_) => self.came_online(),
        }
    }

    pub fn went_offline(self: &Arc<Self>) {
        if self.set(false) {
            tracing::info!("the server stopped answering; working offline");
        }
        self.probe();
    }

    pub fn came_online(&self) {
        if self.set(true) {
            tracing::info!("the server answers again");
        }
    }

    /// Probes the server until it answers (one loop at a time).
    fn probe(self: &Arc<Self>) {
        if !self.start_probing() {
            return;
        }
        let this = self.clone();
        self.spawner.run(async move {
            let mut pause = FIRST_PAUSE;
            loop {
                tokio::time::sleep(pause).await;
                let Ok(client) = this.signed_in.client().await else {
                    break;
                };
                if client.health().await.is_ok() {
                    this.came_online();
                    break;
                }
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
            this.stop_probing();
        });
    }

    /// Checks now (the banner's "Try again"); true when the server answered.
    pub async fn check_now(self: &Arc<Self>) -> bool {
        let Ok(client) = self.signed_in.client().await else {
            return false;
        };
        let result = client.health().await;
        self.observe(&result);
        result.is_ok()
    }
}
