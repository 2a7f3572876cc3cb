//! Webhook endpoints at their edges: the outbound guard refusing insecure and internal
//! addresses (only ever loopback ones: refused, never sent to), and the per-org limit
//! under a parallel burst.

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::acme;
use crate::harness::{expect_problem, on_both_backends, spawn_app, Backend};
use crate::webhooks::{create, open_app, NOWHERE};

on_both_backends!(
    the_guard_refuses_insecure_and_internal_addresses,
    a_burst_of_creations_stops_at_the_limit,
);

async fn the_guard_refuses_insecure_and_internal_addresses(backend: Backend) {
    // The server's defaults: https only, and no internal hosts.
    let app = spawn_app(backend).await;
    let (owner, _) = acme(&app).await;
    for url in [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1:9/hook",
        "https://[::1]:9/hook",
        "https://127.1.2.3/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://user:pw@127.0.0.1/hook",
        "ftp://127.0.0.1/hook",
        "not a url",
    ] {
        let body = json!({ "url": url, "all_events": true });
        let problem = expect_problem(
            app.post_json("/v1/orgs/acme/webhooks", Some(&owner), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "webhook_url_not_allowed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "url", "{url}: {problem}");
    }
    let internal = expect_problem(
        app.post_json(
            "/v1/orgs/acme/webhooks",
            Some(&owner),
            &json!({ "url": "https://127.0.0.1/x", "all_events": true }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "webhook_url_not_allowed",
    )
    .await;
    assert!(
        internal["detail"].as_str().unwrap().contains("127.0.0.1"),
        "{internal}"
    );
    let none: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(none.0, 0);

    // An endpoint saved while allowed cannot be moved inside once the server is strict:
    // the PATCH checks the new URL the same way.
    let open = open_app(backend).await;
    let (owner, _) = acme(&open).await;
    let made = create(&open, &owner, json!({ "url": NOWHERE, "all_events": true })).await;
    let id = made["webhook"]["id"].as_str().unwrap();
    let moved = open
        .patch_json(
            &format!("/v1/orgs/acme/webhooks/{id}"),
            &owner,
            &json!({ "url": "ftp://127.0.0.1/x" }),
        )
        .await;
    expect_problem(
        moved,
        StatusCode::UNPROCESSABLE_ENTITY,
        "webhook_url_not_allowed",
    )
    .await;
}

async fn a_burst_of_creations_stops_at_the_limit(backend: Backend) {
    let app = open_app(backend).await;
    let (owner, _) = acme(&app).await;
    let burst = (0..30).map(|i| {
        let app = &app;
        let owner = &owner;
        async move {
            let body = json!({ "url": format!("{NOWHERE}/{i}"), "all_events": true });
            app.post_json("/v1/orgs/acme/webhooks", Some(owner), &body)
                .await
                .status()
        }
    });
    let statuses = futures::future::join_all(burst).await;
    let made = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((made, refused), (20, 10), "{statuses:?}");
    let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhooks")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count.0, 20);
}
