//! Webhook endpoints: the secret shown once and kept sealed, the outbound guard, the
//! deliveries every change writes in its own transaction, rotation, the deliveries list,
//! redelivery, and the limit under a parallel burst. Receivers live on loopback only; the
//! guard is tested by being refused.

use orgdesk_server::webhooks::WebhookConfig;
use orgdesk_server::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, TestApp,
};
use crate::money::audit_actions;

on_both_backends!(
    endpoints_show_their_secret_once_and_keep_it_sealed,
    changes_write_deliveries_with_their_own_transaction,
    rotation_and_redelivery_keep_the_delivery_id,
);

/// Port 9 on loopback: nothing listens, so any delivery there fails without leaving the
/// machine.
pub const NOWHERE: &str = "http://127.0.0.1:9/hook";

pub async fn open_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |config| Config {
        webhooks: WebhookConfig::open(),
        ..config
    })
    .await
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    expect_json(
        app.post_json("/v1/orgs/acme/webhooks", Some(token), &body)
            .await,
        StatusCode::CREATED,
    )
    .await
}

/// (webhook id, event type, payload) of every delivery of the org, oldest first.
async fn deliveries(app: &TestApp, org: &str) -> Vec<(String, String, Value)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT webhook_id, event_type, payload FROM webhook_deliveries WHERE org_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(w, t, p)| (w, t, serde_json::from_str(&p).unwrap()))
        .collect()
}

async fn endpoints_show_their_secret_once_and_keep_it_sealed(backend: Backend) {
    let app = open_app(backend).await;
    let (owner, org) = acme(&app).await;
    let created = create(
        &app,
        &owner,
        json!({ "url": format!(" {NOWHERE} "), "description": " CRM sync ",
                "events": ["project.created", "member.removed", "project.created"] }),
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() > 40,
        "{secret}"
    );
    let hook = &created["webhook"];
    assert_eq!(hook["url"], NOWHERE);
    assert_eq!(hook["description"], "CRM sync");
    assert_eq!(hook["all_events"], false);
    assert_eq!(hook["events"], json!(["member.removed", "project.created"]));
    assert_eq!(hook["enabled"], true);
    assert_eq!(hook["health"]["failure_streak"], 0);

    let (sealed,): (String,) = sqlx::query_as("SELECT secret_sealed FROM webhooks WHERE id = $1")
        .bind(hook["id"].as_str().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    let key = secret.trim_start_matches("whsec_");
    assert!(!sealed.contains(key), "the secret is stored in the clear");
    let listed = expect_json(
        app.get("/v1/orgs/acme/webhooks", &owner).await,
        StatusCode::OK,
    )
    .await;
    let one = expect_json(
        app.get(
            &format!("/v1/orgs/acme/webhooks/{}", hook["id"].as_str().unwrap()),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    for text in [listed.to_string(), one.to_string()] {
        assert!(!text.contains(key) && !text.contains("secret\""), "{text}");
    }
    assert_eq!(listed[0]["id"], hook["id"]);
    let (details,): (String,) = sqlx::query_as(
        "SELECT details FROM audit_events WHERE org_id = $1 AND action = 'webhook.created'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        !details.contains(key) && details.contains(NOWHERE),
        "{details}"
    );

    for (body, field) in [
        (json!({ "url": NOWHERE }), "events"),
        (json!({ "url": NOWHERE, "events": [] }), "events"),
        (
            json!({ "url": NOWHERE, "all_events": true, "description": "x".repeat(501) }),
            "description",
        ),
        (
            json!({ "url": NOWHERE, "all_events": true, "description": "a\u{202e}b" }),
            "description",
        ),
    ] {
        let problem = expect_problem(
            app.post_json("/v1/orgs/acme/webhooks", Some(&owner), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let unknown = app
        .post_json(
            "/v1/orgs/acme/webhooks",
            Some(&owner),
            &json!({ "url": NOWHERE, "events": ["org.exploded"] }),
        )
        .await;
    // Not an event of the catalogue: the body does not read (400), like any bad enum.
    expect_problem(unknown, StatusCode::BAD_REQUEST, "malformed_request").await;
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count.0, 1, "a refused request left an endpoint behind");
}

async fn changes_write_deliveries_with_their_own_transaction(backend: Backend) {
    let app = open_app(backend).await;
    let (owner, org) = acme(&app).await;
    let projects_only = create(
        &app,
        &owner,
        json!({ "url": NOWHERE, "events": ["project.created"] }),
    )
    .await;
    let everything = create(&app, &owner, json!({ "url": NOWHERE, "all_events": true })).await;
    let off = create(
        &app,
        &owner,
        json!({ "url": NOWHERE, "all_events": true, "enabled": false }),
    )
    .await;
    let id = |v: &Value| v["webhook"]["id"].as_str().unwrap().to_owned();
    let (projects_only, everything, off) = (id(&projects_only), id(&everything), id(&off));
    // The endpoints' creation is audited: `everything` heard of its own and of the one
    // made after it (not of the one before it).
    let before = deliveries(&app, &org).await;
    let heard: Vec<_> = before
        .iter()
        .map(|(w, t, p)| (w.as_str(), t.as_str(), p["data"]["target_id"].clone()))
        .collect();
    assert_eq!(
        heard,
        vec![
            (everything.as_str(), "webhook.created", json!(everything)),
            (everything.as_str(), "webhook.created", json!(off)),
        ],
    );

    let project = app.new_project(&owner, &org, "Website").await;
    let after: Vec<_> = deliveries(&app, &org).await.split_off(before.len());
    let mut got: Vec<(&str, &str)> = after
        .iter()
        .map(|(w, t, _)| (w.as_str(), t.as_str()))
        .collect();
    got.sort_unstable();
    let mut want = vec![
        (projects_only.as_str(), "project.created"),
        (everything.as_str(), "project.created"),
    ];
    want.sort_unstable();
    assert_eq!(
        got, want,
        "the endpoint that is off got one, or a subscriber did not"
    );
    let payload = &after[0].2;
    assert_eq!(payload["type"], "project.created");
    assert_eq!(payload["data"]["org_id"], org.as_str());
    assert_eq!(payload["data"]["target_type"], "project");
    assert_eq!(payload["data"]["target_id"], project["id"]);
    assert_eq!(payload["data"]["actor"]["display_name"], "Ana Owner");
    assert_eq!(payload["data"]["actor_kind"], "person");
    assert!(
        !payload.to_string().contains("ana@example.com"),
        "{payload}"
    );
    let (event_id,): (String,) = sqlx::query_as(
        "SELECT id FROM audit_events WHERE org_id = $1 AND action = 'project.created'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(payload["data"]["event_id"], event_id.as_str());

    // A refused change (the slug is taken) leaves no delivery behind.
    let n = deliveries(&app, &org).await.len();
    let taken = app
        .post_json(
            &format!("/v1/orgs/{org}/projects"),
            Some(&owner),
            &json!({ "name": "Website 2", "slug": project["slug"] }),
        )
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert_eq!(deliveries(&app, &org).await.len(), n);

    // A test event goes to its endpoint alone, even one that is off.
    let path = format!("/v1/orgs/acme/webhooks/{off}/test");
    let sent = expect_json(
        app.post_json(&path, Some(&owner), &json!({})).await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(sent["event_type"], "webhook.test");
    assert_eq!(sent["webhook_id"], off.as_str());
    let last = deliveries(&app, &org).await;
    assert_eq!(last.len(), n + 1);
    assert_eq!(last[n].0, off);
    assert!(audit_actions(&app, &org)
        .await
        .contains(&"webhook.test".to_owned()));
}

async fn rotation_and_redelivery_keep_the_delivery_id(backend: Backend) {
    let app = open_app(backend).await;
    let (owner, _) = acme(&app).await;
    let made = create(&app, &owner, json!({ "url": NOWHERE, "all_events": true })).await;
    let id = made["webhook"]["id"].as_str().unwrap().to_owned();
    let (old_sealed,): (String,) =
        sqlx::query_as("SELECT secret_sealed FROM webhooks WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let rotated = expect_json(
        app.post(
            &format!("/v1/orgs/acme/webhooks/{id}/rotate-secret"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let secret = rotated["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_") && secret != made["secret"].as_str().unwrap());
    let until =
        chrono::DateTime::parse_from_rfc3339(rotated["previous_expires_at"].as_str().unwrap())
            .unwrap();
    let hours = (until.to_utc() - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours}");
    assert_eq!(
        rotated["webhook"]["previous_secret_expires_at"],
        rotated["previous_expires_at"]
    );
    let (previous,): (Option<String>,) =
        sqlx::query_as("SELECT previous_secret_sealed FROM webhooks WHERE id = $1")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(previous.as_deref(), Some(old_sealed.as_str()));

    let sent = expect_json(
        app.post(&format!("/v1/orgs/acme/webhooks/{id}/test"), &owner)
            .await,
        StatusCode::ACCEPTED,
    )
    .await;
    let delivery = sent["id"].as_str().unwrap().to_owned();
    let page = expect_json(
        app.get(
            &format!("/v1/orgs/acme/webhooks/{id}/deliveries?limit=1"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"][0]["id"], delivery.as_str());
    assert!(
        page["next_cursor"].is_string(),
        "the rotation's own event is on page two"
    );
    sqlx::query(
        "INSERT INTO webhook_attempts (id, delivery_id, at, status_code, duration_ms, \
         response_excerpt, error) VALUES ($1, $2, 1, 500, 12, 'oops', 'HTTP 500')",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&delivery)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1")
        .bind(&delivery)
        .execute(&app.db)
        .await
        .unwrap();
    let detail = expect_json(
        app.get(
            &format!("/v1/orgs/acme/webhooks/deliveries/{delivery}"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["payload"]["type"], "webhook.test");
    assert_eq!(detail["payload"]["data"]["target_id"], id.as_str());
    assert!(detail["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["response_excerpt"] == "oops"
            && a["status_code"] == 500
            && a["duration_ms"] == 12));

    let again = expect_json(
        app.post(
            &format!("/v1/orgs/acme/webhooks/deliveries/{delivery}/redeliver"),
            &owner,
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    assert_eq!(
        again["id"],
        delivery.as_str(),
        "a redelivery keeps its webhook-id"
    );
    assert_ne!(again["status"], "failed");

    // Off: nothing is sent again until it is turned on.
    let off = app
        .patch_json(
            &format!("/v1/orgs/acme/webhooks/{id}"),
            &owner,
            &json!({ "enabled": false }),
        )
        .await;
    assert_eq!(expect_json(off, StatusCode::OK).await["enabled"], false);
    expect_problem(
        app.post(
            &format!("/v1/orgs/acme/webhooks/deliveries/{delivery}/redeliver"),
            &owner,
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    // Turning it on again clears a failure run the server had counted.
    sqlx::query("UPDATE webhooks SET disabled_reason = 'failing', failure_streak = 9, failing_since = 1 WHERE id = $1")
        .bind(&id)
        .execute(&app.db)
        .await
        .unwrap();
    let on = expect_json(
        app.patch_json(
            &format!("/v1/orgs/acme/webhooks/{id}"),
            &owner,
            &json!({ "enabled": true }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(on["disabled_reason"], Value::Null);
    assert_eq!(on["health"]["failure_streak"], 0);
    assert_eq!(on["health"]["failing_since"], Value::Null);

    let gone = app
        .delete(&format!("/v1/orgs/acme/webhooks/{id}"), &owner)
        .await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let left: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(left.0, 0, "deliveries outlived their endpoint");
}
