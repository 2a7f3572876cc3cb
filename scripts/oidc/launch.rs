//! Starts `provider.mjs` (the real `oidc-provider` from npm) for a Rust test: writes its
//! JSON config, runs it with Node on a loopback port and waits for its ready line. The
//! server's, the core's and the end-to-end tests' providers include this file (`#[path]`)
//! and differ only in the config they give it and what they put in front of it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running provider: the process (killed when dropped), the folder of its config, and
/// its ready line (`{"port": …, "issuer": …}`).
pub struct Launched {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub ready: Value,
}

/// `scripts/oidc`, found above the including crate; fails with what to run when
/// `oidc-provider` is not installed.
fn scripts_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("scripts/oidc"))
        .find(|dir| dir.join("provider.mjs").exists())
        .expect("scripts/oidc/provider.mjs above the crate");
    assert!(
        root.join("node_modules/oidc-provider").exists(),
        "the SSO tests need oidc-provider: run scripts/setup.sh (or npm ci --prefix \
         scripts/oidc); looked in {}",
        root.display()
    );
    root
}

/// Runs the provider with `config` (see `provider.mjs` for its fields); returns once it
/// listens, within 30 s.
pub async fn launch(config: &Value) -> Launched {
    let root = scripts_dir();
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
    Launched { child, dir, ready }
}
