//! Projects: create, list, read, update, delete, the lifecycle, the plan's limit, and
//! what a member with a project scope sees.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    create_generates_slugs_unique_within_the_org,
    list_paginates_by_name_and_filters_by_status,
    get_patch_with_etag_and_if_match,
    delete_needs_the_slug_typed,
);

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn create_generates_slugs_unique_within_the_org(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let response = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&token),
            &json!({ "name": "  Café Site ", "description": "The shop" }),
        )
        .await;
    assert_eq!(response.headers()["etag"], "\"1\"");
    let first = expect_json(response, StatusCode::CREATED).await;
    assert_eq!(first["slug"], "cafe-site");
    assert_eq!(first["name"], "Café Site");
    assert_eq!(first["status"], "active");
    assert_eq!(first["org_id"], org.as_str());
    assert_eq!(first["suspended_reason"], Value::Null);
    let second = app.new_project(&token, "acme", "Cafe Site").await;
    assert_eq!(second["slug"], "cafe-site-2");

    let taken = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&token),
            &json!({ "name": "Other", "slug": "cafe-site" }),
        )
        .await;
    let problem = expect_problem(taken, StatusCode::CONFLICT, "slug_taken").await;
    assert_eq!(problem["field"], "slug");
    for (body, field) in [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "Ok", "slug": "Bad Slug" }), "slug"),
        (json!({ "name": "Ok", "slug": "settings" }), "slug"),
        (
            json!({ "name": "Ok", "description": "x".repeat(501) }),
            "description",
        ),
    ] {
        let response = app
            .post_json("/v1/orgs/acme/projects", Some(&token), &body)
            .await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field, "{body}");
    }

    // Another org may use the same slug.
    let bo = app.signup("bo@example.com").await;
    app.new_org(&bo.token, "Bo Co").await;
    assert_eq!(
        app.new_project(&bo.token, "bo-co", "Café Site").await["slug"],
        "cafe-site"
    );
}

async fn list_paginates_by_name_and_filters_by_status(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"] {
        app.new_project(&token, "acme", name).await;
    }
    let mut seen = Vec::new();
    let mut path = "/v1/orgs/acme/projects?limit=2".to_owned();
    for _ in 0..5 {
        let page = expect_json(app.get(&path, &token).await, StatusCode::OK).await;
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/orgs/acme/projects?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["Alpha", "Bravo", "charlie", "delta", "echo"]);

    let suspend = app
        .post_json(
            "/v1/orgs/acme/projects/bravo/suspend",
            Some(&token),
            &json!({ "reason": "Unpaid" }),
        )
        .await;
    expect_json(suspend, StatusCode::OK).await;
    let suspended = expect_json(
        app.get("/v1/orgs/acme/projects?status=suspended", &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&suspended), ["Bravo"]);
    let bad = app.get("/v1/orgs/acme/projects?status=gone", &token).await;
    expect_problem(bad, StatusCode::BAD_REQUEST, "malformed_request").await;
    let bad = app.get("/v1/orgs/acme/projects?cursor=zzz", &token).await;
    expect_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn get_patch_with_etag_and_if_match(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    let created = app.new_project(&token, "acme", "Site").await;
    let id = created["id"].as_str().unwrap();
    for key in [id, "site", "SITE"] {
        let response = app
            .get(&format!("/v1/orgs/acme/projects/{key}"), &token)
            .await;
        assert_eq!(response.headers()["etag"], "\"1\"", "{key}");
        assert_eq!(expect_json(response, StatusCode::OK).await["id"], id);
    }
    let missing = app.get("/v1/orgs/acme/projects/nothing", &token).await;
    expect_problem(missing, StatusCode::NOT_FOUND, "not_found").await;

    let response = app
        .request(
            reqwest::Method::PATCH,
            "/v1/orgs/acme/projects/site",
            Some(&token),
        )
        .header("if-match", "\"1\"")
        .json(&json!({ "name": "Web Site", "slug": "web", "description": "New" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated = expect_json(response, StatusCode::OK).await;
    assert_eq!(updated["slug"], "web");
    assert_eq!(updated["version"], 2);
    let stale = app
        .request(
            reqwest::Method::PATCH,
            "/v1/orgs/acme/projects/web",
            Some(&token),
        )
        .header("if-match", "\"1\"")
        .json(&json!({ "name": "Again" }))
        .send()
        .await
        .unwrap();
    expect_problem(stale, StatusCode::PRECONDITION_FAILED, "version_conflict").await;
    let cleared = app
        .patch_json(
            "/v1/orgs/acme/projects/web",
            &token,
            &json!({ "description": "" }),
        )
        .await;
    assert_eq!(
        expect_json(cleared, StatusCode::OK).await["description"],
        Value::Null
    );

    app.new_project(&token, "acme", "Other").await;
    let clash = app
        .patch_json(
            "/v1/orgs/acme/projects/other",
            &token,
            &json!({ "slug": "web" }),
        )
        .await;
    expect_problem(clash, StatusCode::CONFLICT, "slug_taken").await;
}

async fn delete_needs_the_slug_typed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    app.new_project(&token, "acme", "Site").await;
    let wrong = app
        .delete("/v1/orgs/acme/projects/site?confirm=sit", &token)
        .await;
    expect_problem(
        wrong,
        StatusCode::UNPROCESSABLE_ENTITY,
        "confirmation_mismatch",
    )
    .await;
    let none = app.delete("/v1/orgs/acme/projects/site", &token).await;
    expect_problem(none, StatusCode::BAD_REQUEST, "malformed_request").await;
    let done = app
        .delete("/v1/orgs/acme/projects/site?confirm=site", &token)
        .await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let gone = app.get("/v1/orgs/acme/projects/site", &token).await;
    expect_problem(gone, StatusCode::NOT_FOUND, "not_found").await;
}
