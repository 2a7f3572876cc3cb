//! The billing profile: everyone who sees billing reads it, owners and admins change it,
//! members and other tenants get nothing, bad fields are named, and a change is audited
//! by field name (not by content).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};
use crate::money::audit_actions;

on_both_backends!(
    owners_and_admins_keep_the_billing_profile,
    the_billing_profile_is_closed_to_members_and_other_tenants,
    bad_billing_profiles_name_each_field,
);

async fn put(app: &TestApp, token: &str, org: &str, body: &Value) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/v1/orgs/{org}/billing/profile"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .unwrap()
}

async fn owners_and_admins_keep_the_billing_profile(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let empty = expect_json(
        app.get("/v1/orgs/acme/billing/profile", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(empty["company_name"], Value::Null);
    let saved = expect_json(
        put(
            &app,
            &owner,
            "acme",
            &json!({
                "billing_email": " Billing@Acme.Example ",
                "company_name": "Acme GmbH",
                "address_line1": "Hauptstraße 1",
                "city": "Berlin",
                "postal_code": "10115",
                "country": "de",
                "tax_id": "DE123456789"
            }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved["billing_email"], "billing@acme.example");
    assert_eq!(saved["country"], "DE");
    let read = expect_json(
        app.get("/v1/orgs/acme/billing/profile", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read, saved);

    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let cleared = expect_json(
        put(
            &app,
            &admin.token,
            "acme",
            &json!({ "company_name": "Acme SE", "tax_id": "" }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["company_name"], "Acme SE");
    assert_eq!(cleared["tax_id"], Value::Null);
    assert_eq!(
        cleared["city"],
        Value::Null,
        "a field left out clears too (PUT)"
    );

    // Saving the same profile again audits nothing new.
    put(&app, &admin.token, "acme", &cleared).await;
    let actions = audit_actions(&app, &org).await;
    let updates = actions
        .iter()
        .filter(|a| *a == "billing.profile_updated")
        .count();
    assert_eq!(updates, 2, "{actions:?}");
    let (details,): (String,) = sqlx::query_as(
        "SELECT details FROM audit_events WHERE org_id = $1 AND action = 'billing.profile_updated' \
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        details.contains("company_name") && !details.contains("Acme SE"),
        "{details}"
    );
}

async fn the_billing_profile_is_closed_to_members_and_other_tenants(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    put(
        &app,
        &owner,
        "acme",
        &json!({ "company_name": "Acme GmbH" }),
    )
    .await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    expect_problem(
        app.get("/v1/orgs/acme/billing/profile", &member.token)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        put(
            &app,
            &member.token,
            "acme",
            &json!({ "company_name": "Mine" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let stranger = app.signup("eve@example.com").await;
    for path in ["acme", org.as_str()] {
        expect_problem(
            app.get(&format!("/v1/orgs/{path}/billing/profile"), &stranger.token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            put(
                &app,
                &stranger.token,
                path,
                &json!({ "company_name": "Eve Ltd" }),
            )
            .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    let read = expect_json(
        app.get("/v1/orgs/acme/billing/profile", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["company_name"], "Acme GmbH");
}

async fn bad_billing_profiles_name_each_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _org) = acme(&app).await;
    let problem = expect_problem(
        put(
            &app,
            &owner,
            "acme",
            &json!({
                "billing_email": "not-an-email",
                "country": "Germany",
                "company_name": "x".repeat(201),
                "tax_id": "DE\u{202e}1",
            }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["billing_email", "country", "company_name", "tax_id"] {
        assert!(fields.contains(&field), "{field} missing: {problem}");
    }
    // Wrong types and oversized bodies are refused before any field is read. Just over the
    // 64 KB limit, as the other routes' tests send: a body of megabytes races the server's
    // 413 and close, and the client sees a broken pipe instead of the answer.
    let wrong = put(&app, &owner, "acme", &json!({ "company_name": 42 })).await;
    expect_problem(wrong, StatusCode::BAD_REQUEST, "malformed_request").await;
    let huge = json!({ "company_name": "x".repeat(100_000) });
    let too_big = put(&app, &owner, "acme", &huge).await;
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let read = expect_json(
        app.get("/v1/orgs/acme/billing/profile", &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(read["company_name"], Value::Null, "nothing half-written");
}
