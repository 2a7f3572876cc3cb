//! Webhooks reach a real receiver that verifies them with the official `standardwebhooks`
//! package: every change once, retries with growing waits until one success, readable
//! errors, and the outbound guard refusing loopback on a server that does not allow it.

use std::collections::BTreeSet;
use std::time::Duration;

use orgdesk_server::config::WebhookConfig;
use orgdesk_server::webhooks::DeliveryTiming;
use orgdesk_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, on_both_backends, spawn_app_with, Backend, TestApp};
use crate::webhook_receiver::{
    answered, attempts, delivery, endpoint, endpoint_at, open_with, stored_endpoint_at,
    until_settled, Receiver, QUICK,
};

on_both_backends!(
    three_changes_arrive_verified_once_each,
    a_receiver_failing_three_times_gets_four_attempts_with_growing_waits,
    failed_attempts_say_what_went_wrong,
    the_guard_refuses_loopback_unless_private_hosts_are_allowed,
);

/// The deliveries of `webhook`, oldest first: (id, event type).
async fn deliveries(app: &TestApp, webhook: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT id, event_type FROM webhook_deliveries WHERE webhook_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(webhook)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

async fn three_changes_arrive_verified_once_each(backend: Backend) {
    let app = spawn_app_with(backend, open_with(DeliveryTiming::STANDARD)).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    let events = [
        "project.created",
        "project.suspended",
        "billing.alerts_updated",
    ];
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &events).await;

    app.new_project(&owner, "acme", "Site").await;
    let suspend = json!({ "reason": "paused" });
    expect_json(
        app.post_json(
            "/v1/orgs/acme/projects/site/suspend",
            Some(&owner),
            &suspend,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let alerts = json!({ "low_balance_threshold": 0 }); // set, not crossed
    let response = app
        .request(Method::PUT, "/v1/orgs/acme/billing/alerts", Some(&owner))
        .json(&alerts)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let received = receiver.until_delivered(3, Duration::from_secs(30)).await;
    until_settled(&app, &webhook).await;
    tokio::time::sleep(Duration::from_millis(500)).await; // nothing more comes
    let received = {
        let again = receiver.received().await;
        assert_eq!(again.len(), received.len(), "{again:#?}");
        again
    };
    assert_eq!(received.len(), 3, "{received:#?}");
    for request in &received {
        assert_eq!(request["verified"], true, "{request}");
        assert_eq!(request["user_agent"], "Orgdesk-Webhooks/1", "{request}");
    }
    let types: BTreeSet<&str> = received
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "billing.alerts_updated",
            "project.created",
            "project.suspended"
        ])
    );
    let ids: BTreeSet<&str> = received.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3);

    let rows = deliveries(&app, &webhook).await;
    assert_eq!(rows.len(), 3);
    for (id, _) in &rows {
        assert!(
            ids.contains(id.as_str()),
            "the webhook-id is the delivery's id"
        );
        assert_eq!(delivery(&app, id).await, ("delivered".to_owned(), 1));
        let tries = attempts(&app, id).await;
        assert_eq!(tries.len(), 1);
        assert_eq!(tries[0].1, Some(200));
        assert_eq!(tries[0].3, None);
        assert!(tries[0].2.as_deref().unwrap().contains(id.as_str()));
    }
    let (streak, status, success): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT failure_streak, last_status_code, last_success_at FROM webhooks WHERE id = $1",
    )
    .bind(&webhook)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((streak, status), (0, Some(200)));
    assert!(success.is_some());
}

async fn a_receiver_failing_three_times_gets_four_attempts_with_growing_waits(backend: Backend) {
    let app = spawn_app_with(backend, open_with(QUICK)).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &["project.created"]).await;
    receiver.control(json!({ "fail_next": 3 })).await;

    app.new_project(&owner, "acme", "Site").await;
    let received = receiver.until_delivered(1, Duration::from_secs(30)).await;
    // The receiver has answered the fourth attempt; the server records it a moment later.
    until_settled(&app, &webhook).await;
    let statuses: Vec<&Value> = received.iter().map(|r| &r["status"]).collect();
    assert_eq!(
        statuses,
        [&json!(500), &json!(500), &json!(500), &json!(200)]
    );
    let id = received[0]["id"].as_str().unwrap();
    assert!(received
        .iter()
        .all(|r| r["id"] == id && r["verified"] == true));

    let rows = deliveries(&app, &webhook).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, id);
    let tries = attempts(&app, id).await;
    let codes: Vec<Option<i64>> = tries.iter().map(|t| t.1).collect();
    assert_eq!(codes, [Some(500), Some(500), Some(500), Some(200)]);
    for failed in &tries[..3] {
        assert_eq!(failed.2.as_deref(), Some("failing on purpose"));
        assert_eq!(failed.3.as_deref(), Some("answered 500"));
    }
    // 50 ms, 300 ms and 1.2 s after the failures, each ±20 %.
    let gaps: Vec<i64> = tries.windows(2).map(|w| w[1].0 - w[0].0).collect();
    for (gap, least) in gaps.iter().zip([40, 240, 960]) {
        assert!(*gap >= least, "{gaps:?}");
    }
    assert!(gaps[0] < gaps[1] && gaps[1] < gaps[2], "{gaps:?}");
    // Sent a moment after each wait: the signature's time is the attempt's.
    let stamps: Vec<i64> = received
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap().parse().unwrap())
        .collect();
    for (stamp, attempt) in stamps.iter().zip(&tries) {
        assert_eq!(*stamp, attempt.0.div_euclid(1000));
    }
    assert_eq!(delivery(&app, id).await, ("delivered".to_owned(), 4));
    let (streak, since): (i64, Option<i64>) =
        sqlx::query_as("SELECT failure_streak, failing_since FROM webhooks WHERE id = $1")
            .bind(&webhook)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (streak, since),
        (0, None),
        "a success ends the run of failures"
    );
}

async fn failed_attempts_say_what_went_wrong(backend: Backend) {
    let timing = DeliveryTiming {
        timeout: Duration::from_millis(700),
        retry_base: Duration::from_secs(60),
        lease: Duration::from_secs(5),
    };
    let app = spawn_app_with(backend, open_with(timing)).await;
    let (owner, org) = acme(&app).await;
    let slow = Receiver::start().await;
    slow.control(json!({ "slow_next": 1, "slow_ms": 3000 }))
        .await;
    let events = ["project.created"];
    let slow_hook = endpoint_at(&app, &owner, &org, &slow, &events).await;
    // A loopback port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let (refused_hook, _) = endpoint(&app, &owner, &org, &closed_url, &events).await;
    let moving = Receiver::start().await;
    moving.control(json!({ "redirect_next": 1 })).await;
    let moving_hook = endpoint_at(&app, &owner, &org, &moving, &events).await;

    app.new_project(&owner, "acme", "Site").await;
    for (webhook, status, error) in [
        (&slow_hook, None, "timed out after 700 ms"),
        (&refused_hook, None, "connection refused"),
        (&moving_hook, Some(307), "answered 307"),
    ] {
        let id = &deliveries(&app, webhook).await[0].0;
        let tries = wait_for_attempt(&app, id).await;
        assert_eq!(tries[0].1, status);
        assert_eq!(tries[0].3.as_deref(), Some(error));
        assert_eq!(delivery(&app, id).await, ("pending".to_owned(), 1));
    }
    // A redirect is an answer, not a new address: nothing went where it pointed.
    let received = moving.received().await;
    assert_eq!(received.len(), 1, "{received:#?}");
    assert_eq!(received[0]["path"], "/hook");
}

/// Waits for the first attempt on delivery `id` to be recorded.
async fn wait_for_attempt(
    app: &TestApp,
    id: &str,
) -> Vec<(i64, Option<i64>, Option<String>, Option<String>)> {
    for _ in 0..200 {
        let tries = attempts(app, id).await;
        if !tries.is_empty() {
            return tries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no attempt was recorded for {id}");
}

async fn the_guard_refuses_loopback_unless_private_hosts_are_allowed(backend: Backend) {
    let strict = |config: Config| Config {
        webhooks: WebhookConfig {
            allow_insecure: true,
            allow_private: false,
            deliver: true,
            timing: QUICK,
        },
        ..config
    };
    let app = spawn_app_with(backend, strict).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    // Saving it would be refused; as if its name resolved elsewhere then, it is in the
    // database: the send checks again.
    let webhook = stored_endpoint_at(&app, &org, &receiver, &["project.created"]).await;

    app.new_project(&owner, "acme", "Site").await;
    let id = deliveries(&app, &webhook).await[0].0.clone();
    let tries = wait_for_attempt(&app, &id).await;
    let error = tries[0].3.as_deref().unwrap();
    assert!(
        error.starts_with("address not allowed: ") && error.contains("127.0.0.1"),
        "{error}"
    );
    assert_eq!(tries[0].1, None);
    // It is retried (the name might resolve elsewhere later), and refused again.
    for _ in 0..100 {
        if attempts(&app, &id).await.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(attempts(&app, &id).await.len() >= 2);
    assert_eq!(delivery(&app, &id).await.0, "pending");
    let received = receiver.received().await;
    assert_eq!(answered(&received, 200), 0);
    assert!(
        received.is_empty(),
        "nothing reached the receiver: {received:?}"
    );
    let (streak,): (i64,) = sqlx::query_as("SELECT failure_streak FROM webhooks WHERE id = $1")
        .bind(&webhook)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(streak >= 2);
}
