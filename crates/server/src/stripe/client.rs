//! Stripe's HTTP API through `reqwest`: form-encoded requests with the secret key as a
//! bearer token, JSON answers read into the few fields we use. Every call that creates
//! something can carry an `Idempotency-Key`.
//!
//! Only what the server needs is here: customers, SetupIntents and PaymentMethods (saving
//! a card), PaymentIntents (top-ups), charges (refunds), prices, subscriptions and invoices
//! (paid plans).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::stripe::StripeConfig;

/// How long one call to Stripe may take.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, thiserror::Error)]
pub enum StripeError {
    /// A card error (HTTP 402): the message is Stripe's reason, safe to show.
    #[error("{message}")]
    Declined {
        message: String,
        /// Stripe's `code`, e.g. `card_declined`.
        code: Option<String>,
        /// The PaymentIntent the decline belongs to, when Stripe says.
        payment_intent: Option<String>,
    },
    /// The object does not exist (404).
    #[error("not found at the processor: {0}")]
    NotFound(String),
    /// Stripe refused the request as invalid (our bug or a stale id); logged.
    #[error("the processor refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    /// Unreachable, timed out, 5xx, 429 or an answer we could not read.
    #[error("the processor is unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    payment_intent: Option<serde_json::Value>,
}

/// A talking connection to Stripe (or a stand-in at `--stripe-api-base`).
#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    base: String,
    secret_key: String,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// Form fields of a request, in Stripe's bracket notation (`metadata[org_id]`).
pub type Form = Vec<(String, String)>;

/// Builds a [`Form`] from `(key, value)` pairs.
pub fn form<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Form {
    pairs
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect()
}

impl StripeClient {
    pub fn new(config: &StripeConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            http,
            base: config.api_base.trim_end_matches('/').to_owned(),
            secret_key: config.secret_key.clone(),
        }
    }

    /// `GET {base}{path}`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, StripeError> {
        self.send(Method::GET, path, &Form::new(), None).await
    }

    /// `POST {base}{path}` with `form`, deduplicated by Stripe under `idempotency_key`.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &Form,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        self.send(Method::POST, path, form, idempotency_key).await
    }

    /// `DELETE {base}{path}`.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, StripeError> {
        self.send(Method::DELETE, path, &Form::new(), None).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        form: &Form,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.secret_key);
        if !form.is_empty() {
            request = request.form(form);
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request
            .send()
            .await
            .map_err(|e| StripeError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| StripeError::Unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                StripeError::Unavailable(format!("unreadable answer to {path}: {e}"))
            });
        }
        Err(error_from(status, path, &body))
    }
}

fn error_from(status: StatusCode, path: &str, body: &[u8]) -> StripeError {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let message = detail
        .as_ref()
        .and_then(|d| d.message.clone())
        .unwrap_or_else(|| format!("HTTP {status} from {path}"));
    match status {
        StatusCode::PAYMENT_REQUIRED => {
            let (code, payment_intent) = match detail {
                Some(d) => (d.code, d.payment_intent.as_ref().and_then(object_id)),
                None => (None, None),
            };
            StripeError::Declined {
                message,
                code,
                payment_intent,
            }
        }
        StatusCode::NOT_FOUND => StripeError::NotFound(message),
        StatusCode::TOO_MANY_REQUESTS => StripeError::Unavailable(message),
        s if s.is_server_error() => StripeError::Unavailable(message),
        s => StripeError::Rejected {
            status: s.as_u16(),
            message,
        },
    }
}

/// The id of an expandable field: a bare id string, or an object with an `id`.
pub fn object_id(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Object(map) => map.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The part of a Stripe object every object has.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Card {
    pub brand: String,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    #[serde(default)]
    pub card: Option<Card>,
    #[serde(default)]
    pub customer: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub payment_method: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LastPaymentError {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub latest_charge: Option<serde_json::Value>,
    #[serde(default)]
    pub last_payment_error: Option<LastPaymentError>,
    #[serde(default)]
    pub metadata: std::collections::HashMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Charge {
    pub id: String,
    pub amount: i64,
    #[serde(default)]
    pub amount_refunded: i64,
    #[serde(default)]
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
}

/// A page of a list endpoint.
#[derive(Debug, Clone, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_carry_the_reason_and_the_payment_intent() {
        let body = br#"{"error":{"message":"Your card was declined.","code":"card_declined",
            "payment_intent":{"id":"pi_123","status":"requires_payment_method"}}}"#;
        match error_from(StatusCode::PAYMENT_REQUIRED, "/v1/payment_intents", body) {
            StripeError::Declined {
                message,
                code,
                payment_intent,
            } => {
                assert_eq!(message, "Your card was declined.");
                assert_eq!(code.as_deref(), Some("card_declined"));
                assert_eq!(payment_intent.as_deref(), Some("pi_123"));
            }
            other => panic!("not a decline: {other:?}"),
        }
    }

    #[test]
    fn outages_and_refusals_are_told_apart() {
        assert!(matches!(
            error_from(StatusCode::BAD_GATEWAY, "/v1/x", b"<html>"),
            StripeError::Unavailable(_)
        ));
        assert!(matches!(
            error_from(StatusCode::TOO_MANY_REQUESTS, "/v1/x", b"{}"),
            StripeError::Unavailable(_)
        ));
        assert!(matches!(
            error_from(
                StatusCode::BAD_REQUEST,
                "/v1/x",
                br#"{"error":{"message":"Bad"}}"#
            ),
            StripeError::Rejected { status: 400, .. }
        ));
        assert!(matches!(
            error_from(StatusCode::NOT_FOUND, "/v1/x", b"{}"),
            StripeError::NotFound(_)
        ));
    }
}
