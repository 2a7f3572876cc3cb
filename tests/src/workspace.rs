//! Where the workspace, its target directory and the binaries under test are.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// The app under test: `ORGDESK_E2E_APP_BINARY` when set (an installed or release build,
/// absolute path), else the workspace's debug build of `orgdesk`.
pub fn app_binary() -> Result<PathBuf> {
    match std::env::var_os("ORGDESK_E2E_APP_BINARY").filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.is_absolute() || !path.is_file() {
                bail!(
                    "ORGDESK_E2E_APP_BINARY={} is not an absolute path to a file",
                    path.display()
                );
            }
            Ok(path)
        }
        None => binary("orgdesk-app", "orgdesk"),
    }
}

/// The debug build of `bin` from `package`, built first if it is missing.
///
/// `scripts/e2e.sh` builds both binaries before the tests, so this only builds when a test
/// is run on its own with `cargo test -p orgdesk-e2e`.
pub fn binary(package: &str, bin: &str) -> Result<PathBuf> {
    let path = target_dir().join("debug").join(bin);
    if path.is_file() {
        return Ok(path);
    }
    eprintln!(
        "[e2e] {} is missing: building it with cargo",
        path.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", package, "--bin", bin])
        .env("CARGO_TARGET_DIR", target_dir())
        .current_dir(root())
        .status()
        .with_context(|| format!("could not run cargo to build {bin}"))?;
    if !status.success() || !path.is_file() {
        bail!(
            "`cargo build -p {package} --bin {bin}` failed ({status}): no {}",
            path.display()
        );
    }
    Ok(path)
}

/// Finds an executable on PATH, then in `~/.cargo/bin` (where `cargo install` puts it).
pub fn executable(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let cargo_bin = std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo/bin"));
    std::env::split_paths(&path)
        .chain(cargo_bin)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}
