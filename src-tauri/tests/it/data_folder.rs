//! The app data folder holds the built-in server's database and mail (live invitation
//! links), each account's encrypted store and the preferences: none of it is readable by
//! another account on the machine, and an install from before is tightened at start.

#![cfg(unix)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{app, invoke, window};
use orgdesk_app::embedded::Embedded;
use orgdesk_app_core::secrets::MemorySecrets;
use serde_json::json;
use tauri::Manager;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn everything_in(dir: &Path) -> Vec<PathBuf> {
    let mut found = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(everything_in(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn assert_owner_only(dir: &Path, when: &str) {
    for path in everything_in(dir) {
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), want, "{when}: {}", path.display());
    }
}

/// What an earlier version left: folders 0755, files 0644.
fn older_install(dir: &Path) {
    let files = [
        "prefs.json",
        "accounts/0a1b2c/store.db",
        "server/orgdesk.db",
        "server/mail/invite.eml",
    ];
    for file in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let body: &[u8] = if file.ends_with(".json") { b"{}" } else { b"" };
        std::fs::write(&path, body).unwrap();
    }
    for path in everything_in(dir) {
        set_mode(&path, if path.is_dir() { 0o755 } else { 0o644 });
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_data_folder_is_the_owners_only_and_an_older_one_is_tightened() {
    let root = tempfile::tempdir().unwrap();
    let app_dir = root.path().join("dev.orgdesk.app");
    older_install(&app_dir);

    let app = app(&app_dir, Arc::new(MemorySecrets::default()));
    assert_eq!(mode(&app_dir), 0o700, "the app data folder at start");
    assert_eq!(mode(&app_dir.join("prefs.json")), 0o600);
    assert_owner_only(&app_dir.join("accounts"), "at start");

    // The built-in server starts (tightening its folder), an account's store is made,
    // the preferences are written.
    let window = window(&app);
    let input = json!({"server_url": null, "email": "grace@example.com",
        "password": "correct horse battery", "display_name": "Grace Hopper"});
    invoke(&window, "sign_up", json!({ "input": input })).expect("signed up");
    invoke(&window, "create_org", json!({"input": {"name": "Navy"}})).expect("org");
    invoke(&window, "list_contexts", json!({})).expect("contexts");

    let stores: Vec<PathBuf> = everything_in(&app_dir.join("accounts"))
        .into_iter()
        .filter(|p| p.ends_with("store.db"))
        .collect();
    assert_eq!(
        stores.len(),
        2,
        "the old account's and the new one's: {stores:?}"
    );
    for made in [
        "server/orgdesk.db",
        "server/orgdesk.db-wal",
        "server/orgdesk.db-shm",
    ] {
        assert!(app_dir.join(made).exists(), "{made}");
    }
    assert_owner_only(&app_dir, "signed in on the built-in server");

    app.state::<Arc<Embedded>>().stop().await;
}
