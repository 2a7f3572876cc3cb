//! `orgdesk://` links: `orgdesk://org/<slug>/<page>` opens an org's page (a former slug
//! works too), `orgdesk://invite/<token>` opens an invitation, `orgdesk://verify-email/<token>`
//! and `orgdesk://reset-password/<token>` (mailed by the server) verify an email and choose
//! a new password. A link that arrives is kept until the UI takes it, so one that started
//! the app, or came while signed out, is not lost; the mailed account links work signed out.

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
    VerifyEmail { token: String },
    ResetPassword { token: String },
}

impl DeepLink {
    /// Whether the link is for someone who may not be signed in: its token is the proof.
    pub fn works_signed_out(&self) -> bool {
        matches!(self, Self::VerifyEmail { .. } | Self::ResetPassword { .. })
    }
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

    /// The waiting link if `wanted` says so; otherwise it keeps waiting.
    pub fn take_if(&self, wanted: impl FnOnce(&DeepLink) -> bool) -> Option<DeepLink> {
        let mut pending = self.0.lock().ok()?;
        if pending.as_ref().is_some_and(wanted) {
            pending.take()
        } else {
            None
        }
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
        ("verify-email", [token]) => Some(DeepLink::VerifyEmail {
            token: (*token).to_owned(),
        }),
        ("reset-password", [token]) => Some(DeepLink::ResetPassword {
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

/// The running binary came with a desktop entry that handles `orgdesk://` (the .deb's).
#[cfg(target_os = "linux")]
pub fn installed_by_package() -> bool {
    std::env::current_exe().is_ok_and(|exe| declared_by_package(&exe))
}

/// Whether a package installed the app at `exe` (`<prefix>/bin/<name>`) with a desktop entry
/// in `<prefix>/share/applications` that runs it and handles `orgdesk://` links, as the .deb
/// does. Then the desktop already delivers links to it, and registering a per-user handler
/// as well would shadow that entry and outlive the package.
pub fn declared_by_package(exe: &std::path::Path) -> bool {
    let (Some(bin), Some(name)) = (exe.parent(), exe.file_name().and_then(|n| n.to_str())) else {
        return false;
    };
    let Some(prefix) = bin.parent().filter(|_| bin.ends_with("bin")) else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(prefix.join("share").join("applications")) else {
        return false;
    };
    let mime = format!("x-scheme-handler/{SCHEME};");
    entries.flatten().any(|entry| {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        let runs_it = text.lines().any(|line| {
            line.strip_prefix("Exec=")
                .and_then(|exec| exec.split_whitespace().next())
                .is_some_and(|program| program == name || std::path::Path::new(program) == exe)
        });
        let handles = text
            .lines()
            .any(|line| line.starts_with("MimeType=") && line.contains(&mime));
        runs_it && handles
    })
}

/// Links that started the app, and links that arrive later (through a second launch).
pub fn listen<R: Runtime>(app: &AppHandle<R>) {
    use tauri_plugin_deep_link::DeepLinkExt;
    let links = app.deep_link();
    // Installed packages declare the scheme in their desktop file; a development build
    // registers itself, where the desktop has the tool for it.
    #[cfg(windows)]
    if let Err(e) = links.register_all() {
        tracing::info!(error = %e, "orgdesk:// links are not registered with the desktop");
    }
    // Off the main thread: `xdg-mime` is a shell script (tens of milliseconds, more on a
    // busy machine), and until setup returns the window is not shown and the page's
    // requests to the app wait.
    #[cfg(target_os = "linux")]
    if has_command("xdg-mime") && !installed_by_package() {
        let handle = app.clone();
        let registering = std::thread::Builder::new()
            .name("link-registration".to_owned())
            .spawn(move || {
                if let Err(e) = handle.deep_link().register_all() {
                    tracing::info!(error = %e, "orgdesk:// links are not registered with the desktop");
                }
            });
        if let Err(e) = registering {
            tracing::info!(error = %e, "orgdesk:// links are not registered with the desktop");
        }
    }
    if let Ok(Some(urls)) = links.get_current() {
        arrived(app, &urls);
    }
    let handle = app.clone();
    links.on_open_url(move |event| arrived(&handle, &event.urls()));
}

#[cfg(target_os = "linux")]
fn has_command(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(s: &str) -> Option<DeepLink> {
        parse(&s.parse().unwrap())
    }

    #[test]
    fn only_the_mailed_account_links_are_taken_signed_out() {
        let pending = PendingLink::default();
        pending.put(link("orgdesk://org/acme").unwrap());
        assert_eq!(pending.take_if(DeepLink::works_signed_out), None);
        assert!(pending.take().is_some(), "the org link still waits");
        pending.put(link("orgdesk://reset-password/t").unwrap());
        assert_eq!(
            pending.take_if(DeepLink::works_signed_out),
            Some(DeepLink::ResetPassword { token: "t".into() })
        );
        assert_eq!(pending.take(), None);
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
        assert_eq!(
            link("orgdesk://verify-email/tok_1"),
            Some(DeepLink::VerifyEmail {
                token: "tok_1".into()
            })
        );
        assert_eq!(
            link("orgdesk://reset-password/tok_2"),
            Some(DeepLink::ResetPassword {
                token: "tok_2".into()
            })
        );
        assert_eq!(link("orgdesk://reset-password/"), None);
        assert_eq!(link("https://org/acme"), None);
        assert_eq!(link("orgdesk://elsewhere/x"), None);
    }

    #[test]
    fn a_packaged_desktop_entry_declares_the_scheme() {
        let prefix = tempfile::tempdir().unwrap();
        let bin = prefix.path().join("bin");
        let apps = prefix.path().join("share").join("applications");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&apps).unwrap();
        let exe = bin.join("orgdesk");
        assert!(!declared_by_package(&exe), "no desktop entry yet");
        let entry = apps.join("Orgdesk.desktop");
        std::fs::write(
            &entry,
            "[Desktop Entry]\nExec=orgdesk\nMimeType=text/plain;\n",
        )
        .unwrap();
        assert!(
            !declared_by_package(&exe),
            "the entry does not handle orgdesk://"
        );
        std::fs::write(
            &entry,
            "[Desktop Entry]\nExec=orgdesk %u\nMimeType=x-scheme-handler/orgdesk;\n",
        )
        .unwrap();
        assert!(declared_by_package(&exe));
        assert!(
            !declared_by_package(&bin.join("other")),
            "it runs another program"
        );
        assert!(
            !declared_by_package(&prefix.path().join("orgdesk")),
            "not in a bin folder"
        );
    }
}
