//! Members: the list (order, cursor, search, role filter), role and scope changes,
//! removal, leaving, ownership transfers, and the one-owner rule held by the database.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    list_orders_by_name_and_searches_prefixes,
    roles_and_scopes_change_by_the_rules,
    removal_never_touches_the_owner,
);

fn member_names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"]["display_name"].as_str().unwrap().to_owned())
        .collect()
}

async fn list_orders_by_name_and_searches_prefixes(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    for (email, name, role) in [
        ("zed@example.com", "zed Quinn", "member"),
        ("jl@corp.example", "Jean-Luc Picard", "admin"),
        ("bea@example.com", "Béa Martin", "member"),
        ("marta@example.com", "Marta Lopez", "member"),
    ] {
        let who = app.signup_named(email, name).await;
        app.add_member(&org, &who.user_id, role).await;
    }
    let all = expect_json(
        app.get("/v1/orgs/acme/members", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        member_names(&all),
        [
            "Ana Owner",
            "Béa Martin",
            "Jean-Luc Picard",
            "Marta Lopez",
            "zed Quinn"
        ]
    );
    assert_eq!(all["items"][0]["role"], "owner");
    assert_eq!(all["items"][0]["project_scope"], json!({ "kind": "all" }));

    let mut seen = Vec::new();
    let mut path = "/v1/orgs/acme/members?limit=2".to_owned();
    for _ in 0..5 {
        let page = expect_json(app.get(&path, &token).await, StatusCode::OK).await;
        seen.extend(member_names(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/orgs/acme/members?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, member_names(&all));

    for (q, expected) in [
        ("mar", vec!["Béa Martin", "Marta Lopez"]),
        ("MARTA", vec!["Marta Lopez"]),
        ("luc", vec!["Jean-Luc Picard"]),
        ("jean-luc p", vec!["Jean-Luc Picard"]),
        ("jl@", vec!["Jean-Luc Picard"]),
        ("corp", vec![]),
        ("q", vec!["zed Quinn"]),
        ("%", vec![]),
    ] {
        let path = format!("/v1/orgs/acme/members?q={}", urlencode(q));
        let page = expect_json(app.get(&path, &token).await, StatusCode::OK).await;
        assert_eq!(member_names(&page), expected, "q={q}");
    }
    for (role, expected) in [
        ("owner", vec!["Ana Owner"]),
        ("admin", vec!["Jean-Luc Picard"]),
        ("member", vec!["Béa Martin", "Marta Lopez", "zed Quinn"]),
    ] {
        let path = format!("/v1/orgs/acme/members?role={role}");
        let page = expect_json(app.get(&path, &token).await, StatusCode::OK).await;
        assert_eq!(member_names(&page), expected, "role={role}");
    }
    let page = expect_json(
        app.get("/v1/orgs/acme/members?role=member&q=m&limit=1", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(member_names(&page), ["Béa Martin"]);
    assert!(page["next_cursor"].is_string());
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn roles_and_scopes_change_by_the_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let site = app.new_project(&token, "acme", "Site").await;
    let site_id = site["id"].as_str().unwrap().to_owned();
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "member").await;
    let path = format!("/v1/orgs/acme/members/{}", bo.user_id);

    let scoped = app
        .patch_json(
            &path,
            &token,
            &json!({ "project_scope": { "kind": "projects", "ids": [site_id] } }),
        )
        .await;
    let scoped = expect_json(scoped, StatusCode::OK).await;
    assert_eq!(scoped["role"], "member");
    assert_eq!(
        scoped["project_scope"],
        json!({ "kind": "projects", "ids": [site_id] })
    );

    let foreign = "01900000-0000-7000-8000-000000000001";
    for (body, field) in [
        (json!({ "role": "owner" }), "role"),
        (
            json!({ "project_scope": { "kind": "projects", "ids": [foreign] } }),
            "project_scope",
        ),
        (
            json!({ "role": "admin", "project_scope": { "kind": "projects", "ids": [site_id] } }),
            "project_scope",
        ),
    ] {
        let response = app.patch_json(&path, &token, &body).await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field, "{body}");
    }

    // Becoming admin clears the scope.
    let admin = expect_json(
        app.patch_json(&path, &token, &json!({ "role": "admin" }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(admin["role"], "admin");
    assert_eq!(admin["project_scope"], json!({ "kind": "all" }));
    let back = expect_json(
        app.patch_json(&path, &token, &json!({ "role": "member" }))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["project_scope"], json!({ "kind": "all" }));

    // Nobody changes the owner; members change nobody.
    let ana_id = expect_json(app.get("/v1/me", &token).await, StatusCode::OK).await["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cy = app.signup("cy@example.com").await;
    app.add_member(&org, &cy.user_id, "admin").await;
    let on_owner = app
        .patch_json(
            &format!("/v1/orgs/acme/members/{ana_id}"),
            &cy.token,
            &json!({ "role": "member" }),
        )
        .await;
    expect_problem(on_owner, StatusCode::FORBIDDEN, "forbidden").await;
    let by_member = app
        .patch_json(
            &format!("/v1/orgs/acme/members/{}", cy.user_id),
            &bo.token,
            &json!({ "role": "member" }),
        )
        .await;
    expect_problem(by_member, StatusCode::FORBIDDEN, "forbidden").await;
    let nobody = app
        .patch_json(
            "/v1/orgs/acme/members/01900000-0000-7000-8000-000000000002",
            &token,
            &json!({ "role": "admin" }),
        )
        .await;
    expect_problem(nobody, StatusCode::NOT_FOUND, "not_found").await;
    let garbage = app
        .patch_json("/v1/orgs/acme/members/not-an-id", &token, &json!({}))
        .await;
    expect_problem(garbage, StatusCode::NOT_FOUND, "not_found").await;
}

async fn removal_never_touches_the_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let me = expect_json(app.get("/v1/me", &token).await, StatusCode::OK).await;
    let ana_id = me["user"]["id"].as_str().unwrap();
    let bo = app.signup("bo@example.com").await;
    let cy = app.signup("cy@example.com").await;
    app.add_member(&org, &bo.user_id, "member").await;
    app.add_member(&org, &cy.user_id, "admin").await;
    let on_owner = app
        .delete(&format!("/v1/orgs/acme/members/{ana_id}"), &cy.token)
        .await;
    expect_problem(on_owner, StatusCode::FORBIDDEN, "forbidden").await;
    let by_owner_on_self = app
        .delete(&format!("/v1/orgs/acme/members/{ana_id}"), &token)
        .await;
    expect_problem(by_owner_on_self, StatusCode::FORBIDDEN, "forbidden").await;
    let by_member = app
        .delete(&format!("/v1/orgs/acme/members/{}", cy.user_id), &bo.token)
        .await;
    expect_problem(by_member, StatusCode::FORBIDDEN, "forbidden").await;
    let done = app
        .delete(&format!("/v1/orgs/acme/members/{}", bo.user_id), &cy.token)
        .await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let gone = app.get("/v1/orgs/acme", &bo.token).await;
    expect_problem(gone, StatusCode::NOT_FOUND, "not_found").await;
    let again = app
        .delete(&format!("/v1/orgs/acme/members/{}", bo.user_id), &cy.token)
        .await;
    expect_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}
