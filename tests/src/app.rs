//! The app under test: launched by WebKitWebDriver through tauri-driver with a fresh profile,
//! quit and relaunched with the same profile, and stopped so that nothing outlives the test.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::sync::{Mutex, MutexGuard};

use crate::artifacts::Artifacts;
use crate::driver::TauriDriver;
use crate::process;
use crate::profile::Profile;
use crate::workspace;

/// One app at a time: tests share the display, the keychain and the CPU.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

const QUIT_GRACE: Duration = Duration::from_secs(15);

/// `[data-testid="<id>"]`.
pub fn testid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// How to launch the app for a test.
pub struct Launch {
    test: String,
    env: Vec<(String, String)>,
    args: Vec<String>,
}

impl Launch {
    /// `test` names the folder for screenshots and logs: `tests/screenshots/<test>/`.
    pub fn new(test: &str) -> Self {
        Self {
            test: test.to_owned(),
            env: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Command-line arguments for the app (WebDriver's `tauri:options.args`), e.g. a link.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    /// An environment variable for the app (and the drivers that start it).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub async fn start(self) -> Result<App> {
        let serial = ONE_AT_A_TIME.lock().await;
        let binary = workspace::app_binary()?;
        let artifacts = Artifacts::new(&self.test)?;
        let profile = Profile::new()?;
        let launcher = write_launcher(&profile, &binary, &artifacts)?;
        let driver =
            TauriDriver::start(profile.env(&self.env), &artifacts.log("tauri-driver")).await?;
        let mut app = App {
            session: None,
            env: self.env,
            args: self.args,
            driver,
            launcher,
            profile,
            artifacts,
            timeout: Duration::from_secs(20),
            _serial: serial,
        };
        app.open_session().await?;
        Ok(app)
    }
}

/// A script that starts the app with its output in `app.log` (WebKitWebDriver discards the
/// stdout of what it launches). It `exec`s, so the app keeps the script's process id.
fn write_launcher(
    profile: &Profile,
    binary: &std::path::Path,
    artifacts: &Artifacts,
) -> Result<PathBuf> {
    let log = artifacts.log("app");
    let (binary, log) = (binary.display().to_string(), log.display().to_string());
    if binary.contains('\'') || log.contains('\'') {
        bail!("paths with a single quote are not supported: {binary}, {log}");
    }
    let path = profile.path().join("orgdesk-launcher.sh");
    std::fs::write(
        &path,
        format!("#!/bin/sh\nexec '{binary}' \"$@\" >>'{log}' 2>&1\n"),
    )?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    Ok(path)
}

pub struct App {
    pub(crate) session: Option<Client>,
    env: Vec<(String, String)>,
    args: Vec<String>,
    driver: TauriDriver,
    launcher: PathBuf,
    profile: Profile,
    pub(crate) artifacts: Artifacts,
    pub(crate) timeout: Duration,
    _serial: MutexGuard<'static, ()>,
}

impl App {
    async fn open_session(&mut self) -> Result<()> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": self.launcher, "args": self.args }),
        );
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.driver.url())
            .await
            .map_err(|e| {
                anyhow!(
                    "could not launch the app through WebDriver: {e}\n{}\n{}",
                    self.driver.log_tail(),
                    self.app_log_tail()
                )
            })?;
        self.session = Some(client);
        Ok(())
    }

    fn app_log_tail(&self) -> String {
        let path = self.artifacts.log("app");
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        format!("--- last lines of {} ---\n{tail}", path.display())
    }

    /// The WebDriver session, for anything the helpers here don't cover.
    pub fn client(&self) -> Result<&Client> {
        self.session
            .as_ref()
            .context("the app is not running (it was quit)")
    }

    /// The app's configuration folder in this test's profile (window sizes live there).
    pub fn config_dir(&self) -> PathBuf {
        self.profile.path().join("config").join("dev.orgdesk.app")
    }

    /// The app's `$XDG_DATA_HOME` in this test's profile.
    pub fn data_home(&self) -> PathBuf {
        self.profile.data_home()
    }

    /// Where this test's screenshots and logs go.
    pub fn artifacts_dir(&self) -> PathBuf {
        self.artifacts.dir().to_path_buf()
    }

    /// How long waits last before they fail (20 s unless changed).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The app's processes (not the drivers'), to check that quitting ended them.
    fn app_processes(&self) -> Vec<(u32, PathBuf)> {
        self.profile
            .processes()
            .into_iter()
            .filter(|(_, exe)| {
                let name = exe.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                !name.starts_with("tauri-driver") && !name.starts_with("WebKitWebDriver")
            })
            .collect()
    }

    /// Ends the WebDriver session, which closes the app, and waits until its processes are
    /// gone. The profile (data, preferences) stays for [`App::relaunch`].
    pub async fn quit(&mut self) -> Result<()> {
        let Some(client) = self.session.take() else {
            return Ok(());
        };
        client
            .close()
            .await
            .context("could not end the WebDriver session")?;
        let deadline = Instant::now() + QUIT_GRACE;
        loop {
            let left = self.app_processes();
            if left.is_empty() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the app was still running {QUIT_GRACE:?} after its session ended: {left:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The command-line arguments of the next [`App::relaunch`] (none unless set).
    pub fn set_args(&mut self, args: &[&str]) {
        self.args = args.iter().map(|a| (*a).to_owned()).collect();
    }

    /// Runs the app binary once more, outside WebDriver, with `args` and the same environment
    /// as the running app (display, D-Bus session, XDG folders), as a desktop does when a
    /// link is opened. Waits until it exits by itself and returns how; its output goes to
    /// `second-instance.log`. Stops it and fails if it still runs after `timeout`.
    pub async fn run_second_instance(
        &mut self,
        args: &[&str],
        timeout: Duration,
    ) -> Result<std::process::ExitStatus> {
        let binary = workspace::app_binary()?;
        self.run_beside(&binary, args, "second-instance", timeout)
            .await
    }

    /// Runs `program` with `args` in the running app's environment (display, D-Bus session,
    /// XDG folders), e.g. `xdg-open` with a link as a desktop does. Waits until it exits by
    /// itself and returns how; its output goes to `<log>.log`. Stops it and fails if it still
    /// runs after `timeout`.
    pub async fn run_beside(
        &mut self,
        program: &std::path::Path,
        args: &[&str],
        log: &str,
        timeout: Duration,
    ) -> Result<std::process::ExitStatus> {
        let mut command = std::process::Command::new(program);
        command
            .args(args)
            .env_clear()
            .envs(self.profile.env(&self.env));
        let what = format!("{} {}", program.display(), args.join(" "));
        let log = self.artifacts.log(log);
        let mut process = process::RunningProcess::spawn(&what, command, &log)?;
        process.wait_for_exit(timeout).await
    }

    /// Quits (if running) and launches the app again with the same profile.
    pub async fn relaunch(&mut self) -> Result<()> {
        self.quit().await?;
        self.driver.ensure_running()?;
        self.open_session().await
    }

    /// Ends the test: on failure takes a last screenshot and names it in the error; then
    /// quits the app and stops the drivers, failing if any process was left behind.
    pub async fn finish(mut self, outcome: Result<()>) -> Result<()> {
        let outcome = match outcome {
            Ok(()) => Ok(()),
            Err(error) => {
                let shot = match self.screenshot("failure").await {
                    Ok(path) => format!("last screenshot: {}", path.display()),
                    Err(e) => format!("no last screenshot ({e:#})"),
                };
                Err(error.context(format!(
                    "test failed; {shot}; logs and screenshots in {}",
                    self.artifacts.dir().display()
                )))
            }
        };
        let quit = self.quit().await;
        let stopped = self.stop_everything();
        outcome.and(quit).and(stopped)
    }

    /// Stops tauri-driver (SIGTERM), then ends, by process id, anything still running with
    /// this test's profile, and reports it as an error.
    fn stop_everything(&mut self) -> Result<()> {
        let driver = self.driver.stop();
        // tauri-driver stops WebKitWebDriver as it exits; on a busy machine that one may
        // need a moment longer. Only what is still there after that is a leak.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let mut left = self.profile.processes();
        while !left.is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
            left = self.profile.processes();
        }
        for (pid, _) in &left {
            process::terminate(*pid);
        }
        driver?;
        if !left.is_empty() {
            bail!("processes outlived the test (sent SIGTERM): {left:?}");
        }
        Ok(())
    }
}

impl Drop for App {
    /// Reached without [`App::finish`] only when a test panics: clean up anyway.
    fn drop(&mut self) {
        self.session.take();
        if let Err(e) = self.stop_everything() {
            eprintln!("[e2e] cleaning up after a failed test: {e:#}");
        }
    }
}
