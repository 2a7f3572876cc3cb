//! Stripe, the card processor of `--payments stripe`: its configuration, the HTTP client
//! ([`client`]) and webhook signatures ([`signature`]). What the server does with it lives
//! with the payments domain.

pub mod client;
pub mod signature;

pub use client::{StripeClient, StripeError};

/// Stripe's own API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// Stripe.js, when the API is Stripe's own.
const DEFAULT_JS_URL: &str = "https://js.stripe.com/v3/";

/// The flags of `--payments stripe`.
#[derive(Clone)]
pub struct StripeConfig {
    /// `sk_…`: the server's key to the API.
    pub secret_key: String,
    /// `whsec_…`: signs the webhook deliveries of our endpoint.
    pub webhook_secret: String,
    /// `pk_…`: the key the card page's Stripe.js uses.
    pub publishable_key: String,
    /// Stripe's API, or a stand-in (`--stripe-api-base`).
    pub api_base: String,
}

impl StripeConfig {
    /// Where the card page loads Stripe.js from: Stripe's own, or the stand-in's copy
    /// (`{api base}/js.stripe.com/v3/`, as localstripe serves it).
    pub fn js_url(&self) -> String {
        let base = self.api_base.trim_end_matches('/');
        if base == DEFAULT_API_BASE {
            DEFAULT_JS_URL.to_owned()
        } else {
            format!("{base}/js.stripe.com/v3/")
        }
    }
}

impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig")
            .field("api_base", &self.api_base)
            .field("publishable_key", &self.publishable_key)
            .finish_non_exhaustive()
    }
}

/// Stripe as the running server uses it.
#[derive(Debug, Clone)]
pub struct Stripe {
    pub config: StripeConfig,
    pub client: StripeClient,
}

impl Stripe {
    pub fn new(config: StripeConfig) -> Self {
        let client = StripeClient::new(&config);
        Self { config, client }
    }
}
