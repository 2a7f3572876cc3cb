//! Health, fallbacks, problem documents and the OpenAPI document against the router.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    health_and_fallbacks,
    openapi_document_matches_the_router,
    internal_errors_reveal_nothing,
    demo_seed_is_idempotent,
);

/// The routes of SPEC "HTTP API (v1)" this server implements so far.
const IMPLEMENTED: [(&str, &str); 39] = [
    ("POST", "/v1/auth/signup"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/logout"),
    ("GET", "/v1/me"),
    ("GET", "/v1/orgs"),
    ("POST", "/v1/orgs"),
    ("GET", "/v1/orgs/{org}"),
    ("PATCH", "/v1/orgs/{org}"),
    ("DELETE", "/v1/orgs/{org}"),
    ("PUT", "/v1/orgs/{org}/logo"),
    ("GET", "/v1/orgs/{org}/logo"),
    ("DELETE", "/v1/orgs/{org}/logo"),
    ("GET", "/v1/orgs/{org}/overview"),
    ("GET", "/v1/orgs/{org}/projects"),
    ("POST", "/v1/orgs/{org}/projects"),
    ("GET", "/v1/orgs/{org}/projects/{project}"),
    ("PATCH", "/v1/orgs/{org}/projects/{project}"),
    ("DELETE", "/v1/orgs/{org}/projects/{project}"),
    ("POST", "/v1/orgs/{org}/projects/{project}/suspend"),
    ("POST", "/v1/orgs/{org}/projects/{project}/unsuspend"),
    ("POST", "/v1/orgs/{org}/projects/{project}/archive"),
    ("POST", "/v1/orgs/{org}/projects/{project}/restore"),
    ("GET", "/v1/orgs/{org}/members"),
    ("PATCH", "/v1/orgs/{org}/members/{user_id}"),
    ("DELETE", "/v1/orgs/{org}/members/{user_id}"),
    ("POST", "/v1/orgs/{org}/leave"),
    ("POST", "/v1/orgs/{org}/transfer-ownership"),
    ("GET", "/v1/orgs/{org}/invitations"),
    ("POST", "/v1/orgs/{org}/invitations"),
    ("DELETE", "/v1/orgs/{org}/invitations/{id}"),
    ("POST", "/v1/orgs/{org}/invitations/{id}/resend"),
    ("GET", "/v1/me/invitations"),
    ("GET", "/v1/invitations/{token}"),
    ("POST", "/v1/invitations/{token}/accept"),
    ("POST", "/v1/invitations/{token}/decline"),
    ("GET", "/v1/orgs/{org}/audit-log"),
    ("GET", "/v1/orgs/{org}/audit-log/export"),
    ("GET", "/v1/health"),
    ("GET", "/v1/openapi.json"),
];

async fn health_and_fallbacks(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app
        .request(Method::GET, "/v1/health", None)
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_json(health, StatusCode::OK).await,
        json!({ "status": "ok" })
    );

    let response = app
        .request(Method::GET, "/v1/no-such-route", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-orgdesk-fallback"], "route");
    expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .request(Method::DELETE, "/v1/health", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["x-orgdesk-fallback"], "route");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );

    // A real route's "not found" carries no fallback mark.
    let ana = app.signup("ana@example.com").await;
    let response = app.get("/v1/orgs/nothing-here", &ana.token).await;
    assert!(response.headers().get("x-orgdesk-fallback").is_none());
    expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

async fn openapi_document_matches_the_router(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .request(Method::GET, "/v1/openapi.json", None)
        .send()
        .await
        .unwrap();
    let doc = expect_json(response, StatusCode::OK).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["components"]["securitySchemes"]["session"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{method} {path} {status} has no problem body"
                    );
                }
            }
            if path.contains("{org}") {
                let params = op["parameters"].as_array().expect("parameters");
                assert!(
                    params
                        .iter()
                        .any(|p| p["name"] == "org" && p["in"] == "path"),
                    "{method} {path}"
                );
            }
        }
    }
    for (method, path) in IMPLEMENTED {
        assert!(
            documented.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} is not documented"
        );
    }

    // Every documented operation is served: none falls through to the router's fallback.
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    for (method, path) in &documented {
        let concrete = path.replace("{org}", "acme");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let response = app
            .request(method.clone(), &concrete, Some(&ana.token))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().get("x-orgdesk-fallback").is_none(),
            "{method} {path} is documented but not routed ({})",
            response.status()
        );
    }
}

async fn internal_errors_reveal_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    sqlx::query("DROP TABLE org_logos")
        .execute(&app.db)
        .await
        .unwrap();
    let response = app.get("/v1/orgs", &ana.token).await;
    let problem = expect_problem(response, StatusCode::INTERNAL_SERVER_ERROR, "internal").await;
    let text = problem.to_string();
    assert!(
        !text.contains("org_logos") && !text.to_lowercase().contains("sql"),
        "{text}"
    );
}

async fn demo_seed_is_idempotent(backend: Backend) {
    let mut app = spawn_app(backend).await;
    app.restart(true).await;
    let grant = expect_json(
        app.login(
            orgdesk_server::demo::DEMO_EMAIL,
            orgdesk_server::demo::DEMO_PASSWORD,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let token = grant["token"].as_str().unwrap().to_owned();
    let first = expect_json(app.get("/v1/orgs", &token).await, StatusCode::OK).await;
    let items = first["items"].as_array().unwrap();
    assert!(items.len() >= 8, "{first}");
    assert!(items
        .iter()
        .skip(1)
        .all(|m| m["org"]["description"].is_string()));
    // An agency: owner of its own clients' orgs, admin or member where a client owns it.
    let role_of = |slug: &str| {
        items
            .iter()
            .find(|m| m["org"]["slug"] == slug)
            .map(|m| m["role"].clone())
    };
    assert_eq!(role_of("cafe-zurich"), Some("owner".into()));
    assert_eq!(role_of("alder-finch"), Some("admin".into()));
    assert_eq!(role_of("solstice-health"), Some("member".into()));
    let members = expect_json(
        app.get("/v1/orgs/cafe-zurich/members", &token).await,
        StatusCode::OK,
    )
    .await;
    let roles: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert!(
        roles.contains(&"admin") && roles.contains(&"member"),
        "{members}"
    );
    let waiting = expect_json(
        app.get("/v1/orgs/kestrel-robotics/invitations", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        !waiting["items"].as_array().unwrap().is_empty(),
        "{waiting}"
    );
    let archived = expect_json(
        app.get("/v1/orgs/alder-finch/projects?status=archived", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(archived["items"].as_array().unwrap().len(), 1, "{archived}");

    let entries = demo_ledger_is_realistic(&app, &token).await;

    app.restart(true).await;
    let again = expect_json(app.get("/v1/orgs", &token).await, StatusCode::OK).await;
    assert_eq!(again["items"], first["items"]);
    assert_eq!(demo_ledger_is_realistic(&app, &token).await, entries);
}

/// Every client org has keys, ~four months of top-ups and usage over several projects,
/// people and modalities, consistent balances, and Café Zürich shows a low-balance alert.
/// Returns the number of ledger entries.
async fn demo_ledger_is_realistic(app: &crate::harness::TestApp, token: &str) -> i64 {
    let mut total = 0;
    for slug in ["northwind-studio", "cafe-zurich", "kestrel-robotics"] {
        let billing = expect_json(
            app.get(&format!("/v1/orgs/{slug}/billing"), token).await,
            StatusCode::OK,
        )
        .await;
        let org = billing["org_id"].as_str().unwrap().to_owned();
        crate::money::assert_ledger_consistent(app, &org).await;
        assert!(billing["low_balance_threshold"].is_i64(), "{billing}");
        let invoices = expect_json(
            app.get(&format!("/v1/orgs/{slug}/invoices"), token).await,
            StatusCode::OK,
        )
        .await;
        assert!(
            invoices["items"].as_array().unwrap().len() >= 2,
            "{invoices}"
        );
        let keys = expect_json(
            app.get(&format!("/v1/orgs/{slug}/api-keys"), token).await,
            StatusCode::OK,
        )
        .await;
        assert!(keys["items"].as_array().unwrap().len() >= 3, "{keys}");
        let from = (chrono::Utc::now() - chrono::Duration::days(70)).format("%Y-%m-%dT00:00:00Z");
        let report = expect_json(
            app.get(
                &format!("/v1/orgs/{slug}/usage?group_by=project&from={from}"),
                token,
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert!(report["rows"].as_array().unwrap().len() >= 2, "{report}");
        let (entries, modalities, kinds): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT modality), COUNT(DISTINCT kind) FROM ledger_entries WHERE org_id = $1",
        )
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert!(
            entries > 100 && modalities == 4 && kinds == 2,
            "{entries} {modalities} {kinds}"
        );
        if slug == "cafe-zurich" {
            assert!(billing["low_balance_alert"].is_object(), "{billing}");
        }
        if slug == "northwind-studio" {
            let people = expect_json(
                app.get(
                    &format!("/v1/orgs/{slug}/usage?group_by=user&from={from}"),
                    token,
                )
                .await,
                StatusCode::OK,
            )
            .await;
            assert!(people["rows"].as_array().unwrap().len() >= 4, "{people}");
        }
        total += entries;
    }
    total
}
