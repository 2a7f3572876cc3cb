//! The tray: every context with its role, a low-balance mark and its queued changes
//! (`orgdesk_app_core::tray`); a click shows the main window in that context. "Open
//! Orgdesk" and "Quit". While the tray is there, closing the main window hides it: the app
//! keeps running in the tray (except under WebDriver, which ends its session by closing
//! the window). The menu is rebuilt when data or the outbox change, and every half minute.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use orgdesk_app_core::tray::{TrayContext, TrayContexts};
use orgdesk_model::OrgId;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

use crate::events::DataChanged;
use crate::windows;

const OPEN: &str = "open";
const QUIT: &str = "quit";
const CONTEXT: &str = "context:";
/// Changes come in bursts (a replayed outbox, a page's reads): rebuild once after them.
const SETTLE: Duration = Duration::from_millis(300);
const AT_LEAST_EVERY: Duration = Duration::from_secs(30);

/// Whether the tray is up (managed once it is).
#[derive(Default)]
pub struct TrayShown(AtomicBool);

/// Puts the icon in the tray and keeps its menu current. Without a tray (no icon, or the
/// desktop refuses it) the app works as before and closing the window quits.
pub fn install<R: Runtime>(app: &AppHandle<R>, contexts: Arc<TrayContexts>) {
    app.manage(TrayShown::default());
    let tray = match build(app) {
        Ok(tray) => tray,
        Err(e) => return tracing::info!(error = %e, "no tray icon"),
    };
    app.state::<TrayShown>().0.store(true, Ordering::Relaxed);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let list = contexts.list().await;
            match menu(&app, &list) {
                Ok(menu) => {
                    if let Err(e) = tray.set_menu(Some(menu)) {
                        tracing::warn!(error = %e, "the tray menu was not updated");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the tray menu could not be built"),
            }
            let changed = app.state::<DataChanged>();
            let _ = tokio::time::timeout(AT_LEAST_EVERY, changed.0.notified()).await;
            tokio::time::sleep(SETTLE).await;
        }
    });
}

/// Whether closing the main window should hide it rather than quit.
pub fn keeps_running<R: Runtime>(app: &AppHandle<R>) -> bool {
    let under_webdriver = std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true");
    let shown = app
        .try_state::<TrayShown>()
        .is_some_and(|t| t.0.load(Ordering::Relaxed));
    shown && !under_webdriver
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<TrayIcon<R>> {
    let mut builder = TrayIconBuilder::with_id("orgdesk")
        .tooltip("Orgdesk")
        .menu(&menu(app, &[])?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| chosen(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)
}

fn menu<R: Runtime>(app: &AppHandle<R>, contexts: &[TrayContext]) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    menu.append(&MenuItem::with_id(
        app,
        OPEN,
        "Open Orgdesk",
        true,
        None::<&str>,
    )?)?;
    if !contexts.is_empty() {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    for context in contexts {
        let id = format!("{CONTEXT}{}", context.org_id);
        menu.append(&MenuItem::with_id(
            app,
            id,
            context.text(),
            true,
            None::<&str>,
        )?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        QUIT,
        "Quit Orgdesk",
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

/// What a menu item does.
fn chosen<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match id {
        OPEN => windows::show_main(app),
        QUIT => app.exit(0),
        _ => {
            let Some(org_id) = id
                .strip_prefix(CONTEXT)
                .and_then(|s| s.parse::<OrgId>().ok())
            else {
                return;
            };
            windows::open_in_main(app, org_id, None);
        }
    }
}
