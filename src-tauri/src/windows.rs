//! The app's own windows: the main one (from the config, label `main`) and one per org
//! opened "in a new window", so two clients can sit side by side. Each window's page holds
//! its own context; an org window starts in its org (`index.html?org=<id>`) and its title
//! names the context it shows. Sizes and positions are remembered by
//! `tauri-plugin-window-state`: the main window's, and one shared by the org windows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use orgdesk_model::{AppPage, OrgId};
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};
use tauri_specta::Event;

use orgdesk_app_core::appearance::Appearance;
use orgdesk_app_core::prefs::ThemeChoice;

use crate::events::{ContextRequested, DataChanged, SignedOut};
use crate::main_window;

/// The main window's label (as in `tauri.conf.json`).
pub const MAIN: &str = main_window::LABEL;
/// The start of an org window's label; the rest is the org's id.
pub const ORG_PREFIX: &str = "org-";
/// What every title ends with.
const APP_NAME: &str = "Orgdesk";

/// The label an org's window has.
pub fn org_label(org: OrgId) -> String {
    format!("{ORG_PREFIX}{org}")
}

/// The title of a window showing `context` (none before sign-in).
pub fn title(context: Option<&str>) -> String {
    match context.map(str::trim).filter(|c| !c.is_empty()) {
        Some(name) => format!("{name} — {APP_NAME}"),
        None => APP_NAME.to_owned(),
    }
}

/// The label under which a window's size and position are remembered: org windows share
/// one; card windows and anything else are not remembered.
pub fn remembered_as(label: &str) -> &str {
    if label.starts_with(ORG_PREFIX) {
        "org"
    } else {
        label
    }
}

/// What is remembered of a window between launches: where it was and how big, not whether
/// it was visible (a window hidden to the tray opens shown).
pub fn remembered_state() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// A write of the sizes is on its way.
static WRITING: AtomicBool = AtomicBool::new(false);

/// Writes where the windows are, half a second after they last moved or changed size:
/// an app that is killed, or ended by its session manager, still opens where it was left.
pub fn remember_soon<R: Runtime>(app: &AppHandle<R>) {
    if WRITING.swap(true, Ordering::AcqRel) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        WRITING.store(false, Ordering::Release);
        if let Err(e) = app.save_window_state(remembered_state()) {
            tracing::warn!(error = %e, "window sizes were not saved");
        }
    });
}

/// Whether a window's size and position are remembered.
pub fn is_remembered(label: &str) -> bool {
    matches!(label, MAIN | "org")
}

/// The windows as the commands use them (managed as `Arc<dyn AppWindows>`, so commands
/// stay free of the runtime's type).
pub trait AppWindows: Send + Sync {
    /// Opens `org` in a window of its own, or brings forward the one showing it.
    fn open_org(&self, org: OrgId, name: &str) -> tauri::Result<()>;
    /// Titles the window `label` after the context it shows.
    fn name(&self, label: &str, context: Option<&str>);
    /// After sign-out: org windows close, every window hears it, the tray follows.
    fn signed_out(&self);
}

/// This app's windows.
pub struct TauriWindows<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> AppWindows for TauriWindows<R> {
    fn open_org(&self, org: OrgId, name: &str) -> tauri::Result<()> {
        let theme = self
            .0
            .try_state::<std::sync::Arc<Appearance>>()
            .map_or(ThemeChoice::System, |a| a.theme());
        open_org(&self.0, org, name, theme)
    }

    fn name(&self, label: &str, context: Option<&str>) {
        let Some(window) = self.0.get_webview_window(label) else {
            return;
        };
        if let Err(e) = window.set_title(&title(context)) {
            tracing::debug!(error = %e, "the window's title was not changed");
        }
    }

    fn signed_out(&self) {
        close_org_windows(&self.0);
        if let Err(e) = SignedOut.emit(&self.0) {
            tracing::warn!(error = %e, "an event could not reach the UI");
        }
        if let Some(changed) = self.0.try_state::<DataChanged>() {
            changed.0.notify_one();
        }
    }
}

/// Opens `org` in a window of its own (in `theme` from its first frame), or brings forward
/// the one already showing it.
pub fn open_org<R: Runtime>(
    app: &AppHandle<R>,
    org: OrgId,
    name: &str,
    theme: ThemeChoice,
) -> tauri::Result<()> {
    let label = org_label(org);
    if let Some(window) = app.get_webview_window(&label) {
        return bring_forward(&window);
    }
    let url = WebviewUrl::App(format!("index.html?org={org}").into());
    main_window::themed(WebviewWindowBuilder::new(app, label, url), theme)
        .title(title(Some(name)))
        .inner_size(1180.0, 760.0)
        .min_inner_size(860.0, 560.0)
        .focused(true)
        .build()
        .map(|window| {
            if theme == ThemeChoice::System {
                main_window::paint(&window, theme);
            }
        })
}

/// Shows, unminimizes and focuses a window.
pub fn bring_forward<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.show()?;
    window.unminimize()?;
    window.set_focus()
}

/// Shows the main window (after the tray's "Open Orgdesk", a second launch, a link).
pub fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        if let Err(e) = bring_forward(&window) {
            tracing::warn!(error = %e, "the main window could not be shown");
        }
    }
}

/// Shows the main window and asks it to open `org_id`, at `page` or where it is now (a
/// tray entry or a notification was clicked).
pub fn open_in_main<R: Runtime>(app: &AppHandle<R>, org_id: OrgId, page: Option<AppPage>) {
    show_main(app);
    if let Err(e) = (ContextRequested { org_id, page }).emit_to(app, MAIN) {
        tracing::warn!(error = %e, "the main window was not asked to switch");
    }
}

/// Closes every org window (after sign-out: they showed the account's data).
pub fn close_org_windows<R: Runtime>(app: &AppHandle<R>) {
    for (label, window) in app.webview_windows() {
        if label.starts_with(ORG_PREFIX) {
            let _ = window.destroy();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_context() {
        assert_eq!(title(Some("Acme")), "Acme — Orgdesk");
        assert_eq!(title(Some("  ")), "Orgdesk");
        assert_eq!(title(None), "Orgdesk");
    }

    #[test]
    fn org_windows_share_one_remembered_size_and_card_windows_none() {
        let org = OrgId::new();
        assert_eq!(remembered_as(&org_label(org)), "org");
        assert!(is_remembered(remembered_as(&org_label(org))));
        assert!(is_remembered(remembered_as(MAIN)));
        assert!(!is_remembered(remembered_as("card-3")));
    }
}
