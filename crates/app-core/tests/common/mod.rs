//! What the core's integration tests share: a real server on loopback, a fault-injecting
//! proxy in front of it, the app's services over a data folder that survives "restarts",
//! and recorders standing in for the desktop (notifications, UI events).

#![allow(dead_code)]

pub mod proxy;
pub mod world;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

use orgdesk_app_core::host::{
    BoxFuture, BuiltInAddress, BuiltInServer, ConnectivityStatus, Notifier, SaveDialog,
    SaveRequest, UiEvents,
};
use orgdesk_app_core::AppError;
use orgdesk_client::ReadScope;

pub async fn server() -> (orgdesk_server::RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = orgdesk_server::Config::local(dir.path());
    (orgdesk_server::spawn(config).await.unwrap(), dir)
}

/// Records notifications instead of showing them.
#[derive(Default)]
pub struct Recorded(pub Mutex<Vec<String>>);

impl Notifier for Recorded {
    fn notify(&self, _title: &str, body: &str) {
        self.0.lock().unwrap().push(body.to_owned());
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

/// Answers save dialogs as the test scripted them, and records what each one asked.
#[derive(Default)]
pub struct ScriptedDialog {
    answers: Mutex<VecDeque<Option<PathBuf>>>,
    pub asked: Mutex<Vec<SaveRequest>>,
}

impl ScriptedDialog {
    /// The next dialog is answered with `path` (`None`: the user cancels).
    pub fn will_answer(&self, path: Option<PathBuf>) {
        self.answers.lock().unwrap().push_back(path);
    }
}

impl SaveDialog for ScriptedDialog {
    fn ask(&self, request: SaveRequest) -> BoxFuture<'_, Result<Option<PathBuf>, AppError>> {
        self.asked.lock().unwrap().push(request);
        let answer = self.answers.lock().unwrap().pop_front();
        Box::pin(async move {
            answer.ok_or_else(|| AppError::SaveDialog("the test expected no save dialog".into()))
        })
    }
}
