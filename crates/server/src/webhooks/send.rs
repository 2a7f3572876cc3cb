//! One attempt at one delivery: the stored body, signed by the Standard Webhooks
//! specification, POSTed to the address the guard checked (the host resolved once, here,
//! and the connection made to that very address), no redirect followed, no proxy, within
//! the timeout. What happened is an [`Outcome`] people can read, never an error.

use std::collections::HashMap;
use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use orgdesk_model::webhook::RESPONSE_EXCERPT_BYTES;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use url::Url;

use crate::outbound::WebhookConfig;
use crate::webhooks::guard::{self, GuardError};
use crate::webhooks::signing;

/// Every request says who sends it.
pub const USER_AGENT: &str = "Orgdesk-Webhooks/1";

/// What one delivery is sent with.
pub struct Message<'a> {
    pub url: &'a str,
    /// The `webhook-id` header: the delivery's id, the same on every attempt.
    pub id: &'a str,
    /// The body exactly as stored (and signed).
    pub body: &'a str,
    /// The secrets in force, the current one first.
    pub secrets: &'a [String],
    /// `webhook-timestamp`: this attempt's start, Unix seconds.
    pub timestamp: i64,
}

/// How an attempt went, as `webhook_attempts` keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    pub duration: Duration,
    /// The start of its answer, at most [`RESPONSE_EXCERPT_BYTES`], cut between characters.
    pub excerpt: Option<String>,
    /// Why it failed, in words: "timed out after 10 s", "connection refused",
    /// "address not allowed: …", "answered 500".
    pub error: Option<String>,
}

impl Outcome {
    /// A 2xx answer: the delivery is done.
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// An attempt that never reached the receiver.
    pub fn unsent(error: String, duration: Duration) -> Self {
        Self {
            status: None,
            duration,
            excerpt: None,
            error: Some(error),
        }
    }
}

/// Clients by host name and checked address, so that sends to one endpoint share a TLS
/// setup (building a client costs tens of milliseconds). Each knows only its own address:
/// a name is never looked up by a client.
#[derive(Default)]
pub struct Clients {
    built: Mutex<HashMap<(String, SocketAddr), reqwest::Client>>,
}

/// Clients kept at most; past it, they are all built again.
const MAX_CLIENTS: usize = 256;

impl Clients {
    fn for_address(
        &self,
        url: &Url,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<reqwest::Client, reqwest::Error> {
        let key = (url.domain().unwrap_or_default().to_owned(), addr);
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = built.get(&key) {
            return Ok(client.clone());
        }
        let mut client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(timeout)
            .user_agent(USER_AGENT)
            // A fresh connection per attempt: a kept one the receiver closes just as it is
            // reused would fail an attempt the receiver never saw.
            .pool_max_idle_per_host(0);
        if let Some(domain) = url.domain() {
            // The name is not looked up again: the connection goes to the address checked.
            client = client.resolve(domain, addr);
        }
        let client = client.build()?;
        if built.len() >= MAX_CLIENTS {
            built.clear();
        }
        built.insert(key, client.clone());
        Ok(client)
    }
}

pub async fn send(message: &Message<'_>, config: WebhookConfig, clients: &Clients) -> Outcome {
    let started = Instant::now();
    let refused = |error: GuardError| Outcome::unsent(refusal(&error), started.elapsed());
    let url = match guard::parse(message.url, config) {
        Ok(url) => url,
        Err(error) => return refused(error),
    };
    let addr = match guard::resolve(&url, config).await {
        Ok(addr) => addr,
        Err(error) => return refused(error),
    };
    let timeout = config.timing.timeout;
    let client = match clients.for_address(&url, addr, timeout) {
        Ok(client) => client,
        Err(error) => return Outcome::unsent(described(&error, timeout), started.elapsed()),
    };
    let request = client
        .post(Url::clone(&url))
        .headers(headers(message))
        .body(message.body.to_owned());
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(error) => return Outcome::unsent(described(&error, timeout), started.elapsed()),
    };
    let status = response.status().as_u16();
    let mut body = Vec::new();
    // The rest of a long answer is never read; a broken-off one keeps what came.
    while body.len() < RESPONSE_EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            Ok(None) | Err(_) => break,
        }
    }
    let outcome = Outcome {
        status: Some(status),
        duration: started.elapsed(),
        excerpt: excerpt(&body),
        error: None,
    };
    if outcome.delivered() {
        outcome
    } else {
        Outcome {
            error: Some(format!("answered {status}")),
            ..outcome
        }
    }
}

fn headers(message: &Message<'_>) -> HeaderMap {
    let secrets: Vec<&str> = message.secrets.iter().map(String::as_str).collect();
    let signature = signing::header(
        &secrets,
        message.id,
        message.timestamp,
        message.body.as_bytes(),
    );
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in [
        ("webhook-id", message.id.to_owned()),
        ("webhook-timestamp", message.timestamp.to_string()),
        ("webhook-signature", signature),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    headers
}

/// The guard's refusal as an attempt's error.
fn refusal(error: &GuardError) -> String {
    match error {
        GuardError::Unresolved => "host not found".to_owned(),
        other => {
            let sentence = other.to_string();
            let mut chars = sentence.chars();
            let lowered = chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect::<String>())
                .unwrap_or_default();
            format!(
                "address not allowed: {}",
                lowered.trim_end_matches('.').to_owned()
            )
        }
    }
}

/// A failed request in words people know.
fn described(error: &reqwest::Error, timeout: Duration) -> String {
    if error.is_timeout() {
        return format!("timed out after {}", seconds(timeout));
    }
    let root = root_cause(error);
    let io_kind = io_kind(error);
    match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => "connection refused".to_owned(),
        Some(std::io::ErrorKind::ConnectionReset) => "connection reset".to_owned(),
        Some(std::io::ErrorKind::TimedOut) => format!("timed out after {}", seconds(timeout)),
        _ if error.is_connect() => format!("could not connect: {root}"),
        _ => format!("request failed: {root}"),
    }
}

fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

fn root_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn io_kind(error: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut cause = error.source();
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cause = current.source();
    }
    None
}

/// The first [`RESPONSE_EXCERPT_BYTES`] of an answer as text, never cut inside a
/// character (bytes that are not UTF-8 become U+FFFD); `None` for an empty answer.
pub fn excerpt(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let head = &body[..body.len().min(RESPONSE_EXCERPT_BYTES)];
    // A character the cut split in two is left out rather than shown broken.
    let whole = match std::str::from_utf8(head) {
        Err(error) if error.error_len().is_none() => &head[..error.valid_up_to()],
        _ => head,
    };
    let mut text = String::from_utf8_lossy(whole).into_owned();
    let mut end = text.len().min(RESPONSE_EXCERPT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_capped_and_cut_between_characters() {
        assert_eq!(excerpt(b""), None);
        assert_eq!(excerpt(b"ok").as_deref(), Some("ok"));
        let long = "é".repeat(RESPONSE_EXCERPT_BYTES); // 2 bytes each
        let cut = excerpt(long.as_bytes()).unwrap();
        assert_eq!(cut.len(), RESPONSE_EXCERPT_BYTES);
        let odd = format!("x{long}");
        let cut = excerpt(odd.as_bytes()).unwrap();
        assert_eq!(
            cut.len(),
            RESPONSE_EXCERPT_BYTES - 1,
            "the split é is left out"
        );
        let binary = vec![0xff_u8; 4 * RESPONSE_EXCERPT_BYTES];
        let cut = excerpt(&binary).unwrap();
        assert!(cut.len() <= RESPONSE_EXCERPT_BYTES && cut.starts_with('\u{FFFD}'));
    }

    #[test]
    fn refusals_and_timeouts_read_as_sentences() {
        let ip = "127.0.0.1".parse().unwrap();
        assert_eq!(
            refusal(&GuardError::Internal(ip)),
            "address not allowed: the host resolves to 127.0.0.1, an internal address this \
             server does not send to"
        );
        assert_eq!(refusal(&GuardError::Unresolved), "host not found");
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(300)), "300 ms");
    }

    #[test]
    fn the_headers_carry_id_timestamp_and_a_signature_per_secret() {
        let secrets = [signing::new_secret(), signing::new_secret()];
        let message = Message {
            url: "https://example.com/",
            id: "msg_1",
            body: "{}",
            secrets: &secrets,
            timestamp: 1_700_000_000,
        };
        let headers = headers(&message);
        assert_eq!(headers["webhook-id"], "msg_1");
        assert_eq!(headers["webhook-timestamp"], "1700000000");
        assert_eq!(headers["content-type"], "application/json");
        let signature = headers["webhook-signature"].to_str().unwrap();
        assert_eq!(signature.split(' ').count(), 2);
        assert!(signature
            .starts_with(&signing::signature(&secrets[0], "msg_1", 1_700_000_000, b"{}").unwrap()));
    }
}
