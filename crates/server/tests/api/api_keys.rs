//! API keys: the secret shown once and stored hashed, who creates keys for which
//! projects, who sees and revokes which keys, and validation.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::money::{audit_actions, new_key};

on_both_backends!(
    secrets_are_shown_once_and_stored_hashed,
    members_make_keys_only_for_their_projects,
    members_see_and_revoke_only_their_own_keys,
);

async fn secrets_are_shown_once_and_stored_hashed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let body = json!({ "name": " CI bot ", "scopes": ["usage:write", "read", "usage:write"] });
    let created = expect_json(
        app.post_json("/v1/orgs/acme/api-keys", Some(&owner), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("odk_") && secret.len() == 4 + 43,
        "{secret}"
    );
    let key = &created["key"];
    assert_eq!(key["name"], "CI bot");
    assert_eq!(key["prefix"], &secret[4..12]);
    assert_eq!(key["scopes"], json!(["read", "usage:write"]));
    assert_eq!(key["project_id"], Value::Null);
    assert_eq!(key["created_by"]["email"], "ana@example.com");
    assert!(key["last_used_at"].is_null() && key["revoked_at"].is_null());

    let (stored, prefix): (String, String) =
        sqlx::query_as("SELECT secret_hash, prefix FROM api_keys WHERE id = $1")
            .bind(key["id"].as_str().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored, hex::encode(Sha256::digest(secret.as_bytes())));
    assert_eq!(prefix, &secret[4..12]);
    let listed = expect_json(
        app.get("/v1/orgs/acme/api-keys", &owner).await,
        StatusCode::OK,
    )
    .await;
    let text = listed.to_string();
    assert!(!text.contains(secret) && !text.contains("secret"), "{text}");
    assert_eq!(listed["items"][0]["id"], key["id"]);
    let (details,): (String,) = sqlx::query_as(
        "SELECT details FROM audit_events WHERE org_id = $1 AND action = 'api_key.created'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        !details.contains(secret) && details.contains(&secret[4..12]),
        "{details}"
    );

    for (body, field) in [
        (json!({ "name": " ", "scopes": ["read"] }), "name"),
        (json!({ "name": "x", "scopes": [] }), "scopes"),
    ] {
        let response = app
            .post_json("/v1/orgs/acme/api-keys", Some(&owner), &body)
            .await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field);
    }
    let bad_scope = json!({ "name": "x", "scopes": ["admin"] });
    let response = app
        .post_json("/v1/orgs/acme/api-keys", Some(&owner), &bad_scope)
        .await;
    expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
}

async fn members_make_keys_only_for_their_projects(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let p1 = app.new_project(&owner, "acme", "One").await;
    let p2 = app.new_project(&owner, "acme", "Two").await;
    let (p1, p2) = (p1["id"].as_str().unwrap(), p2["id"].as_str().unwrap());
    let scoped = app.signup("scoped@example.com").await;
    let member = app.signup("member@example.com").await;
    let admin = app.signup("admin@example.com").await;
    app.add_scoped_member(&org, &scoped.user_id, "member", Some(&[p1]))
        .await;
    app.add_member(&org, &member.user_id, "member").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let other = app.new_org(&owner, "Other").await;
    let foreign = app
        .new_project(&owner, other["org"]["id"].as_str().unwrap(), "Foreign")
        .await;
    let path = "/v1/orgs/acme/api-keys";
    let key =
        |project: Value| json!({ "name": "k", "project_id": project, "scopes": ["usage:write"] });

    let response = app
        .post_json(path, Some(&scoped.token), &key(Value::Null))
        .await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "project_id");
    let response = app
        .post_json(path, Some(&scoped.token), &key(json!(p2)))
        .await;
    expect_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
    let response = app
        .post_json(path, Some(&scoped.token), &key(foreign["id"].clone()))
        .await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "project_id");
    let (_, _) = new_key(&app, &scoped.token, "acme", key(json!(p1))).await;
    new_key(&app, &member.token, "acme", key(json!(p2))).await;
    let org_wide = new_key(&app, &admin.token, "acme", key(Value::Null)).await;
    let response = app
        .post_json(path, Some(&admin.token), &key(foreign["id"].clone()))
        .await;
    expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let listed = expect_json(app.get(path, &owner).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        listed["items"][0]["id"],
        org_wide.0.as_str(),
        "newest first"
    );
}

async fn members_see_and_revoke_only_their_own_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let p1 = app.new_project(&owner, "acme", "One").await;
    let member = app.signup("member@example.com").await;
    let other = app.signup("other@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    app.add_member(&org, &other.user_id, "member").await;
    let body = json!({ "name": "mine", "project_id": p1["id"], "scopes": ["read"] });
    let (mine, _) = new_key(&app, &member.token, "acme", body.clone()).await;
    let (theirs, _) = new_key(&app, &other.token, "acme", body).await;
    let (owners, _) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "o", "scopes": ["read"] }),
    )
    .await;

    let listed = expect_json(
        app.get("/v1/orgs/acme/api-keys", &member.token).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    let page = expect_json(
        app.get("/v1/orgs/acme/api-keys?limit=2", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = expect_json(
        app.get(
            &format!("/v1/orgs/acme/api-keys?limit=2&cursor={cursor}"),
            &owner,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["id"], mine.as_str());

    for id in [&theirs, &owners] {
        let response = app
            .delete(&format!("/v1/orgs/acme/api-keys/{id}"), &member.token)
            .await;
        expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let response = app
        .delete(&format!("/v1/orgs/acme/api-keys/{mine}"), &member.token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .delete(&format!("/v1/orgs/acme/api-keys/{theirs}"), &owner)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let again = app
        .delete(&format!("/v1/orgs/acme/api-keys/{theirs}"), &owner)
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
    let missing = app.delete("/v1/orgs/acme/api-keys/not-a-key", &owner).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    let listed = expect_json(
        app.get("/v1/orgs/acme/api-keys", &owner).await,
        StatusCode::OK,
    )
    .await;
    let revoked = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["revoked_at"].is_string())
        .count();
    assert_eq!(revoked, 2);
    let actions = audit_actions(&app, &org).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "api_key.revoked").count(),
        2
    );
}
