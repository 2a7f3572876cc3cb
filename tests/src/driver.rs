//! tauri-driver on free ports, with WebKitWebDriver behind it.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::ports;
use crate::process::RunningProcess;
use crate::workspace;

pub struct TauriDriver {
    process: RunningProcess,
    port: u16,
}

impl TauriDriver {
    /// Starts tauri-driver with `env` (which the app inherits) and waits until both it and
    /// WebKitWebDriver accept connections.
    pub async fn start(env: Vec<(OsString, OsString)>, log: &Path) -> Result<Self> {
        std::env::var_os("DISPLAY")
            .filter(|d| !d.is_empty())
            .context(
                "no X display (DISPLAY is not set): run the end-to-end tests through \
             scripts/e2e.sh, which starts Xvfb",
            )?;
        let driver = workspace::executable("tauri-driver").context(
            "tauri-driver is not installed: run scripts/setup.sh (cargo install tauri-driver --locked)",
        )?;
        workspace::executable("WebKitWebDriver").context(
            "WebKitWebDriver is not installed: run scripts/setup.sh (apt webkit2gtk-driver)",
        )?;
        let [port, native_port] = ports::free_ports()?;
        let mut command = Command::new(driver);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env_clear()
            .envs(env);
        let mut process = RunningProcess::spawn("tauri-driver", command, log)?;
        ports::wait_for_port(&mut process, port, Duration::from_secs(20)).await?;
        ports::wait_for_port(&mut process, native_port, Duration::from_secs(20))
            .await
            .context("WebKitWebDriver (started by tauri-driver) did not come up")?;
        Ok(Self { process, port })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn ensure_running(&mut self) -> Result<()> {
        self.process.ensure_running()
    }

    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    pub fn stop(&mut self) -> Result<()> {
        self.process.stop()
    }
}
