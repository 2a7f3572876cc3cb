//! Who sees and changes what: foreign tenants, members, admins; the overview.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    foreign_orgs_answer_exactly_like_missing_ones,
    members_read_but_cannot_edit,
    admins_edit_but_cannot_delete,
    overview_counts_members,
);

async fn foreign_orgs_answer_exactly_like_missing_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let org = app.new_org(&ana.token, "Secret Client").await;
    let id = org["org"]["id"].as_str().unwrap();
    let eve = app.signup("eve@example.com").await;

    let missing = "/v1/orgs/01900000-0000-7000-8000-000000000000";
    let reference = expect_problem(
        app.get(missing, &eve.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for path in [
        format!("/v1/orgs/{id}"),
        "/v1/orgs/secret-client".to_owned(),
        format!("/v1/orgs/{}", ana.personal_org_id),
        format!("/v1/orgs/{id}/overview"),
        format!("/v1/orgs/{id}/logo"),
    ] {
        let problem = expect_problem(
            app.get(&path, &eve.token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        assert_eq!(problem, reference, "{path}");
        assert!(!problem.to_string().contains("Secret"), "{problem}");
    }
    let patch = app
        .patch_json(
            "/v1/orgs/secret-client",
            &eve.token,
            &json!({ "name": "Mine" }),
        )
        .await;
    assert_eq!(
        expect_problem(patch, StatusCode::NOT_FOUND, "not_found").await,
        reference
    );
    let delete = app
        .request(Method::DELETE, &format!("/v1/orgs/{id}"), Some(&eve.token))
        .json(&json!({ "confirm_slug": "secret-client", "password": crate::harness::PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect_problem(delete, StatusCode::NOT_FOUND, "not_found").await,
        reference
    );
    let logo = app
        .request(
            Method::PUT,
            &format!("/v1/orgs/{id}/logo"),
            Some(&eve.token),
        )
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\n".to_vec())
        .send()
        .await
        .unwrap();
    expect_problem(logo, StatusCode::NOT_FOUND, "not_found").await;

    // Nothing changed, and Eve's list shows only her own context.
    let still = expect_json(
        app.get(&format!("/v1/orgs/{id}"), &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["org"]["name"], "Secret Client");
    let list = expect_json(app.get("/v1/orgs", &eve.token).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

async fn members_read_but_cannot_edit(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let bo = app.signup("bo@example.com").await;
    app.add_member(org["org"]["id"].as_str().unwrap(), &bo.user_id, "member")
        .await;

    let seen = expect_json(app.get("/v1/orgs/acme", &bo.token).await, StatusCode::OK).await;
    assert_eq!(seen["role"], "member");
    assert_eq!(seen["capabilities"], json!(["view_org", "leave_org"]));

    let patch = app
        .patch_json("/v1/orgs/acme", &bo.token, &json!({ "name": "Bo's" }))
        .await;
    expect_problem(patch, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        app.request(Method::DELETE, "/v1/orgs/acme", Some(&bo.token))
            .json(&json!({ "confirm_slug": "acme", "password": crate::harness::PASSWORD }))
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let logo = app
        .request(Method::PUT, "/v1/orgs/acme/logo", Some(&bo.token))
        .header("content-type", "image/png")
        .body(b"\x89PNG\r\n\x1a\n".to_vec())
        .send()
        .await
        .unwrap();
    expect_problem(logo, StatusCode::FORBIDDEN, "forbidden").await;
    expect_problem(
        app.delete("/v1/orgs/acme/logo", &bo.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let unchanged = expect_json(app.get("/v1/orgs/acme", &ana.token).await, StatusCode::OK).await;
    assert_eq!(unchanged["org"]["version"], 1);
}

async fn admins_edit_but_cannot_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let cy = app.signup("cy@example.com").await;
    app.add_member(org["org"]["id"].as_str().unwrap(), &cy.user_id, "admin")
        .await;

    let patch = app
        .patch_json(
            "/v1/orgs/acme",
            &cy.token,
            &json!({ "description": "By admin" }),
        )
        .await;
    let updated = expect_json(patch, StatusCode::OK).await;
    assert_eq!(updated["role"], "admin");
    assert_eq!(updated["org"]["description"], "By admin");
    expect_problem(
        app.request(Method::DELETE, "/v1/orgs/acme", Some(&cy.token))
            .json(&json!({ "confirm_slug": "acme", "password": crate::harness::PASSWORD }))
            .send()
            .await
            .unwrap(),
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // A second owner is impossible: the database holds exactly one per org.
    let second_owner = sqlx::query("UPDATE memberships SET role = 'owner' WHERE user_id = $1")
        .bind(&cy.user_id)
        .execute(&app.db)
        .await;
    assert!(second_owner.is_err(), "a second owner was accepted");
}

async fn overview_counts_members(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let id = org["org"]["id"].as_str().unwrap();
    let first = expect_json(
        app.get("/v1/orgs/acme/overview", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["member_count"], 1);
    assert_eq!(first["seats_used"], 1);
    assert_eq!(first["pending_invitations"], 0);
    assert_eq!(
        first["projects"],
        json!({ "active": 0, "suspended": 0, "archived": 0 })
    );
    assert_eq!(first["role"], "owner");
    assert_eq!(first["org"]["id"], id);
    let free = orgdesk_model::Plan::Free.limits();
    assert_eq!(first["limits"], serde_json::to_value(free).unwrap());

    let mut member_token = String::new();
    for (n, role) in ["admin", "member"].into_iter().enumerate() {
        let other = app.signup(&format!("m{n}@example.com")).await;
        app.add_member(id, &other.user_id, role).await;
        member_token = other.token;
    }
    // Members see the overview, but not how many invitations are pending.
    let as_member = expect_json(
        app.get(&format!("/v1/orgs/{id}/overview"), &member_token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(as_member["role"], "member");
    assert_eq!(as_member["member_count"], 3);
    assert!(as_member["pending_invitations"].is_null(), "{as_member}");
    assert!(as_member["seats_used"].is_null(), "{as_member}");
    let later = expect_json(
        app.get(&format!("/v1/orgs/{id}/overview"), &ana.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(later["member_count"], 3);
    let personal = expect_json(
        app.get(
            &format!("/v1/orgs/{}/overview", ana.personal_org_id),
            &ana.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(personal["member_count"], 1);
}
