//! Who reaches the export routes: owners and admins of the org; a member gets 403,
//! another tenant (its org, or its export id named under ours) and a malformed id 404, an
//! API key 401; an org scheduled for deletion still exports.

use orgdesk_server::exports::job;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::export_fixtures::{download, now, quiet_app, start, unpack, LEASE};
use crate::fixtures::acme;
use crate::harness::{expect_problem, on_both_backends, Backend};
use crate::money::new_key;

on_both_backends!(only_owners_and_admins_of_the_org_reach_exports,);

async fn only_owners_and_admins_of_the_org_reach_exports(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    app.add_member(&org, &member.user_id, "member").await;
    let other = app.signup("other@example.com").await;
    app.new_org(&other.token, "Other").await;

    let id = start(&app, &admin.token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = start(&app, &other.token, "other").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not ready yet.
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}/download"), &token)
            .await,
        StatusCode::CONFLICT,
        "export_not_ready",
    )
    .await;
    // A member: 403 everywhere.
    for path in [
        "/v1/orgs/acme/exports".to_owned(),
        format!("/v1/orgs/acme/exports/{id}"),
        format!("/v1/orgs/acme/exports/{id}/download"),
    ] {
        expect_problem(
            app.get(&path, &member.token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    expect_problem(
        app.post("/v1/orgs/acme/exports", &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Another tenant: its org, and its export id named under ours, are not found.
    for path in [
        format!("/v1/orgs/other/exports/{theirs}"),
        format!("/v1/orgs/acme/exports/{theirs}"),
        format!("/v1/orgs/acme/exports/{theirs}/download"),
        "/v1/orgs/acme/exports/not-an-id".to_owned(),
        "/v1/orgs/acme/exports/not-an-id/download".to_owned(),
    ] {
        expect_problem(
            app.get(&path, &token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}"), &other.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.post("/v1/orgs/acme/exports", &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // An API key, even one that reads: exports are for people signed in.
    let (_, key) = new_key(
        &app,
        &token,
        "acme",
        json!({ "name": "reader", "scopes": ["read"] }),
    )
    .await;
    let answer = app.get("/v1/orgs/acme/exports", &key).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let answer = app.post("/v1/orgs/acme/exports", &key).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);

    // An org scheduled for deletion still exports (the app offers "export first").
    job::step(&app.store, now(), LEASE).await.unwrap();
    job::step(&app.store, now(), LEASE).await.unwrap();
    let later = now() + 30 * 24 * 3600 * 1000;
    sqlx::query("UPDATE orgs SET deletion_scheduled_at = $1, deletion_purge_at = $2, deletion_scheduled_by = owner_user_id WHERE id = $3")
        .bind(now())
        .bind(later)
        .bind(&org)
        .execute(&app.db)
        .await
        .unwrap();
    let pending = start(&app, &token, "acme").await;
    assert_eq!(pending["status"], "queued");
    let pending_id = pending["id"].as_str().unwrap();
    job::step(&app.store, now(), LEASE).await.unwrap();
    let files = unpack(&download(&app, &token, "acme", pending_id).await);
    let org_json: Value = serde_json::from_slice(&files["org.json"]).unwrap();
    assert!(org_json["deletion_purge_at"].is_string(), "{org_json}");
}
