//! Typed events the backend pushes to the UI (tauri-specta generates their TypeScript).

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

use crate::connectivity::ConnectivityStatus;

/// The server answers again, or stopped answering; with the outbox's counts.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ConnectivityChanged(pub ConnectivityStatus);

/// Fresher data arrived for these read keys (or, for a key ending in `/`, everything
/// under it): pages showing them should read again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DataRefreshed {
    pub keys: Vec<String>,
}

/// The outbox changed: a change was queued, applied, refused or hit a conflict.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OutboxChanged {
    pub queued: u32,
    pub attention: u32,
}

pub trait UiEvents: Send + Sync {
    fn connectivity(&self, status: &ConnectivityStatus);
    fn refreshed(&self, keys: Vec<String>);
    fn outbox(&self, queued: u32, attention: u32);
}

pub struct TauriEvents<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> UiEvents for TauriEvents<R> {
    fn connectivity(&self, status: &ConnectivityStatus) {
        report(ConnectivityChanged(status.clone()).emit(&self.0));
    }

    fn refreshed(&self, keys: Vec<String>) {
        report(DataRefreshed { keys }.emit(&self.0));
    }

    fn outbox(&self, queued: u32, attention: u32) {
        report(OutboxChanged { queued, attention }.emit(&self.0));
    }
}

fn report(result: tauri::Result<()>) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "an event could not reach the UI");
    }
}
