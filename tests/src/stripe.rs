//! localstripe, the Stripe stand-in from PyPI (`scripts/setup.sh` installs it), as a
//! process of the test on a loopback port, for a server in `stripe` payment mode
//! ([`crate::TestServer::start_with_stripe`]). It is started through
//! `scripts/lib/localstripe_serve.py` (loopback only, its store in memory), and delivers
//! every event to the server's webhook, signed with [`WEBHOOK_SECRET`].

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{ensure, Context, Result};

use crate::artifacts::Artifacts;
use crate::ports;
use crate::process::RunningProcess;
use crate::workspace;

pub const SECRET_KEY: &str = "sk_test_orgdesk";
pub const PUBLISHABLE_KEY: &str = "pk_test_orgdesk";
pub const WEBHOOK_SECRET: &str = "whsec_orgdesk_test";

/// The Python of localstripe's virtual environment.
fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("ORGDESK_LOCALSTRIPE_PYTHON") {
        return PathBuf::from(path);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".local/share")
        });
    data.join("orgdesk/localstripe/bin/python")
}

pub(crate) struct LocalStripe {
    process: RunningProcess,
    base: String,
}

impl LocalStripe {
    /// Starts it for `test`, logging to `tests/screenshots/<test>/localstripe.log`.
    pub(crate) async fn start(test: &str) -> Result<Self> {
        let python = python();
        ensure!(
            python.is_file(),
            "card payments need localstripe: run scripts/setup.sh (looked for {})",
            python.display()
        );
        let launcher = workspace::root().join("scripts/lib/localstripe_serve.py");
        ensure!(launcher.is_file(), "{} is missing", launcher.display());
        let [port] = ports::free_ports()?;
        let mut command = Command::new(&python);
        command.arg(&launcher).arg(port.to_string());
        let log = Artifacts::log_path(test, "localstripe")?;
        let mut process = RunningProcess::spawn("localstripe", command, &log)?;
        ports::wait_for_port(&mut process, port, Duration::from_secs(30)).await?;
        Ok(Self {
            process,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    /// `http://127.0.0.1:<port>`: the server's `--stripe-api-base`.
    pub(crate) fn base_url(&self) -> &str {
        &self.base
    }

    /// Has every event delivered to `url`, signed with [`WEBHOOK_SECRET`].
    pub(crate) async fn deliver_webhooks_to(&self, url: &str) -> Result<()> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("url", url)
            .append_pair("secret", WEBHOOK_SECRET)
            .finish();
        let answer = reqwest::Client::new()
            .post(format!("{}/_config/webhooks/orgdesk", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .context("localstripe did not answer")?;
        ensure!(
            answer.status().is_success(),
            "localstripe refused the webhook: {}",
            answer.status()
        );
        Ok(())
    }

    pub(crate) fn stop(&mut self) -> Result<()> {
        self.process.stop()
    }
}
