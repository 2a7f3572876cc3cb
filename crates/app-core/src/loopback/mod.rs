//! The app's half of a single sign-on (RFC 8252, OAuth for native apps): a PKCE verifier
//! only this process knows and its S256 challenge, a random `state`, and a one-request
//! HTTP listener on `127.0.0.1` that the browser is sent back to with a one-time code.
//! The browser is answered a small page of its own (no script, nothing fetched) saying
//! how it ended, so the tab can be closed.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::sso::SsoAppHalf;
use orgdesk_model::{ApiError, ErrorCode};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use crate::error::AppError;

/// How long the browser has to come back before the flow gives up.
pub const WAIT: Duration = Duration::from_secs(5 * 60);
/// The path the browser returns to on the loopback address.
const PATH: &str = "/sso";
/// The most of a request the listener reads (its line and headers).
const MAX_REQUEST: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// 32 random bytes, base64url without padding (43 characters).
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A PKCE pair: the verifier stays here; the challenge goes to the server.
pub struct Pkce {
    verifier: String,
    challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = random_token();
        let challenge = challenge_of(&verifier);
        Self {
            verifier,
            challenge,
        }
    }

    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// `BASE64URL(SHA-256(verifier))` (RFC 7636 §4.2, S256).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What stops a wait early: the user's Cancel, or a newer flow taking its place (the
/// sender dropped).
pub type Cancel = oneshot::Receiver<()>;

/// The one browser flow the app waits for at a time (a sign-in or a connection test): a
/// new one ends the one before, and Cancel ends it.
#[derive(Default)]
pub struct Waiting(std::sync::Mutex<Option<oneshot::Sender<()>>>);

impl Waiting {
    /// A new flow begins; the one waiting before it, if any, is cancelled.
    pub fn begin(&self) -> Cancel {
        let (cancel, cancelled) = oneshot::channel();
        let before = self.lock().replace(cancel);
        if let Some(before) = before {
            let _ = before.send(());
        }
        cancelled
    }

    /// Ends the wait for the browser, if a flow is waiting.
    pub fn cancel(&self) {
        if let Some(waiting) = self.lock().take() {
            let _ = waiting.send(());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<oneshot::Sender<()>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A listener on `127.0.0.1:<free port>`, waiting for one browser to come back.
pub struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
    state: String,
    pkce: Pkce,
}

impl Loopback {
    pub async fn bind() -> Result<Self, AppError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| failed(format!("The app could not listen for the browser: {e}.")))?;
        let port = listener
            .local_addr()
            .map_err(|e| failed(format!("The app could not listen for the browser: {e}.")))?
            .port();
        Ok(Self {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}{PATH}"),
            state: random_token(),
            pkce: Pkce::new(),
        })
    }

    /// What the server is told: the challenge, where to send the browser, the `state`.
    pub fn app_half(&self) -> SsoAppHalf {
        SsoAppHalf {
            code_challenge: self.pkce.challenge().to_owned(),
            redirect_uri: self.redirect_uri.clone(),
            state: self.state.clone(),
        }
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the browser to come back with this flow's `state`, for at most `wait`.
    /// Requests for other paths, or with another `state`, are answered and ignored: only
    /// the right one ends the wait. An `error` the server sent back ends it with that
    /// error (answered to the browser at once).
    pub async fn wait(self, wait: Duration, cancel: Cancel) -> Result<Returned, AppError> {
        let Self {
            listener,
            state,
            pkce,
            ..
        } = self;
        // Each connection on its own task: a browser's idle preconnection must not hold
        // up the request that matters.
        let (came, mut arrivals) = mpsc::channel(1);
        let (state, verifier) = (Arc::<str>::from(state), Arc::<str>::from(pkce.verifier));
        let acceptor = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let (came, state, verifier) = (came.clone(), state.clone(), verifier.clone());
                tokio::spawn(async move {
                    if let Some(returned) = read_one(stream, &state, &verifier).await {
                        let _ = came.send(returned).await;
                    }
                });
            }
        });
        let ended = tokio::select! {
            Some(returned) = arrivals.recv() => returned,
            _ = cancel => Err(failed("Signing in with single sign-on was cancelled.")),
            () = tokio::time::sleep(wait) => Err(failed(format!(
                "The browser did not come back within {} minutes. Try again.",
                wait.as_secs() / 60
            ))),
        };
        // The port closes: nothing more is heard on it.
        acceptor.abort();
        ended
    }
}

/// The browser came back with a one-time code; it is still waiting for its page.
pub struct Returned {
    pub code: String,
    pub verifier: String,
    browser: TcpStream,
}

impl Returned {
    /// Answers the browser how the flow ended: `Ok(line)` or the error.
    pub async fn answer(mut self, outcome: Result<&str, &AppError>) {
        let page = match outcome {
            Ok(line) => page(
                "Signed in",
                line,
                "You can close this tab and return to Orgdesk.",
            ),
            Err(e) => page(
                "Not signed in",
                &e.to_string(),
                "Return to Orgdesk to try again.",
            ),
        };
        respond(&mut self.browser, 200, &page).await;
    }
}

/// Reads one request; `Some` when it ends the wait (the code, or the error it carried).
async fn read_one(
    mut stream: TcpStream,
    state: &str,
    verifier: &str,
) -> Option<Result<Returned, AppError>> {
    let target = match tokio::time::timeout(READ_TIMEOUT, request_target(&mut stream)).await {
        Ok(Some(target)) => target,
        _ => {
            respond(&mut stream, 400, &page("Bad request", "", "")).await;
            return None;
        }
    };
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        respond(&mut stream, 400, &page("Bad request", "", "")).await;
        return None;
    };
    if url.path() != PATH {
        respond(&mut stream, 404, &page("Not found", "", "")).await;
        return None;
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    if param("state").as_deref() != Some(state) {
        let body = page(
            "Not this sign-in",
            "This address is not the sign-in Orgdesk is waiting for.",
            "Start again from Orgdesk.",
        );
        respond(&mut stream, 400, &body).await;
        return None;
    }
    if let Some(error) = param("error") {
        let e = returned_error(&error, param("error_description").as_deref());
        let body = page(
            "Not signed in",
            &e.message,
            "Return to Orgdesk to try again.",
        );
        respond(&mut stream, 200, &body).await;
        return Some(Err(AppError::Refused(e)));
    }
    match param("code").filter(|c| !c.is_empty() && c.len() <= 512) {
        Some(code) => Some(Ok(Returned {
            code,
            verifier: verifier.to_owned(),
            browser: stream,
        })),
        None => {
            let e = returned_error("sso_failed", Some("The browser came back without a code."));
            let body = page(
                "Not signed in",
                &e.message,
                "Return to Orgdesk to try again.",
            );
            respond(&mut stream, 200, &body).await;
            Some(Err(AppError::Refused(e)))
        }
    }
}

/// The request target of a `GET`, once its headers have arrived.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() + n > MAX_REQUEST {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = std::str::from_utf8(&buf).ok()?;
    let mut parts = head.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) if target.starts_with('/') => Some(target.to_owned()),
        _ => None,
    }
}

/// What an `error` on the loopback redirect means: one of the model's codes when the
/// server sent one (`sso_failed`, `sso_not_configured`, …), else a failed sign-in; the
/// description, if any, is the message.
pub fn returned_error(error: &str, description: Option<&str>) -> ApiError {
    let code = serde_json::from_value::<ErrorCode>(serde_json::Value::String(error.into()))
        .unwrap_or(ErrorCode::SsoFailed);
    let message = description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.chars().take(300).collect::<String>())
        .unwrap_or_else(|| match error {
            "access_denied" => {
                "The sign-in was refused or cancelled at the identity provider.".to_owned()
            }
            _ => format!("{}.", code.title()),
        });
    ApiError::new(code, message)
}

fn failed(message: impl Into<String>) -> AppError {
    AppError::Refused(ApiError::new(ErrorCode::SsoFailed, message))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained page: no script, no image, nothing loaded from anywhere.
fn page(title: &str, line: &str, hint: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>Orgdesk · {t}</title>\
         <style>body{{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;\
         place-items:center;min-height:100vh;background:#f6f7f9;color:#1f2328}}\
         main{{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:32px 40px;\
         max-width:440px}}h1{{font-size:20px;margin:0 0 8px}}p{{margin:4px 0}}\
         .hint{{color:#59636e}}</style></head><body><main><h1>{t}</h1><p>{l}</p>\
         <p class=\"hint\">{h}</p></main></body></html>",
        t = escape(title),
        l = escape(line),
        h = escape(hint),
    )
}

async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Bad Request",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests;
