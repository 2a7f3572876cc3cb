//! What the client's tests share: a real server with a first account, and reading the
//! mail the server delivered. Each test binary uses some of it.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use orgdesk_client::Client;
use orgdesk_model::auth::{SessionGrant, SignupRequest};
use orgdesk_server::RunningServer;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

/// A server on loopback over SQLite in a fresh folder, and Ana signed up on it (not yet
/// verified): the folder (keep it alive), the server, and her sign-up grant.
pub async fn server_with_ana() -> (TempDir, RunningServer, SessionGrant) {
    let dir = tempfile::tempdir().unwrap();
    let server = orgdesk_server::spawn(orgdesk_server::Config::local(dir.path()))
        .await
        .unwrap();
    let grant = Client::new(&server.base_url())
        .unwrap()
        .signup(&SignupRequest {
            email: "ana@example.com".into(),
            password: PASSWORD.into(),
            display_name: "Ana".into(),
        })
        .await
        .unwrap();
    (dir, server, grant)
}

/// The token of the newest link starting with `prefix` mailed to `email` (the server
/// writes `.eml` files to `<data dir>/mail`), waiting for its delivery.
pub async fn mailed_token(data_dir: &Path, email: &str, prefix: &str) -> String {
    for _ in 0..150 {
        let mut paths: Vec<_> = std::fs::read_dir(data_dir.join("mail"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        let to = format!("To: {email}\r\n");
        let token = paths
            .iter()
            .rev()
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|text| text.contains(&to))
            .find_map(|text| {
                text.lines()
                    .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
            });
        if let Some(token) = token {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {prefix} link mailed to {email}");
}
