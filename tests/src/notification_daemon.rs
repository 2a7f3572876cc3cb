//! A real notification server on the test's D-Bus session: dunst (apt), the one many
//! desktops run. It shows the app's notifications on the test display and, through
//! `dunstctl`, clicks them as a person would: the app receives the very `ActionInvoked`
//! signal a desktop sends. Without it (the other journeys), notifications go nowhere.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::artifacts::Artifacts;
use crate::process::RunningProcess;

/// Notifications stay until they are clicked (the default closes them after 10 s).
const CONFIG: &str = "[global]\n    follow = none\n\n[urgency_low]\n    timeout = 0\n\n\
                      [urgency_normal]\n    timeout = 0\n\n[urgency_critical]\n    timeout = 0\n";

pub struct NotificationDaemon {
    process: RunningProcess,
    config: tempfile::TempDir,
}

impl NotificationDaemon {
    /// Starts dunst on the session bus and the test display; returns once it answers.
    pub async fn start(test: &str) -> Result<Self> {
        let config = tempfile::tempdir()?;
        let path: PathBuf = config.path().join("dunstrc");
        std::fs::write(&path, CONFIG)?;
        let mut command = Command::new("dunst");
        command.arg("-config").arg(&path);
        let log = Artifacts::log_path(test, "dunst")?;
        let mut process = RunningProcess::spawn("dunst", command, &log)
            .context("could not start dunst (apt dunst): run scripts/setup.sh")?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while !dunstctl(&["is-paused"]).is_ok_and(|out| out.trim() == "false") {
            process.ensure_running()?;
            if Instant::now() > deadline {
                bail!("dunst did not answer within 10 s\n{}", process.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Self { process, config })
    }

    /// How many notifications it shows now.
    pub fn displayed(&self) -> Result<u32> {
        let out = dunstctl(&["count", "displayed"])?;
        out.trim()
            .parse()
            .with_context(|| format!("dunstctl count displayed said {out:?}"))
    }

    /// Clicks the newest notification shown (its default action), as a person would.
    pub async fn click_newest(&mut self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while self.displayed()? == 0 {
            self.process.ensure_running()?;
            if Instant::now() > deadline {
                bail!("no notification was shown within {timeout:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        dunstctl(&["action", "0"]).map(drop)
    }

    /// Stops dunst (SIGTERM); its log stays.
    pub fn stop(mut self) -> Result<()> {
        let stopped = self.process.stop();
        drop(self.config);
        stopped
    }
}

fn dunstctl(args: &[&str]) -> Result<String> {
    let out = Command::new("dunstctl")
        .args(args)
        .output()
        .context("could not run dunstctl (apt dunst)")?;
    if !out.status.success() {
        bail!(
            "dunstctl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
