//! Attack 5 of issue 9: an API key keeps the power its creator had when they made it.
//! An admin makes an org-wide key, is then demoted to a member limited to one project
//! (or to a plain member, or leaves), and the key must act for them as they are now.
//! And keys may expire: refused after `expires_at`, which the list shows.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};
use crate::money::{new_key, text, top_up, usage, usage_key};

on_both_backends!(
    a_demoted_admins_key_meters_only_what_they_may_reach_now,
    a_key_follows_its_creator_out_and_under_the_spend_policy,
    keys_expire,
);

async fn a_demoted_admins_key_meters_only_what_they_may_reach_now(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let site = app.new_project(&owner, "acme", "Site").await;
    let shop = app.new_project(&owner, "acme", "Shop").await;
    let (site, shop) = (site["id"].as_str().unwrap(), shop["id"].as_str().unwrap());
    top_up(&app, &owner, "acme", 1_000).await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "admin").await;

    // While an admin, Bo makes an org-wide key that meters both projects.
    let secret = usage_key(&app, &bo.token, "acme").await;
    for (n, project) in [site, shop].into_iter().enumerate() {
        expect_json(
            usage(&app, &secret, &format!("before-{n}"), &text(project, 1)).await,
            StatusCode::CREATED,
        )
        .await;
    }

    // The owner limits Bo to the Site project.
    let path = format!("/v1/orgs/acme/members/{}", bo.user_id);
    let scope = json!({ "role": "member", "project_scope": { "kind": "projects", "ids": [site] } });
    expect_json(app.patch_json(&path, &owner, &scope).await, StatusCode::OK).await;

    // The attack: the old key on the project Bo can no longer reach.
    let refused = expect_problem(
        usage(&app, &secret, "after-shop", &text(shop, 1)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("can no longer"),
        "{refused}"
    );
    // Still good where Bo still works.
    expect_json(
        usage(&app, &secret, "after-site", &text(site, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    // Nothing was debited for the refused call: two before, one after.
    let entries = sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage'",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(entries.0, 3);

    // Given every project back (a member without a scope), the key reaches them all again.
    let all = json!({ "project_scope": { "kind": "all" } });
    expect_json(app.patch_json(&path, &owner, &all).await, StatusCode::OK).await;
    expect_json(
        usage(&app, &secret, "all-again", &text(shop, 1)).await,
        StatusCode::CREATED,
    )
    .await;
}

async fn a_key_follows_its_creator_out_and_under_the_spend_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let site = app.new_project(&owner, "acme", "Site").await;
    let site = site["id"].as_str().unwrap();
    top_up(&app, &owner, "acme", 1_000).await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "admin").await;
    let secret = usage_key(&app, &bo.token, "acme").await;

    // Only owners' and admins' keys may spend; Bo is demoted to member: his key may not.
    let policy = json!({ "kind": "admins_only" });
    let set = app
        .request(
            reqwest::Method::PUT,
            "/v1/orgs/acme/billing/spend-policy",
            Some(&owner),
        )
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::OK, "{:?}", set.text().await);
    expect_json(
        usage(&app, &secret, "admin", &text(site, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    let path = format!("/v1/orgs/acme/members/{}", bo.user_id);
    let member = json!({ "role": "member" });
    expect_json(app.patch_json(&path, &owner, &member).await, StatusCode::OK).await;
    expect_problem(
        usage(&app, &secret, "member", &text(site, 1)).await,
        StatusCode::FORBIDDEN,
        "spend_not_allowed",
    )
    .await;

    // Removed from the org, the key names nobody.
    assert_eq!(
        app.delete(&path, &owner).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        usage(&app, &secret, "gone", &text(site, 1)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn keys_expire(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _) = acme(&app).await;
    let site = app.new_project(&owner, "acme", "Site").await;
    let site = site["id"].as_str().unwrap();
    top_up(&app, &owner, "acme", 1_000).await;

    let now = chrono::Utc::now().to_rfc3339();
    for past in [
        "2020-01-01T00:00:00Z",
        &now,
        "",
        "tomorrow",
        "2027-02-30T00:00:00Z",
    ] {
        let body = json!({ "name": "old", "scopes": ["usage:write"], "expires_at": past });
        let problem = expect_problem(
            app.post_json("/v1/orgs/acme/api-keys", Some(&owner), &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], "expires_at", "{problem}");
    }

    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let body = json!({ "name": "short", "scopes": ["usage:write"], "expires_at": soon });
    let (id, secret) = new_key(&app, &owner, "acme", body).await;
    let (_, forever) = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "long", "scopes": ["usage:write"] }),
    )
    .await;
    let listed = expect_json(
        app.get("/v1/orgs/acme/api-keys", &owner).await,
        StatusCode::OK,
    )
    .await;
    let shown = |id: &str| -> Value {
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .cloned()
            .unwrap()
    };
    let expires_at = shown(&id)["expires_at"].as_str().unwrap().to_owned();
    let expires_at = chrono::DateTime::parse_from_rfc3339(&expires_at).unwrap();
    assert_eq!(expires_at.timestamp_millis(), soon.timestamp_millis());
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["name"] == "long" && k["expires_at"].is_null()));

    expect_json(
        usage(&app, &secret, "in-time", &text(site, 1)).await,
        StatusCode::CREATED,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    expect_problem(
        usage(&app, &secret, "too-late", &text(site, 1)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_json(
        usage(&app, &forever, "forever", &text(site, 1)).await,
        StatusCode::CREATED,
    )
    .await;
}
