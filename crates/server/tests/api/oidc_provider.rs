//! The SSO tests' identity provider: the real `oidc-provider` from npm, started per test
//! by `scripts/oidc/provider.mjs` on a loopback port (killed when dropped); a loopback
//! proxy in front of it that can swap the `id_token` of the token endpoint's next answer
//! for another one (issued in another flow, or to another client); and a "browser" that
//! follows the redirects by hand, carries the provider's cookies, posts its login and
//! consent forms, and stops at the first address outside the provider.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::process::Child;
use url::Url;

#[path = "../../../../scripts/oidc/launch.rs"]
mod launch;

/// The secret of the provider's client for the server under test.
pub const CLIENT_ID: &str = "orgdesk";
pub const CLIENT_SECRET: &str = "provider-client-secret-7f3a9c";
/// A second client, for tokens issued to another audience.
pub const OTHER_CLIENT_ID: &str = "another-app";
pub const OTHER_CLIENT_SECRET: &str = "another-app-secret";
/// Where that second client is sent back to (nothing listens: the browser stops there).
pub const OTHER_REDIRECT: &str = "http://127.0.0.1:9/other";

/// A running provider, reached through its proxy.
pub struct Provider {
    /// The issuer (the proxy's address).
    pub issuer: String,
    _child: Child,
    _dir: tempfile::TempDir,
    swap: Arc<Mutex<Option<String>>>,
    proxy: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.proxy.abort();
    }
}

/// One account at the provider.
pub struct ProviderAccount<'a> {
    pub login: &'a str,
    pub email: &'a str,
    pub email_verified: bool,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    swap: Arc<Mutex<Option<String>>>,
}

impl Provider {
    /// Starts the provider with the server's client (redirecting to `callback`), the
    /// second client, and `accounts`; `id_token_ttl` in seconds.
    pub async fn start(
        callback: &str,
        accounts: &[ProviderAccount<'_>],
        id_token_ttl: u64,
    ) -> Self {
        // The proxy's port first: the provider names itself by it.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("proxy port");
        let issuer = format!("http://{}", listener.local_addr().expect("address"));
        let accounts: serde_json::Map<String, Value> = accounts
            .iter()
            .map(|a| {
                let claims = json!({
                    "email": a.email,
                    "email_verified": a.email_verified,
                    "name": format!("Person {}", a.login),
                });
                (a.login.to_owned(), claims)
            })
            .collect();
        let config = json!({
            "issuer": issuer,
            "clients": [
                { "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                  "redirect_uris": [callback] },
                { "client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET,
                  "redirect_uris": [OTHER_REDIRECT] },
            ],
            "accounts": accounts,
            "id_token_ttl": id_token_ttl,
        });
        let launched = launch::launch(&config).await;
        let ready = launched.ready;
        let upstream = format!("http://127.0.0.1:{}", ready["port"]);
        let swap = Arc::new(Mutex::new(None));
        let state = ProxyState {
            upstream,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .build()
                .expect("client"),
            swap: Arc::clone(&swap),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let proxy = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            issuer,
            _child: launched.child,
            _dir: launched.dir,
            swap,
            proxy,
        }
    }

    /// The token endpoint's next answer carries `id_token` instead of its own.
    pub fn swap_next_id_token(&self, id_token: String) {
        *self.swap.lock().unwrap() = Some(id_token);
    }

    /// An ID token issued to `client` (with its secret and registered redirect) for
    /// `login`, with `nonce`: the test itself plays that client.
    pub async fn id_token_for(
        &self,
        client: (&str, &str, &str),
        login: &str,
        nonce: &str,
    ) -> String {
        let (client_id, secret, redirect) = client;
        let verifier = random_verifier();
        let mut auth = Url::parse(&format!("{}/auth", self.issuer)).unwrap();
        auth.query_pairs_mut()
            .append_pair("client_id", client_id)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email profile")
            .append_pair("redirect_uri", redirect)
            .append_pair("state", "some-state-of-the-test")
            .append_pair("nonce", nonce)
            .append_pair("code_challenge", &challenge_of(&verifier))
            .append_pair("code_challenge_method", "S256");
        let back = Browser::new().walk(auth.as_str(), login, redirect).await;
        let code = query_param(&back, "code").expect("a code");
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/token", self.issuer))
            .basic_auth(client_id, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .expect("token request")
            .json()
            .await
            .expect("token answer");
        answer["id_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no id_token: {answer}"))
            .to_owned()
    }
}

/// Headers that describe one connection, not the message: never forwarded.
/// (`host` is kept: the provider writes its endpoints' addresses from it.)
const HOP_BY_HOP: [&str; 5] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
];

/// Forwards a request to the provider; swaps the token endpoint's `id_token` when armed.
async fn forward(
    State(state): State<ProxyState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = state
        .http
        .request(method, format!("{}{path}", state.upstream))
        .body(body);
    for (name, value) in &headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            request = request.header(name, value);
        }
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) => {
            eprintln!("proxy: {path}: {error:?}");
            return StatusCode::BAD_GATEWAY.into_response();
        }
    };
    let status = answer.status();
    let mut out_headers = HeaderMap::new();
    for (name, value) in answer.headers() {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            out_headers.append(name, value.clone());
        }
    }
    let mut body = answer.bytes().await.unwrap_or_default().to_vec();
    if uri.path() == "/token" {
        if let Some(replacement) = state.swap.lock().unwrap().take() {
            let mut json: Value = serde_json::from_slice(&body).expect("token answer");
            json["id_token"] = Value::String(replacement);
            body = json.to_string().into_bytes();
        }
    }
    (status, out_headers, body).into_response()
}

/// A PKCE verifier (43 characters) and its challenge.
pub fn random_verifier() -> String {
    let bytes: [u8; 32] = rand_bytes();
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn rand_bytes() -> [u8; 32] {
    let mut bytes = [0_u8; 32];
    let id = uuid::Uuid::new_v4();
    let id2 = uuid::Uuid::new_v4();
    bytes[..16].copy_from_slice(id.as_bytes());
    bytes[16..].copy_from_slice(id2.as_bytes());
    bytes
}

/// The value of `name` in `url`'s query.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Follows redirects by hand and carries cookies (by name: every address is one host).
pub struct Browser {
    http: reqwest::Client,
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .pool_max_idle_per_host(0)
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let Ok(value) = value.to_str() else { continue };
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies
                        .insert(name.trim().to_owned(), value.to_owned());
                }
            }
        }
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let request = request.header("cookie", self.cookie_header());
        let response = request.send().await.expect("the provider answers");
        self.keep_cookies(&response);
        response
    }

    /// Opens `url`, signs in as `login` and consents, and returns the first redirect
    /// that leaves the provider for an address starting with `stop_at`.
    pub async fn walk(&mut self, url: &str, login: &str, stop_at: &str) -> String {
        let mut next = url.to_owned();
        for _ in 0..20 {
            if next.starts_with(stop_at) {
                return next;
            }
            let response = self.send(self.http.get(&next)).await;
            let here = Url::parse(&next).expect("an absolute URL");
            let status = response.status();
            if status.is_redirection() {
                let location = response.headers()["location"].to_str().unwrap().to_owned();
                next = here.join(&location).expect("a location").to_string();
                continue;
            }
            let page = response.text().await.unwrap_or_default();
            assert!(
                status.is_success(),
                "the provider answered {status}: {page}"
            );
            let form: Vec<(&str, &str)> = if page.contains("value=\"login\"") {
                vec![("prompt", "login"), ("login", login), ("password", "x")]
            } else if page.contains("value=\"consent\"") {
                vec![("prompt", "consent")]
            } else {
                panic!("an unexpected page at {next}: {page}");
            };
            let response = self.send(self.http.post(here.as_str()).form(&form)).await;
            assert!(
                response.status().is_redirection(),
                "the form post answered {}",
                response.status()
            );
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            next = here.join(&location).expect("a location").to_string();
        }
        panic!("no redirect to {stop_at} after 20 steps");
    }
}
