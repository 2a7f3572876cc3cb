//! The main window, opened from code rather than by Tauri from the configuration, so its
//! background is the theme's from the first frame: the window and the webview paint the
//! page's own background (light or dark) before the UI has loaded, never a white or grey
//! one. Everything else (label, title, size, minimum size, centred) is the configuration's
//! `app.windows` entry labelled "main", which `create: false` keeps Tauri from opening.
//! A light or dark choice is also marked on the page (`data-theme` on `<html>`) as the
//! document begins, before any of its scripts or styles load, so its first paint is the
//! theme's too; the desktop's is the page's `prefers-color-scheme`.

use orgdesk_app_core::appearance::Shade;
use orgdesk_app_core::prefs::ThemeChoice;
use tauri::window::Color;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder};

pub const LABEL: &str = "main";

/// Opens the main window in `theme`. "The desktop's" is only known once a window exists
/// (it asks the desktop's settings portal; without one, as under Xvfb, it is light): then
/// the window is made hidden, painted, and shown.
pub fn open<R: Runtime>(app: &AppHandle<R>, theme: ThemeChoice) -> tauri::Result<WebviewWindow<R>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == LABEL)
        .cloned()
        .unwrap_or_default();
    let builder = WebviewWindowBuilder::from_config(app, &config)?;
    match theme {
        ThemeChoice::Light | ThemeChoice::Dark => builder
            .background_color(color(theme.shade(Shade::Light)))
            .initialization_script(mark_theme(theme))
            .build(),
        ThemeChoice::System => {
            let window = builder.visible(false).build()?;
            paint(&window, theme);
            if config.visible {
                window.show()?;
            }
            Ok(window)
        }
    }
}

/// Gives another window of the app (an org's own) the theme's background and, for a
/// light or dark choice, the theme's mark before its page loads.
pub fn themed<'a, R: Runtime, M: Manager<R>>(
    builder: WebviewWindowBuilder<'a, R, M>,
    theme: ThemeChoice,
) -> WebviewWindowBuilder<'a, R, M> {
    match theme {
        ThemeChoice::Light | ThemeChoice::Dark => builder
            .background_color(color(theme.shade(Shade::Light)))
            .initialization_script(mark_theme(theme)),
        ThemeChoice::System => builder,
    }
}

/// The main window's background, as the commands change it (managed as
/// `Arc<dyn Background>`, so the commands need not know the runtime).
pub trait Background: Send + Sync {
    /// Paints the main window's background for `theme`, if the window is open.
    fn paint(&self, theme: ThemeChoice);
}

/// The main window of this app.
pub struct AppBackground<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Background for AppBackground<R> {
    fn paint(&self, theme: ThemeChoice) {
        if let Some(window) = self.0.get_webview_window(LABEL) {
            paint(&window, theme);
        }
    }
}

/// Paints `window`'s background (the window's and the webview's) for `theme`: what shows
/// while the page is loading or being resized.
pub fn paint<R: Runtime>(window: &WebviewWindow<R>, theme: ThemeChoice) {
    let shade = theme.shade(desktop_shade(window));
    if let Err(e) = window.set_background_color(Some(color(shade))) {
        tracing::warn!(error = %e, "the window's background could not be set");
    }
}

/// What the desktop shows: dark only where it says so.
fn desktop_shade<R: Runtime>(window: &WebviewWindow<R>) -> Shade {
    match window.theme() {
        Ok(tauri::Theme::Dark) => Shade::Dark,
        _ => Shade::Light,
    }
}

/// A script that sets `data-theme` on `<html>` as soon as the element exists (scripts added
/// to a webview run before the document has any element).
fn mark_theme(theme: ThemeChoice) -> String {
    let name = match theme {
        ThemeChoice::Dark => "dark",
        _ => "light",
    };
    format!(
        "(function () {{
  var mark = function () {{
    var root = document.documentElement;
    if (root && !root.dataset.theme) root.dataset.theme = '{name}';
    return !!root;
  }};
  if (!mark()) new MutationObserver(function (_, seen) {{ if (mark()) seen.disconnect(); }})
    .observe(document, {{ childList: true }});
}})();"
    )
}

fn color(shade: Shade) -> Color {
    let [r, g, b] = shade.background();
    Color(r, g, b, 255)
}
