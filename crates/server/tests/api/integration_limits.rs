//! Per-key rate limits, kept in the database: a parallel burst of `limit + n` requests of
//! one key — reads and metering alike — gets exactly `n` answers 429 `rate_limited` with
//! `Retry-After`, on one server or split between two sharing the database; other keys and
//! sessions are not held back, and the next minute opens a new window.

use futures::future::join_all;
use orgdesk_server::Config;
use reqwest::{Method, Response, StatusCode};
use serde_json::json;

use crate::fixtures::acme;
use crate::harness::{expect_json, on_both_backends, spawn_app_with, Backend, TestApp};
use crate::money::{balance, new_key, text, top_up};

on_both_backends!(
    a_parallel_burst_gets_exactly_the_excess_refused,
    two_instances_share_one_count,
    no_limit_when_turned_off,
);

const LIMIT: u32 = 12;
const EXCESS: usize = 8;

async fn limited(backend: Backend, limit: Option<u32>) -> TestApp {
    spawn_app_with(backend, |config| Config {
        api_key_rate_limit: limit,
        ..config
    })
    .await
}

/// Acme with one project and credits; returns (owner token, org id, project id, a key
/// that reads and meters).
async fn world(app: &TestApp) -> (String, String, String, String) {
    let (owner, org) = acme(app).await;
    let site = app.new_project(&owner, "acme", "Site").await;
    top_up(app, &owner, "acme", 1_000).await;
    let body = json!({ "name": "busy", "scopes": ["read", "usage:write"] });
    let (_, key) = new_key(app, &owner, "acme", body).await;
    (owner, org, site["id"].as_str().unwrap().to_owned(), key)
}

/// Request `n` of a burst against `base`: every third meters usage, the others read.
async fn call(app: &TestApp, base: &str, key: &str, project: &str, n: usize) -> Response {
    let request = if n.is_multiple_of(3) {
        app.client
            .request(Method::POST, format!("{base}/v1/usage"))
            .header("idempotency-key", format!("burst-{n}"))
            .json(&text(project, 1))
    } else {
        app.client
            .request(Method::GET, format!("{base}/v1/orgs/acme/projects"))
    };
    request.bearer_auth(key).send().await.unwrap()
}

/// Sends the burst split over `bases`; asserts exactly `EXCESS` refusals, each a
/// `rate_limited` problem with a `Retry-After` of 1–60 seconds; returns how many usage
/// calls went through.
async fn burst(app: &TestApp, bases: &[String], key: &str, project: &str) -> usize {
    let total = LIMIT as usize + EXCESS;
    let calls = (0..total).map(|n| call(app, &bases[n % bases.len()], key, project, n));
    let mut refused = 0;
    let mut metered = 0;
    for (n, response) in join_all(calls).await.into_iter().enumerate() {
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
            let wait: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "Retry-After {wait}");
            let problem: serde_json::Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "rate_limited", "{problem}");
        } else {
            let body = response.text().await.unwrap();
            assert!(status.is_success(), "{status}: {body}");
            if n.is_multiple_of(3) {
                metered += 1;
            }
        }
    }
    assert_eq!(refused, EXCESS, "{refused} of {total} refused");
    metered
}

async fn a_parallel_burst_gets_exactly_the_excess_refused(backend: Backend) {
    let app = limited(backend, Some(LIMIT)).await;
    let (owner, org, site, key) = world(&app).await;
    let metered = burst(&app, std::slice::from_ref(&app.base), &key, &site).await;
    // Refused usage debited nothing: 2 credits for each call that went through.
    assert_eq!(
        balance(&app, &org).await,
        1_000 - 2 * i64::try_from(metered).unwrap()
    );

    // The key stays refused for the rest of its minute, a replay of a recorded usage too.
    for n in [1, 0] {
        let again = call(&app, &app.base, &key, &site, n).await;
        assert_eq!(again.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    // Another key of the org, and the people in it, are not held back.
    let other = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "calm", "scopes": ["read"] }),
    )
    .await
    .1;
    expect_json(
        app.get("/v1/orgs/acme/projects", &other).await,
        StatusCode::OK,
    )
    .await;
    for _ in 0..LIMIT + 2 {
        expect_json(
            app.get("/v1/orgs/acme/projects", &owner).await,
            StatusCode::OK,
        )
        .await;
    }
    // A key that names nobody is refused as unknown, and counts toward nothing.
    let unknown = format!("odk_{}", "B".repeat(43));
    let answer = app.get("/v1/orgs/acme/projects", &unknown).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let (windows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_key_windows")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(windows, 2, "the busy key and the calm key");

    // Once the minute is over, a new window opens.
    sqlx::query("UPDATE api_key_windows SET window_start = window_start - 60000")
        .execute(&app.db)
        .await
        .unwrap();
    expect_json(
        app.get("/v1/orgs/acme/projects", &key).await,
        StatusCode::OK,
    )
    .await;
}

async fn two_instances_share_one_count(backend: Backend) {
    let app = limited(backend, Some(LIMIT)).await;
    let (_, _, site, key) = world(&app).await;
    let key_file = app.data_dir().join("secret.key");
    let other = app
        .another_instance(|config| Config {
            database_url: Some(config.resolved_database_url()),
            secret_key_file: Some(key_file),
            ..config
        })
        .await
        .expect("a second instance starts");
    let bases = [app.base.clone(), other.base_url()];
    burst(&app, &bases, &key, &site).await;
    // Refused on either instance until the minute is over.
    for base in &bases {
        let answer = call(&app, base, &key, &site, 1).await;
        assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    other.shutdown().await;
}

async fn no_limit_when_turned_off(backend: Backend) {
    let app = limited(backend, None).await;
    let (_, _, site, key) = world(&app).await;
    let total = LIMIT as usize + EXCESS;
    let calls = (0..total).map(|n| call(&app, &app.base, &key, &site, n));
    for response in join_all(calls).await {
        assert!(response.status().is_success(), "{}", response.status());
    }
    let (windows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_key_windows")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(windows, 0);
}
