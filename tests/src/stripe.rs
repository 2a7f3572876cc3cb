//! localstripe, the Stripe stand-in from PyPI (`scripts/setup.sh` installs it), as its own
//! process on a free loopback port for one journey: the server in `stripe` mode talks to
//! it, the card page's Stripe.js comes from it, and it delivers signed webhooks to the
//! server.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{ensure, Context, Result};

use crate::artifacts::Artifacts;
use crate::ports;
use crate::process::RunningProcess;
use crate::workspace;

pub const SECRET_KEY: &str = "sk_test_orgdesk_e2e";
pub const PUBLISHABLE_KEY: &str = "pk_test_orgdesk_e2e";
pub const WEBHOOK_SECRET: &str = "whsec_orgdesk_e2e";

pub struct LocalStripe {
    process: RunningProcess,
    base_url: String,
}

fn python() -> PathBuf {
    if let Ok(path) = std::env::var("ORGDESK_LOCALSTRIPE_PYTHON") {
        return PathBuf::from(path);
    }
    let data = std::env::var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".local/share")
        });
    data.join("orgdesk/localstripe/bin/python")
}

impl LocalStripe {
    /// Starts the stand-in for `test`, logging to `tests/screenshots/<test>/localstripe.log`.
    pub async fn start(test: &str) -> Result<Self> {
        let python = python();
        ensure!(
            python.exists(),
            "the payment journeys need localstripe: run scripts/setup.sh (looked for {})",
            python.display()
        );
        let [port] = ports::free_ports()?;
        let mut command = Command::new(&python);
        command
            .arg(workspace::root().join("scripts/lib/localstripe_serve.py"))
            .arg(port.to_string());
        let log = Artifacts::log_path(test, "localstripe")?;
        let mut process = RunningProcess::spawn("localstripe", command, &log)?;
        ports::wait_for_port(&mut process, port, Duration::from_secs(30)).await?;
        Ok(Self {
            process,
            base_url: format!("http://127.0.0.1:{port}"),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server flags of `--payments stripe` against this stand-in.
    pub fn server_args(&self) -> Vec<String> {
        [
            "--payments",
            "stripe",
            "--stripe-secret-key",
            SECRET_KEY,
            "--stripe-publishable-key",
            PUBLISHABLE_KEY,
            "--stripe-webhook-secret",
            WEBHOOK_SECRET,
            "--stripe-api-base",
            &self.base_url,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect()
    }

    /// Delivers every event, signed, to the server at `server_base`.
    pub async fn deliver_webhooks_to(&self, server_base: &str) -> Result<()> {
        let url = format!("{server_base}/v1/payments/stripe/webhook");
        let response = reqwest::Client::new()
            .post(format!("{}/_config/webhooks/orgdesk", self.base_url))
            .form(&[("url", url.as_str()), ("secret", WEBHOOK_SECRET)])
            .send()
            .await
            .context("localstripe does not answer")?;
        ensure!(
            response.status().is_success(),
            "localstripe refused the webhook"
        );
        Ok(())
    }

    /// `GET` an API path of the stand-in as the server's secret key.
    pub async fn get(&self, path: &str) -> Result<serde_json::Value> {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", self.base_url))
            .bearer_auth(SECRET_KEY)
            .send()
            .await?;
        ensure!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        Ok(response.json().await?)
    }

    pub fn stop(mut self) -> Result<()> {
        self.process.stop()
    }
}
