//! The identity provider the SSO tests sign in at: the real `oidc-provider` from npm,
//! started by `scripts/oidc/provider.mjs` on a loopback port with one client (the server
//! under test, redirecting to its callback) and the accounts given; stopped when dropped.
//! Shared with the end-to-end tests (`tests/src/oidc.rs`), which include this file.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const CLIENT_ID: &str = "orgdesk";
pub const CLIENT_SECRET: &str = "provider-client-secret-for-the-app";

/// One account at the provider: its login (also its subject), email and whether the
/// provider vouches for that email.
pub struct ProviderAccount<'a> {
    pub login: &'a str,
    pub email: &'a str,
    pub email_verified: bool,
    pub name: &'a str,
}

pub struct Provider {
    /// `http://127.0.0.1:<port>`.
    pub issuer: String,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Provider {
    /// Starts the provider with the server's client (sent back to `callback`).
    pub async fn start(callback: &str, accounts: &[ProviderAccount<'_>]) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|dir| dir.join("scripts/oidc"))
            .find(|dir| dir.join("provider.mjs").exists())
            .expect("scripts/oidc/provider.mjs above the crate");
        assert!(
            root.join("node_modules/oidc-provider").exists(),
            "the SSO tests need oidc-provider: run `npm ci --prefix scripts/oidc` (or \
             scripts/setup.sh); looked in {}",
            root.display()
        );
        let accounts: serde_json::Map<String, Value> = accounts
            .iter()
            .map(|a| {
                let claims = json!({
                    "email": a.email,
                    "email_verified": a.email_verified,
                    "name": a.name,
                });
                (a.login.to_owned(), claims)
            })
            .collect();
        let config = json!({
            "port": 0,
            "clients": [{
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [callback],
            }],
            "accounts": accounts,
        });
        let dir = tempfile::tempdir().expect("a folder for the provider's config");
        let path = dir.path().join("provider.json");
        std::fs::write(&path, config.to_string()).expect("the provider's config");
        let mut child = Command::new("node")
            .arg(root.join("provider.mjs"))
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node starts (is Node.js installed? run scripts/setup.sh)");
        let mut lines = BufReader::new(child.stdout.take().expect("its output")).lines();
        let ready: Value = tokio::time::timeout(Duration::from_secs(30), async {
            loop {
                let line = lines
                    .next_line()
                    .await
                    .expect("the provider's output")
                    .expect("the provider exited before it was ready");
                if let Ok(value) = serde_json::from_str::<Value>(&line) {
                    if value.get("port").is_some() {
                        return value;
                    }
                }
            }
        })
        .await
        .expect("the provider is ready within 30 s");
        // Keep reading what it prints: a closed pipe would end it at its next line.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let issuer = ready["issuer"].as_str().expect("its issuer").to_owned();
        assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
        Self {
            issuer,
            _child: child,
            _dir: dir,
        }
    }
}
