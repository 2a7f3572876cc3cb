//! Typed events the backend pushes to the UI (tauri-specta generates their TypeScript).

use orgdesk_app_core::host::{ConnectivityStatus, UiEvents};
use orgdesk_client::ReadScope;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;

/// The server answers again, or stopped answering; with the outbox's counts.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ConnectivityChanged(pub ConnectivityStatus);

/// Fresher data arrived for these reads: pages showing them should read again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DataRefreshed {
    pub scopes: Vec<ReadScope>,
}

/// The account signed out (in any window): every window shows the sign-in screen.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct SignedOut;

/// The tray or a notification asks the main window to show a context: at `page`, or (when
/// absent) at the page it shows now.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ContextRequested {
    pub org_id: orgdesk_model::OrgId,
    pub page: Option<orgdesk_model::AppPage>,
}

/// The outbox changed: a change was queued, applied, refused or hit a conflict.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct OutboxChanged {
    pub queued: u32,
    pub attention: u32,
}

/// Rings when data or the outbox changed (what the tray shows follows it); managed state.
#[derive(Default)]
pub struct DataChanged(pub tokio::sync::Notify);

pub struct TauriEvents<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> TauriEvents<R> {
    fn ring(&self) {
        if let Some(changed) = self.0.try_state::<DataChanged>() {
            changed.0.notify_one();
        }
    }
}

impl<R: Runtime> UiEvents for TauriEvents<R> {
    fn connectivity(&self, status: &ConnectivityStatus) {
        report(ConnectivityChanged(status.clone()).emit(&self.0));
    }

    fn refreshed(&self, scopes: Vec<ReadScope>) {
        report(DataRefreshed { scopes }.emit(&self.0));
        self.ring();
    }

    fn outbox(&self, queued: u32, attention: u32) {
        report(OutboxChanged { queued, attention }.emit(&self.0));
        self.ring();
    }
}

fn report(result: tauri::Result<()>) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "an event could not reach the UI");
    }
}
