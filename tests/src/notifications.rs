//! Desktop notifications, as the test's D-Bus session carries them. The app sends them as
//! `org.freedesktop.Notifications.Notify` calls (notify-rust); no notification daemon runs
//! in the end-to-end session, so nothing shows them and the calls fail with `ServiceUnknown`
//! after the bus has routed them. `dbus-monitor` sees every call on the bus all the same,
//! whether or not a daemon owns the name, so the test records what the app really sent.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::artifacts::Artifacts;
use crate::process::RunningProcess;

const MATCH_RULE: &str =
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'";

/// One `Notify` call: its summary (the title) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub summary: String,
    pub body: String,
}

/// `dbus-monitor` on the session bus, recording `Notify` calls to
/// `tests/screenshots/<test>/notifications.log`.
pub struct NotificationMonitor {
    process: RunningProcess,
    log: PathBuf,
}

impl NotificationMonitor {
    /// Starts monitoring; returns once the monitor is attached to the bus, so that every
    /// later call is seen. Start it before the app, so none is missed.
    pub async fn start(test: &str) -> Result<Self> {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS")
            .filter(|a| !a.is_empty())
            .context(
                "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set): run the end-to-end \
                 tests through scripts/e2e.sh",
            )?;
        let log = Artifacts::log_path(test, "notifications")?;
        let mut command = Command::new("dbus-monitor");
        command.args(["--session", MATCH_RULE]);
        let mut process = RunningProcess::spawn("dbus-monitor", command, &log)
            .context("could not start dbus-monitor (apt dbus)")?;
        // Becoming a monitor, it is told it acquired and lost its unique name.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&log)
            .unwrap_or_default()
            .contains("member=NameLost")
        {
            process.ensure_running()?;
            if Instant::now() > deadline {
                bail!(
                    "dbus-monitor did not attach to the session bus within 10 s\n{}",
                    process.log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Self { process, log })
    }

    /// Every `Notify` call seen so far, in order.
    pub fn calls(&self) -> Result<Vec<Notification>> {
        let text = std::fs::read_to_string(&self.log)
            .with_context(|| format!("could not read {}", self.log.display()))?;
        Ok(parse(&text))
    }

    /// Waits until a call whose summary is `summary` and whose body contains every one of
    /// `body_parts` is seen, and returns it.
    pub async fn wait_for(
        &mut self,
        summary: &str,
        body_parts: &[&str],
        timeout: Duration,
    ) -> Result<Notification> {
        let deadline = Instant::now() + timeout;
        loop {
            self.process.ensure_running()?;
            let calls = self.calls()?;
            if let Some(found) = calls
                .iter()
                .find(|n| n.summary == summary && body_parts.iter().all(|p| n.body.contains(p)))
            {
                return Ok(found.clone());
            }
            if Instant::now() > deadline {
                bail!(
                    "no desktop notification {summary:?} with {body_parts:?} in its body within \
                     {timeout:?}; calls seen: {calls:?} (see {})",
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Stops the monitor (SIGTERM); its log stays.
    pub fn stop(mut self) -> Result<()> {
        self.process.stop()
    }
}

/// The `Notify` calls in `dbus-monitor`'s output. A message starts on a line of its own
/// (`method call time=… member=Notify`), its arguments follow indented; the first four
/// strings are the app name, the icon, the summary and the body.
fn parse(text: &str) -> Vec<Notification> {
    let mut calls = Vec::new();
    let mut strings: Option<Vec<String>> = None;
    let mut finish = |strings: Option<Vec<String>>| {
        if let Some(s) = strings.filter(|s| s.len() >= 4) {
            calls.push(Notification {
                summary: s[2].clone(),
                body: s[3].clone(),
            });
        }
    };
    for line in text.lines() {
        if !line.starts_with(' ') {
            finish(strings.take());
            if line.starts_with("method call") && line.contains("member=Notify") {
                strings = Some(Vec::new());
            }
        } else if let Some(strings) = strings.as_mut() {
            if let Some(value) = line.trim_start().strip_prefix("string \"") {
                strings.push(value.strip_suffix('"').unwrap_or(value).to_owned());
            }
        }
    }
    finish(strings);
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_notify_calls() {
        let text = "signal time=1 sender=org.freedesktop.DBus -> destination=:1.0 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameLost
   string \":1.0\"
method call time=2 sender=:1.1 -> destination=org.freedesktop.Notifications serial=3 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string \"orgdesk\"
   uint32 0
   string \"\"
   string \"Low credit balance\"
   string \"Acme has 10 credits left.\"
   array [
   ]
   array [
      dict entry(
         string \"urgency\"
         variant             byte 1
      )
   ]
   int32 -1
";
        assert_eq!(
            parse(text),
            [Notification {
                summary: "Low credit balance".into(),
                body: "Acme has 10 credits left.".into(),
            }]
        );
    }
}
