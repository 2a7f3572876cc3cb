//! An org's retention periods: owners and admins read and replace them inside the plan's
//! bounds (422 naming each field outside them), each change audited with the kinds that
//! changed; a downgrade clamps what applies without rewriting the setting, and the audit
//! log's reads follow what applies.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};

on_both_backends!(
    owners_and_admins_set_periods_within_the_plan,
    a_downgrade_clamps_and_the_audit_log_follows,
    a_burst_of_changes_leaves_one_consistent_row,
);

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn put_retention(
    app: &TestApp,
    org: &str,
    token: &str,
    body: &Value,
) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/v1/orgs/{org}/retention"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .unwrap()
}

pub fn periods(audit: u32, usage: u32, webhooks: u32, mail: u32, archived: u32) -> Value {
    json!({
        "audit_log": audit,
        "usage_events": usage,
        "webhook_deliveries": webhooks,
        "mail_copies": mail,
        "archived_projects": archived,
    })
}

/// The details of every `org.retention_updated` of `org`.
async fn updates(app: &TestApp, org: &str) -> Vec<Value> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT details FROM audit_events WHERE org_id = $1 AND action = 'org.retention_updated' \
         ORDER BY created_at, id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.iter()
        .map(|(d,)| serde_json::from_str(d).unwrap())
        .collect()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn owners_and_admins_set_periods_within_the_plan(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    let member = app.signup("member@example.com").await;
    let stranger = app.signup("stranger@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    app.add_member(&org, &member.user_id, "member").await;
    let path = format!("/v1/orgs/{org}/retention");

    // No setting yet: the team plan's defaults, with its bounds.
    let default = expect_json(app.get(&path, &admin.token).await, StatusCode::OK).await;
    assert_eq!(default["plan"], "team");
    assert_eq!(default["policy"], periods(365, 365, 30, 30, 365));
    let audit = &default["rules"][0];
    assert_eq!(audit["kind"], "audit_log");
    assert_eq!(audit["label"], "Audit log");
    assert_eq!(
        (audit["days"].as_u64(), audit["effective_days"].as_u64()),
        (Some(365), Some(365))
    );
    assert_eq!(
        audit["bounds"],
        json!({ "default_days": 365, "min_days": 7, "max_days": 365 })
    );
    assert_eq!(default["rules"].as_array().unwrap().len(), 5);

    // A change is audited with the kinds that changed, and only those.
    let changed = expect_json(
        put_retention(&app, &org, &owner, &periods(90, 365, 14, 30, 365)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["policy"], periods(90, 365, 14, 30, 365));
    assert_eq!(
        expect_json(app.get(&path, &owner).await, StatusCode::OK).await,
        changed
    );
    assert_eq!(
        updates(&app, &org).await,
        [json!({ "changes": {
            "audit_log": { "old": 365, "new": 90 },
            "webhook_deliveries": { "old": 30, "new": 14 },
        } })]
    );
    // The same periods again: nothing changed, no event.
    expect_json(
        put_retention(&app, &org, &admin.token, &periods(90, 365, 14, 30, 365)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updates(&app, &org).await.len(), 1);

    // Outside the plan's bounds: every such field named, nothing stored.
    let problem = expect_problem(
        put_retention(&app, &org, &owner, &periods(2555, 365, 0, 181, 365)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        ["audit_log", "webhook_deliveries", "mail_copies"]
    );
    assert_eq!(
        expect_json(app.get(&path, &owner).await, StatusCode::OK).await,
        changed
    );

    // Roles below admin, and other tenants.
    for (token, status, code) in [
        (&member.token, StatusCode::FORBIDDEN, "forbidden"),
        (&stranger.token, StatusCode::NOT_FOUND, "not_found"),
    ] {
        expect_problem(app.get(&path, token).await, status, code).await;
        expect_problem(
            put_retention(&app, &org, token, &periods(30, 30, 1, 1, 30)).await,
            status,
            code,
        )
        .await;
    }
    // The owner of another org cannot reach this one by its id either.
    let other = app.new_org(&stranger.token, "Other").await;
    let other_id = other["org"]["id"].as_str().unwrap();
    expect_json(
        app.get(&format!("/v1/orgs/{other_id}/retention"), &stranger.token)
            .await,
        StatusCode::OK,
    )
    .await;

    // Malformed bodies: wrong types, unknown or missing fields, negative numbers, not JSON.
    let mut unknown = periods(30, 30, 1, 1, 30);
    unknown["forever"] = json!(true);
    let mut missing = periods(30, 30, 1, 1, 30);
    missing.as_object_mut().unwrap().remove("mail_copies");
    let mut negative = periods(30, 30, 1, 1, 30);
    negative["audit_log"] = json!(-1);
    let mut text = periods(30, 30, 1, 1, 30);
    text["audit_log"] = json!("30");
    for body in [unknown, missing, negative, text, json!([]), json!(null)] {
        let status = put_retention(&app, &org, &owner, &body).await.status();
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {status}"
        );
    }
    let not_json = app
        .request(Method::PUT, &path, Some(&owner))
        .header("content-type", "application/json")
        .body("{\"audit_log\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        expect_json(app.get(&path, &owner).await, StatusCode::OK).await,
        changed
    );
    // Oversized (last: the server closes the connection after answering).
    let huge = app
        .request(Method::PUT, &path, Some(&owner))
        .header("content-type", "application/json")
        .body(format!("{{\"pad\": \"{}\"}}", "x".repeat(200_000)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let (audit_log,): (i64,) =
        sqlx::query_as("SELECT audit_log FROM org_retention WHERE org_id = $1")
            .bind(&org)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audit_log, 90);
}

async fn a_downgrade_clamps_and_the_audit_log_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let path = format!("/v1/orgs/{org}/retention");
    // Free refuses what only Business allows.
    app.set_plan(&org, "free").await;
    let problem = expect_problem(
        put_retention(&app, &org, &owner, &periods(365, 90, 30, 30, 90)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), ["audit_log"]);
    app.set_plan(&org, "business").await;
    expect_json(
        put_retention(&app, &org, &owner, &periods(2000, 2000, 365, 365, 2000)).await,
        StatusCode::OK,
    )
    .await;

    // Two events, 20 and 60 days old.
    let now = chrono::Utc::now().timestamp_millis();
    for (action, age) in [("project.created", 20), ("project.updated", 60)] {
        sqlx::query(
            "INSERT INTO audit_events (id, org_id, actor_kind, action, target_type, target_id, \
             details, created_at) VALUES ($1, $2, 'system', $3, 'project', 'p', '{}', $4)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(&org)
        .bind(action)
        .bind(now - age * DAY_MS)
        .execute(&app.db)
        .await
        .unwrap();
    }
    let seen = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    let log = format!("/v1/orgs/{org}/audit-log?limit=200");
    let all = expect_json(app.get(&log, &owner).await, StatusCode::OK).await;
    assert!(seen(&all).contains(&"project.updated".to_owned()));

    // Down to free: the setting stays, what applies is the free plan's ceiling.
    app.set_plan(&org, "free").await;
    let settings = expect_json(app.get(&path, &owner).await, StatusCode::OK).await;
    assert_eq!(settings["policy"], periods(2000, 2000, 365, 365, 2000));
    let effective: Vec<u64> = settings["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["effective_days"].as_u64().unwrap())
        .collect();
    assert_eq!(effective, [30, 90, 30, 30, 90]);
    let free = expect_json(app.get(&log, &owner).await, StatusCode::OK).await;
    assert!(seen(&free).contains(&"project.created".to_owned()));
    assert!(!seen(&free).contains(&"project.updated".to_owned()));

    // An org's own shorter period hides more than its plan would.
    app.set_plan(&org, "team").await;
    expect_json(
        put_retention(&app, &org, &owner, &periods(7, 365, 30, 30, 365)).await,
        StatusCode::OK,
    )
    .await;
    let short = expect_json(app.get(&log, &owner).await, StatusCode::OK).await;
    assert!(!seen(&short).contains(&"project.created".to_owned()));
    assert!(seen(&short).contains(&"org.retention_updated".to_owned()));
}

async fn a_burst_of_changes_leaves_one_consistent_row(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let sent: Vec<u32> = (10..22).collect();
    let answers = futures::future::join_all(sent.iter().map(|&days| {
        let (app, org, owner) = (&app, &org, &owner);
        async move {
            put_retention(app, org, owner, &periods(days, 365, 30, 30, 365))
                .await
                .status()
        }
    }))
    .await;
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT audit_log FROM org_retention WHERE org_id = $1")
        .bind(&org)
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored = u32::try_from(rows[0].0).unwrap();
    assert!(sent.contains(&stored));
    let settings = expect_json(
        app.get(&format!("/v1/orgs/{org}/retention"), &owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(settings["policy"]["audit_log"], stored);
    // Every change was audited against the one before it: the olds are the default and
    // every new but the last.
    let events = updates(&app, &org).await;
    assert_eq!(events.len(), sent.len());
    let mut olds: Vec<u64> = events
        .iter()
        .map(|e| e["changes"]["audit_log"]["old"].as_u64().unwrap())
        .collect();
    let mut news: Vec<u64> = events
        .iter()
        .map(|e| e["changes"]["audit_log"]["new"].as_u64().unwrap())
        .collect();
    olds.push(u64::from(stored));
    news.push(365);
    olds.sort_unstable();
    news.sort_unstable();
    assert_eq!(olds, news);
}
