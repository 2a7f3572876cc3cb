//! The desktop's side of what the core asks of its host: background work on Tauri's async
//! runtime, the native save dialog, and the system browser (notifications: `notices`).

use std::path::PathBuf;

use orgdesk_app_core::host::{BoxFuture, Browser, SaveDialog, SaveRequest, Spawner};
use orgdesk_app_core::AppError;
use orgdesk_model::{ApiError, ErrorCode};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::DialogExt;

/// Runs the core's background work on Tauri's runtime.
pub struct TauriSpawner;

impl Spawner for TauriSpawner {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        tauri::async_runtime::spawn(task);
    }
}

/// The native save dialog (GTK on Linux), over the main window, opened by the export
/// commands themselves: the webview never names a path to write.
pub struct NativeSaveDialog<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> SaveDialog for NativeSaveDialog<R> {
    fn ask(&self, request: SaveRequest) -> BoxFuture<'_, Result<Option<PathBuf>, AppError>> {
        let mut dialog = self
            .0
            .dialog()
            .file()
            .set_title(request.title)
            .set_file_name(request.file_name)
            .add_filter(request.file_type, &[request.extension]);
        if let Some(window) = self.0.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        let (answer, answered) = tokio::sync::oneshot::channel();
        // Shown from the main thread; the answer comes back on a thread of the plugin's.
        dialog.save_file(move |path| {
            let _ = answer.send(path);
        });
        Box::pin(async move {
            let chosen = answered
                .await
                .map_err(|_| AppError::SaveDialog("it closed without an answer".into()))?;
            chosen
                .map(|path| path.into_path())
                .transpose()
                .map_err(|e| AppError::SaveDialog(e.to_string()))
        })
    }
}

/// The environment variable naming a program to open sign-in pages with instead of the
/// system's browser (it gets the URL as its only argument): for desktops without a default
/// browser, and how the end-to-end tests play the browser.
pub const BROWSER_ENV: &str = "ORGDESK_BROWSER";

/// The system's browser (`xdg-open`, `open`, the shell's default), or the program
/// [`BROWSER_ENV`] names. Only `http` and `https` addresses are opened.
pub struct SystemBrowser;

impl Browser for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), AppError> {
        let cannot = |reason: String| {
            AppError::Refused(ApiError::new(
                ErrorCode::SsoFailed,
                format!("The browser could not be opened: {reason}."),
            ))
        };
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(cannot(
                    "the server sent an address that is not a web page".into(),
                ))
            }
        }
        match std::env::var_os(BROWSER_ENV).filter(|p| !p.is_empty()) {
            Some(program) => {
                let mut child = std::process::Command::new(&program)
                    .arg(url)
                    .stdin(std::process::Stdio::null())
                    .spawn()
                    .map_err(|e| {
                        cannot(format!("{} did not start ({e})", program.to_string_lossy()))
                    })?;
                // Reaped when it exits, whenever that is.
                std::thread::spawn(move || child.wait());
                Ok(())
            }
            None => open::that_detached(url).map_err(|e| cannot(e.to_string())),
        }
    }
}
