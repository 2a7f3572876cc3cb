//! The matrix's rows for the API-key-authenticated `POST /v1/usage`: a key debits only its
//! own org, for its own org's projects (by id or slug), within its own project if it has
//! one; a foreign key or project is 404, and no balance but the key's org's ever moves.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_json, Backend, TestApp};
use crate::money::{assert_ledger_consistent, balance, new_key, text, top_up, usage};

struct Side {
    org: String,
    project: String,
    slug: String,
    other_project: String,
    key: String,
    limited: String,
    revoked: String,
    token: String,
}

async fn side(app: &TestApp, email: &str, name: &str) -> Side {
    let owner = app.signup(email).await;
    let org = app.new_org(&owner.token, name).await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    let p = app
        .new_project(&owner.token, &org, &format!("{name} site"))
        .await;
    let q = app
        .new_project(&owner.token, &org, &format!("{name} app"))
        .await;
    top_up(app, &owner.token, &org, 1000).await;
    let wide = json!({ "name": "wide", "scopes": ["usage:write"] });
    let limited = json!({ "name": "limited", "project_id": q["id"], "scopes": ["usage:write"] });
    let (revoked_id, revoked) = new_key(app, &owner.token, &org, wide.clone()).await;
    app.delete(
        &format!("/v1/orgs/{org}/api-keys/{revoked_id}"),
        &owner.token,
    )
    .await;
    Side {
        key: new_key(app, &owner.token, &org, wide).await.1,
        limited: new_key(app, &owner.token, &org, limited).await.1,
        revoked,
        project: p["id"].as_str().unwrap().to_owned(),
        slug: p["slug"].as_str().unwrap().to_owned(),
        other_project: q["id"].as_str().unwrap().to_owned(),
        token: owner.token,
        org,
    }
}

pub async fn api_keys_never_cross_tenants(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let own = side(&app, "own@example.com", "Own").await;
    let foreign = side(&app, "foreign@example.com", "Zyx Foreign").await;
    // (credential, project, expected status); each success costs 2 credits.
    let cases: Vec<(&str, &str, u16)> = vec![
        (&own.key, &own.project, 201),
        (&own.key, &own.slug, 201),
        (&own.key, &foreign.project, 404),
        (&own.key, &foreign.slug, 404),
        (&own.limited, &own.other_project, 201),
        (&own.limited, &own.project, 403),
        (&own.limited, &foreign.other_project, 404),
        (&own.revoked, &own.project, 401),
        (&own.revoked, &foreign.project, 401),
        (&foreign.key, &own.project, 404),
        (&foreign.key, &own.slug, 404),
        (&foreign.limited, &own.other_project, 404),
        (&own.token, &own.project, 401),
        (&foreign.token, &own.project, 401),
    ];
    let mut failures = Vec::new();
    for (n, (credential, project, want)) in cases.iter().enumerate() {
        let response = usage(&app, credential, &format!("iso-{n}"), &text(project, 1)).await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        if status != *want {
            failures.push(format!("case {n}: {status}, expected {want}: {body}"));
        }
        let foreign_caller = [&foreign.key, &foreign.limited, &foreign.token]
            .iter()
            .any(|c| c.as_str() == *credential);
        let other_name = if foreign_caller { "Own " } else { "Zyx" };
        if body.contains(other_name) {
            failures.push(format!("case {n} leaked the other tenant: {body}"));
        }
    }
    let anonymous = app
        .request(Method::POST, "/v1/usage", None)
        .header("idempotency-key", "anon")
        .json(&text(&own.project, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(balance(&app, &own.org).await, 1000 - 3 * 2);
    assert_eq!(balance(&app, &foreign.org).await, 1000);
    // Neither org's ledger names the other's key or project.
    for (side, other) in [(&own, &foreign), (&foreign, &own)] {
        let page = expect_json(
            app.get(&format!("/v1/orgs/{}/ledger", side.org), &side.token)
                .await,
            StatusCode::OK,
        )
        .await
        .to_string();
        assert!(!page.contains(&other.project) && !page.contains(&other.other_project));
        assert_ledger_consistent(&app, &side.org).await;
    }
}
