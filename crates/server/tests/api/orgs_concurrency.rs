//! Organizations created at the same moment: slugs stay distinct, capacity holds.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    concurrent_creates_get_distinct_slugs,
    concurrent_creates_respect_capacity
);

async fn concurrent_creates_get_distinct_slugs(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut tokens = Vec::new();
    for n in 0..3 {
        tokens.push(app.signup(&format!("user{n}@example.com")).await.token);
    }
    let requests = tokens.iter().flat_map(|token| {
        (0..2).map(|_| app.create_org(token, json!({ "name": "Same Name Inc" })))
    });
    let responses = futures::future::join_all(requests).await;
    let mut slugs = HashSet::new();
    for response in responses {
        let created = expect_json(response, StatusCode::CREATED).await;
        let s = created["org"]["slug"].as_str().unwrap().to_owned();
        assert!(s.starts_with("same-name-inc"), "{s}");
        assert!(slugs.insert(s.clone()), "duplicate slug {s}");
    }
    assert_eq!(slugs.len(), 6);
}

async fn concurrent_creates_respect_capacity(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let requests =
        (0..6).map(|n| app.create_org(&ana.token, json!({ "name": format!("Rush {n}") })));
    let responses = futures::future::join_all(requests).await;
    let mut created = 0;
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            _ => {
                expect_problem(response, StatusCode::CONFLICT, "plan_limit_reached").await;
            }
        }
    }
    assert_eq!(created, orgdesk_model::Plan::Free.limits().owned_orgs);
}
