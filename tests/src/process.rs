//! A child process with its output in a log file, stopped with SIGTERM (never SIGKILL
//! first: tauri-driver only stops its WebKitWebDriver when it may clean up).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

const STOP_GRACE: Duration = Duration::from_secs(15);

#[derive(Debug)]
pub struct RunningProcess {
    name: String,
    child: Option<Child>,
    log: PathBuf,
}

impl RunningProcess {
    /// Starts `command` with stdin closed and stdout and stderr appended to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Self> {
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("could not open {}", log.display()))?;
        let err = out.try_clone()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("could not start {name} ({command:?})"))?;
        Ok(Self {
            name: name.to_owned(),
            child: Some(child),
            log: log.to_path_buf(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Fails with the end of the log if the process has exited.
    pub fn ensure_running(&mut self) -> Result<()> {
        let Some(child) = self.child.as_mut() else {
            bail!("{} was already stopped", self.name)
        };
        if let Some(status) = child.try_wait()? {
            bail!("{} exited early ({status})\n{}", self.name, self.log_tail());
        }
        Ok(())
    }

    /// The last lines of the log, labelled, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        format!("--- last lines of {} ---\n{tail}", self.log.display())
    }

    /// Waits until the process exits by itself; after `timeout` it is stopped and this fails.
    pub async fn wait_for_exit(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            let Some(child) = self.child.as_mut() else {
                bail!("{} was already stopped", self.name)
            };
            if let Some(status) = child.try_wait()? {
                self.child = None;
                return Ok(status);
            }
            if Instant::now() > deadline {
                let stopped = self.stop();
                bail!(
                    "{} was still running {timeout:?} after it started (stopped it: {})\n{}",
                    self.name,
                    match stopped {
                        Ok(()) => "SIGTERM".to_owned(),
                        Err(e) => format!("{e:#}"),
                    },
                    self.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM and waits for the exit; SIGKILL only if it ignores that, as an error.
    pub fn stop(&mut self) -> Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        if child.try_wait()?.is_some() {
            return Ok(());
        }
        let pid = child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + STOP_GRACE;
        while sent.as_ref().is_ok_and(|s| s.success()) && Instant::now() < deadline {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.kill().ok();
        child.wait().ok();
        bail!(
            "{} (pid {pid}) did not stop within {STOP_GRACE:?} of SIGTERM; killed it",
            self.name
        )
    }
}

impl Drop for RunningProcess {
    fn drop(&mut self) {
        if let Err(e) = self.stop() {
            eprintln!("[e2e] {e:#}");
        }
    }
}

/// Sends SIGTERM to a process this harness started (found by its id, never by name).
pub fn terminate(pid: u32) {
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
}
