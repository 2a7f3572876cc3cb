//! The HTTP layer: one reqwest client, bearer auth, problem documents to errors.

use std::sync::Arc;
use std::time::Duration;

use orgdesk_model::auth::{LoginRequest, Me, SessionGrant, SignupRequest};
use orgdesk_model::built_in::APP_SECRET_HEADER;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use crate::cache::{read_through, Cached, MemoryCache, ReadCache};
use crate::keys::ReadKey;
use crate::{ClientError, Result};

/// The header that makes a mutating request safe to retry.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

/// Offline is noticed from failed or slow requests, so these stay short.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(4);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Idle connections kept per host; bounds how many of them can be stale at once.
const IDLE_PER_HOST: usize = 4;
/// One try on each possibly stale idle connection, then one on a fresh connection.
const READ_ATTEMPTS: usize = IDLE_PER_HOST + 1;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    token: Option<String>,
    /// Sent as `Idempotency-Key` on mutating requests (see [`Client::idempotent`]).
    idempotency_key: Option<String>,
    /// Sent on every request to the app's built-in server (see [`Client::with_app_secret`]).
    app_secret: Option<String>,
    pub(crate) cache: Arc<dyn ReadCache>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .field("signed_in", &self.token.is_some())
            .field("built_in", &self.app_secret.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the server at `base` (e.g. `http://127.0.0.1:8787`), with a cache that
    /// lives as long as the client.
    pub fn new(base: &str) -> Result<Self> {
        let mut base = Url::parse(base.trim())?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(ClientError::BadUrl(url::ParseError::RelativeUrlWithoutBase));
        }
        base.set_query(None);
        base.set_fragment(None);
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .pool_max_idle_per_host(IDLE_PER_HOST)
            .user_agent(concat!("orgdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ClientError::Network)?;
        Ok(Self {
            http,
            base,
            token: None,
            idempotency_key: None,
            app_secret: None,
            cache: Arc::new(MemoryCache::default()),
        })
    }

    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// A client for the app's built-in server, which answers only requests carrying the
    /// secret it was started with ([`APP_SECRET_HEADER`]). Never for another server: the
    /// secret stays between the app and the server running in its process.
    pub fn with_app_secret(mut self, secret: impl Into<String>) -> Self {
        self.app_secret = Some(secret.into());
        self
    }

    /// A client whose mutating requests carry `Idempotency-Key: key`: however often such a
    /// request is sent (retries, replays after a restart), the server applies it once.
    pub fn idempotent(&self, key: impl Into<String>) -> Self {
        Self {
            idempotency_key: Some(key.into()),
            ..self.clone()
        }
    }

    pub fn with_cache(mut self, cache: Arc<dyn ReadCache>) -> Self {
        self.cache = cache;
        self
    }

    /// Where reads are remembered.
    pub fn cache(&self) -> &Arc<dyn ReadCache> {
        &self.cache
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `segments` are appended to the base path, each percent-encoded.
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("v1").extend(segments);
        }
        url
    }

    pub(crate) fn request(&self, method: Method, segments: &[&str]) -> RequestBuilder {
        let mutating = method != Method::GET && method != Method::HEAD;
        let mut req = self.http.request(method, self.url(segments));
        if let Some(token) = &self.token {
            req = req.bearer_auth(token);
        }
        if let Some(secret) = &self.app_secret {
            req = req.header(APP_SECRET_HEADER, secret);
        }
        match &self.idempotency_key {
            Some(key) if mutating => req.header(IDEMPOTENCY_KEY, key),
            _ => req,
        }
    }

    /// Sends and decodes a JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T> {
        let (status, body) = self.send(req).await?;
        serde_json::from_slice(&body).map_err(|e| ClientError::BadResponse {
            status: status.as_u16(),
            detail: e.to_string(),
        })
    }

    /// Sends a request whose answer has no body worth reading.
    pub(crate) async fn empty(&self, req: RequestBuilder) -> Result<()> {
        self.send(req).await.map(|_| ())
    }

    /// Sends; a non-success status becomes the problem's error.
    pub(crate) async fn send(&self, req: RequestBuilder) -> Result<(StatusCode, Vec<u8>)> {
        let resp = send_retrying_reads(req).await?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(ClientError::Network)?.to_vec();
        if status.is_success() || status == StatusCode::NOT_MODIFIED {
            Ok((status, body))
        } else {
            Err(ClientError::from_problem(status.as_u16(), &body))
        }
    }

    pub(crate) async fn cached<T, F>(&self, key: ReadKey, fetch: F) -> Result<Cached<T>>
    where
        T: serde::Serialize + DeserializeOwned,
        F: std::future::Future<Output = Result<T>>,
    {
        read_through(self.cache.as_ref(), key, fetch).await
    }

    pub async fn health(&self) -> Result<()> {
        self.empty(self.request(Method::GET, &["health"])).await
    }

    pub async fn signup(&self, input: &SignupRequest) -> Result<SessionGrant> {
        self.json(self.request(Method::POST, &["auth", "signup"]).json(input))
            .await
    }

    pub async fn login(&self, input: &LoginRequest) -> Result<SessionGrant> {
        self.json(self.request(Method::POST, &["auth", "login"]).json(input))
            .await
    }

    /// Ends the session on the server; the token is useless afterwards.
    pub async fn logout(&self) -> Result<()> {
        self.empty(self.request(Method::POST, &["auth", "logout"]))
            .await
    }

    pub async fn me(&self) -> Result<Cached<Me>> {
        self.cached(ReadKey::Me, self.json(self.request(Method::GET, &["me"])))
            .await
    }
}

/// Sends; a read that fails on a connection that was already open (typically a pooled
/// connection the network dropped meanwhile) is tried again. The pool keeps at most
/// [`IDLE_PER_HOST`] idle connections, so the last of [`READ_ATTEMPTS`] tries is on a fresh
/// one. A failed connect or a timeout is final. Writes are never retried here: the outbox
/// retries them under their idempotency key.
pub(crate) async fn send_retrying_reads(req: RequestBuilder) -> Result<reqwest::Response> {
    let (http, request) = req.build_split();
    let mut request = request.map_err(ClientError::Network)?;
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    for _ in 1..READ_ATTEMPTS {
        let again = if is_read { request.try_clone() } else { None };
        match (http.execute(request).await, again) {
            (Err(e), Some(again)) if on_a_dropped_connection(&e) => {
                tracing::debug!(error = %e, "retrying a read");
                request = again;
            }
            (result, _) => return result.map_err(ClientError::Network),
        }
    }
    http.execute(request).await.map_err(ClientError::Network)
}

/// Nothing came back on a connection that had been established: neither a refused
/// connect (the server is gone) nor a timeout (it is slow).
fn on_a_dropped_connection(e: &reqwest::Error) -> bool {
    !e.is_timeout() && !e.is_connect() && !e.is_status() && !e.is_redirect() && !e.is_decode()
}
