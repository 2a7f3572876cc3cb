//! What the core's integration tests share: a real server on loopback, a fault-injecting
//! proxy in front of it, the app's services over a data folder that survives "restarts",
//! and recorders standing in for the desktop (notifications, UI events).

#![allow(dead_code)]

pub mod browser;
pub mod browser_flow;
pub mod dialog;
pub mod mail;
pub mod provider;
pub mod proxy;
pub mod world;

pub use browser::PlayedBrowser;
pub use dialog::ScriptedDialog;

use std::sync::Mutex;

use orgdesk_app_core::host::{
    BoxFuture, BuiltInAddress, BuiltInServer, ConnectivityStatus, Notice, Notifier, UiEvents,
};
use orgdesk_app_core::AppError;
use orgdesk_client::ReadScope;
use orgdesk_model::{AppPage, OrgId};

pub async fn server() -> (orgdesk_server::RunningServer, tempfile::TempDir) {
    server_with(|config| config).await
}

/// A server whose configuration `tweak` changes (an SSO test's DNS resolver, say).
pub async fn server_with(
    tweak: impl FnOnce(orgdesk_server::Config) -> orgdesk_server::Config,
) -> (orgdesk_server::RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = orgdesk_server::Config {
        // Webhooks may point at loopback (tests never send anywhere else).
        webhooks: orgdesk_server::webhooks::WebhookConfig::open(),
        ..orgdesk_server::Config::local(dir.path())
    };
    (orgdesk_server::spawn(tweak(config)).await.unwrap(), dir)
}

/// Records notifications instead of showing them: their bodies, and the org page a click
/// on each would open.
#[derive(Default)]
pub struct Recorded(
    pub Mutex<Vec<String>>,
    pub Mutex<Vec<Option<(OrgId, AppPage)>>>,
);

impl Notifier for Recorded {
    fn notify(&self, notice: Notice) {
        self.0.lock().unwrap().push(notice.body);
        self.1.lock().unwrap().push(notice.opens);
    }
}

/// Records what the UI would be told.
#[derive(Default)]
pub struct Heard {
    pub refreshed: Mutex<Vec<Vec<ReadScope>>>,
    pub connectivity: Mutex<Vec<ConnectivityStatus>>,
    pub outbox: Mutex<Vec<(u32, u32)>>,
}

impl UiEvents for Heard {
    fn connectivity(&self, status: &ConnectivityStatus) {
        self.connectivity.lock().unwrap().push(status.clone());
    }

    fn refreshed(&self, scopes: Vec<ReadScope>) {
        self.refreshed.lock().unwrap().push(scopes);
    }

    fn outbox(&self, queued: u32, attention: u32) {
        self.outbox.lock().unwrap().push((queued, attention));
    }
}

/// Tests sign in to a server they started; the built-in one is never asked for.
pub struct NoBuiltInServer;

impl BuiltInServer for NoBuiltInServer {
    fn address(&self) -> BoxFuture<'_, Result<BuiltInAddress, AppError>> {
        Box::pin(async { Err(AppError::EmbeddedServer("not in tests".into())) })
    }
}
