//! Talking to an org's OpenID provider: the one HTTP client for its discovery document,
//! its keys (JWKS) and its token endpoint, under the webhooks' address rules
//! ([`crate::webhooks::guard`]): every URL's host is resolved once, each answer checked
//! (loopback, private, link-local, the metadata address… are refused), and the request
//! goes to the address that was checked. No redirect is followed, no proxy used; an
//! exchange must finish within [`TIMEOUT`] and its answer stay under [`MAX_ANSWER`].
//!
//! `--allow-insecure-sso` opens both `http://` and inner addresses (tests, and the
//! desktop app's built-in server, whose provider may run on the same machine).
//!
//! [`Outbound`] is also the HTTP client `openidconnect` is given (it implements that
//! crate's [`AsyncHttpClient`]), so its requests follow the same rules.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::{http, AsyncHttpClient, HttpRequest, HttpResponse};
use serde_json::Value;
use url::Url;

use crate::outbound::WebhookConfig;
use crate::webhooks::guard::{self, GuardError};

/// One exchange with a provider, from connecting to the end of its answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from a provider (discovery documents and key sets are a few
/// kilobytes).
pub const MAX_ANSWER: usize = 512 * 1024;
const USER_AGENT: &str = concat!("Orgdesk-SSO/", env!("CARGO_PKG_VERSION"));

/// Why a request to a provider was not answered.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{0}")]
    Refused(#[from] GuardError),
    #[error("{url} could not be reached: {reason}.")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered with more than {MAX_ANSWER} bytes.")]
    TooLarge { url: String },
    #[error("The request could not be made: {0}.")]
    Request(String),
}

/// The client for providers' endpoints, with this server's address rules.
#[derive(Debug, Clone, Copy)]
pub struct Outbound {
    rules: WebhookConfig,
}

impl Outbound {
    /// `allow_insecure`: `http://` and inner addresses accepted (`--allow-insecure-sso`).
    pub fn new(allow_insecure: bool) -> Self {
        Self {
            rules: WebhookConfig {
                allow_insecure,
                allow_private: allow_insecure,
                ..WebhookConfig::default()
            },
        }
    }

    /// The URL's form as this server accepts it (scheme, no credentials, a host). Sends
    /// nothing.
    pub fn check_form(&self, raw: &str) -> Result<Url, GuardError> {
        guard::parse(raw, self.rules)
    }

    /// Sends `request` to the address its host resolves to, once checked; reads at most
    /// [`MAX_ANSWER`] bytes of the answer.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, FetchError> {
        let url = self.check_form(&request.uri().to_string())?;
        let addr = guard::resolve(&url, self.rules).await?;
        let shown = format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.path()
        );
        let unreachable = |error: reqwest::Error| FetchError::Unreachable {
            url: shown.clone(),
            reason: if error.is_timeout() {
                format!("no answer within {} s", TIMEOUT.as_secs())
            } else if error.is_connect() {
                "the connection was refused".to_owned()
            } else {
                "the connection failed".to_owned()
            },
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(TIMEOUT)
            .user_agent(USER_AGENT);
        if let Some(domain) = url.domain() {
            // The name is not looked up again: the connection goes to the address checked.
            builder = builder.resolve(domain, addr);
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Request(e.to_string()))?;
        let (parts, body) = request.into_parts();
        let method = reqwest::Method::from_bytes(parts.method.as_str().as_bytes())
            .map_err(|e| FetchError::Request(e.to_string()))?;
        let mut outgoing = client.request(method, url.clone()).body(body);
        for (name, value) in &parts.headers {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
        let mut response = outgoing.send().await.map_err(unreachable)?;
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
            if answer.len() + chunk.len() > MAX_ANSWER {
                return Err(FetchError::TooLarge { url: shown.clone() });
            }
            answer.extend_from_slice(&chunk);
        }
        let mut built = http::Response::builder().status(response.status().as_u16());
        for (name, value) in response.headers() {
            built = built.header(name.as_str(), value.as_bytes());
        }
        built
            .body(answer)
            .map_err(|e| FetchError::Request(e.to_string()))
    }

    /// GETs `url` and reads its answer as JSON.
    pub async fn get_json(&self, url: &str) -> Result<Value, DiscoveryError> {
        let request = http::Request::builder()
            .method(http::Method::GET)
            .uri(url)
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|_| DiscoveryError(format!("{url} is not a usable address.")))?;
        let response = self
            .send(request)
            .await
            .map_err(|e| DiscoveryError(e.to_string()))?;
        if !response.status().is_success() {
            return Err(DiscoveryError(format!(
                "{url} answered HTTP {}.",
                response.status().as_u16()
            )));
        }
        serde_json::from_slice(response.body())
            .map_err(|_| DiscoveryError(format!("{url} did not answer JSON.")))
    }
}

impl<'c> AsyncHttpClient<'c> for Outbound {
    type Error = FetchError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, FetchError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// What was wrong with a provider's discovery document or keys, in a sentence for the
/// admin who saves the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DiscoveryError(pub String);

/// A provider's discovery document as validated when its connection was saved: the
/// document itself (what `sso_connections.discovery` keeps) and its parsed form.
#[derive(Debug, Clone)]
pub struct Discovered {
    pub document: Value,
    pub metadata: CoreProviderMetadata,
}

/// Where a provider publishes its discovery document (OpenID Connect Discovery 1.0 §4).
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// Fetches and validates `issuer`'s discovery document: the issuer it names is exactly
/// `issuer`; it has authorization, token and JWKS endpoints (the ones this server calls
/// pass the address rules); it offers the `code` response type and, when it lists PKCE
/// methods, `S256`; its key set is fetched and not empty.
pub async fn discover(outbound: &Outbound, issuer: &str) -> Result<Discovered, DiscoveryError> {
    let url = discovery_url(issuer);
    let document = outbound.get_json(&url).await?;
    let text = |field: &str| document.get(field).and_then(Value::as_str);
    let named = text("issuer").ok_or_else(|| DiscoveryError(format!("{url} names no issuer.")))?;
    if named != issuer {
        return Err(DiscoveryError(format!(
            "The provider names itself {named:?}, not {issuer:?}: use exactly its issuer."
        )));
    }
    for field in ["authorization_endpoint", "token_endpoint", "jwks_uri"] {
        let Some(endpoint) = text(field) else {
            return Err(DiscoveryError(format!(
                "The discovery document has no {field}."
            )));
        };
        if let Err(refused) = outbound.check_form(endpoint) {
            return Err(DiscoveryError(format!("Its {field} is refused: {refused}")));
        }
    }
    let lists = |field: &str, wanted: &str| {
        document.get(field).and_then(Value::as_array).map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .any(|item| item == wanted)
        })
    };
    if lists("response_types_supported", "code") != Some(true) {
        return Err(DiscoveryError(
            "The provider does not offer the authorization code flow (response type code)."
                .to_owned(),
        ));
    }
    if lists("code_challenge_methods_supported", "S256") == Some(false) {
        return Err(DiscoveryError(
            "The provider does not offer PKCE with S256.".to_owned(),
        ));
    }
    let metadata: CoreProviderMetadata = serde_json::from_value(document.clone())
        .map_err(|e| DiscoveryError(format!("The discovery document is not valid: {e}.")))?;
    let keys = fetch_keys(outbound, &metadata).await?;
    if keys.keys().is_empty() {
        return Err(DiscoveryError(
            "The provider's key set (jwks_uri) holds no keys.".to_owned(),
        ));
    }
    Ok(Discovered { document, metadata })
}

/// The provider's current signing keys.
pub async fn fetch_keys(
    outbound: &Outbound,
    metadata: &CoreProviderMetadata,
) -> Result<CoreJsonWebKeySet, DiscoveryError> {
    let url = metadata.jwks_uri().url().as_str();
    let keys = outbound.get_json(url).await?;
    serde_json::from_value(keys)
        .map_err(|_| DiscoveryError(format!("{url} is not a JSON Web Key Set.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Literal inner addresses: refused before anything is sent anywhere.
    #[tokio::test]
    async fn inner_and_plain_issuers_are_refused_without_the_flag() {
        let strict = Outbound::new(false);
        for issuer in [
            "https://127.0.0.1:9",
            "https://10.1.2.3",
            "https://169.254.169.254",
            "https://[::1]:9",
        ] {
            let refused = discover(&strict, issuer).await.unwrap_err();
            assert!(
                refused.0.contains("internal address"),
                "{issuer}: {refused}"
            );
        }
        let refused = discover(&strict, "http://93.184.216.34").await.unwrap_err();
        assert!(refused.0.contains("https://"), "{refused}");
        assert!(Outbound::new(true).check_form("http://127.0.0.1:9").is_ok());
    }
}
