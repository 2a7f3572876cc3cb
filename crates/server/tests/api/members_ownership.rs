//! Leaving, ownership transfers, the one-owner rule held by the database, and personal
//! contexts (which have nobody to manage).

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    leave_and_transfer_ownership,
    the_database_keeps_exactly_one_owner,
    personal_contexts_have_no_people_management,
    a_transfer_must_fit_the_new_owners_plan,
);

/// Taking an org over counts toward the new owner's plan, as creating one does: Bo, on
/// the free plan (3 owned orgs), who owns 3 already, cannot be handed a fourth.
async fn a_transfer_must_fit_the_new_owners_plan(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let bo = app.signup_named("bo@example.com", "Bo Builder").await;
    for name in ["Bo One", "Bo Two", "Bo Three"] {
        app.new_org(&bo.token, name).await;
    }
    app.add_member(&org, &bo.user_id, "admin").await;
    let body = json!({ "user_id": bo.user_id });
    let refused = expect_problem(
        app.post_json("/v1/orgs/acme/transfer-ownership", Some(&token), &body)
            .await,
        StatusCode::CONFLICT,
        "plan_limit_reached",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("Bo Builder") && detail.contains('3'),
        "{detail}"
    );
    let (owner,): (String,) = sqlx::query_as("SELECT owner_user_id FROM orgs WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(owner, bo.user_id, "the refused transfer changed the owner");

    // With room on a larger plan, the same transfer goes through.
    app.set_plan(&bo.personal_org_id, "team").await;
    let done = app
        .post_json("/v1/orgs/acme/transfer-ownership", Some(&token), &body)
        .await;
    expect_json(done, StatusCode::OK).await;
}

async fn leave_and_transfer_ownership(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let bo = app.signup("bo@example.com").await;
    let cy = app.signup("cy@example.com").await;
    let site = app.new_project(&token, "acme", "Site").await;
    app.add_scoped_member(
        &org,
        &bo.user_id,
        "member",
        Some(&[site["id"].as_str().unwrap()]),
    )
    .await;
    app.add_member(&org, &cy.user_id, "admin").await;

    let owner_leaves = app.post("/v1/orgs/acme/leave", &token).await;
    expect_problem(owner_leaves, StatusCode::CONFLICT, "owner_must_transfer").await;
    let by_admin = app
        .post_json(
            "/v1/orgs/acme/transfer-ownership",
            Some(&cy.token),
            &json!({ "user_id": cy.user_id }),
        )
        .await;
    expect_problem(by_admin, StatusCode::FORBIDDEN, "forbidden").await;
    let outsider = app.signup("dee@example.com").await;
    let to_outsider = app
        .post_json(
            "/v1/orgs/acme/transfer-ownership",
            Some(&token),
            &json!({ "user_id": outsider.user_id }),
        )
        .await;
    let problem = expect_problem(
        to_outsider,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "user_id");

    let moved = app
        .post_json(
            "/v1/orgs/acme/transfer-ownership",
            Some(&token),
            &json!({ "user_id": bo.user_id }),
        )
        .await;
    let moved = expect_json(moved, StatusCode::OK).await;
    assert_eq!(moved["role"], "admin");
    assert_eq!(moved["org"]["id"], org.as_str());
    let bo_view = expect_json(app.get("/v1/orgs/acme", &bo.token).await, StatusCode::OK).await;
    assert_eq!(bo_view["role"], "owner");
    let owners = expect_json(
        app.get("/v1/orgs/acme/members?role=owner", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(owners["items"].as_array().unwrap().len(), 1);
    assert_eq!(owners["items"][0]["user"]["id"], bo.user_id.as_str());
    assert_eq!(
        owners["items"][0]["project_scope"],
        json!({ "kind": "all" })
    );

    // The former owner is an admin now and may leave; so may anyone but the owner.
    assert_eq!(
        app.post("/v1/orgs/acme/leave", &token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.post("/v1/orgs/acme/leave", &cy.token).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.get("/v1/orgs/acme", &token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let left = expect_json(
        app.get("/v1/orgs/acme/members", &bo.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(left["items"].as_array().unwrap().len(), 1);
}

async fn the_database_keeps_exactly_one_owner(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_token, org) = acme(&app).await;
    let (owner,): (String,) = sqlx::query_as("SELECT owner_user_id FROM orgs WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let bo = app.signup("bo@example.com").await;
    app.add_member(&org, &bo.user_id, "member").await;
    let refused = [
        (
            "DELETE FROM memberships WHERE org_id = $1 AND user_id = $2",
            vec![org.clone(), owner.clone()],
        ),
        (
            "UPDATE memberships SET role = 'member' WHERE org_id = $1 AND user_id = $2",
            vec![org.clone(), owner.clone()],
        ),
        (
            "UPDATE memberships SET role = 'owner' WHERE org_id = $1 AND user_id = $2",
            vec![org.clone(), bo.user_id.clone()],
        ),
        (
            "UPDATE orgs SET owner_user_id = NULL WHERE id = $1",
            vec![org.clone()],
        ),
        (
            "UPDATE orgs SET owner_user_id = $2 WHERE id = $1",
            vec![org.clone(), app.signup("x@example.com").await.user_id],
        ),
        (
            "UPDATE orgs SET owner_user_id = $2 WHERE id = $1",
            vec![org.clone(), bo.user_id.clone()],
        ),
        (
            "UPDATE memberships SET project_scoped = 1 WHERE org_id = $1 AND user_id = $2",
            vec![org.clone(), owner.clone()],
        ),
    ];
    for (sql, binds) in refused {
        let mut query = sqlx::query(sql);
        for b in &binds {
            query = query.bind(b.clone());
        }
        assert!(query.execute(&app.db).await.is_err(), "accepted: {sql}");
    }
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM orgs o JOIN memberships m ON m.org_id = o.id \
         AND m.user_id = o.owner_user_id WHERE o.id = $1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(count, 1);
}

async fn personal_contexts_have_no_people_management(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let base = format!("/v1/orgs/{}", ana.personal_org_id);
    for response in [
        app.get(&format!("{base}/members"), &ana.token).await,
        app.post(&format!("{base}/leave"), &ana.token).await,
        app.post_json(
            &format!("{base}/transfer-ownership"),
            Some(&ana.token),
            &json!({ "user_id": ana.user_id }),
        )
        .await,
        app.get(&format!("{base}/invitations"), &ana.token).await,
        app.post_json(
            &format!("{base}/invitations"),
            Some(&ana.token),
            &json!({ "emails": ["x@example.com"], "role": "member" }),
        )
        .await,
        app.patch_json(
            &format!("{base}/members/{}", ana.user_id),
            &ana.token,
            &json!({ "role": "admin" }),
        )
        .await,
        app.delete(&format!("{base}/members/{}", ana.user_id), &ana.token)
            .await,
    ] {
        expect_problem(response, StatusCode::CONFLICT, "personal_context").await;
    }
}
