//! localstripe, the Stripe stand-in from PyPI (`scripts/setup.sh` installs it), started for
//! one test on a loopback port, and a server in `stripe` mode pointed at it with its
//! webhooks delivered to the server.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use orgdesk_server::config::PaymentsConfig;
use orgdesk_server::stripe::StripeConfig;
use orgdesk_server::Config;
use serde_json::Value;

use crate::harness::{spawn_app_with, Backend, TestApp};

pub const SECRET_KEY: &str = "sk_test_orgdesk";
pub const PUBLISHABLE_KEY: &str = "pk_test_orgdesk";
pub const WEBHOOK_SECRET: &str = "whsec_orgdesk_test";

/// One running localstripe; killed when dropped.
pub struct LocalStripe {
    pub base: String,
    child: Child,
    http: reqwest::Client,
}

fn python() -> PathBuf {
    if let Ok(path) = std::env::var("ORGDESK_LOCALSTRIPE_PYTHON") {
        return PathBuf::from(path);
    }
    let data = std::env::var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").expect("HOME")).join(".local/share")
        });
    data.join("orgdesk/localstripe/bin/python")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

impl LocalStripe {
    pub async fn start() -> Self {
        let python = python();
        assert!(
            python.exists(),
            "the payment tests need localstripe: run scripts/setup.sh (looked for {})",
            python.display()
        );
        let launcher = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/lib/localstripe_serve.py"
        );
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("http client");
        for _attempt in 0..5 {
            let port = free_port();
            let mut child = Command::new(&python)
                .arg(launcher)
                .arg(port.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("localstripe starts");
            let base = format!("http://127.0.0.1:{port}");
            for _ in 0..100 {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // the port was taken meanwhile: try another
                }
                let up = http
                    .get(format!("{base}/v1/customers"))
                    .bearer_auth(SECRET_KEY)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if up {
                    return Self { base, child, http };
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("localstripe did not start");
    }

    /// Delivers every event to `url`, signed with [`WEBHOOK_SECRET`].
    pub async fn deliver_webhooks_to(&self, url: &str) {
        let response = self
            .http
            .post(format!("{}/_config/webhooks/orgdesk", self.base))
            .form(&[("url", url), ("secret", WEBHOOK_SECRET)])
            .send()
            .await
            .expect("localstripe answers");
        assert!(response.status().is_success(), "webhook registered");
    }

    /// `GET` an API path of the stand-in, as the server's secret key.
    pub async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(SECRET_KEY)
            .send()
            .await
            .expect("localstripe answers");
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.expect("JSON")
    }

    /// `POST` a form to an API path of the stand-in, as the server's secret key.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(SECRET_KEY)
            .form(form)
            .send()
            .await
            .expect("localstripe answers")
    }

    /// `DELETE` an API path of the stand-in, as the server's secret key.
    pub async fn http_delete(&self, path: &str) -> reqwest::Response {
        self.http
            .delete(format!("{}{path}", self.base))
            .bearer_auth(SECRET_KEY)
            .send()
            .await
            .expect("localstripe answers")
    }

    pub fn config(&self) -> StripeConfig {
        StripeConfig {
            secret_key: SECRET_KEY.to_owned(),
            webhook_secret: WEBHOOK_SECRET.to_owned(),
            publishable_key: PUBLISHABLE_KEY.to_owned(),
            api_base: self.base.clone(),
        }
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server in `stripe` mode against a fresh localstripe that delivers its webhooks to it.
pub async fn spawn_stripe_app(backend: Backend) -> (TestApp, LocalStripe) {
    let stripe = LocalStripe::start().await;
    let config = stripe.config();
    let app = spawn_app_with(backend, |c| Config {
        payments: PaymentsConfig::Stripe(config),
        ..c
    })
    .await;
    stripe
        .deliver_webhooks_to(&format!("{}/v1/payments/stripe/webhook", app.base))
        .await;
    (app, stripe)
}

/// What a card page embeds for Stripe.js: the publishable key and the SetupIntent's
/// client secret.
pub fn page_config(html: &str) -> Value {
    let start = html
        .find(r#"<script id="config" type="application/json">"#)
        .expect("the page carries its configuration");
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).expect("configuration JSON")
}

impl LocalStripe {
    /// Confirms a card page's SetupIntent with `number` as the page's Stripe.js does:
    /// straight to the stand-in, with the publishable key and the client secret only.
    pub async fn confirm_card_setup(&self, config: &Value, number: &str) -> reqwest::Response {
        let secret = config["secret"].as_str().expect("client secret");
        let intent = secret.split("_secret_").next().unwrap();
        self.http
            .post(format!("{}/v1/setup_intents/{intent}/confirm", self.base))
            .form(&[
                ("key", config["key"].as_str().unwrap()),
                ("client_secret", secret),
                ("payment_method_data[type]", "card"),
                ("payment_method_data[card][number]", number),
                ("payment_method_data[card][exp_month]", "12"),
                ("payment_method_data[card][exp_year]", "2030"),
                ("payment_method_data[card][cvc]", "123"),
            ])
            .send()
            .await
            .expect("localstripe answers")
    }
}

/// Saves card `number` for `org` the way an owner does: asks for a card page, opens it,
/// confirms it at the stand-in, and lets the page report back. Returns the page's last
/// answer (the saved card, or the problem).
pub async fn add_card(
    app: &TestApp,
    stripe: &LocalStripe,
    token: &str,
    org: &str,
    number: &str,
) -> reqwest::Response {
    let setup = crate::harness::expect_json(
        app.post(&format!("/v1/orgs/{org}/billing/card"), token)
            .await,
        reqwest::StatusCode::CREATED,
    )
    .await;
    let url = setup["url"].as_str().expect("a page URL");
    assert!(url.starts_with(&format!("{}/pay/card/", app.base)), "{url}");
    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    let html = page.text().await.unwrap();
    let config = page_config(&html);
    let _ = stripe.confirm_card_setup(&config, number).await;
    app.client
        .post(format!("{url}/complete"))
        .send()
        .await
        .unwrap()
}
