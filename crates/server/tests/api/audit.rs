//! The audit log: what changes write, filters, retention, who may read it, and the
//! streamed CSV and JSON exports.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    every_change_writes_an_event,
    filters_paginate_and_retention_hides_old_events,
);

fn actions(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn every_change_writes_an_event(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let org_id = org["org"]["id"].as_str().unwrap();
    app.set_plan(org_id, "team").await;
    let t = &ana.token;
    let agent = "orgdesk-tests/1.0";
    let patch = app
        .request(reqwest::Method::PATCH, "/v1/orgs/acme", Some(t))
        .header("user-agent", agent)
        .json(&json!({ "name": "Acme Labs", "website": "https://acme.example" }))
        .send()
        .await
        .unwrap();
    expect_json(patch, StatusCode::OK).await;
    let logo = app
        .request(reqwest::Method::PUT, "/v1/orgs/acme/logo", Some(t))
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
        .send()
        .await
        .unwrap();
    expect_json(logo, StatusCode::OK).await;
    app.delete("/v1/orgs/acme/logo", t).await;
    let site = app.new_project(t, "acme", "Site").await;
    app.post_json(
        "/v1/orgs/acme/projects/site/suspend",
        Some(t),
        &json!({ "reason": "Unpaid" }),
    )
    .await;
    app.post("/v1/orgs/acme/projects/site/unsuspend", t).await;
    app.post("/v1/orgs/acme/projects/site/archive", t).await;
    app.post("/v1/orgs/acme/projects/site/restore", t).await;
    app.patch_json("/v1/orgs/acme/projects/site", t, &json!({ "name": "Web" }))
        .await;
    let bo = app.signup("bo@example.com").await;
    let issued = expect_json(
        app.post_json(
            "/v1/orgs/acme/invitations",
            Some(t),
            &json!({ "emails": ["bo@example.com"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inv_id = issued["invitations"][0]["invitation"]["id"]
        .as_str()
        .unwrap();
    let resent = expect_json(
        app.post(&format!("/v1/orgs/acme/invitations/{inv_id}/resend"), t)
            .await,
        StatusCode::OK,
    )
    .await;
    let link = resent["link"]
        .as_str()
        .unwrap()
        .strip_prefix("orgdesk://invite/")
        .unwrap();
    expect_json(
        app.post(&format!("/v1/invitations/{link}/accept"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    app.patch_json(
        &format!("/v1/orgs/acme/members/{}", bo.user_id),
        t,
        &json!({ "role": "admin" }),
    )
    .await;
    app.patch_json(
        &format!("/v1/orgs/acme/members/{}", bo.user_id),
        t,
        &json!({ "role": "member", "project_scope": { "kind": "projects", "ids": [site["id"]] } }),
    )
    .await;
    // Declining by id needs a verified email.
    let cy = app.signup_verified("cy@example.com").await;
    let issued = expect_json(
        app.post_json(
            "/v1/orgs/acme/invitations",
            Some(t),
            &json!({ "emails": ["cy@example.com", "dee@example.com"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cy_id = issued["invitations"][0]["invitation"]["id"]
        .as_str()
        .unwrap();
    let dee_id = issued["invitations"][1]["invitation"]["id"]
        .as_str()
        .unwrap();
    app.post(&format!("/v1/invitations/{cy_id}/decline"), &cy.token)
        .await;
    app.delete(&format!("/v1/orgs/acme/invitations/{dee_id}"), t)
        .await;
    app.post_json(
        "/v1/orgs/acme/transfer-ownership",
        Some(t),
        &json!({ "user_id": bo.user_id }),
    )
    .await;
    let removed = app.signup("rem@example.com").await;
    app.add_member(org_id, &removed.user_id, "member").await;
    app.delete(&format!("/v1/orgs/acme/members/{}", removed.user_id), t)
        .await;
    app.delete("/v1/orgs/acme/projects/site?confirm=site", t)
        .await;
    expect_problem(
        app.get("/v1/orgs/acme/projects/site", t).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.post("/v1/orgs/acme/leave", t).await;

    let page = expect_json(
        app.get("/v1/orgs/acme/audit-log?limit=200", &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    let mut got = actions(&page);
    got.reverse();
    assert_eq!(
        got,
        [
            "org.created",
            "org.updated",
            "org.logo_updated",
            "org.logo_removed",
            "project.created",
            "project.suspended",
            "project.unsuspended",
            "project.archived",
            "project.restored",
            "project.updated",
            "invitation.created",
            "invitation.resent",
            "invitation.accepted",
            "member.role_changed",
            "member.role_changed",
            "member.scope_changed",
            "invitation.created",
            "invitation.created",
            "invitation.declined",
            "invitation.revoked",
            "org.ownership_transferred",
            "member.removed",
            "project.deleted",
            "member.left",
        ]
    );
    let events = page["items"].as_array().unwrap();
    let updated = events
        .iter()
        .find(|e| e["action"] == "org.updated")
        .unwrap();
    assert_eq!(updated["actor"]["email"], "ana@example.com");
    assert_eq!(updated["target_type"], "org");
    assert_eq!(updated["target_id"], org_id);
    assert_eq!(updated["user_agent"], agent);
    assert_eq!(updated["ip"], "127.0.0.1");
    assert_eq!(
        updated["details"]["changes"]["name"],
        json!({ "old": "Acme", "new": "Acme Labs" })
    );
    assert!(updated["details"]["changes"].get("slug").is_none());
    let suspended = events
        .iter()
        .find(|e| e["action"] == "project.suspended")
        .unwrap();
    assert_eq!(suspended["project_id"], site["id"]);
    assert_eq!(suspended["details"]["reason"], "Unpaid");
    let accepted = events
        .iter()
        .find(|e| e["action"] == "invitation.accepted")
        .unwrap();
    assert_eq!(accepted["actor"]["email"], "bo@example.com");
    let text = page.to_string();
    let (hash,): (String,) = sqlx::query_as("SELECT token_hash FROM invitations LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!text.contains(&hash) && !text.contains(link));
    // Ana left: she reads nothing; a member may not read the log.
    expect_problem(
        app.get("/v1/orgs/acme/audit-log", t).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.add_member(org_id, &cy.user_id, "member").await;
    expect_problem(
        app.get("/v1/orgs/acme/audit-log", &cy.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.get("/v1/orgs/acme/audit-log/export", &cy.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn filters_paginate_and_retention_hides_old_events(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let bo = app.signup("bo@example.com").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let org_id = org["org"]["id"].as_str().unwrap();
    app.add_member(org_id, &bo.user_id, "admin").await;
    let site = app.new_project(&ana.token, "acme", "Site").await;
    app.new_project(&bo.token, "acme", "Other").await;
    app.patch_json(
        "/v1/orgs/acme/projects/site",
        &bo.token,
        &json!({ "description": "x" }),
    )
    .await;
    let by_bo = expect_json(
        app.get(
            &format!("/v1/orgs/acme/audit-log?actor={}", bo.user_id),
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(actions(&by_bo), ["project.updated", "project.created"]);
    let on_site = expect_json(
        app.get(
            &format!(
                "/v1/orgs/acme/audit-log?project={}",
                site["id"].as_str().unwrap()
            ),
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(actions(&on_site), ["project.updated", "project.created"]);
    let created = expect_json(
        app.get("/v1/orgs/acme/audit-log?action=project.created", &ana.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(created["items"].as_array().unwrap().len(), 2);

    let first = expect_json(
        app.get("/v1/orgs/acme/audit-log?limit=2", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = expect_json(
        app.get(
            &format!("/v1/orgs/acme/audit-log?limit=2&cursor={cursor}"),
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(actions(&second), ["project.created", "org.created"]);
    assert!(second["next_cursor"].is_null());

    // Older than the free plan's 30 days: not returned. `from`/`to` bound by time.
    let day = 24 * 60 * 60 * 1000_i64;
    let now = chrono::Utc::now().timestamp_millis();
    sqlx::query("UPDATE audit_events SET created_at = $1 WHERE action = 'org.created'")
        .bind(now - 31 * day)
        .execute(&app.db)
        .await
        .unwrap();
    let all = expect_json(
        app.get("/v1/orgs/acme/audit-log", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert!(!actions(&all).contains(&"org.created".to_owned()));
    let old = expect_json(
        app.get(
            "/v1/orgs/acme/audit-log?from=2000-01-01T00:00:00Z",
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(!actions(&old).contains(&"org.created".to_owned()));
    let none = expect_json(
        app.get(
            "/v1/orgs/acme/audit-log?to=2000-01-01T00:00:00Z",
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(none["items"].as_array().unwrap().is_empty());
    app.set_plan(org_id, "team").await;
    let longer = expect_json(
        app.get("/v1/orgs/acme/audit-log", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert!(actions(&longer).contains(&"org.created".to_owned()));
    let bad = app
        .get("/v1/orgs/acme/audit-log?from=yesterday", &ana.token)
        .await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
}
