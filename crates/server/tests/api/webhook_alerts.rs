//! What owners and admins are told, by mail and webhook: an endpoint that failed for three
//! days is turned off, and each low-balance crossing goes out once.

use std::time::Duration;

use orgdesk_server::billing::alerts;
use orgdesk_server::webhooks::failing;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, on_both_backends, spawn_app_with, Account, Backend, TestApp};
use crate::money::{text, top_up, usage, usage_key};
use crate::webhook_receiver::{endpoint, endpoint_at, open_with, Receiver, QUICK};

on_both_backends!(
    an_endpoint_failing_for_three_days_is_turned_off_and_its_admins_told,
    each_low_balance_crossing_is_mailed_to_owner_and_admins_and_sent_once,
);

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Acme with Ana (owner), Bob (admin) and Carl (member).
async fn acme_team(app: &TestApp) -> (String, String) {
    let (owner, org) = acme(app).await;
    let bob: Account = app.signup("bob@example.com").await;
    app.add_member(&org, &bob.user_id, "admin").await;
    let carl = app.signup("carl@example.com").await;
    app.add_member(&org, &carl.user_id, "member").await;
    (owner, org)
}

/// A mail's text with its lines joined (bodies are wrapped at 72 columns).
fn flat(mail: &str) -> String {
    mail.replace("\r\n", " ")
}

fn mails_with(app: &TestApp, email: &str, subject: &str) -> Vec<String> {
    let line = format!("Subject: {subject}");
    app.mails_to(email)
        .into_iter()
        .filter(|m| m.contains(&line))
        .collect()
}

async fn an_endpoint_failing_for_three_days_is_turned_off_and_its_admins_told(backend: Backend) {
    let app = spawn_app_with(backend, open_with(QUICK)).await;
    let (owner, org) = acme_team(&app).await;
    let failing = Receiver::start().await;
    failing.control(json!({ "fail_next": 1000 })).await;
    let broken = endpoint_at(&app, &owner, &org, &failing, &["project.created"]).await;
    let watcher = Receiver::start().await;
    let watching = endpoint_at(&app, &owner, &org, &watcher, &["webhook.disabled"]).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let (younger, _) = endpoint(&app, &owner, &org, &closed_url, &["project.created"]).await;
    let now = chrono::Utc::now().timestamp_millis();
    for (webhook, since) in [
        (&broken, now - 3 * DAY_MS - 60_000),
        (&younger, now - 2 * DAY_MS),
    ] {
        sqlx::query("UPDATE webhooks SET failing_since = $1, failure_streak = 57 WHERE id = $2")
            .bind(since)
            .bind(webhook)
            .execute(&app.db)
            .await
            .unwrap();
    }
    // A retry of the broken endpoint's, waiting for later: given up when it is turned off.
    let waiting = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, org_id, webhook_id, event_id, event_type, \
         payload, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'evt', 'project.created', '{}', 'pending', 2, $4, $5)",
    )
    .bind(&waiting)
    .bind(&org)
    .bind(&broken)
    .bind(now + 3_600_000)
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap();

    app.new_project(&owner, "acme", "Site").await;
    let disabled = watcher.until_delivered(1, Duration::from_secs(20)).await;
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0]["type"], "webhook.disabled");
    let data = &disabled[0]["payload"]["data"];
    assert_eq!(data["target_id"], broken.as_str(), "{data}");
    assert_eq!(data["actor_kind"], "system", "{data}");
    assert_eq!(data["details"]["reason"], "failing", "{data}");

    let (enabled, reason): (i64, Option<String>) =
        sqlx::query_as("SELECT enabled, disabled_reason FROM webhooks WHERE id = $1")
            .bind(&broken)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((enabled, reason.as_deref()), (0, Some("failing")));
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, status FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id",
    )
    .bind(&broken)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.iter().all(|(_, s)| s == "failed"), "{statuses:?}");
    let (actor_kind, actor): (String, Option<String>) = sqlx::query_as(
        "SELECT actor_kind, actor_id FROM audit_events \
         WHERE action = 'webhook.disabled' AND target_id = $1",
    )
    .bind(&broken)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((actor_kind.as_str(), actor), ("system", None));

    for email in ["ana@example.com", "bob@example.com"] {
        let mails = app.wait_for_mails(email, failing::SUBJECT, 1).await;
        assert_eq!(mails.len(), 1, "{email}");
        let mail = flat(&mails[0]);
        assert!(mail.contains("Settings → Webhooks"), "{mail}");
        assert!(mail.contains("which sends to 127[.]0[.]0[.]1:"), "{mail}");
    }
    assert!(mails_with(&app, "carl@example.com", failing::SUBJECT).is_empty());

    // Failing for two days is not yet enough; the watcher stays on.
    let (younger_on, streak): (i64, i64) =
        sqlx::query_as("SELECT enabled, failure_streak FROM webhooks WHERE id = $1")
            .bind(&younger)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(younger_on, 1);
    assert!(streak >= 58, "its failure was counted: {streak}");
    let (watching_on,): (i64,) = sqlx::query_as("SELECT enabled FROM webhooks WHERE id = $1")
        .bind(&watching)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(watching_on, 1);

    // Off means off: a later change is not sent to it, and nobody is told twice.
    let sent = failing.received().await.len();
    app.new_project(&owner, "acme", "Shop").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(failing.received().await.len(), sent);
    assert_eq!(
        mails_with(&app, "ana@example.com", failing::SUBJECT).len(),
        1
    );
}

async fn set_threshold(app: &TestApp, token: &str, threshold: i64) {
    let body = json!({ "low_balance_threshold": threshold });
    let response = app
        .request(Method::PUT, "/v1/orgs/acme/billing/alerts", Some(token))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn each_low_balance_crossing_is_mailed_to_owner_and_admins_and_sent_once(backend: Backend) {
    let app = spawn_app_with(backend, open_with(QUICK)).await;
    let (owner, org) = acme_team(&app).await;
    let receiver = Receiver::start().await;
    endpoint_at(&app, &owner, &org, &receiver, &["billing.low_balance"]).await;
    let project = app.new_project(&owner, "acme", "Site").await;
    let project = project["id"].as_str().unwrap().to_owned();
    top_up(&app, &owner, "acme", 100).await;
    set_threshold(&app, &owner, 50).await;
    let secret = usage_key(&app, &owner, &org).await;
    let spend = |key: &'static str, units: i64| {
        let (app, secret, project) = (&app, secret.clone(), project.clone());
        async move {
            expect_json(
                usage(app, &secret, key, &text(&project, units)).await,
                StatusCode::CREATED,
            )
            .await
        }
    };
    spend("a", 15).await; // 100 → 70
    spend("b", 15).await; // 70 → 40: crosses 50
    spend("c", 5).await; // 40 → 30: still below, no new crossing

    let sent = receiver.until_delivered(1, Duration::from_secs(20)).await;
    let details: &Value = &sent[0]["payload"]["data"]["details"];
    assert_eq!(
        (&details["threshold"], &details["balance"]),
        (&json!(50), &json!(40))
    );
    for email in ["ana@example.com", "bob@example.com"] {
        let mails = app.wait_for_mails(email, alerts::SUBJECT, 1).await;
        let mail = flat(&mails[0]);
        assert!(
            mail.contains("fell below the alert threshold of 50 credits: 40 credits are left"),
            "{mail}"
        );
    }

    top_up(&app, &owner, "acme", 100).await; // 130: cleared
    spend("d", 45).await; // 130 → 40: the second crossing
    for email in ["ana@example.com", "bob@example.com"] {
        app.wait_for_mails(email, alerts::SUBJECT, 2).await;
    }
    receiver.until_delivered(2, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for email in ["ana@example.com", "bob@example.com"] {
        assert_eq!(mails_with(&app, email, alerts::SUBJECT).len(), 2, "{email}");
    }
    assert!(mails_with(&app, "carl@example.com", alerts::SUBJECT).is_empty());
    let sent = receiver.received().await;
    assert_eq!(sent.len(), 2, "one webhook per crossing: {sent:#?}");
    assert!(sent.iter().all(|r| r["type"] == "billing.low_balance"));
}
