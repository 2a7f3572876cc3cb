//! `orgdesk://` links: `orgdesk://org/<slug>/<page>` opens an org's page (a former slug
//! works too), `orgdesk://invite/<token>` opens an invitation. A link that arrives is kept
//! until the UI takes it, so one that started the app, or came while signed out, is not lost.

use std::sync::Mutex;

use orgdesk_app_core::navigation::AppPage;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use url::Url;

pub const SCHEME: &str = "orgdesk";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeepLink {
    Org { slug: String, page: AppPage },
    Invite { token: String },
}

/// An `orgdesk://` link that arrived and the UI has not opened yet.
#[derive(Default)]
pub struct PendingLink(Mutex<Option<DeepLink>>);

impl PendingLink {
    fn put(&self, link: DeepLink) {
        if let Ok(mut pending) = self.0.lock() {
            *pending = Some(link);
        }
    }

    /// The waiting link, if any (taking it clears it).
    pub fn take(&self) -> Option<DeepLink> {
        self.0.lock().ok().and_then(|mut l| l.take())
    }
}

/// Tells the UI that a link is waiting (`take_deep_link` hands it over).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DeepLinkArrived;

pub fn parse(url: &Url) -> Option<DeepLink> {
    if url.scheme() != SCHEME {
        return None;
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    match (url.host_str()?, segments.as_slice()) {
        ("org", [slug, rest @ ..]) => Some(DeepLink::Org {
            slug: (*slug).to_owned(),
            page: AppPage::parse(&rest.join("/")).unwrap_or(AppPage::Overview),
        }),
        ("invite", [token]) => Some(DeepLink::Invite {
            token: (*token).to_owned(),
        }),
        _ => None,
    }
}

/// Keeps the newest link and tells the UI; brings the window to the front.
pub fn arrived<R: Runtime>(app: &AppHandle<R>, urls: &[Url]) {
    let Some(link) = urls.iter().rev().find_map(parse) else {
        if !urls.is_empty() {
            tracing::warn!("ignoring a link Orgdesk does not understand");
        }
        return;
    };
    if let Some(pending) = app.try_state::<PendingLink>() {
        pending.put(link);
    }
    if let Err(e) = DeepLinkArrived.emit(app) {
        tracing::warn!(error = %e, "could not tell the UI about a link");
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Option<DeepLink> {
        parse(&s.parse().unwrap())
    }

    #[test]
    fn org_and_invite_links() {
        assert_eq!(
            link("orgdesk://org/acme/settings/general"),
            Some(DeepLink::Org {
                slug: "acme".into(),
                page: AppPage::SettingsGeneral
            })
        );
        assert_eq!(
            link("orgdesk://org/acme"),
            Some(DeepLink::Org {
                slug: "acme".into(),
                page: AppPage::Overview
            })
        );
        assert_eq!(
            link("orgdesk://org/acme/nowhere"),
            Some(DeepLink::Org {
                slug: "acme".into(),
                page: AppPage::Overview
            })
        );
        assert_eq!(
            link("orgdesk://invite/ods_abc"),
            Some(DeepLink::Invite {
                token: "ods_abc".into()
            })
        );
        assert_eq!(link("orgdesk://invite/"), None);
        assert_eq!(link("https://org/acme"), None);
        assert_eq!(link("orgdesk://elsewhere/x"), None);
    }
}
