//! `orgdesk-server` as its own process on a free loopback port, with SQLite in a fresh
//! data folder: the server a test signs up against and then checks over HTTP.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Result;
use tempfile::TempDir;

use crate::artifacts::Artifacts;
use crate::ports;
use crate::process::RunningProcess;
use crate::stripe::{LocalStripe, PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET};
use crate::workspace;

pub struct TestServer {
    process: RunningProcess,
    /// `--payments`: `local` unless started with [`TestServer::start_without_payments`]
    /// or [`TestServer::start_with_stripe`].
    payments: &'static str,
    /// More flags (the Stripe keys and address, in `stripe` mode).
    flags: Vec<String>,
    /// The Stripe stand-in, in `stripe` mode.
    stripe: Option<LocalStripe>,
    base_url: String,
    listen: String,
    log: PathBuf,
    data: TempDir,
}

async fn spawn(
    listen: &str,
    data: &Path,
    log: &Path,
    payments: &'static str,
    flags: &[String],
) -> Result<RunningProcess> {
    let binary = workspace::binary("orgdesk-server", "orgdesk-server")?;
    let mut command = Command::new(&binary);
    command
        .args(["--listen", listen, "--data-dir"])
        .arg(data)
        // Top-ups recorded, not charged, as the built-in server does, unless a test wants
        // none: the journeys buy credits (the binary's default, `none`, refuses that).
        .args(["--payments", payments])
        .args(flags)
        .env_remove("ORGDESK_PAYMENTS")
        .env_remove("ORGDESK_DATABASE_URL")
        .env_remove("ORGDESK_DEMO")
        .env_remove("ORGDESK_SMTP_URL")
        .env("NO_COLOR", "1");
    let mut process = RunningProcess::spawn("orgdesk-server", command, log)?;
    let port = listen
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or_default();
    ports::wait_for_port(&mut process, port, Duration::from_secs(30)).await?;
    Ok(process)
}

impl TestServer {
    /// Starts a server for `test`, logging to `tests/screenshots/<test>/server.log`; it
    /// records top-ups without charging (`--payments local`).
    pub async fn start(test: &str) -> Result<Self> {
        Self::start_with(test, "local").await
    }

    /// Like [`TestServer::start`], taking no payments (`--payments none`, the binary's
    /// default): credits come from [`TestServer::operator`].
    pub async fn start_without_payments(test: &str) -> Result<Self> {
        Self::start_with(test, "none").await
    }

    /// Like [`TestServer::start`], taking cards (`--payments stripe`) through localstripe,
    /// which it starts and stops with it; Stripe's events reach the server's webhook.
    pub async fn start_with_stripe(test: &str) -> Result<Self> {
        let stripe = LocalStripe::start(test).await?;
        let flags = [
            ("--stripe-secret-key", SECRET_KEY),
            ("--stripe-publishable-key", PUBLISHABLE_KEY),
            ("--stripe-webhook-secret", WEBHOOK_SECRET),
            ("--stripe-api-base", stripe.base_url()),
        ]
        .into_iter()
        .flat_map(|(flag, value)| [flag.to_owned(), value.to_owned()])
        .collect();
        let mut server = Self::start_with_flags(test, "stripe", flags).await?;
        let webhook = format!("{}/v1/payments/stripe/webhook", server.base_url);
        stripe.deliver_webhooks_to(&webhook).await?;
        server.stripe = Some(stripe);
        Ok(server)
    }

    /// Like [`TestServer::start`], letting webhooks reach plain-http receivers on loopback
    /// (`--allow-insecure-webhooks --allow-private-webhooks`), as a local setup would.
    pub async fn start_with_loopback_webhooks(test: &str) -> Result<Self> {
        let flags = ["--allow-insecure-webhooks", "--allow-private-webhooks"];
        Self::start_with_flags(test, "local", flags.map(str::to_owned).to_vec()).await
    }

    /// Like [`TestServer::start`], taking OpenID issuers on loopback over plain http
    /// (`--allow-insecure-sso`) and verifying domains through the DNS server at `dns`
    /// (`--dns-resolver`).
    pub async fn start_with_sso(test: &str, dns: std::net::SocketAddr) -> Result<Self> {
        let flags = vec![
            "--allow-insecure-sso".to_owned(),
            "--dns-resolver".to_owned(),
            dns.to_string(),
        ];
        Self::start_with_flags(test, "local", flags).await
    }

    async fn start_with(test: &str, payments: &'static str) -> Result<Self> {
        Self::start_with_flags(test, payments, Vec::new()).await
    }

    async fn start_with_flags(
        test: &str,
        payments: &'static str,
        flags: Vec<String>,
    ) -> Result<Self> {
        let data = tempfile::Builder::new()
            .prefix("orgdesk-e2e-server.")
            .tempdir()?;
        let [port] = ports::free_ports()?;
        let listen = format!("127.0.0.1:{port}");
        let log = Artifacts::log_path(test, "server")?;
        let process = spawn(&listen, data.path(), &log, payments, &flags).await?;
        Ok(Self {
            process,
            payments,
            flags,
            stripe: None,
            base_url: format!("http://{listen}"),
            listen,
            log,
            data,
        })
    }

    /// Stops the server as an outage would (the app sees refused connections); its data
    /// and port are kept for [`TestServer::resume`].
    pub fn pause(&mut self) -> Result<()> {
        self.process.stop()
    }

    /// Starts the server again on the same port over the same data.
    pub async fn resume(&mut self) -> Result<()> {
        self.process = spawn(
            &self.listen,
            self.data.path(),
            &self.log,
            self.payments,
            &self.flags,
        )
        .await?;
        Ok(())
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's `--data-dir`: its SQLite file, logos and mail.
    pub fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// Where the server writes outgoing mail as `.eml` files (no SMTP is configured).
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir().join("mail")
    }

    /// The text of every `.eml` file in [`TestServer::mail_dir`] (none if it doesn't exist).
    pub fn mails(&self) -> Result<Vec<(PathBuf, String)>> {
        let Ok(entries) = std::fs::read_dir(self.mail_dir()) else {
            return Ok(Vec::new());
        };
        let mut mails = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "eml") {
                let text = std::fs::read_to_string(&path)?;
                mails.push((path, text));
            }
        }
        mails.sort();
        Ok(mails)
    }

    /// The token of the newest link starting with `prefix` (`orgdesk://verify-email/`, say)
    /// on a line of its own in a mail to `email`, waiting up to 15 s for its delivery.
    pub async fn mailed_link_token(&self, email: &str, prefix: &str) -> Result<String> {
        let to = format!("To: {email}\r\n");
        for _ in 0..75 {
            let token = self
                .mails()?
                .into_iter()
                .rev()
                .filter(|(_, text)| text.contains(&to))
                .find_map(|(_, text)| {
                    text.lines()
                        .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
                });
            if let Some(token) = token {
                return Ok(token);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        anyhow::bail!(
            "no mail to {email} with a {prefix} link in {} after 15 s",
            self.mail_dir().display()
        )
    }

    /// Runs an operator's command (`grant-credits …`, `set-plan …`) of the server's binary
    /// on its data folder, as whoever runs the server would; fails unless it exits 0, and
    /// returns what it printed.
    pub fn operator(&self, args: &[&str]) -> Result<String> {
        let binary = workspace::binary("orgdesk-server", "orgdesk-server")?;
        let output = Command::new(&binary)
            .args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .env_remove("ORGDESK_DATABASE_URL")
            .env_remove("ORGDESK_DATA_DIR")
            .output()?;
        let printed = String::from_utf8_lossy(&output.stdout).into_owned();
        anyhow::ensure!(
            output.status.success(),
            "orgdesk-server {args:?} exited with {}: {printed}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(printed)
    }

    pub fn stop(mut self) -> Result<()> {
        let stopped = self.process.stop();
        match self.stripe.as_mut() {
            Some(stripe) => stopped.and(stripe.stop()),
            None => stopped,
        }
    }
}
