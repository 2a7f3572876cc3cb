//! The card page's window. Entering a card happens on a page of the server's (which
//! hands the card to the processor: the number never reaches the app), opened in a window
//! of the app's own, titled "Add a card". It is a remote page: Tauri refuses commands
//! from a remote origin that no capability names, and `capabilities/main.json` names the
//! main window only, so the page can call nothing of the app. It may only move to web
//! pages (`http`/`https`), never to the app's own links or files.

use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};
use url::Url;

use std::sync::atomic::{AtomicU64, Ordering};

/// Numbers the card windows of this run.
static NEXT: AtomicU64 = AtomicU64::new(1);

/// The start of the window's label (each card page gets a window of its own); end-to-end
/// tests find it among the window handles by its address.
pub const LABEL: &str = "card-setup";
pub const TITLE: &str = "Add a card";

fn web_page(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
}

/// The card window, as the commands use it (managed as `Arc<dyn CardWindow>`, so the
/// commands need not know the runtime).
pub trait CardWindow: Send + Sync {
    /// Opens the card page at `url`, or shows it in the card window already open.
    fn open(&self, url: Url) -> Result<(), String>;
    /// Whether the card window is still open.
    fn is_open(&self) -> bool;
    /// Closes the card window, if open.
    fn close(&self);
}

/// The card window of this app.
pub struct AppCardWindow<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> AppCardWindow<R> {
    /// The card windows of the app (one at most, unless one is still closing).
    fn windows(&self) -> Vec<tauri::WebviewWindow<R>> {
        self.0
            .webview_windows()
            .into_iter()
            .filter(|(label, _)| label.starts_with(LABEL))
            .map(|(_, window)| window)
            .collect()
    }
}

impl<R: Runtime> CardWindow for AppCardWindow<R> {
    fn open(&self, url: Url) -> Result<(), String> {
        if !web_page(&url) {
            return Err(format!("the card page is not a web page: {url}"));
        }
        // A fresh window for each page: one left from before (closed by its page, or half
        // gone) is never reused.
        self.close();
        let label = format!("{LABEL}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        WebviewWindowBuilder::new(&self.0, label, WebviewUrl::External(url))
            .title(TITLE)
            .inner_size(520.0, 700.0)
            .min_inner_size(380.0, 480.0)
            .center()
            .focused(true)
            .on_navigation(web_page)
            .build()
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn is_open(&self) -> bool {
        !self.windows().is_empty()
    }

    fn close(&self) {
        for window in self.windows() {
            let _ = window.destroy();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_pages_open_in_the_card_window() {
        let page = |s: &str| web_page(&Url::parse(s).unwrap());
        assert!(page("https://billing.example.com/pay/card/abc"));
        assert!(page("http://127.0.0.1:8787/pay/card/abc"));
        assert!(!page("orgdesk://org/acme/billing"));
        assert!(!page("file:///etc/passwd"));
        assert!(!page("javascript:alert(1)"));
    }

    /// Tauri refuses commands from a remote page unless a capability names its window
    /// (or the remote address): none may name the card window, or any remote address.
    #[test]
    fn no_capability_reaches_the_card_window() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let capability: serde_json::Value = serde_json::from_str(&text).unwrap();
            files += 1;
            assert!(
                capability.get("remote").is_none(),
                "{path:?} grants remote pages"
            );
            let windows = capability["windows"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let webviews = capability["webviews"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for name in windows.iter().chain(&webviews) {
                let name = name.as_str().unwrap_or_default();
                // The app's own windows: the main one and the org windows (`org-<id>`),
                // a pattern the card windows' labels never match.
                assert!(
                    matches!(name, "main" | "org-*"),
                    "{path:?} names the window {name:?}"
                );
                assert!(!LABEL.starts_with("org-") && LABEL != "main");
            }
            assert!(!windows.is_empty(), "{path:?} names no window");
        }
        assert!(files > 0);
    }
}
