//! Deleting an org on purpose: scheduling (owner, typed slug, password, two-factor), the
//! read-only grace period (keys and webhooks stop), cancelling, and the purge after it.

use std::time::Duration;

use orgdesk_server::db::now_ms;
use orgdesk_server::lifecycle::{deletion::GRACE_MS, purge};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{acme, code_at, enrol, now_secs};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};
use crate::money::{new_key, top_up};

on_both_backends!(
    scheduling_needs_the_owner_the_slug_and_the_password,
    a_scheduled_org_is_read_only_until_the_owner_cancels,
    two_factor_accounts_give_a_code_too,
    webhooks_pause_while_scheduled,
    after_the_grace_period_only_the_tombstone_is_left,
    two_purges_at_once_delete_the_org_once,
);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn request(slug: &str) -> Value {
    json!({ "confirm_slug": slug, "password": PASSWORD })
}

async fn schedule(app: &TestApp, token: &str, org: &str, body: &Value) -> reqwest::Response {
    app.post_json(&format!("/v1/orgs/{org}/deletion"), Some(token), body)
        .await
}

async fn actions(app: &TestApp, org: &str) -> Vec<String> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_events WHERE org_id = $1 ORDER BY created_at")
            .bind(org)
            .fetch_all(&app.db)
            .await
            .unwrap();
    rows.into_iter().map(|(a,)| a).collect()
}

async fn scheduling_needs_the_owner_the_slug_and_the_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let ana = app.signup("personal@example.com").await;
    let personal = schedule(&app, &ana.token, &ana.personal_org_id, &request("x")).await;
    expect_problem(personal, StatusCode::CONFLICT, "personal_context").await;

    let bo = app.signup_named("bo@example.com", "Bo").await;
    app.add_member(&org, &bo.user_id, "admin").await;
    let by_admin = schedule(&app, &bo.token, "acme", &request("acme")).await;
    expect_problem(by_admin, StatusCode::FORBIDDEN, "forbidden").await;
    let stranger = app.signup("eve@example.com").await;
    let foreign = schedule(&app, &stranger.token, "acme", &request("acme")).await;
    expect_problem(foreign, StatusCode::NOT_FOUND, "not_found").await;

    let wrong_slug = schedule(&app, &owner, "acme", &request("Acme")).await;
    let problem = expect_problem(
        wrong_slug,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "confirm_slug");
    let body = json!({ "confirm_slug": "acme", "password": "not the password" });
    let wrong_password = schedule(&app, &owner, "acme", &body).await;
    assert_eq!(wrong_password.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let malformed = schedule(&app, &owner, "acme", &json!({ "confirm_slug": 5 })).await;
    assert!(malformed.status().is_client_error());
    assert!(!actions(&app, &org)
        .await
        .contains(&"org.deletion_scheduled".to_owned()));

    // A paid subscription must end first (Stripe would go on charging).
    sqlx::query(
        "INSERT INTO subscriptions (org_id, subscription_id, plan, status, updated_at) \
         VALUES ($1, 'sub_test', 'team', 'active', 0)",
    )
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    let subscribed = schedule(&app, &owner, "acme", &request("acme")).await;
    let problem = expect_problem(subscribed, StatusCode::CONFLICT, "invalid_state").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("Free plan"),
        "{problem}"
    );
    sqlx::query("UPDATE subscriptions SET status = 'canceled' WHERE org_id = $1")
        .bind(&org)
        .execute(&app.db)
        .await
        .unwrap();

    let before = now_ms();
    let scheduled = expect_json(
        schedule(&app, &owner, "acme", &request("acme")).await,
        StatusCode::OK,
    )
    .await;
    let pending = &scheduled["org"]["pending_deletion"];
    let purge_at = chrono::DateTime::parse_from_rfc3339(pending["purge_at"].as_str().unwrap())
        .unwrap()
        .timestamp_millis();
    assert!(purge_at >= before + GRACE_MS && purge_at <= now_ms() + GRACE_MS);
    assert!(pending["scheduled_by"].is_string());
    let again = schedule(&app, &owner, "acme", &request("acme")).await;
    expect_problem(again, StatusCode::CONFLICT, "invalid_state").await;
    assert_eq!(
        actions(&app, &org)
            .await
            .iter()
            .filter(|a| *a == "org.deletion_scheduled")
            .count(),
        1
    );
    // Everyone sees it, and every member is told.
    let seen = expect_json(app.get("/v1/orgs/acme", &bo.token).await, StatusCode::OK).await;
    assert_eq!(seen["org"]["pending_deletion"], *pending);
    for email in ["ana@example.com", "bo@example.com"] {
        let mails = app
            .wait_for_mails(email, "scheduled it for deletion", 1)
            .await;
        assert!(mails[0].contains("read-only"), "{}", mails[0]);
    }
}

async fn a_scheduled_org_is_read_only_until_the_owner_cancels(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "admin").await;
    app.new_project(&owner, "acme", "Site").await;
    let (_, secret) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "r", "scopes": ["read"] }),
    )
    .await;
    let by_key = app.get("/v1/orgs/acme/projects", &secret).await;
    assert_eq!(by_key.status(), StatusCode::OK);

    expect_json(
        schedule(&app, &owner, "acme", &request("acme")).await,
        StatusCode::OK,
    )
    .await;
    for (token, method, path, body) in [
        (
            &owner,
            Method::PATCH,
            "/v1/orgs/acme",
            json!({ "name": "New" }),
        ),
        (
            &owner,
            Method::POST,
            "/v1/orgs/acme/projects",
            json!({ "name": "More" }),
        ),
        (
            &bo.token,
            Method::POST,
            "/v1/orgs/acme/invitations",
            json!({ "emails": ["c@example.com"], "role": "member" }),
        ),
        (
            &owner,
            Method::POST,
            "/v1/orgs/acme/api-keys",
            json!({ "name": "k", "scopes": ["read"] }),
        ),
        (
            &owner,
            Method::POST,
            "/v1/orgs/acme/credits/top-ups",
            json!({ "amount": 5 }),
        ),
    ] {
        let refused = app
            .request(method.clone(), path, Some(token))
            .json(&body)
            .send()
            .await
            .unwrap();
        expect_problem(refused, StatusCode::CONFLICT, "org_pending_deletion").await;
    }
    // It can still be taken out whole.
    let export = app.post("/v1/orgs/acme/exports", &owner).await;
    assert_eq!(export.status(), StatusCode::ACCEPTED);
    // Reads still work for members; the API key stops.
    let projects = expect_json(
        app.get("/v1/orgs/acme/projects", &bo.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(projects["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/v1/orgs/acme/projects", &secret).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let by_admin = app.delete("/v1/orgs/acme/deletion", &bo.token).await;
    expect_problem(by_admin, StatusCode::FORBIDDEN, "forbidden").await;
    let cancelled = expect_json(
        app.delete("/v1/orgs/acme/deletion", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert!(cancelled["org"]["pending_deletion"].is_null());
    let twice = app.delete("/v1/orgs/acme/deletion", &owner).await;
    expect_problem(twice, StatusCode::CONFLICT, "invalid_state").await;
    // Everything as it was.
    let renamed = app
        .patch_json("/v1/orgs/acme", &owner, &json!({ "name": "Acme 2" }))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(
        app.get("/v1/orgs/acme/projects", &secret).await.status(),
        StatusCode::OK
    );
    let log = actions(&app, &org).await;
    assert!(
        log.ends_with(&[
            "org.deletion_scheduled".to_owned(),
            "org.export_created".to_owned(),
            "org.deletion_cancelled".to_owned(),
            "org.updated".to_owned()
        ]),
        "{log:?}"
    );
    app.wait_for_mails("bo@example.com", "cancelled its deletion", 1)
        .await;
}

async fn two_factor_accounts_give_a_code_too(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana").await;
    app.new_org(&ana.token, "Acme").await;
    let (secret, _) = enrol(&app, &ana).await;
    let without = schedule(&app, &ana.token, "acme", &request("acme")).await;
    let problem = expect_problem(
        without,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "code");
    let wrong = json!({ "confirm_slug": "acme", "password": PASSWORD, "code": "000000" });
    let wrong = schedule(&app, &ana.token, "acme", &wrong).await;
    expect_problem(
        wrong,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_two_factor_code",
    )
    .await;
    // The next time step: the enrolment used the current one.
    let code = code_at(&secret, now_secs() + 30);
    let right = json!({ "confirm_slug": "acme", "password": PASSWORD, "code": code });
    let done = expect_json(
        schedule(&app, &ana.token, "acme", &right).await,
        StatusCode::OK,
    )
    .await;
    assert!(done["org"]["pending_deletion"].is_object());
}

async fn webhooks_pause_while_scheduled(backend: Backend) {
    let quiet = |config: orgdesk_server::Config| orgdesk_server::Config {
        webhooks: orgdesk_server::webhooks::WebhookConfig {
            deliver: false,
            ..orgdesk_server::webhooks::WebhookConfig::open()
        },
        ..config
    };
    let app = spawn_app_with(backend, quiet).await;
    let (owner, _) = acme(&app).await;
    let body = json!({ "url": "http://127.0.0.1:9/hook", "all_events": true });
    expect_json(
        app.post_json("/v1/orgs/acme/webhooks", Some(&owner), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let lease = Duration::from_secs(60);
    let later = now_ms() + DAY_MS;
    // Whatever the creation wrote is claimed (and so out of the way) first.
    orgdesk_server::webhooks::claim::due(&app.store, later, 100, lease)
        .await
        .unwrap();
    expect_json(
        schedule(&app, &owner, "acme", &request("acme")).await,
        StatusCode::OK,
    )
    .await;
    let (written,): (String,) = sqlx::query_as(
        "SELECT event_type FROM webhook_deliveries WHERE status = 'pending' AND attempts = 0",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(written, "org.deletion_scheduled", "receivers hear of it");
    let paused = orgdesk_server::webhooks::claim::due(&app.store, later, 100, lease)
        .await
        .unwrap();
    assert!(paused.is_empty(), "a scheduled org's webhooks send nothing");
    expect_json(
        app.delete("/v1/orgs/acme/deletion", &owner).await,
        StatusCode::OK,
    )
    .await;
    let resumed = orgdesk_server::webhooks::claim::due(&app.store, later, 100, lease)
        .await
        .unwrap();
    let mut types: Vec<String> = Vec::new();
    for claimed in &resumed {
        let payload: Value = serde_json::from_str(&claimed.payload).unwrap();
        types.push(payload["type"].as_str().unwrap().to_owned());
    }
    types.sort();
    assert_eq!(types, ["org.deletion_cancelled", "org.deletion_scheduled"]);
}

async fn count(app: &TestApp, table: &str, org: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE org_id = $1");
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

const ORG_TABLES: [&str; 8] = [
    "memberships",
    "projects",
    "audit_events",
    "ledger_entries",
    "api_keys",
    "org_slugs",
    "billing_accounts",
    "webhooks",
];

async fn after_the_grace_period_only_the_tombstone_is_left(backend: Backend) {
    let app = spawn_app_with(backend, |config| orgdesk_server::Config {
        webhooks: orgdesk_server::webhooks::WebhookConfig::open(),
        ..config
    })
    .await;
    let (owner, org) = acme(&app).await;
    let keep = app.signup("keep@example.com").await;
    let other = app.new_org(&keep.token, "Other").await;
    let other = other["org"]["id"].as_str().unwrap().to_owned();
    app.patch_json("/v1/orgs/acme", &owner, &json!({ "slug": "acme-co" }))
        .await;
    app.new_project(&owner, "acme", "Site").await;
    top_up(&app, &owner, "acme", 700).await;
    top_up(&app, &owner, "acme", 300).await;
    new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "k", "scopes": ["read"] }),
    )
    .await;
    let hook = json!({ "url": "http://127.0.0.1:9/hook", "all_events": true });
    app.post_json("/v1/orgs/acme/webhooks", Some(&owner), &hook)
        .await;
    let other_before: Vec<i64> = counts(&app, &other).await;
    for table in ORG_TABLES {
        assert!(count(&app, table, &org).await > 0, "{table}");
    }
    expect_json(
        schedule(&app, &owner, "acme-co", &request("acme-co")).await,
        StatusCode::OK,
    )
    .await;

    let now = now_ms();
    assert_eq!(
        purge::due(&app.store, now + GRACE_MS - DAY_MS)
            .await
            .unwrap(),
        0
    );
    assert_eq!(count(&app, "memberships", &org).await, 1);
    assert_eq!(
        purge::due(&app.store, now + GRACE_MS + DAY_MS)
            .await
            .unwrap(),
        1
    );

    for table in ORG_TABLES {
        assert_eq!(count(&app, table, &org).await, 0, "{table} kept rows");
    }
    let (orgs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(orgs, 0);
    let (by, deleted_at): (Option<String>, i64) =
        sqlx::query_as("SELECT deleted_by, deleted_at FROM org_tombstones WHERE id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(by.is_some());
    assert_eq!(deleted_at, now + GRACE_MS + DAY_MS);
    let (entries, amount): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(entries) AS BIGINT), CAST(SUM(amount) AS BIGINT) \
         FROM org_tombstone_ledger WHERE org_id = $1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((entries, amount), (2, 1000), "the ledger's totals are kept");
    // Another org is untouched.
    assert_eq!(counts(&app, &other).await, other_before);
    // Both slugs are held back for 90 days, then free.
    for slug in ["acme", "acme-co"] {
        let taken = app
            .create_org(&keep.token, json!({ "name": "Acme", "slug": slug }))
            .await;
        expect_problem(taken, StatusCode::CONFLICT, "slug_taken").await;
        assert_eq!(
            app.get(&format!("/v1/orgs/{slug}"), &owner).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    let mut tx = app.store.write().await.unwrap();
    let id = orgdesk_model::OrgId::new();
    let in_91_days = now + GRACE_MS + DAY_MS + 91 * DAY_MS;
    let early = orgdesk_server::orgs::slugs::reserve(&mut tx, "acme", id, now + 89 * DAY_MS).await;
    assert!(!early.unwrap());
    let free = orgdesk_server::orgs::slugs::reserve(&mut tx, "acme", id, in_91_days).await;
    assert!(free.unwrap());
    drop(tx);
}

async fn counts(app: &TestApp, org: &str) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ORG_TABLES {
        counts.push(count(app, table, org).await);
    }
    counts
}

async fn two_purges_at_once_delete_the_org_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    for n in 0..5 {
        top_up(&app, &owner, "acme", 10 + n).await;
    }
    expect_json(
        schedule(&app, &owner, "acme", &request("acme")).await,
        StatusCode::OK,
    )
    .await;
    let at = now_ms() + GRACE_MS + DAY_MS;
    let (a, b) = tokio::join!(purge::due(&app.store, at), purge::due(&app.store, at));
    let purged = a.unwrap() + b.unwrap();
    assert!((1..=2).contains(&purged), "{purged}");
    let (tombstones,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM org_tombstones WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(tombstones, 1);
    let (entries, amount): (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(entries) AS BIGINT), CAST(SUM(amount) AS BIGINT) \
         FROM org_tombstone_ledger WHERE org_id = $1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!((entries, amount), (5, 60));
    assert_eq!(count(&app, "ledger_entries", &org).await, 0);
}
