//! The desktop's side of what the core asks of its host: background work on Tauri's async
//! runtime, and desktop notifications.

use orgdesk_app_core::host::{BoxFuture, Notifier, Spawner};
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// Runs the core's background work on Tauri's runtime.
pub struct TauriSpawner;

impl Spawner for TauriSpawner {
    fn spawn(&self, task: BoxFuture<'static, ()>) {
        tauri::async_runtime::spawn(task);
    }
}

pub struct DesktopNotifier<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Notifier for DesktopNotifier<R> {
    fn notify(&self, title: &str, body: &str) {
        if let Err(e) = self
            .0
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show()
        {
            tracing::warn!(error = %e, "the desktop notification could not be shown");
        }
    }
}
