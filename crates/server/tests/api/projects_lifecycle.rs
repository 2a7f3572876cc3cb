//! Projects: the status lifecycle, the plan's limit, what a member with a project scope
//! sees, and who may manage projects.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    lifecycle_moves_between_states,
    archived_projects_free_the_limit_and_restore_checks_it,
    scoped_members_see_only_their_projects,
    members_cannot_manage_projects,
);

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn lifecycle_moves_between_states(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    app.new_project(&token, "acme", "Site").await;
    let base = "/v1/orgs/acme/projects/site";
    let empty = app
        .post_json(
            &format!("{base}/suspend"),
            Some(&token),
            &json!({ "reason": "  " }),
        )
        .await;
    let problem =
        expect_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["field"], "reason");
    let long = app
        .post_json(
            &format!("{base}/suspend"),
            Some(&token),
            &json!({ "reason": "x".repeat(301) }),
        )
        .await;
    expect_problem(long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let suspended = app
        .post_json(
            &format!("{base}/suspend"),
            Some(&token),
            &json!({ "reason": "Unpaid invoice" }),
        )
        .await;
    let suspended = expect_json(suspended, StatusCode::OK).await;
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["suspended_reason"], "Unpaid invoice");
    let again = app
        .post_json(
            &format!("{base}/suspend"),
            Some(&token),
            &json!({ "reason": "x" }),
        )
        .await;
    expect_problem(again, StatusCode::CONFLICT, "invalid_state").await;
    expect_problem(
        app.post(&format!("{base}/restore"), &token).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let active = expect_json(
        app.post(&format!("{base}/unsuspend"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(active["status"], "active");
    assert_eq!(active["suspended_reason"], Value::Null);
    expect_problem(
        app.post(&format!("{base}/unsuspend"), &token).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let archived = expect_json(
        app.post(&format!("{base}/archive"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(archived["status"], "archived");
    expect_problem(
        app.post(&format!("{base}/archive"), &token).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let restored = expect_json(
        app.post(&format!("{base}/restore"), &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(restored["status"], "active");
    assert_eq!(restored["version"], 5);
}

async fn archived_projects_free_the_limit_and_restore_checks_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.new_org(&ana.token, "Acme").await;
    let limit = orgdesk_model::Plan::Free.limits().projects;
    for n in 0..limit {
        app.new_project(&ana.token, "acme", &format!("Project {n}"))
            .await;
    }
    let over = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&ana.token),
            &json!({ "name": "Extra" }),
        )
        .await;
    expect_problem(over, StatusCode::CONFLICT, "plan_limit_reached").await;
    // Suspended projects still count; archived ones do not.
    app.post_json(
        "/v1/orgs/acme/projects/project-0/suspend",
        Some(&ana.token),
        &json!({ "reason": "r" }),
    )
    .await;
    let still = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&ana.token),
            &json!({ "name": "Extra" }),
        )
        .await;
    expect_problem(still, StatusCode::CONFLICT, "plan_limit_reached").await;
    expect_json(
        app.post("/v1/orgs/acme/projects/project-0/archive", &ana.token)
            .await,
        StatusCode::OK,
    )
    .await;
    app.new_project(&ana.token, "acme", "Extra").await;
    let restore = app
        .post("/v1/orgs/acme/projects/project-0/restore", &ana.token)
        .await;
    expect_problem(restore, StatusCode::CONFLICT, "plan_limit_reached").await;

    let overview = expect_json(
        app.get("/v1/orgs/acme/overview", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        overview["projects"],
        json!({ "active": limit, "suspended": 0, "archived": 1 })
    );
    // Personal contexts have projects too.
    let personal = format!("/v1/orgs/{}/projects", ana.personal_org_id);
    let mine = app
        .post_json(&personal, Some(&ana.token), &json!({ "name": "Mine" }))
        .await;
    expect_json(mine, StatusCode::CREATED).await;
}

async fn scoped_members_see_only_their_projects(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let seen = app.new_project(&token, "acme", "Seen").await;
    let hidden = app.new_project(&token, "acme", "Hidden").await;
    app.post_json(
        "/v1/orgs/acme/projects/seen/suspend",
        Some(&token),
        &json!({ "reason": "On hold" }),
    )
    .await;
    let cy = app.signup("cy@example.com").await;
    app.add_scoped_member(
        &org,
        &cy.user_id,
        "member",
        Some(&[seen["id"].as_str().unwrap()]),
    )
    .await;
    let list = expect_json(
        app.get("/v1/orgs/acme/projects", &cy.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(names(&list), ["Seen"]);
    let one = expect_json(
        app.get("/v1/orgs/acme/projects/seen", &cy.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["suspended_reason"], "On hold");
    for path in [
        format!("/v1/orgs/acme/projects/{}", hidden["id"].as_str().unwrap()),
        "/v1/orgs/acme/projects/hidden".to_owned(),
    ] {
        let response = app.get(&path, &cy.token).await;
        let problem = expect_problem(response, StatusCode::NOT_FOUND, "not_found").await;
        assert!(!problem.to_string().contains("Hidden"));
    }
    let overview = expect_json(
        app.get("/v1/orgs/acme/overview", &cy.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        overview["projects"],
        json!({ "active": 0, "suspended": 1, "archived": 0 })
    );
    let full = expect_json(
        app.get("/v1/orgs/acme/overview", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        full["projects"],
        json!({ "active": 1, "suspended": 1, "archived": 0 })
    );
}

async fn members_cannot_manage_projects(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    app.new_project(&token, "acme", "Site").await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "member").await;
    let create = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&bo.token),
            &json!({ "name": "Mine" }),
        )
        .await;
    expect_problem(create, StatusCode::FORBIDDEN, "forbidden").await;
    let patch = app
        .patch_json(
            "/v1/orgs/acme/projects/site",
            &bo.token,
            &json!({ "name": "X" }),
        )
        .await;
    expect_problem(patch, StatusCode::FORBIDDEN, "forbidden").await;
    let archive = app
        .post("/v1/orgs/acme/projects/site/archive", &bo.token)
        .await;
    expect_problem(archive, StatusCode::FORBIDDEN, "forbidden").await;
    let delete = app
        .delete("/v1/orgs/acme/projects/site?confirm=site", &bo.token)
        .await;
    expect_problem(delete, StatusCode::FORBIDDEN, "forbidden").await;
    let cy = app.signup("cy@example.com").await;
    app.add_member(&org, &cy.user_id, "admin").await;
    let by_admin = app
        .post_json(
            "/v1/orgs/acme/projects",
            Some(&cy.token),
            &json!({ "name": "Admin's" }),
        )
        .await;
    expect_json(by_admin, StatusCode::CREATED).await;
}
