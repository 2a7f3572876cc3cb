//! The webhook tests' receiver: `scripts/lib/webhook_receiver.py` on a loopback port,
//! verifying every delivery with the official `standardwebhooks` package from PyPI
//! (`scripts/setup.sh` installs it), and endpoints written straight into the database.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use orgdesk_server::config::WebhookConfig;
use orgdesk_server::sealing::Sealing;
use orgdesk_server::webhooks::DeliveryTiming;
use orgdesk_server::webhooks::{secrets, signing};
use orgdesk_server::Config;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

use reqwest::StatusCode;

use crate::harness::{expect_json, TestApp};

/// One running receiver; killed when dropped.
pub struct Receiver {
    base: String,
    child: Child,
    http: reqwest::Client,
}

fn python() -> PathBuf {
    let venv = std::env::var("ORGDESK_STANDARDWEBHOOKS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            let data = std::env::var("XDG_DATA_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    PathBuf::from(std::env::var("HOME").expect("HOME")).join(".local/share")
                });
            data.join("orgdesk/standardwebhooks")
        });
    venv.join("bin/python")
}

impl Receiver {
    pub async fn start() -> Self {
        let python = python();
        assert!(
            python.exists(),
            "the webhook tests need the standardwebhooks package: run scripts/setup.sh \
             (looked for {})",
            python.display()
        );
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/lib/webhook_receiver.py"
        );
        let mut child = Command::new(&python)
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the receiver starts");
        let stdout = child.stdout.take().expect("its output");
        let stdout = tokio::process::ChildStdout::from_std(stdout).expect("async output");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the receiver prints its port in time")
        .expect("its port");
        let port: u16 = line.trim().parse().expect("a port number");
        Self {
            base: format!("http://127.0.0.1:{port}"),
            child,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("http client"),
        }
    }

    /// Where endpoints point.
    pub fn url(&self) -> String {
        format!("{}/hook", self.base)
    }

    /// Changes how it answers (see the script: `secret`, `fail_next`, `slow_next`,
    /// `slow_ms`).
    pub async fn control(&self, settings: Value) {
        let response = self
            .http
            .post(format!("{}/_control", self.base))
            .json(&settings)
            .send()
            .await
            .expect("the receiver answers");
        assert!(response.status().is_success());
    }

    /// Every request so far, in arrival order.
    pub async fn received(&self) -> Vec<Value> {
        self.http
            .get(format!("{}/_received", self.base))
            .send()
            .await
            .expect("the receiver answers")
            .json()
            .await
            .expect("JSON")
    }

    /// Waits until `done` holds for what arrived; panics with it after `within`.
    pub async fn until(&self, within: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let received = self.received().await;
            if done(&received) {
                return received;
            }
            assert!(
                start.elapsed() < within,
                "the receiver did not get what was expected within {within:?}: {received:#?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `n` deliveries were answered 200.
    pub async fn until_delivered(&self, n: usize, within: Duration) -> Vec<Value> {
        self.until(within, |all| answered(all, 200) >= n).await
    }
}

/// How many requests were answered `status`.
pub fn answered(received: &[Value], status: u16) -> usize {
    received.iter().filter(|r| r["status"] == status).count()
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server that may send to the receiver: `http://` and loopback allowed, with `timing`.
pub fn open_with(timing: DeliveryTiming) -> impl FnOnce(Config) -> Config {
    move |config| Config {
        webhooks: WebhookConfig {
            timing,
            ..WebhookConfig::open()
        },
        ..config
    }
}

/// Retries within a second or two, a short timeout and lease.
pub const QUICK: DeliveryTiming = DeliveryTiming {
    retry_base: Duration::from_millis(50),
    timeout: Duration::from_secs(2),
    lease: Duration::from_secs(3),
};

/// An endpoint of `org` for `events` (every event when empty), made through the API as
/// `token`; returns its id and the secret shown once.
pub async fn endpoint(
    app: &TestApp,
    token: &str,
    org: &str,
    url: &str,
    events: &[&str],
) -> (String, String) {
    let body = json!({
        "url": url,
        "description": "test",
        "all_events": events.is_empty(),
        "events": events,
    });
    let created = expect_json(
        app.post_json(&format!("/v1/orgs/{org}/webhooks"), Some(token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    (
        created["webhook"]["id"].as_str().expect("an id").to_owned(),
        created["secret"].as_str().expect("the secret").to_owned(),
    )
}

/// An endpoint pointing at `receiver`, which is told its secret.
pub async fn endpoint_at(
    app: &TestApp,
    token: &str,
    org: &str,
    receiver: &Receiver,
    events: &[&str],
) -> String {
    let (id, secret) = endpoint(app, token, org, &receiver.url(), events).await;
    receiver.control(json!({ "secret": secret })).await;
    id
}

/// An endpoint pointing at `receiver` written straight into the database (sealed with the
/// server's key, as the routes do), past the guard that saving it through the API would
/// meet: an address that passed when it was saved and resolves elsewhere now.
pub async fn stored_endpoint_at(
    app: &TestApp,
    org: &str,
    receiver: &Receiver,
    events: &[&str],
) -> String {
    let id = orgdesk_model::WebhookId::new();
    let secret = signing::new_secret();
    let sealing = Sealing::load_or_create(&app.data_dir().join("secret.key")).expect("the key");
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query(
        "INSERT INTO webhooks (id, org_id, url, description, all_events, events, enabled, \
         secret_sealed, created_at, updated_at) VALUES ($1, $2, $3, 'test', $4, $5, 1, $6, $7, $7)",
    )
    .bind(id.to_string())
    .bind(org)
    .bind(receiver.url())
    .bind(i64::from(events.is_empty()))
    .bind(events.join(" "))
    .bind(secrets::seal(&sealing, id, &secret))
    .bind(now)
    .execute(&app.db)
    .await
    .expect("an endpoint");
    receiver.control(json!({ "secret": secret })).await;
    id.to_string()
}

/// A delivery's row: (status, attempts).
pub async fn delivery(app: &TestApp, id: &str) -> (String, i64) {
    sqlx::query_as("SELECT status, attempts FROM webhook_deliveries WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("the delivery")
}

/// A delivery's attempts, oldest first: (at, status_code, excerpt, error).
pub async fn attempts(
    app: &TestApp,
    delivery: &str,
) -> Vec<(i64, Option<i64>, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT at, status_code, response_excerpt, error FROM webhook_attempts \
         WHERE delivery_id = $1 ORDER BY at, id",
    )
    .bind(delivery)
    .fetch_all(&app.db)
    .await
    .expect("attempts")
}

/// Waits until no delivery to `webhook` is pending (a receiver has answered before the
/// server records the attempt).
pub async fn until_settled(app: &TestApp, webhook: &str) {
    for _ in 0..400 {
        let (pending,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'",
        )
        .bind(webhook)
        .fetch_one(&app.db)
        .await
        .expect("deliveries");
        if pending == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("deliveries to {webhook} are still pending after 20 s");
}
