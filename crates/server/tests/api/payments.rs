//! Top-ups through other payment providers (chosen by `Config::with_payments`): a declined
//! payment answers its documented problem and credits nothing; an unavailable processor
//! answers a logged, generic 500, writes nothing and releases the Idempotency-Key, so the
//! retry is charged again and credited once.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use orgdesk_server::payments::{Charge, PaymentError, PaymentProvider, Receipt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, TestApp,
};
use crate::idempotency::{replayed, send, TOP_UPS};
use crate::money::{assert_ledger_consistent, audit_actions, balance};

on_both_backends!(
    a_declined_payment_credits_nothing,
    an_unavailable_processor_writes_nothing_and_frees_the_key,
);

/// Refuses every charge.
struct Declining {
    charges: AtomicUsize,
}

#[async_trait::async_trait]
impl PaymentProvider for Declining {
    async fn charge(&self, _charge: &Charge<'_>) -> Result<Receipt, PaymentError> {
        self.charges.fetch_add(1, Ordering::SeqCst);
        Err(PaymentError::Declined("the card was refused".to_owned()))
    }
}

/// Fails the first charge as if the processor were down, then settles every charge; keeps
/// the idempotency key of each charge it saw.
struct DownOnce {
    outage: String,
    seen: Mutex<Vec<Option<String>>>,
}

#[async_trait::async_trait]
impl PaymentProvider for DownOnce {
    async fn charge(&self, charge: &Charge<'_>) -> Result<Receipt, PaymentError> {
        let first = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(charge.idempotency_key.map(str::to_owned));
            seen.len() == 1
        };
        if first {
            return Err(PaymentError::Unavailable(self.outage.clone()));
        }
        Ok(Receipt {
            reference: format!("settled-{}", charge.amount),
        })
    }
}

/// Error-level log lines of the whole test binary, for asserting what the server logged.
fn logged() -> &'static Mutex<Vec<u8>> {
    static LOG: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    static INSTALLED: OnceLock<()> = OnceLock::new();
    let log = LOG.get_or_init(|| Mutex::new(Vec::new()));
    INSTALLED.get_or_init(|| {
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::ERROR)
            .with_ansi(false)
            .with_writer(|| LogWriter)
            .try_init();
    });
    log
}

struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        logged().lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn ledger_items(app: &TestApp, token: &str) -> Vec<Value> {
    let page = expect_json(app.get("/v1/orgs/acme/ledger", token).await, StatusCode::OK).await;
    page["items"].as_array().unwrap().clone()
}

/// No balance, no ledger entry, no top-up in the audit log.
async fn assert_nothing_credited(app: &TestApp, token: &str, org: &str) {
    assert_eq!(balance(app, org).await, 0);
    assert!(ledger_items(app, token).await.is_empty());
    assert!(!audit_actions(app, org)
        .await
        .iter()
        .any(|a| a == "billing.top_up"));
}

async fn a_declined_payment_credits_nothing(backend: Backend) {
    let provider = Arc::new(Declining {
        charges: AtomicUsize::new(0),
    });
    let app = spawn_app_with(backend, |c| c.with_payments(provider.clone())).await;
    let (owner, org) = acme(&app).await;
    let body = json!({ "amount": 500, "payment_reference": "card" });

    let plain = app.post_json(TOP_UPS, Some(&owner), &body).await;
    let problem = expect_problem(plain, StatusCode::CONFLICT, "invalid_state").await;
    assert_eq!(
        problem["detail"],
        "The payment was declined: the card was refused"
    );
    let keyed = send(&app, Method::POST, TOP_UPS, &owner, "declined-1", &body).await;
    assert!(!replayed(&keyed));
    expect_problem(keyed, StatusCode::CONFLICT, "invalid_state").await;
    // A decline is a final answer: the key replays it without charging again.
    let again = send(&app, Method::POST, TOP_UPS, &owner, "declined-1", &body).await;
    assert!(replayed(&again));
    expect_problem(again, StatusCode::CONFLICT, "invalid_state").await;
    assert_eq!(provider.charges.load(Ordering::SeqCst), 2);

    assert_nothing_credited(&app, &owner, &org).await;
    assert_ledger_consistent(&app, &org).await;
}

async fn an_unavailable_processor_writes_nothing_and_frees_the_key(backend: Backend) {
    let outage = format!("processor timed out ({})", uuid::Uuid::new_v4().simple());
    let provider = Arc::new(DownOnce {
        outage: outage.clone(),
        seen: Mutex::new(Vec::new()),
    });
    let log = logged();
    let app = spawn_app_with(backend, |c| c.with_payments(provider.clone())).await;
    let (owner, org) = acme(&app).await;
    let body = json!({ "amount": 700 });

    let failed = send(&app, Method::POST, TOP_UPS, &owner, "top-down", &body).await;
    let problem = expect_problem(failed, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    assert_eq!(
        problem["detail"],
        "Something went wrong on our side. It has been logged."
    );
    assert!(!problem.to_string().contains(&outage), "{problem}");
    let lines = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(lines.contains(&outage), "the cause is logged; log: {lines}");
    assert_nothing_credited(&app, &owner, &org).await;

    // The key was released: the retry runs (and is charged) again, and is credited once.
    let retried = send(&app, Method::POST, TOP_UPS, &owner, "top-down", &body).await;
    assert!(!replayed(&retried));
    let done = expect_json(retried, StatusCode::CREATED).await;
    assert_eq!(done["balance"], 700);
    assert_eq!(done["entry"]["reference"], "settled-700");
    let replay = send(&app, Method::POST, TOP_UPS, &owner, "top-down", &body).await;
    assert!(replayed(&replay));
    assert_eq!(expect_json(replay, StatusCode::CREATED).await, done);

    let seen = provider.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.iter()
            .all(|k| k.as_deref().is_some_and(|k| k.ends_with("/top-down"))),
        "{seen:?}"
    );
    assert_eq!(ledger_items(&app, &owner).await.len(), 1);
    assert_eq!(balance(&app, &org).await, 700);
    assert_ledger_consistent(&app, &org).await;
}
