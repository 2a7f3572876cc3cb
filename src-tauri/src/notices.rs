//! Desktop notifications that open what they are about: a click on one (its default
//! action) shows the main window at the org and page it names.
//!
//! On Linux they go to the desktop's notification server over D-Bus with notify-rust (the
//! library Tauri's notification plugin uses, which does not pass clicks on); each one
//! waits for its click or its closing on a thread of its own. Elsewhere the plugin shows
//! them, without the click.

use orgdesk_app_core::host::{Notice, Notifier};
use tauri::{AppHandle, Runtime};

/// The app's name on its notifications.
#[cfg(target_os = "linux")]
const APP_NAME: &str = "Orgdesk";

pub struct DesktopNotifier<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Notifier for DesktopNotifier<R> {
    #[cfg(target_os = "linux")]
    fn notify(&self, notice: Notice) {
        let app = self.0.clone();
        let spawned = std::thread::Builder::new()
            .name("notification".into())
            .spawn(move || show_and_follow(&app, notice));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread for a desktop notification");
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn notify(&self, notice: Notice) {
        use tauri_plugin_notification::NotificationExt;
        let shown = self
            .0
            .notification()
            .builder()
            .title(notice.title)
            .body(notice.body)
            .show();
        if let Err(e) = shown {
            tracing::warn!(error = %e, "the desktop notification could not be shown");
        }
    }
}

/// Shows `notice`, then waits until it is clicked (and opens its page) or closed.
#[cfg(target_os = "linux")]
fn show_and_follow<R: Runtime>(app: &AppHandle<R>, notice: Notice) {
    let mut notification = notify_rust::Notification::new();
    notification
        .appname(APP_NAME)
        .summary(notice.title)
        .body(&notice.body);
    if notice.opens.is_some() {
        // "default" is the action a click on the notification's body invokes.
        notification.action("default", "Open");
    }
    let handle = match notification.show() {
        Ok(handle) => handle,
        Err(e) => {
            tracing::warn!(error = %e, "the desktop notification could not be shown");
            return;
        }
    };
    let Some((org_id, page)) = notice.opens else {
        return;
    };
    handle.wait_for_action(|action| {
        if action == "default" {
            tracing::info!(org = %org_id, page = page.as_str(), "a notification was clicked");
            crate::windows::open_in_main(app, org_id, Some(page));
        }
    });
}
