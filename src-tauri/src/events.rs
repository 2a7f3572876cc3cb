//! Typed events the backend pushes to the UI (tauri-specta generates their TypeScript).

use orgdesk_app_core::host::{ConnectivityStatus, UiEvents};
use orgdesk_client::ReadScope;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

/// The server answers again, or stopped answering; with the outbox's counts.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ConnectivityChanged(pub ConnectivityStatus);

/// Fresher data arrived for these reads: pages showing them should read again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DataRefreshed {
    pub scopes: Vec<ReadScope>,
}

/// The outbox changed: a change was queued, applied, refused or hit a conflict.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OutboxChanged {
    pub queued: u32,
    pub attention: u32,
}

pub struct TauriEvents<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> UiEvents for TauriEvents<R> {
    fn connectivity(&self, status: &ConnectivityStatus) {
        report(ConnectivityChanged(status.clone()).emit(&self.0));
    }

    fn refreshed(&self, scopes: Vec<ReadScope>) {
        report(DataRefreshed { scopes }.emit(&self.0));
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
