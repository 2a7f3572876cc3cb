//! What the core asks of the program that hosts it (the desktop shell, or a test): running
//! background work, showing notifications, telling the UI, and the built-in server. The
//! desktop implements these with Tauri; tests with tokio and recorders.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use orgdesk_client::ReadScope;
use orgdesk_model::{AppPage, OrgId};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::AppError;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Runs background work (probing the server, replaying the outbox, refreshing reads).
pub trait Spawner: Send + Sync {
    fn spawn(&self, task: BoxFuture<'static, ()>);
}

impl dyn Spawner {
    /// Runs `task` in the background.
    pub fn run(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.spawn(Box::pin(task));
    }
}

/// Background work on a tokio runtime.
pub struct TokioSpawner(tokio::runtime::Handle);

impl TokioSpawner {
    /// On the runtime this is called from.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub fn current() -> Self {
        Self(tokio::runtime::Handle::current())
    }
}

impl Spawner for TokioSpawner {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        self.0.spawn(task);
    }
}

/// A desktop notification, and the org page a click on it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: &'static str,
    pub body: String,
    pub opens: Option<(OrgId, AppPage)>,
}

/// Shows a desktop notification.
pub trait Notifier: Send + Sync {
    fn notify(&self, notice: Notice);
}

/// What a save dialog shows: its title, the file name it suggests and the file type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveRequest {
    pub title: &'static str,
    pub file_name: String,
    /// The file type's name in the dialog's filter, e.g. "CSV".
    pub file_type: &'static str,
    /// Its extension, without the dot.
    pub extension: &'static str,
}

/// Asks the user where to save a file: the desktop's native save dialog. Exports write
/// only where it answers, never where the UI says.
pub trait SaveDialog: Send + Sync {
    /// The path the user chose; `None` when they cancelled.
    fn ask(&self, request: SaveRequest) -> BoxFuture<'_, Result<Option<PathBuf>, AppError>>;
}

/// Opens a web address in the system's browser: where a single sign-on happens (RFC 8252
/// §8.12: never in a webview of the app's own). Tests play the browser themselves.
pub trait Browser: Send + Sync {
    fn open(&self, url: &str) -> Result<(), AppError>;
}

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

/// Tells the UI about connectivity, refreshed data and the outbox.
pub trait UiEvents: Send + Sync {
    fn connectivity(&self, status: &ConnectivityStatus);
    /// Fresher data arrived for these reads: pages showing them should read again.
    fn refreshed(&self, scopes: Vec<ReadScope>);
    fn outbox(&self, queued: u32, attention: u32);
}

/// The server the app runs itself (on loopback, with its data in the app data folder),
/// started the first time an account on it is used.
pub trait BuiltInServer: Send + Sync {
    /// Where it listens and the secret it requires, starting it if needed.
    fn address(&self) -> BoxFuture<'_, Result<BuiltInAddress, AppError>>;
}

/// How to reach the built-in server.
#[derive(Clone)]
pub struct BuiltInAddress {
    /// Its base URL, on loopback.
    pub url: String,
    /// The secret made for this launch, which every request to it carries; it never
    /// leaves the app's process.
    pub secret: String,
}

impl std::fmt::Debug for BuiltInAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltInAddress")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}
