//! Deliveries survive their server and are shared between servers: a server that dies
//! mid-attempt leaves its delivery to be sent again, with the same `webhook-id`, once the
//! lease runs out; a server shut down finishes its attempts first; two instances of one
//! database share a burst of 1,000 events without ever sending one twice at a time.

use std::collections::BTreeMap;
use std::time::Duration;

use orgdesk_model::audit::AuditAction;
use orgdesk_server::audit::Entry;
use orgdesk_server::webhooks::claim::UNFINISHED;
use orgdesk_server::webhooks::DeliveryTiming;
use orgdesk_server::Config;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{on_both_backends, spawn_app_with, Backend, TestApp};
use crate::webhook_receiver::{
    answered, attempts, delivery, endpoint_at, open_with, until_settled, Receiver,
};

on_both_backends!(
    a_server_that_dies_mid_attempt_leaves_the_delivery_to_be_sent_again,
    a_server_shut_down_mid_attempt_finishes_it_first,
    two_instances_share_a_burst_of_a_thousand_events,
    an_instance_without_delivery_leaves_sending_to_the_others,
);

/// Attempts time out after 5 s; a claim is left alone for 3 s more than that.
const SHORT_LEASE: DeliveryTiming = DeliveryTiming {
    retry_base: Duration::from_millis(50),
    timeout: Duration::from_secs(5),
    lease: Duration::from_secs(8),
};

fn seconds(value: &Value) -> f64 {
    value.as_f64().expect("a time")
}

async fn a_server_that_dies_mid_attempt_leaves_the_delivery_to_be_sent_again(backend: Backend) {
    let mut app = spawn_app_with(backend, open_with(SHORT_LEASE)).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    receiver
        .control(json!({ "slow_next": 1, "slow_ms": 60_000 }))
        .await;
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &["project.created"]).await;

    app.new_project(&owner, "acme", "Site").await;
    let first = receiver
        .until(Duration::from_secs(10), |all| !all.is_empty())
        .await;
    assert!(first[0]["end"].is_null(), "the attempt is in flight");
    app.crash();
    app.restart(false).await;

    let received = receiver.until_delivered(1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 2, "{received:#?}");
    let id = received[0]["id"].as_str().unwrap();
    assert_eq!(received[1]["id"], id, "sent again with the same webhook-id");
    assert_eq!(received[1]["verified"], true);
    assert!(
        received[0]["status"].is_null(),
        "the first attempt was never answered"
    );
    let waited = seconds(&received[1]["start"]) - seconds(&received[0]["start"]);
    assert!(
        waited >= 7.5,
        "sent again only when the lease ran out, not after {waited} s"
    );
    until_settled(&app, &webhook).await;

    let (delivery_id,): (String,) =
        sqlx::query_as("SELECT id FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(&webhook)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(delivery_id, id);
    assert_eq!(delivery(&app, id).await, ("delivered".to_owned(), 2));
    let tries = attempts(&app, id).await;
    assert_eq!(tries.len(), 2, "{tries:?}");
    assert_eq!(
        (tries[0].1, tries[0].3.as_deref()),
        (None, Some(UNFINISHED))
    );
    assert_eq!(tries[1].1, Some(200));
}

async fn a_server_shut_down_mid_attempt_finishes_it_first(backend: Backend) {
    let mut app = spawn_app_with(backend, open_with(SHORT_LEASE)).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    receiver
        .control(json!({ "slow_next": 1, "slow_ms": 1500 }))
        .await;
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &["project.created"]).await;

    app.new_project(&owner, "acme", "Site").await;
    receiver
        .until(Duration::from_secs(10), |all| !all.is_empty())
        .await;
    app.restart(false).await; // a graceful shutdown, then a new start
    let (id, status, tries): (String, String, i64) =
        sqlx::query_as("SELECT id, status, attempts FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(&webhook)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), tries),
        ("delivered", 1),
        "recorded before it stopped"
    );
    let recorded = attempts(&app, &id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].1, Some(200));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(receiver.received().await.len(), 1, "and not sent again");
}

/// The most requests the receiver was answering at one moment.
fn most_at_once(received: &[Value]) -> usize {
    let mut edges: Vec<(f64, i32)> = Vec::new();
    for request in received {
        edges.push((seconds(&request["start"]), 1));
        edges.push((request["end"].as_f64().unwrap_or(f64::MAX), -1));
    }
    // An answer that ended as another began does not overlap it.
    edges.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut now, mut most) = (0_i32, 0_i32);
    for (_, step) in edges {
        now += step;
        most = most.max(now);
    }
    usize::try_from(most).unwrap_or(0)
}

async fn second_instance(app: &TestApp) -> orgdesk_server::RunningServer {
    let key_file = app.data_dir().join("secret.key");
    app.another_instance(|config| Config {
        database_url: Some(config.resolved_database_url()),
        secret_key_file: Some(key_file),
        ..config
    })
    .await
    .expect("a second instance starts")
}

async fn two_instances_share_a_burst_of_a_thousand_events(backend: Backend) {
    const EVENTS: usize = 1000;
    let app = spawn_app_with(backend, open_with(DeliveryTiming::STANDARD)).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    // Each answer takes a moment, so that instances sending side by side show.
    receiver
        .control(json!({ "slow_next": EVENTS, "slow_ms": 30 }))
        .await;
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &["org.updated"]).await;
    let other = second_instance(&app).await;

    // Written as changes write them: each event's deliveries in its own transaction.
    let org_id = org.parse().unwrap();
    for batch in 0..10 {
        let mut tx = app.store.write().await.unwrap();
        let now = chrono::Utc::now().timestamp_millis();
        for n in 0..EVENTS / 10 {
            Entry::org(org_id, AuditAction::OrgUpdated)
                .details(json!({ "changes": { "description": {
                    "old": null,
                    "new": format!("burst {}", batch * 100 + n),
                } } }))
                .write_by(&mut tx, None, now)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    let received = receiver
        .until_delivered(EVENTS, Duration::from_secs(240))
        .await;
    assert!(received.iter().all(|r| r["verified"] == true));
    let mut by_id: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for request in &received {
        by_id
            .entry(request["id"].as_str().unwrap())
            .or_default()
            .push(request);
    }
    assert_eq!(by_id.len(), EVENTS);
    for (id, requests) in &by_id {
        for pair in requests.windows(2) {
            assert!(
                pair[0]["end"]
                    .as_f64()
                    .is_some_and(|end| end <= seconds(&pair[1]["start"])),
                "{id} was sent twice at the same time: {requests:?}"
            );
        }
        // No lease ran out (60 s against answers of 30 ms): none was sent twice at all.
        assert_eq!(requests.len(), 1, "{id} was sent twice: {requests:?}");
    }
    assert_eq!(answered(&received, 200), EVENTS);
    let most = most_at_once(&received);
    // More than one instance's 8 proves both sent. The receiver stamps a request's end
    // after its answer is written, so a slot's next request may start (by the receiver's
    // clock) just before its last one ended: one such overlap per instance is allowed.
    assert!(
        (9..=18).contains(&most),
        "both instances sent side by side, each at most 8 at a time: {most} at once"
    );

    until_settled(&app, &webhook).await;
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*), CAST(SUM(attempts) AS BIGINT) FROM webhook_deliveries \
         WHERE webhook_id = $1 GROUP BY status",
    )
    .bind(&webhook)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let events = i64::try_from(EVENTS).unwrap();
    assert_eq!(rows, [("delivered".to_owned(), events, events)]);
    let (logged,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM webhook_attempts a JOIN webhook_deliveries d \
         ON d.id = a.delivery_id WHERE d.webhook_id = $1 AND a.status_code = 200",
    )
    .bind(&webhook)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(logged, events);
    other.shutdown().await;
}

/// `--no-webhook-delivery`: the instance writes deliveries and never sends them; another
/// instance of the database that delivers sends them.
async fn an_instance_without_delivery_leaves_sending_to_the_others(backend: Backend) {
    let quiet = |config: Config| Config {
        webhooks: orgdesk_server::webhooks::WebhookConfig {
            deliver: false,
            ..open_with(QUICK_LEASE)(config.clone()).webhooks
        },
        ..config
    };
    let app = spawn_app_with(backend, quiet).await;
    let (owner, org) = acme(&app).await;
    let receiver = Receiver::start().await;
    let webhook = endpoint_at(&app, &owner, &org, &receiver, &["project.created"]).await;
    app.new_project(&owner, "acme", "Quiet").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        receiver.received().await.is_empty(),
        "a quiet instance sent"
    );
    let (status, tries): (String, i64) =
        sqlx::query_as("SELECT status, attempts FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(&webhook)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), tries), ("pending", 0));

    let sender = app.another_instance(open_with(QUICK_LEASE)).await.unwrap();
    let received = receiver.until_delivered(1, Duration::from_secs(30)).await;
    assert_eq!(received.len(), 1, "{received:#?}");
    until_settled(&app, &webhook).await;
    drop(sender);
}

const QUICK_LEASE: DeliveryTiming = crate::webhook_receiver::QUICK;
