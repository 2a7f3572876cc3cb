//! The identity provider the SSO tests sign in at: the real `oidc-provider` from npm,
//! started by `scripts/oidc/provider.mjs` on a loopback port with one client (the server
//! under test, redirecting to its callback) and the accounts given; stopped when dropped.
//! Shared with the end-to-end tests (`tests/src/oidc.rs`), which include this file.

use serde_json::{json, Value};
use tokio::process::Child;

#[path = "../../../../../scripts/oidc/launch.rs"]
mod launch;

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
        let launched = launch::launch(&config).await;
        let ready = launched.ready;
        let issuer = ready["issuer"].as_str().expect("its issuer").to_owned();
        assert!(issuer.starts_with("http://127.0.0.1:"), "{issuer}");
        Self {
            issuer,
            _child: launched.child,
            _dir: launched.dir,
        }
    }
}
