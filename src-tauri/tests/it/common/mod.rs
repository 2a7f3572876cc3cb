//! What the command-layer tests share: a real server, a mock-runtime app over a data
//! folder, and invoking commands the way the UI does.

#![allow(dead_code)]

use std::sync::Arc;

use orgdesk_app::Desktop;
use orgdesk_app_core::host::{Notice, Notifier};
use orgdesk_app_core::secrets::SecretStore;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

#[path = "../../../../crates/app-core/tests/it/common/dialog.rs"]
mod dialog;
pub use dialog::ScriptedDialog;

#[path = "../../../../crates/app-core/tests/it/common/browser.rs"]
mod browser;
#[path = "../../../../crates/app-core/tests/it/common/browser_flow.rs"]
mod browser_flow;
pub use browser::PlayedBrowser;

pub async fn server() -> (orgdesk_server::RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = orgdesk_server::Config::local(dir.path());
    (orgdesk_server::spawn(config).await.unwrap(), dir)
}

/// Follows the verification link the server mailed to `email` (it writes `.eml` files to
/// `<data dir>/mail`), as its owner would from their mailbox.
pub async fn verify_mailed_address(server_url: &str, data_dir: &std::path::Path, email: &str) {
    let to = format!("To: {email}\r\n");
    for _ in 0..150 {
        let token = std::fs::read_dir(data_dir.join("mail"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter(|text| text.contains(&to))
            .find_map(|text| {
                text.lines().find_map(|l| {
                    l.trim()
                        .strip_prefix("orgdesk://verify-email/")
                        .map(str::to_owned)
                })
            });
        if let Some(token) = token {
            let client = orgdesk_client::Client::new(server_url).unwrap();
            client.verify_email(&token).await.unwrap();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no verification link mailed to {email}");
}

/// The desktop's notification service is not part of the test machine (what is notified
/// is tested in the core).
struct NoNotifications;

impl Notifier for NoNotifications {
    fn notify(&self, _: Notice) {}
}

/// An app whose services use `secrets` and keep their preferences in `app_dir`. (A mock
/// app never runs its setup hook, so the services are installed here, as `run()`'s setup
/// does.)
pub fn app(app_dir: &std::path::Path, secrets: Arc<dyn SecretStore>) -> App<MockRuntime> {
    app_with_dialog(app_dir, secrets, Arc::new(ScriptedDialog::default()))
}

/// [`app`], with the save dialog answering as `dialog` is scripted.
pub fn app_with_dialog(
    app_dir: &std::path::Path,
    secrets: Arc<dyn SecretStore>,
    dialog: Arc<ScriptedDialog>,
) -> App<MockRuntime> {
    let commands = orgdesk_app::specta_builder::<MockRuntime>();
    let app = mock_builder()
        .invoke_handler(commands.invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    commands.mount_events(&app);
    let desktop = Desktop {
        keychain: secrets,
        notifier: Arc::new(NoNotifications),
        dialog,
        browser: Arc::new(PlayedBrowser::default()),
    };
    orgdesk_app::install(app.handle(), app_dir, desktop).unwrap();
    app
}

/// The app's main window (opened on first use).
pub fn window(app: &App<MockRuntime>) -> WebviewWindow<MockRuntime> {
    use tauri::Manager;
    app.get_webview_window("main").unwrap_or_else(|| {
        tauri::WebviewWindowBuilder::new(app, "main", Default::default())
            .build()
            .unwrap()
    })
}

/// Invokes a command like the UI does; `Ok` is the value, `Err` the `{code, message}`.
pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}
