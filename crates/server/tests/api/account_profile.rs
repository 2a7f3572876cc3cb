//! The display name, and deleting the account: refused, naming them, while it owns
//! organizations; otherwise its personal context, sessions and memberships go with it and
//! each org it left records it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::{acme, invite_one};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp, PASSWORD,
};

on_both_backends!(
    renaming_shows_everywhere_at_once,
    an_owner_cannot_delete_the_account,
    deleting_the_account_leaves_every_org,
);

async fn delete_me(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.request(Method::DELETE, "/v1/me", Some(token))
        .json(&json!({ "password": password }))
        .send()
        .await
        .unwrap()
}

async fn renaming_shows_everywhere_at_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ana, _) = acme(&app).await;
    let me = expect_json(
        app.patch_json("/v1/me", &ana, &json!({ "display_name": "  Ana  Lima " }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["user"]["display_name"], "Ana  Lima");
    let found = expect_json(
        app.get("/v1/orgs/acme/members?q=lima", &ana).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"][0]["user"]["display_name"], "Ana  Lima");
    let gone = expect_json(
        app.get("/v1/orgs/acme/members?q=owner", &ana).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["items"], json!([]), "{gone}");
    for name in ["   ", &"x".repeat(81)] {
        let problem = expect_problem(
            app.patch_json("/v1/me", &ana, &json!({ "display_name": name }))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], "display_name");
    }
    let user = me["user"]["id"].as_str().unwrap();
    let (details,): (String,) = sqlx::query_as(
        "SELECT details FROM account_events WHERE user_id = $1 AND event = 'display_name_changed'",
    )
    .bind(user)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    assert_eq!(details, json!({ "old": "Ana Owner", "new": "Ana  Lima" }));
}

async fn an_owner_cannot_delete_the_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ana, _) = acme(&app).await;
    // Owning two orgs needs more than the free plan.
    let me = expect_json(app.get("/v1/me", &ana).await, StatusCode::OK).await;
    let personal = me["personal_org_id"].as_str().unwrap();
    app.set_plan(personal, "business").await;
    app.new_org(&ana, "Beta Works").await;
    let problem = expect_problem(
        delete_me(&app, &ana, PASSWORD).await,
        StatusCode::CONFLICT,
        "owns_organizations",
    )
    .await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("Acme and Beta Works"), "{detail}");
    expect_json(app.get("/v1/me", &ana).await, StatusCode::OK).await;
}

async fn deleting_the_account_leaves_every_org(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ana, org) = acme(&app).await;
    let (_, link) = invite_one(&app, &ana, "bo@example.com").await;
    let bo = app.signup("bo@example.com").await;
    expect_json(
        app.post(&format!("/v1/invitations/{link}/accept"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let problem = expect_problem(
        delete_me(&app, &bo.token, "not the password").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "password");

    assert_eq!(
        delete_me(&app, &bo.token, PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.get("/v1/me", &bo.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_problem(
        app.login("bo@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let (personal,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orgs WHERE id = $1")
        .bind(&bo.personal_org_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(personal, 0);
    let members = expect_json(
        app.get(&format!("/v1/orgs/{org}/members"), &ana).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(members["items"].as_array().unwrap().len(), 1, "{members}");
    let log = expect_json(
        app.get(&format!("/v1/orgs/{org}/audit-log"), &ana).await,
        StatusCode::OK,
    )
    .await;
    let left = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "member.left")
        .unwrap_or_else(|| panic!("no member.left: {log}"));
    assert_eq!(left["details"]["account_deleted"], true);
    assert!(left["details"].get("email").is_none(), "{left}");
    assert!(left["actor"].is_null(), "{left}");
    // Nothing of Bo is left in the org's log: not his address (the invitation's events
    // named it), not the address and browser he acted from.
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT details, actor_id, ip, user_agent FROM audit_events WHERE org_id = $1",
    )
    .bind(&org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(rows.len() >= 3, "{rows:?}");
    for (details, actor, ip, agent) in &rows {
        assert!(
            !details.to_lowercase().contains("bo@example.com"),
            "{details}"
        );
        if actor.is_none() {
            assert!(ip.is_none() && agent.is_none(), "{details}");
        }
    }
    let accepted: Vec<&String> = rows
        .iter()
        .map(|(d, ..)| d)
        .filter(|d| d.contains("deleted user"))
        .collect();
    assert!(
        accepted.len() >= 2,
        "the invitation's events name a deleted user: {rows:?}"
    );
    // The address is free again.
    expect_json(
        app.signup_raw("bo@example.com", PASSWORD, "Bo Again").await,
        StatusCode::CREATED,
    )
    .await;
}
