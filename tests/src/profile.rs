//! A fresh home for one app under test: its own XDG data, config and cache folders (the app
//! keeps its data in `$XDG_DATA_HOME/dev.orgdesk.app`), kept across relaunches within a test.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::Result;
use tempfile::TempDir;

/// WebKitGTK's switch for its GL compositing (`1`: off).
const COMPOSITING_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

#[derive(Debug)]
pub struct Profile {
    dir: TempDir,
}

impl Profile {
    pub fn new() -> Result<Self> {
        Ok(Self {
            dir: tempfile::Builder::new()
                .prefix("orgdesk-e2e-profile.")
                .tempdir()?,
        })
    }

    pub(crate) fn data_home(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The environment for tauri-driver, and through it WebKitWebDriver and the app: the
    /// test's own environment with fresh XDG folders, without Orgdesk settings that would
    /// change what the app does, plus `extra`.
    pub fn env(&self, extra: &[(String, String)]) -> Vec<(OsString, OsString)> {
        let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
            .filter(|(key, _)| {
                let key = key.to_string_lossy();
                !key.starts_with("ORGDESK_") || key == "ORGDESK_E2E_RUN" || key == "ORGDESK_LOG"
            })
            .collect();
        for (key, dir) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
        ] {
            env.push((key.into(), self.dir.path().join(dir).into()));
        }
        env.push(("NO_COLOR".into(), "1".into()));
        // The app turns WebKit's GL compositing off where GL is software, as here (see
        // src-tauri/src/rendering.rs). Without compositing, WebKitWebDriver's commands stop
        // answering partway through a journey (seen after a dialog closes, and before the
        // first screenshot) while the window itself keeps taking real input. So the tests
        // keep it on, through the switch a user has too; set it to 1 to try the other way.
        if std::env::var_os(COMPOSITING_SWITCH).is_none() {
            env.push((COMPOSITING_SWITCH.into(), "0".into()));
        }
        env.extend(extra.iter().map(|(k, v)| (k.into(), v.into())));
        env
    }

    /// Processes started with this profile's environment (the driver, the app and its
    /// WebKit helpers), as `(pid, executable)`.
    pub fn processes(&self) -> Vec<(u32, PathBuf)> {
        let marker = format!("XDG_DATA_HOME={}", self.data_home().display());
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let environ = std::fs::read(entry.path().join("environ")).ok()?;
                let has_marker = environ
                    .split(|b| *b == 0)
                    .any(|var| var == marker.as_bytes());
                let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
                has_marker.then_some((pid, exe))
            })
            .filter(|(pid, _)| *pid != std::process::id())
            .collect()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}
