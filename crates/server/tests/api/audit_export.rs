//! The streamed audit-log exports: CSV (properly quoted) and a JSON array, larger than
//! one page of the stream.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(exports_stream_csv_and_json,);

async fn exports_stream_csv_and_json(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app
        .signup_named("ana@example.com", "Ana, \"the\" Owner")
        .await;
    app.new_org(&ana.token, "Acme").await;
    // More events than one page of the stream.
    for n in 0..3 {
        app.new_project(&ana.token, "acme", &format!("P{n}")).await;
    }
    let org_id: (String,) = sqlx::query_as("SELECT id FROM orgs WHERE slug = 'acme'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (actor,): (String,) = sqlx::query_as("SELECT actor_id FROM audit_events LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for n in 0..1200_i64 {
        sqlx::query(
            "INSERT INTO audit_events (id, org_id, actor_id, action, target_type, target_id, details, created_at) \
             VALUES ($1, $2, $3, 'project.updated', 'project', $4, '{\"n\":1}', $5)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&org_id.0)
        .bind(&actor)
        .bind(format!("t,{n}"))
        .bind(now - 60_000 - n)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let csv = app
        .get("/v1/orgs/acme/audit-log/export?format=csv", &ana.token)
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers()["content-disposition"],
        format!("attachment; filename=\"acme-audit-{today}.csv\"").as_str()
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,created_at,actor_id,actor_email,actor_name,action"));
    assert_eq!(lines.len(), 1 + 1 + 3 + 1200);
    assert!(
        lines[1].contains(",\"Ana, \"\"the\"\" Owner\",project.created,"),
        "{}",
        lines[1]
    );
    assert!(text.contains(",\"t,0\","));
    assert!(text.contains("\"{\"\"n\"\":1}\""));

    let json = app
        .get(
            "/v1/orgs/acme/audit-log/export?format=json&action=project.updated",
            &ana.token,
        )
        .await;
    assert_eq!(json.headers()["content-type"], "application/json");
    assert!(json.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .ends_with(".json\""));
    let items: Vec<Value> = json.json().await.unwrap();
    assert_eq!(items.len(), 1200);
    assert_eq!(items[0]["target_id"], "t,0");
    assert_eq!(items[1199]["target_id"], "t,1199");
    let empty = app
        .get(
            "/v1/orgs/acme/audit-log/export?format=json&action=api_key.revoked",
            &ana.token,
        )
        .await;
    assert_eq!(empty.json::<Value>().await.unwrap(), json!([]));
    // Only the catalogue's actions are filters.
    let unknown = app
        .get(
            "/v1/orgs/acme/audit-log/export?format=json&action=nothing",
            &ana.token,
        )
        .await;
    expect_problem(unknown, StatusCode::BAD_REQUEST, "malformed_request").await;
    let bad = app
        .get("/v1/orgs/acme/audit-log/export?format=xml", &ana.token)
        .await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
}
