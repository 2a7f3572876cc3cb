//! "Require SSO": a member of an org that requires its SSO, whose email is in one of the
//! org's verified domains, reaches it only with a session its SSO started; the owner
//! keeps a password way in; other domains, other orgs, API keys and non-members are not
//! affected; and every route under `/v1/orgs/{org}` of the OpenAPI document is covered.
//! The sessions an SSO sign-in starts are set up here by naming the org in
//! `sessions.sso_org_id` (the sign-in flow itself is tested with a real provider
//! elsewhere).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::new_key;

on_both_backends!(
    password_sessions_are_refused_where_sso_is_required,
    every_org_route_is_covered,
);

/// Acme (owner ana@acme.com) with bob@acme.com (member), carol@acme.com (admin) and
/// dave@contractor.dev (member); acme.com verified.
struct Acme {
    org: String,
    ana: String,
    bob: String,
    bob_id: String,
    carol: String,
    dave: String,
}

async fn acme(app: &TestApp) -> Acme {
    let ana = app.signup_named("ana@acme.com", "Ana").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    app.set_plan(&org, "team").await;
    let bob = app.signup("bob@acme.com").await;
    app.add_member(&org, &bob.user_id, "member").await;
    let carol = app.signup("Carol@Acme.com").await;
    app.add_member(&org, &carol.user_id, "admin").await;
    let dave = app.signup("dave@contractor.dev").await;
    app.add_member(&org, &dave.user_id, "member").await;
    sqlx::query(
        "INSERT INTO org_domains (org_id, domain, token, verified_at, checked_at, created_at) \
         VALUES ($1, 'acme.com', 't', 1, 1, 1)",
    )
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sso_connections (org_id, issuer, client_id, client_secret_sealed, \
         discovery, allowed_domains, default_role, default_project_scope, require_sso, \
         create_members, created_at, updated_at) \
         VALUES ($1, 'http://127.0.0.1:1', 'c', 's', '{}', '[]', 'member', 'null', 0, 0, 0, 0)",
    )
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    Acme {
        org,
        ana: ana.token,
        bob: bob.token,
        bob_id: bob.user_id,
        carol: carol.token,
        dave: dave.token,
    }
}

async fn require_sso(app: &TestApp, org: &str, on: bool) {
    sqlx::query("UPDATE sso_connections SET require_sso = $1 WHERE org_id = $2")
        .bind(i64::from(on))
        .bind(org)
        .execute(&app.db)
        .await
        .unwrap();
}

/// Marks every session of `user` as started by `org`'s SSO (or by none).
async fn sso_sessions(app: &TestApp, user: &str, org: Option<&str>) {
    sqlx::query("UPDATE sessions SET sso_org_id = $1 WHERE user_id = $2")
        .bind(org)
        .bind(user)
        .execute(&app.db)
        .await
        .unwrap();
}

async fn password_sessions_are_refused_where_sso_is_required(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = acme(&app).await;
    // Bob's other org, and a stranger from acme.com.
    let eve = app.signup("eve@example.com").await;
    let beta = app.new_org(&eve.token, "Beta").await;
    let beta_id = beta["org"]["id"].as_str().unwrap().to_owned();
    app.add_member(&beta_id, &acme.bob_id, "member").await;
    let zed = app.signup("zed@acme.com").await;
    // Carol's read key, made before the org required SSO.
    let (_, carol_key) = new_key(
        &app,
        &acme.carol,
        "acme",
        json!({ "name": "reader", "scopes": ["read"] }),
    )
    .await;

    // Off: everyone as before.
    expect_json(app.get("/v1/orgs/acme", &acme.bob).await, StatusCode::OK).await;
    require_sso(&app, &acme.org, true).await;

    for token in [&acme.bob, &acme.carol] {
        for path in [
            "/v1/orgs/acme",
            "/v1/orgs/acme/projects",
            "/v1/orgs/acme/members",
        ] {
            let refused = expect_problem(
                app.get(path, token).await,
                StatusCode::FORBIDDEN,
                "sso_required",
            )
            .await;
            assert!(refused["detail"]
                .as_str()
                .unwrap()
                .contains("single sign-on"));
        }
        let by_id = format!("/v1/orgs/{}/overview", acme.org);
        expect_problem(
            app.get(&by_id, token).await,
            StatusCode::FORBIDDEN,
            "sso_required",
        )
        .await;
    }
    // A change is refused before its idempotency key is claimed.
    let change = app
        .request(Method::POST, "/v1/orgs/acme/projects", Some(&acme.carol))
        .header("idempotency-key", "sso-key-1")
        .json(&json!({ "name": "Site" }))
        .send()
        .await
        .unwrap();
    expect_problem(change, StatusCode::FORBIDDEN, "sso_required").await;
    // The org still shows in their list, and their other contexts work.
    let listed = expect_json(app.get("/v1/orgs", &acme.bob).await, StatusCode::OK).await;
    assert_eq!(required_in_list(&listed, &acme.org), Some(true), "{listed}");
    assert_eq!(required_in_list(&listed, &beta_id), Some(false), "{listed}");
    for token in [&acme.ana, &acme.dave] {
        let listed = expect_json(app.get("/v1/orgs", token).await, StatusCode::OK).await;
        assert_eq!(
            required_in_list(&listed, &acme.org),
            Some(false),
            "{listed}"
        );
    }
    expect_json(
        app.get(&format!("/v1/orgs/{beta_id}"), &acme.bob).await,
        StatusCode::OK,
    )
    .await;
    expect_json(app.get("/v1/me", &acme.bob).await, StatusCode::OK).await;
    // The owner (break glass), a contractor's own address, a key: not affected.
    expect_json(
        app.get("/v1/orgs/acme/projects", &acme.ana).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.get("/v1/orgs/acme/projects", &acme.dave).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.get("/v1/orgs/acme/projects", &carol_key).await,
        StatusCode::OK,
    )
    .await;
    // A non-member from the domain learns nothing.
    expect_problem(
        app.get("/v1/orgs/acme", &zed.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Unknown and missing tokens are still 401.
    expect_problem(
        app.get("/v1/orgs/acme", "ods_nope").await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // A session started by Acme's SSO reaches Acme; one started by another org's does not.
    sso_sessions(&app, &acme.bob_id, Some(beta_id.as_str())).await;
    expect_problem(
        app.get("/v1/orgs/acme", &acme.bob).await,
        StatusCode::FORBIDDEN,
        "sso_required",
    )
    .await;
    sso_sessions(&app, &acme.bob_id, Some(acme.org.as_str())).await;
    let seen = expect_json(app.get("/v1/orgs/acme", &acme.bob).await, StatusCode::OK).await;
    assert_eq!(seen["sso_required"], false, "{seen}");
    // The list marks only what refuses this session: not Acme, whose SSO started it.
    let list = expect_json(app.get("/v1/orgs", &acme.bob).await, StatusCode::OK).await;
    assert_eq!(required_in_list(&list, &acme.org), Some(false), "{list}");
    expect_json(
        app.get(&format!("/v1/orgs/{beta_id}"), &acme.bob).await,
        StatusCode::OK,
    )
    .await;
    sso_sessions(&app, &acme.bob_id, None).await;

    // Carol's idempotency key was never claimed: once she signs in by SSO it runs.
    let carol_id: (String,) =
        sqlx::query_as("SELECT id FROM users WHERE LOWER(email) = 'carol@acme.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    sso_sessions(&app, &carol_id.0, Some(acme.org.as_str())).await;
    let change = app
        .request(Method::POST, "/v1/orgs/acme/projects", Some(&acme.carol))
        .header("idempotency-key", "sso-key-1")
        .json(&json!({ "name": "Site" }))
        .send()
        .await
        .unwrap();
    expect_json(change, StatusCode::CREATED).await;

    // Only verified domains count.
    sqlx::query("UPDATE org_domains SET verified_at = NULL WHERE org_id = $1")
        .bind(&acme.org)
        .execute(&app.db)
        .await
        .unwrap();
    expect_json(app.get("/v1/orgs/acme", &acme.bob).await, StatusCode::OK).await;
    sqlx::query("UPDATE org_domains SET verified_at = 1 WHERE org_id = $1")
        .bind(&acme.org)
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        app.get("/v1/orgs/acme", &acme.bob).await,
        StatusCode::FORBIDDEN,
        "sso_required",
    )
    .await;
    // A session gone idle is 401 there, as anywhere: the guard reads the session with
    // its own question, and leaves a dead one to the route.
    sqlx::query("UPDATE sessions SET last_seen_at = 0 WHERE user_id = $1")
        .bind(&acme.bob_id)
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        app.get("/v1/orgs/acme", &acme.bob).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let (seen,): (i64,) = sqlx::query_as("SELECT MAX(last_seen_at) FROM sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = $2")
        .bind(seen)
        .bind(&acme.bob_id)
        .execute(&app.db)
        .await
        .unwrap();
    // Off again: back to passwords.
    require_sso(&app, &acme.org, false).await;
    expect_json(app.get("/v1/orgs/acme", &acme.bob).await, StatusCode::OK).await;
}

/// The problem code of an answer's body (empty when it is not a problem).
fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The `sso_required` of `org` in a page of `GET /v1/orgs`.
fn required_in_list(page: &Value, org: &str) -> Option<bool> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["org"]["id"] == org)
        .and_then(|m| m["sso_required"].as_bool())
}

/// Every route under `/v1/orgs/{org}` in the document, with its other segments filled.
fn org_operations(doc: &Value, org: &str) -> Vec<(String, String, bool)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !(path == "/v1/orgs/{org}" || path.starts_with("/v1/orgs/{org}/")) {
            continue;
        }
        let url = path
            .split('/')
            .map(|segment| match segment {
                "{org}" => org.to_owned(),
                s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        for (method, op) in item.as_object().unwrap() {
            let json_body = op["requestBody"]["content"]
                .get("application/json")
                .is_some();
            ops.push((method.to_uppercase(), url.clone(), json_body));
        }
    }
    ops
}

async fn every_org_route_is_covered(backend: Backend) {
    let app = spawn_app(backend).await;
    let acme = acme(&app).await;
    require_sso(&app, &acme.org, true).await;
    let doc = expect_json(
        app.request(Method::GET, "/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let ops = org_operations(&doc, "acme");
    assert!(ops.len() > 60, "{}", ops.len());
    assert!(ops
        .iter()
        .any(|(m, u, _)| m == "GET" && u == "/v1/orgs/acme"));
    let mut failures = Vec::new();
    for (method, url, json_body) in &ops {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        // Every method as Bob, who must come by SSO: refused before anything runs.
        let mut request = app.request(method.clone(), url, Some(&acme.bob));
        if *json_body {
            request = request.json(&json!({}));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        if status != StatusCode::FORBIDDEN || code(&body) != "sso_required" {
            failures.push(format!("{method} {url} as a member: {status} {body}"));
        }
        // Reads as the owner and as the contractor: never `sso_required`.
        if method == Method::GET {
            for token in [&acme.ana, &acme.dave] {
                let response = app.get(url, token).await;
                let status = response.status();
                let body = response.text().await.unwrap();
                if code(&body) == "sso_required" {
                    failures.push(format!(
                        "GET {url}: {status} sso_required for an exempt caller"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
