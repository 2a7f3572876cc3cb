//! Shortcuts for the card payment tests: a card saved for an org the way the card page
//! saves it (`cards::save_card`), buying a pack, delivering a signed event ourselves,
//! waiting for localstripe's deliveries, and a switchable proxy in front of localstripe
//! that plays an unreachable processor.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method as AxumMethod, StatusCode as AxumStatus, Uri};
use axum::response::IntoResponse;
use orgdesk_model::OrgId;
use orgdesk_server::cards;
use orgdesk_server::stripe::{signature, Stripe};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, TestApp};
use crate::stripe_stand_in::{LocalStripe, WEBHOOK_SECRET};

/// Makes `card` (`pm_card_visa`, `pm_card_chargeCustomerFail`, …) the saved card of `org`:
/// the org's customer through `cards::ensure_customer`, the card attached to it in
/// localstripe, then `cards::save_card`. Returns the PaymentMethod's id.
pub async fn save_card(app: &TestApp, stripe: &LocalStripe, org: &str, card: &str) -> String {
    let handle = Stripe::new(stripe.config());
    let org_id: OrgId = org.parse().unwrap();
    let customer = cards::ensure_customer(&app.store, &handle, org_id)
        .await
        .expect("a customer");
    let attached = stripe
        .post(
            &format!("/v1/payment_methods/{card}/attach"),
            &[("customer", customer.as_str())],
        )
        .await;
    assert!(attached.status().is_success(), "{}", attached.status());
    let attached: Value = attached.json().await.unwrap();
    let id = attached["id"].as_str().unwrap().to_owned();
    cards::save_card(&app.store, &handle, org_id, &id, None)
        .await
        .expect("the card is saved");
    id
}

/// A card PaymentMethod of the test card `number` in localstripe (e.g. `4000002500003155`,
/// which needs authentication); returns its id for [`save_card`].
pub async fn card_method(stripe: &LocalStripe, number: &str) -> String {
    let created = stripe
        .post(
            "/v1/payment_methods",
            &[
                ("type", "card"),
                ("card[number]", number),
                ("card[exp_month]", "12"),
                ("card[exp_year]", "2030"),
                ("card[cvc]", "123"),
            ],
        )
        .await;
    assert!(created.status().is_success(), "{}", created.status());
    let created: Value = created.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

/// `POST /v1/orgs/{org}/payments` for `credits` with the Idempotency-Key `key`.
pub async fn buy(app: &TestApp, token: &str, org: &str, credits: i64, key: &str) -> Response {
    app.request(
        Method::POST,
        &format!("/v1/orgs/{org}/payments"),
        Some(token),
    )
    .header("idempotency-key", key)
    .json(&json!({ "credits": credits }))
    .send()
    .await
    .expect("request")
}

/// Posts `body` to the webhook with `signature_header`.
pub async fn post_webhook(app: &TestApp, body: &str, signature_header: Option<&str>) -> Response {
    let mut request = app
        .request(Method::POST, "/v1/payments/stripe/webhook", None)
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(header) = signature_header {
        request = request.header("stripe-signature", header);
    }
    request.send().await.expect("request")
}

/// A `Stripe-Signature` header for `body` at `t` under `secret`.
pub fn signed(secret: &str, t: i64, body: &str) -> String {
    format!("t={t},v1={}", signature::sign(secret, t, body.as_bytes()))
}

pub fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Delivers `event` signed with the endpoint's secret, as Stripe would; expects 200.
pub async fn deliver(app: &TestApp, event: &Value) {
    let body = event.to_string();
    let response = post_webhook(app, &body, Some(&signed(WEBHOOK_SECRET, now_secs(), &body))).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// Waits (up to 15 s) until the server recorded an event of `kind`; returns its id.
pub async fn delivered(app: &TestApp, kind: &str) -> String {
    for _ in 0..150 {
        let found: Option<(String,)> =
            sqlx::query_as("SELECT id FROM stripe_events WHERE type = $1 ORDER BY received_at")
                .bind(kind)
                .fetch_optional(&app.db)
                .await
                .unwrap();
        if let Some((id,)) = found {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("localstripe never delivered {kind}");
}

/// Waits (up to 15 s) until `org`'s balance is `want`: a webhook is recorded before it is
/// handled, so its effect follows its record.
pub async fn balance_becomes(app: &TestApp, org: &str, want: i64) {
    for _ in 0..150 {
        if crate::money::balance(app, org).await == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(crate::money::balance(app, org).await, want);
}

/// The event `id` as localstripe holds it.
pub async fn event(stripe: &LocalStripe, id: &str) -> Value {
    stripe.get(&format!("/v1/events/{id}")).await
}

/// The PaymentIntents localstripe holds.
pub async fn payment_intents(stripe: &LocalStripe) -> Vec<Value> {
    stripe.get("/v1/payment_intents?limit=100").await["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// A payment as the API answers it.
pub async fn payment(app: &TestApp, token: &str, org: &str, id: &str) -> Value {
    expect_json(
        app.get(&format!("/v1/orgs/{org}/payments/{id}"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

/// How many rows `sql` (one `$1`, bound to `org`) counts.
pub async fn count(app: &TestApp, sql: &str, org: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// What the proxy does with a request.
pub const UP: u8 = 0;
/// Answers 503 without passing the request on: the processor cannot be reached.
pub const DOWN: u8 = 1;
/// Passes the request on, then answers 503: the processor acted, its answer was lost.
pub const LOSES_ANSWERS: u8 = 2;

/// A proxy in front of localstripe whose behaviour a test switches.
pub struct Proxy {
    pub base: String,
    pub mode: Arc<AtomicU8>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    mode: Arc<AtomicU8>,
    http: reqwest::Client,
}

async fn forward(
    State(state): State<ProxyState>,
    method: AxumMethod,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    let unavailable = (
        AxumStatus::SERVICE_UNAVAILABLE,
        r#"{"error":{"message":"the stand-in is down"}}"#,
    );
    let mode = state.mode.load(Ordering::SeqCst);
    if mode == DOWN {
        return unavailable.into_response();
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = state.http.request(
        Method::from_bytes(method.as_str().as_bytes()).unwrap(),
        format!("{}{path}", state.upstream),
    );
    for name in ["authorization", "content-type", "idempotency-key"] {
        if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
            request = request.header(name, value);
        }
    }
    let answer = request.body(body.to_vec()).send().await.unwrap();
    let status = AxumStatus::from_u16(answer.status().as_u16()).unwrap();
    let bytes = answer.bytes().await.unwrap();
    if mode == LOSES_ANSWERS {
        return unavailable.into_response();
    }
    (
        status,
        [("content-type", "application/json")],
        bytes.to_vec(),
    )
        .into_response()
}

impl Proxy {
    pub async fn start(upstream: &str) -> Self {
        let mode = Arc::new(AtomicU8::new(UP));
        let state = ProxyState {
            upstream: upstream.to_owned(),
            mode: Arc::clone(&mode),
            http: reqwest::Client::new(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base, mode }
    }

    pub fn set(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }
}

/// A server in `stripe` mode that reaches localstripe through a [`Proxy`] (webhooks come
/// straight from localstripe).
pub async fn spawn_stripe_app_behind_proxy(
    backend: crate::harness::Backend,
) -> (TestApp, LocalStripe, Proxy) {
    let stripe = LocalStripe::start().await;
    let proxy = Proxy::start(&stripe.base).await;
    let mut config = stripe.config();
    config.api_base = proxy.base.clone();
    let app = crate::harness::spawn_app_with(backend, |c| orgdesk_server::Config {
        payments: orgdesk_server::PaymentsConfig::Stripe(config),
        ..c
    })
    .await;
    stripe
        .deliver_webhooks_to(&format!("{}/v1/payments/stripe/webhook", app.base))
        .await;
    (app, stripe, proxy)
}
