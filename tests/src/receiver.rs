//! A webhook receiver on loopback for the end-to-end tests: it answers every request `200
//! ok` and keeps what it was sent, so a test can check what arrived and that it is signed
//! with the secret the app showed (Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of
//! `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the `whsec_` secret).
//! The server's tests verify signatures with the official library; this is the app's side.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use tokio::task::JoinHandle;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Result<Value> {
        serde_json::from_str(&self.body).with_context(|| format!("not JSON: {}", self.body))
    }

    /// The event's type (`project.created`).
    pub fn event_type(&self) -> String {
        self.json()
            .ok()
            .and_then(|v| v["type"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// Whether one of the `webhook-signature` header's signatures is made with `secret`.
    pub fn signed_with(&self, secret: &str) -> Result<bool> {
        let key = STANDARD
            .decode(
                secret
                    .strip_prefix("whsec_")
                    .context("not a whsec_ secret")?,
            )
            .context("the secret is not base64")?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key)?;
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        Ok(self.signature.split(' ').any(|s| s == expected))
    }
}

pub struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let kept = kept.clone();
            async move {
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                let request = Received {
                    id: header("webhook-id"),
                    timestamp: header("webhook-timestamp"),
                    signature: header("webhook-signature"),
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                if let Ok(mut all) = kept.lock() {
                    all.push(request);
                }
                "ok"
            }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            received,
            task,
        })
    }

    /// `http://127.0.0.1:<port>/<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The first request whose event is `event_type`, waiting up to `within`.
    pub async fn wait_for(&self, event_type: &str, within: Duration) -> Result<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(r) = self
                .received()
                .into_iter()
                .find(|r| r.event_type() == event_type)
            {
                return Ok(r);
            }
            if tokio::time::Instant::now() > deadline {
                let got: Vec<_> = self.received().iter().map(Received::event_type).collect();
                bail!("no {event_type} event arrived within {within:?}; got {got:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_specifications_published_example() {
        // standard-webhooks/spec, "Verifying webhook authenticity".
        let received = Received {
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek".into(),
            timestamp: "1614265330".into(),
            signature: "v1,bm9ldHRoZXNhbWU= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".into(),
            body: r#"{"test": 2432232314}"#.into(),
        };
        assert!(received
            .signed_with("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap());
        assert!(!received
            .signed_with("whsec_bm90IHRoZSBzZWNyZXQgYXQgYWxsIQ==")
            .unwrap());
    }
}
