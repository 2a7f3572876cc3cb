//! What the OpenAPI document promises where it is behaviour: routing and authentication
//! come before idempotency, a route's body limit before the idempotency layer buffers, the
//! paging parameters have the documented bounds, bodies are read as JSON Schema reads
//! them, and unreadable paths are problem documents. (`scripts/contract.sh` checks the
//! whole document against the server with Schemathesis.)

use std::collections::BTreeSet;

use orgdesk_model::page::{CURSOR_PATTERN, MAX_LIMIT, MIN_LIMIT};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
};
use crate::idempotency::{replayed, send, TOP_UPS};
use crate::money::balance;

on_both_backends!(
    the_document_lists_what_every_operation_can_answer,
    sessions_and_methods_come_before_idempotency_keys,
    route_body_limits_come_before_idempotency,
    paging_parameters_have_the_documented_bounds,
    bodies_are_read_as_json_schema_reads_them,
    unreadable_paths_are_problem_documents,
);

async fn records(app: &TestApp, key: &str) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM idempotency_records WHERE idem_key = $1")
            .bind(key)
            .fetch_one(&app.db)
            .await
            .unwrap();
    count
}

async fn sessions_and_methods_come_before_idempotency_keys(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;

    // No session, or an unknown one: 401, whatever the key looks like.
    for token in [None, Some("ods_unknown"), Some("odk_unknown")] {
        for key in ["", "caf\u{e9}", "fine-key"] {
            let response = app
                .request(Method::POST, "/v1/orgs", token)
                .header("idempotency-key", key.as_bytes())
                .json(&json!({ "name": "Nope" }))
                .send()
                .await
                .unwrap();
            expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
        }
    }
    assert_eq!(records(&app, "fine-key").await, 0);

    // A method the route does not serve: 405, and the key stays unused.
    let body = json!({ "amount": 5 });
    let wrong = send(&app, Method::PUT, TOP_UPS, &owner, "k-405", &body).await;
    expect_problem(wrong, StatusCode::METHOD_NOT_ALLOWED, "malformed_request").await;
    // A path no route serves: 404, and the key stays unused.
    let nowhere = send(
        &app,
        Method::POST,
        "/v1/no-such-route",
        &owner,
        "k-405",
        &body,
    )
    .await;
    assert_eq!(nowhere.headers()["x-orgdesk-fallback"], "route");
    expect_problem(nowhere, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(records(&app, "k-405").await, 0);
    let first = send(&app, Method::POST, TOP_UPS, &owner, "k-405", &body).await;
    assert!(!replayed(&first));
    expect_json(first, StatusCode::CREATED).await;
    assert_eq!(balance(&app, &org).await, 5);
}

async fn route_body_limits_come_before_idempotency(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;

    // Over the JSON routes' 64 KB: 413 before the key is claimed, so nothing is kept and
    // the key still works for a request of the right size.
    let padding = "x".repeat(64 * 1024);
    let huge = json!({ "amount": 5, "payment_reference": padding });
    let refused = send(&app, Method::POST, TOP_UPS, &owner, "big", &huge).await;
    expect_problem(refused, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(records(&app, "big").await, 0);
    let fine = send(
        &app,
        Method::POST,
        TOP_UPS,
        &owner,
        "big",
        &json!({ "amount": 5 }),
    )
    .await;
    assert!(!replayed(&fine));
    expect_json(fine, StatusCode::CREATED).await;
    assert_eq!(balance(&app, &org).await, 5);

    // The logo's own, larger limit holds under a key too: 100 KB is a fine logo.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.resize(100 * 1024, 0);
    let put = |key: &'static str| {
        app.request(Method::PUT, "/v1/orgs/acme/logo", Some(&owner))
            .header("idempotency-key", key)
            .header("content-type", "image/png")
            .body(png.clone())
            .send()
    };
    let first = put("logo-1").await.unwrap();
    assert!(!replayed(&first));
    let org_after = expect_json(first, StatusCode::OK).await;
    assert_eq!(org_after["logo"]["size"], 100 * 1024);
    let again = put("logo-1").await.unwrap();
    assert!(replayed(&again));
    assert_eq!(expect_json(again, StatusCode::OK).await, org_after);
}

/// The served OpenAPI document.
async fn document(app: &TestApp) -> Value {
    let response = app
        .request(Method::GET, "/v1/openapi.json", None)
        .send()
        .await
        .unwrap();
    expect_json(response, StatusCode::OK).await
}

/// Every list operation of the served document, with `{org}` as Acme.
/// Every documented list, `{org}` being Acme and `{id}` the webhook `hook` (the one list
/// under an item).
async fn list_paths(app: &TestApp, hook: &str) -> Vec<String> {
    let doc = document(app).await;
    let mut paths = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else { continue };
        let params = get["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["name"] == "limit") {
            paths.push(path.replace("{org}", "acme").replace("{id}", hook));
        }
    }
    paths
}

fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target);
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

async fn the_document_lists_what_every_operation_can_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc = document(&app).await;

    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for target in refs {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target} is not a schema reference"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{target} is referenced but not defined"
        );
    }

    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{} {path}", method.to_uppercase());
            let statuses: BTreeSet<&str> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let param = |name: &str, place: &str| {
                params
                    .iter()
                    .find(|p| p["name"] == name && p["in"] == place)
                    .cloned()
            };
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let mutation = method != "get";
            let has_body = op.get("requestBody").is_some();
            let mut expected = vec!["408", "500"];
            if secured {
                expected.push("401");
            }
            if !params.is_empty() || has_body {
                expected.push("400");
            }
            if params.iter().any(|p| p["in"] == "path") {
                expected.push("404");
            }
            if has_body {
                expected.extend(["413", "415"]);
            }
            if secured && mutation {
                expected.extend(["400", "409", "413", "422"]);
                let key = param("Idempotency-Key", "header").expect(&at);
                assert_eq!(key["schema"]["maxLength"], 255, "{at}");
            }
            if let Some(limit) = param("limit", "query") {
                assert_eq!(limit["schema"]["minimum"], MIN_LIMIT, "{at}");
                assert_eq!(limit["schema"]["maximum"], MAX_LIMIT, "{at}");
                let cursor = param("cursor", "query").expect(&at);
                assert_eq!(cursor["schema"]["pattern"], CURSOR_PATTERN, "{at}");
                expected.push("422");
            }
            for status in expected {
                assert!(statuses.contains(status), "{at} does not list {status}");
            }
        }
    }
}

async fn paging_parameters_have_the_documented_bounds(backend: Backend) {
    // No delivery: an attempt between two reads of the deliveries list would change the
    // row the reads compare (seen under load).
    let app = spawn_app_with(backend, |config| orgdesk_server::Config {
        webhooks: orgdesk_server::webhooks::WebhookConfig {
            deliver: false,
            ..orgdesk_server::webhooks::WebhookConfig::open()
        },
        ..config
    })
    .await;
    let (owner, _) = acme(&app).await;
    let body = json!({ "url": "http://127.0.0.1:9/hook", "all_events": true });
    let hook = expect_json(
        app.post_json("/v1/orgs/acme/webhooks", Some(&owner), &body)
            .await,
        StatusCode::CREATED,
    )
    .await;
    let paths = list_paths(&app, hook["webhook"]["id"].as_str().unwrap()).await;
    assert!(paths.len() >= 9, "{paths:?}");
    for path in &paths {
        let get = |query: &str| {
            let url = format!("{path}?{query}");
            let owner = owner.clone();
            let app = &app;
            async move { app.get(&url, &owner).await }
        };
        let plain = expect_json(get("").await, StatusCode::OK).await;
        for query in ["limit=1", "limit=200"] {
            expect_json(get(query).await, StatusCode::OK).await;
        }
        for query in [
            "limit=0",
            "limit=201",
            "limit=-1",
            "limit=2147483648",
            "limit=",
        ] {
            let response = get(query).await;
            expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
        }
        // What a generated client sends for "no cursor".
        let empty = expect_json(get("cursor=").await, StatusCode::OK).await;
        assert_eq!(empty, plain, "{path}?cursor=");
        // Outside the documented alphabet: the request is malformed.
        for query in ["cursor=a%20b", "cursor=a.b", "cursor=%C3%A9"] {
            let response = get(query).await;
            expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
        }
        // In the alphabet, but not issued by this server: the content is refused.
        let response = get("cursor=zzz").await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], "cursor", "{path}");
    }
}

async fn bodies_are_read_as_json_schema_reads_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;

    // `5.0` is the integer 5 in JSON Schema, so in a body it reads as one.
    let whole = json!({ "amount": 5.0 });
    let topped = send(&app, Method::POST, TOP_UPS, &owner, "float", &whole).await;
    let entry = expect_json(topped, StatusCode::CREATED).await;
    assert_eq!(entry["entry"]["amount"], 5);
    assert_eq!(balance(&app, &org).await, 5);
    let half = json!({ "amount": 5.5 });
    let fraction = send(&app, Method::POST, TOP_UPS, &owner, "half", &half).await;
    expect_problem(fraction, StatusCode::BAD_REQUEST, "malformed_request").await;

    // Every body is an object: an array (which serde could read positionally) is refused.
    for body in [json!([]), json!(["Acme 2"]), json!("name"), Value::Null] {
        let response = app.patch_json("/v1/orgs/acme", &owner, &body).await;
        expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    }
    let org_now = expect_json(app.get("/v1/orgs/acme", &owner).await, StatusCode::OK).await;
    assert_eq!(org_now["org"]["version"], 1);
}

async fn unreadable_paths_are_problem_documents(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, _) = acme(&app).await;
    for (method, path) in [
        (Method::GET, "/v1/orgs/%FF"),
        (Method::GET, "/v1/orgs/acme/projects/%FF"),
        (Method::PATCH, "/v1/orgs/acme/members/%C3%28"),
        (Method::POST, "/v1/invitations/%FF/accept"),
    ] {
        let response = app
            .request(method.clone(), path, Some(&owner))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let problem = expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("UTF-8"),
            "{method} {path}: {problem}"
        );
    }
}
