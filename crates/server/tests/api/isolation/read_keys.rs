//! The matrix's rows for API keys that read: every operation the document opens to
//! `api_key` (other than metering, [`super::keys`]) × {org-wide read key, read key limited
//! to the tenant's first project, usage-only key, the other tenant's read key, revoked key,
//! expired key} × {own org, foreign org}. An operation that lists the key without a row
//! fails, as does a row for one that does not. Every other secured operation answers every
//! live key 401. No answer to a key carries an email address, a secret, or the other
//! tenant's names.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, Backend, TestApp};
use crate::money::{new_key, text, top_up, usage};

/// Callers, in the order of the status columns.
const CALLERS: [&str; 6] = [
    "org-wide key",
    "project key",
    "usage-only key",
    "foreign key",
    "revoked key",
    "expired key",
];

struct Tenant {
    name: &'static str,
    org: String,
    /// The project the project key is limited to, and another.
    first: String,
    second: String,
    owner: String,
    /// In [`CALLERS`] order; the foreign key is filled in from the other tenant.
    keys: Vec<String>,
}

async fn tenant(app: &TestApp, email: &str, name: &'static str) -> Tenant {
    let owner = app.signup(email).await;
    let org = app.new_org(&owner.token, name).await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    let first = app
        .new_project(&owner.token, &org, &format!("{name} First"))
        .await;
    let second = app
        .new_project(&owner.token, &org, &format!("{name} Second"))
        .await;
    let (first, second) = (
        first["id"].as_str().unwrap().to_owned(),
        second["id"].as_str().unwrap().to_owned(),
    );
    top_up(app, &owner.token, &org, 1_000).await;
    let mut keys = Vec::new();
    for body in [
        json!({ "name": "wide", "scopes": ["read"] }),
        json!({ "name": "project", "scopes": ["read"], "project_id": first }),
        json!({ "name": "meter", "scopes": ["usage:write"] }),
    ] {
        keys.push(new_key(app, &owner.token, &org, body).await.1);
    }
    for (n, project) in [&first, &second].into_iter().enumerate() {
        let used = usage(app, &keys[2], &format!("{name}-{n}"), &text(project, 1)).await;
        assert_eq!(used.status(), StatusCode::CREATED);
    }
    keys.push(String::new());
    let read = json!({ "name": "dead", "scopes": ["read"] });
    let (revoked_id, revoked) = new_key(app, &owner.token, &org, read.clone()).await;
    app.delete(
        &format!("/v1/orgs/{org}/api-keys/{revoked_id}"),
        &owner.token,
    )
    .await;
    let (expired_id, expired) = new_key(app, &owner.token, &org, read).await;
    sqlx::query("UPDATE api_keys SET expires_at = 1 WHERE id = $1")
        .bind(&expired_id)
        .execute(&app.db)
        .await
        .unwrap();
    keys.extend([revoked, expired]);
    Tenant {
        name,
        org,
        first,
        second,
        owner: owner.token,
        keys,
    }
}

/// (path with `{org}` and `{project}`, `{project}` as the second project, statuses on the
/// own org, on the foreign org).
type Row = (&'static str, bool, &'static str, &'static str);

const EVERY_READ: &str = "200 200 403 404 401 401";
const ON_FOREIGN: &str = "404 404 403 200 401 401";

fn rows() -> Vec<Row> {
    vec![
        ("/v1/orgs/{org}", false, EVERY_READ, ON_FOREIGN),
        ("/v1/orgs/{org}/overview", false, EVERY_READ, ON_FOREIGN),
        ("/v1/orgs/{org}/projects", false, EVERY_READ, ON_FOREIGN),
        (
            "/v1/orgs/{org}/projects/{project}",
            false,
            EVERY_READ,
            ON_FOREIGN,
        ),
        (
            "/v1/orgs/{org}/projects/{project}",
            true,
            "200 404 403 404 401 401",
            ON_FOREIGN,
        ),
        ("/v1/orgs/{org}/members", false, EVERY_READ, ON_FOREIGN),
        ("/v1/orgs/{org}/ledger", false, EVERY_READ, ON_FOREIGN),
        ("/v1/orgs/{org}/usage", false, EVERY_READ, ON_FOREIGN),
        (
            "/v1/orgs/{org}/reports/usage.csv",
            false,
            EVERY_READ,
            ON_FOREIGN,
        ),
        (
            "/v1/orgs/{org}/billing",
            false,
            "200 403 403 404 401 401",
            ON_FOREIGN,
        ),
    ]
}

/// The query a path needs to be answered at all.
fn query(path: &str) -> &'static str {
    match path {
        "/v1/orgs/{org}/usage" | "/v1/orgs/{org}/reports/usage.csv" => "?group_by=project",
        _ => "",
    }
}

/// (method, path) pairs.
type Operations = BTreeSet<(String, String)>;

/// Operations of the document, split by whether they list the `api_key` scheme; each
/// as (method, path), secured ones only.
fn operations(doc: &Value) -> (Operations, Operations) {
    let (mut keyed, mut session) = (BTreeSet::new(), BTreeSet::new());
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let schemes: Vec<&str> = op["security"]
                .as_array()
                .map(|s| {
                    s.iter()
                        .flat_map(|r| r.as_object().unwrap().keys())
                        .map(String::as_str)
                        .collect()
                })
                .unwrap_or_default();
            let entry = (method.to_uppercase(), path.clone());
            if schemes.contains(&"api_key") {
                keyed.insert(entry);
            } else if !schemes.is_empty() {
                session.insert(entry);
            }
        }
    }
    (keyed, session)
}

pub async fn read_keys_read_their_own_tenant_only(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let doc = expect_json(
        app.request(Method::GET, "/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let (keyed, _) = operations(&doc);
    let covered: BTreeSet<(String, String)> = rows()
        .iter()
        .map(|(path, ..)| ("GET".to_owned(), (*path).to_owned()))
        .chain([("POST".to_owned(), "/v1/usage".to_owned())])
        .collect();
    assert_eq!(keyed, covered, "operations open to API keys vs rows");

    let mut own = tenant(&app, "own@example.com", "Own").await;
    let mut foreign = tenant(&app, "foreign@example.com", "Zyx Foreign").await;
    own.keys[3] = foreign.keys[0].clone();
    foreign.keys[3] = own.keys[0].clone();
    let mut failures = Vec::new();
    for (path, second, on_own, on_foreign) in rows() {
        for (tenant, expected) in [(&own, on_own), (&foreign, on_foreign)] {
            let project = if second {
                &tenant.second
            } else {
                &tenant.first
            };
            let url = format!("{path}{}", query(path))
                .replace("{org}", &tenant.org)
                .replace("{project}", project);
            // The keys are always the own tenant's (the foreign key: the other's).
            let keys = &own.keys;
            for (n, want) in expected.split(' ').enumerate() {
                let response = app.get(&url, &keys[n]).await;
                let status = response.status().as_u16().to_string();
                let body = response.text().await.unwrap();
                let side = if tenant.name == own.name {
                    "own"
                } else {
                    "foreign"
                };
                if status != want {
                    failures.push(format!(
                        "GET {path} as {} on {side} org: {status}, expected {want}: {}",
                        CALLERS[n],
                        body.chars().take(160).collect::<String>()
                    ));
                }
                // A key reads its own tenant: names of the tenant it does not belong to
                // never appear.
                let stranger = if n == 3 { &own } else { &foreign };
                let secret = own
                    .keys
                    .iter()
                    .chain(&foreign.keys)
                    .any(|k| body.contains(k.as_str()));
                if body.contains(stranger.name) || body.contains('@') || secret {
                    failures.push(format!(
                        "GET {path} as {} on {side} org leaked: {body}",
                        CALLERS[n]
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Nothing a key did moved a balance: 1,000 less the two usage calls each.
    for tenant in [&own, &foreign] {
        let summary = expect_json(
            app.get(&format!("/v1/orgs/{}/billing", tenant.org), &tenant.owner)
                .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(summary["balance"], 996, "{}", tenant.name);
    }
}

pub async fn keys_reach_no_session_route(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let doc = expect_json(
        app.request(Method::GET, "/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let (_, session) = operations(&doc);
    assert!(session.len() > 40, "{session:?}");
    let own = tenant(&app, "own@example.com", "Own").await;
    let both = new_key(
        &app,
        &own.owner,
        &own.org,
        json!({ "name": "both", "scopes": ["read", "usage:write"] }),
    )
    .await
    .1;
    let mut failures = Vec::new();
    for (method, path) in &session {
        let url: String = path
            .split('/')
            .map(|segment| match segment {
                "{org}" => own.org.clone(),
                "{project}" => own.first.clone(),
                s if s.starts_with('{') => uuid::Uuid::now_v7().to_string(),
                s => s.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/");
        let op = &doc["paths"][path][method.to_lowercase()];
        let json_body = op["requestBody"]["content"]
            .get("application/json")
            .is_some();
        for secret in [&own.keys[0], &own.keys[1], &own.keys[2], &both] {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = app.request(method.clone(), &url, Some(secret));
            if op.get("requestBody").is_some() {
                request = if json_body {
                    request.json(&json!({}))
                } else {
                    request
                        .header("content-type", "image/png")
                        .body(super::PNG.to_vec())
                };
            }
            let status = request.send().await.unwrap().status();
            if status != StatusCode::UNAUTHORIZED {
                failures.push(format!("{method} {path}: {status}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "keys reached session routes:\n{}",
        failures.join("\n")
    );
    // Nothing was written by them: the org still has its name.
    let org = expect_json(
        app.get(&format!("/v1/orgs/{}", own.org), &own.owner).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(org["org"]["name"], "Own");
}
