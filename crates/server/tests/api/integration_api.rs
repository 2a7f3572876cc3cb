//! The integration API: an API key with the `read` scope reads, through the app's own
//! routes, what its org (or its project) allows — the org, projects, usage, the ledger and
//! the members without their emails — never another org, never a write route, never more
//! than its creator may read now.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::{new_key, text, top_up, usage, usage_key};

on_both_backends!(
    an_org_wide_read_key_reads_what_an_admin_reads,
    a_project_key_sees_its_project_only,
    a_key_reads_its_own_org_only,
    a_key_without_read_is_forbidden_and_a_dead_one_unauthenticated,
    a_key_never_reaches_a_write_route,
    a_key_reads_no_more_than_its_creator_may_now,
);

/// Acme with Site and Shop, 1,000 credits, usage in both (2 credits in Site, 6 in Shop) and
/// Cy, a member limited to Shop. Returns (owner token, org id, site id, shop id).
pub(crate) async fn world(app: &TestApp) -> (String, String, String, String) {
    let (owner, org) = acme(app).await;
    let site = app.new_project(&owner, "acme", "Site").await;
    let shop = app.new_project(&owner, "acme", "Shop").await;
    let site = site["id"].as_str().unwrap().to_owned();
    let shop = shop["id"].as_str().unwrap().to_owned();
    top_up(app, &owner, "acme", 1_000).await;
    let meter = usage_key(app, &owner, "acme").await;
    for (n, (project, quantity)) in [(&site, 1), (&shop, 2), (&shop, 1)].iter().enumerate() {
        let body = text(project, *quantity);
        expect_json(
            usage(app, &meter, &format!("w{n}"), &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let cy = app.signup_named("cy@example.com", "Cy Member").await;
    app.add_scoped_member(&org, &cy.user_id, "member", Some(&[shop.as_str()]))
        .await;
    (owner, org, site, shop)
}

/// A `read` key of `org` made by `token`'s caller, limited to `project` when given.
pub(crate) async fn read_key(
    app: &TestApp,
    token: &str,
    org: &str,
    project: Option<&str>,
) -> String {
    let body = json!({ "name": "reader", "scopes": ["read"], "project_id": project });
    new_key(app, token, org, body).await.1
}

pub(crate) async fn read(app: &TestApp, path: &str, secret: &str) -> Value {
    expect_json(app.get(path, secret).await, StatusCode::OK).await
}

pub(crate) fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_org_wide_read_key_reads_what_an_admin_reads(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org, site, shop) = world(&app).await;
    let key = read_key(&app, &owner, "acme", None).await;

    let membership = read(&app, "/v1/orgs/acme", &key).await;
    assert_eq!(membership["org"]["id"], org.as_str());
    assert_eq!(membership["role"], "owner");
    // What the key may do there: read, nothing else.
    assert_eq!(
        membership["capabilities"],
        json!(["view_org", "view_billing"])
    );
    let overview = read(&app, "/v1/orgs/acme/overview", &key).await;
    assert_eq!(overview["member_count"], 2);
    assert!(overview["pending_invitations"].is_null(), "{overview}");

    let mut projects = ids(&read(&app, "/v1/orgs/acme/projects", &key).await);
    projects.sort();
    let mut both = vec![site.clone(), shop.clone()];
    both.sort();
    assert_eq!(projects, both);
    let one = read(&app, &format!("/v1/orgs/acme/projects/{shop}"), &key).await;
    assert_eq!(one["name"], "Shop");

    let report = read(&app, "/v1/orgs/acme/usage?group_by=project", &key).await;
    assert_eq!(report["total_credits"], 8, "{report}");
    let csv = app
        .get("/v1/orgs/acme/reports/usage.csv?group_by=day", &key)
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.text().await.unwrap().contains("total,,8,3"));

    let ledger = read(&app, "/v1/orgs/acme/ledger", &key).await;
    let kinds: Vec<&str> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["usage", "usage", "usage", "top_up"]);
    let summary = read(&app, "/v1/orgs/acme/billing", &key).await;
    assert_eq!(summary["balance"], 992);

    let members = read(&app, "/v1/orgs/acme/members", &key).await;
    let text = members.to_string();
    assert!(!text.contains("email") && !text.contains('@'), "{text}");
    let names: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"]["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana Owner", "Cy Member"]);
    assert_eq!(members["items"][1]["project_scope"]["ids"], json!([shop]));
    // The app, with a session, still sees the emails.
    let seen = read(&app, "/v1/orgs/acme/members", &owner).await;
    assert_eq!(seen["items"][0]["user"]["email"], "ana@example.com");

    // The key was used.
    let keys = read(&app, "/v1/orgs/acme/api-keys", &owner).await;
    let used = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "reader")
        .unwrap();
    assert!(used["last_used_at"].is_string(), "{used}");
}

async fn a_project_key_sees_its_project_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _, site, shop) = world(&app).await;
    let key = read_key(&app, &owner, "acme", Some(&shop)).await;

    read(&app, "/v1/orgs/acme", &key).await;
    assert_eq!(
        ids(&read(&app, "/v1/orgs/acme/projects", &key).await),
        std::slice::from_ref(&shop)
    );
    read(&app, &format!("/v1/orgs/acme/projects/{shop}"), &key).await;
    for other in [site.clone(), "site".to_owned()] {
        expect_problem(
            app.get(&format!("/v1/orgs/acme/projects/{other}"), &key)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let overview = read(&app, "/v1/orgs/acme/overview", &key).await;
    assert_eq!(overview["projects"]["active"], 1, "{overview}");

    // Shop's usage only, and Shop's ledger lines only (not the org's top-up).
    let report = read(&app, "/v1/orgs/acme/usage?group_by=project", &key).await;
    assert_eq!(report["total_credits"], 6, "{report}");
    assert_eq!(report["rows"][0]["key"], shop.as_str());
    let ledger = read(&app, "/v1/orgs/acme/ledger", &key).await;
    let items = ledger["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{ledger}");
    assert!(items.iter().all(|e| e["project_id"] == shop.as_str()));
    let asked = read(&app, &format!("/v1/orgs/acme/ledger?project={site}"), &key).await;
    assert_eq!(asked["items"], json!([]));
    // The balance is the whole org's.
    expect_problem(
        app.get("/v1/orgs/acme/billing", &key).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Members by name, their scopes naming no project but the key's.
    let members = read(&app, "/v1/orgs/acme/members", &key).await;
    assert!(!members.to_string().contains(&site), "{members}");
    assert_eq!(members["items"][1]["project_scope"]["ids"], json!([shop]));
}

async fn a_key_reads_its_own_org_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _, _, _) = world(&app).await;
    let key = read_key(&app, &owner, "acme", None).await;
    // Ana also owns Beta: Acme's key still reads nothing of it.
    let beta = app.new_org(&owner, "Beta").await;
    let beta_id = beta["org"]["id"].as_str().unwrap().to_owned();
    let stranger = app.signup("stranger@example.com").await;
    for org in ["beta", beta_id.as_str(), "nowhere"] {
        for tail in [
            "",
            "/overview",
            "/projects",
            "/members",
            "/ledger",
            "/billing",
            "/usage?group_by=day",
        ] {
            let path = format!("/v1/orgs/{org}{tail}");
            let as_key = app.get(&path, &key).await;
            let as_stranger = app.get(&path, &stranger.token).await;
            assert_eq!(as_key.status(), StatusCode::NOT_FOUND, "{path}");
            assert_eq!(as_stranger.status(), StatusCode::NOT_FOUND, "{path}");
            let (a, b): (Value, Value) = (
                as_key.json().await.unwrap(),
                as_stranger.json().await.unwrap(),
            );
            assert_eq!(a["detail"], b["detail"], "{path}");
        }
    }
}

async fn a_key_without_read_is_forbidden_and_a_dead_one_unauthenticated(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org, _, _) = world(&app).await;
    let metering = usage_key(&app, &owner, "acme").await;
    let problem = expect_problem(
        app.get("/v1/orgs/acme/projects", &metering).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("`read`"),
        "{problem}"
    );

    let body = json!({ "name": "r", "scopes": ["read"] });
    let (revoked_id, revoked) = new_key(&app, &owner, "acme", body.clone()).await;
    let path = format!("/v1/orgs/acme/api-keys/{revoked_id}");
    assert_eq!(
        app.delete(&path, &owner).await.status(),
        StatusCode::NO_CONTENT
    );
    let (expired_id, expired) = new_key(&app, &owner, "acme", body.clone()).await;
    sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE id = $2")
        .bind(chrono::Utc::now().timestamp_millis() - 1)
        .bind(&expired_id)
        .execute(&app.db)
        .await
        .unwrap();
    // Bo, an admin, makes a key and is then removed from the org.
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "admin").await;
    let orphan = read_key(&app, &bo.token, "acme", None).await;
    read(&app, "/v1/orgs/acme/projects", &orphan).await;
    let bo_path = format!("/v1/orgs/acme/members/{}", bo.user_id);
    assert_eq!(
        app.delete(&bo_path, &owner).await.status(),
        StatusCode::NO_CONTENT
    );
    let unknown = format!("odk_{}", "A".repeat(43));
    for dead in [&revoked, &expired, &orphan, &unknown] {
        for path in [
            "/v1/orgs/acme",
            "/v1/orgs/acme/members",
            "/v1/orgs/acme/ledger",
        ] {
            let refused = app.get(path, dead).await;
            assert_eq!(refused.headers().get("www-authenticate").unwrap(), "Bearer");
            expect_problem(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;
        }
    }
}

async fn a_key_never_reaches_a_write_route(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _, site, _) = world(&app).await;
    let key = read_key(&app, &owner, "acme", None).await;
    let both = new_key(
        &app,
        &owner,
        "acme",
        json!({ "name": "both", "scopes": ["read", "usage:write"] }),
    )
    .await
    .1;
    let project = format!("/v1/orgs/acme/projects/{site}");
    let writes: [(Method, String, Value); 8] = [
        (
            Method::PATCH,
            "/v1/orgs/acme".into(),
            json!({ "name": "Mine" }),
        ),
        (
            Method::POST,
            "/v1/orgs/acme/projects".into(),
            json!({ "name": "X" }),
        ),
        (Method::PATCH, project.clone(), json!({ "name": "Y" })),
        (Method::POST, format!("{project}/archive"), json!({})),
        (
            Method::DELETE,
            format!("{project}?confirm=site"),
            json!(null),
        ),
        (
            Method::POST,
            "/v1/orgs/acme/api-keys".into(),
            json!({ "name": "k", "scopes": ["read"] }),
        ),
        (
            Method::POST,
            "/v1/orgs/acme/credits/top-ups".into(),
            json!({ "amount": 5 }),
        ),
        (
            Method::POST,
            "/v1/orgs".into(),
            json!({ "name": "Via key" }),
        ),
    ];
    for secret in [&key, &both] {
        for (method, path, body) in &writes {
            let mut request = app.request(method.clone(), path, Some(secret));
            if !body.is_null() {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
        }
    }
    // Nothing changed.
    let org = read(&app, "/v1/orgs/acme", &owner).await;
    assert_eq!(org["org"]["name"], "Acme");
    assert_eq!(
        ids(&read(&app, "/v1/orgs/acme/projects", &owner).await).len(),
        2
    );
}

async fn a_key_reads_no_more_than_its_creator_may_now(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org, site, shop) = world(&app).await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "admin").await;
    let key = read_key(&app, &bo.token, "acme", None).await;
    read(&app, "/v1/orgs/acme/ledger", &key).await;
    assert_eq!(
        ids(&read(&app, "/v1/orgs/acme/projects", &key).await).len(),
        2
    );

    // Bo becomes a member limited to Site: no billing, one project.
    let path = format!("/v1/orgs/acme/members/{}", bo.user_id);
    let scope = json!({ "role": "member", "project_scope": { "kind": "projects", "ids": [site] } });
    expect_json(app.patch_json(&path, &owner, &scope).await, StatusCode::OK).await;
    for billing in [
        "/v1/orgs/acme/ledger",
        "/v1/orgs/acme/usage?group_by=user",
        "/v1/orgs/acme/billing",
    ] {
        let refused = expect_problem(
            app.get(billing, &key).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        let detail = refused["detail"].as_str().unwrap();
        assert!(detail.contains("its creator's role"), "{refused}");
    }
    assert_eq!(
        ids(&read(&app, "/v1/orgs/acme/projects", &key).await),
        std::slice::from_ref(&site)
    );
    expect_problem(
        app.get(&format!("/v1/orgs/acme/projects/{shop}"), &key)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let membership = read(&app, "/v1/orgs/acme", &key).await;
    assert_eq!(membership["capabilities"], json!(["view_org"]));

    // A key for Shop, made while Bo could reach it, now reaches no project.
    let admin = json!({ "role": "admin" });
    expect_json(app.patch_json(&path, &owner, &admin).await, StatusCode::OK).await;
    let shop_key = read_key(&app, &bo.token, "acme", Some(&shop)).await;
    expect_json(app.patch_json(&path, &owner, &scope).await, StatusCode::OK).await;
    assert_eq!(
        read(&app, "/v1/orgs/acme/projects", &shop_key).await["items"],
        json!([])
    );
}
