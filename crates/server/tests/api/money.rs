//! Shortcuts for the billing tests: top-ups, API keys, usage, and the ledger invariant
//! checked straight in the database.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, TestApp};

/// Tops `org` up by `amount` as `token`'s caller; returns the `TopUp`.
pub async fn top_up(app: &TestApp, token: &str, org: &str, amount: i64) -> Value {
    expect_json(
        app.post_json(
            &format!("/v1/orgs/{org}/credits/top-ups"),
            Some(token),
            &json!({ "amount": amount }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await
}

/// Creates an API key; returns (id, secret).
pub async fn new_key(app: &TestApp, token: &str, org: &str, body: Value) -> (String, String) {
    let created = expect_json(
        app.post_json(&format!("/v1/orgs/{org}/api-keys"), Some(token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    (
        created["key"]["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

/// An org-wide `usage:write` key.
pub async fn usage_key(app: &TestApp, token: &str, org: &str) -> String {
    new_key(
        app,
        token,
        org,
        json!({ "name": "metering", "scopes": ["usage:write"] }),
    )
    .await
    .1
}

/// `POST /v1/usage` with `secret` and an Idempotency-Key.
pub async fn usage(app: &TestApp, secret: &str, key: &str, body: &Value) -> Response {
    app.request(Method::POST, "/v1/usage", Some(secret))
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .expect("request")
}

/// A usage body: `quantity` units of text in `project`.
pub fn text(project: &str, quantity: i64) -> Value {
    json!({ "project": project, "modality": "text", "quantity": quantity })
}

/// The stored balance of `org`.
pub async fn balance(app: &TestApp, org: &str) -> i64 {
    let (balance,): (i64,) =
        sqlx::query_as("SELECT balance FROM billing_accounts WHERE org_id = $1")
            .bind(org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    balance
}

/// Asserts the ledger invariants of `org`: seq runs 1..=n, each `balance_after` is the
/// previous one plus the amount and never negative, and the balance is the sum.
pub async fn assert_ledger_consistent(app: &TestApp, org: &str) {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT seq, amount, balance_after FROM ledger_entries WHERE org_id = $1 ORDER BY seq",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let mut running = 0_i64;
    for (n, (seq, amount, after)) in rows.iter().enumerate() {
        assert_eq!(*seq, i64::try_from(n).unwrap() + 1, "seq gap in {rows:?}");
        running += amount;
        assert_eq!(running, *after, "balance_after chain broken at seq {seq}");
        assert!(*after >= 0, "negative balance at seq {seq}");
    }
    assert_eq!(balance(app, org).await, running, "balance ≠ Σ ledger");
    let (entries,): (i64,) =
        sqlx::query_as("SELECT entries FROM billing_accounts WHERE org_id = $1")
            .bind(org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(entries, i64::try_from(rows.len()).unwrap());
}

/// Audit actions of `org`, oldest first.
pub async fn audit_actions(app: &TestApp, org: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_events WHERE org_id = $1 ORDER BY created_at, id")
            .bind(org)
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter().map(|(a,)| a).collect()
}
