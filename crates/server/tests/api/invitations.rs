//! Invitations: inviting (validation, 409s, seats), the pending list, revoke, resend,
//! the invitee's side (lookup, accept, decline, by token or id) and the mailed link.

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::{acme, invite, invite_one};
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    invite_validates_and_refuses_clear_conflicts,
    seats_count_members_and_pending_invitations,
    pending_list_revoke_and_resend,
);

async fn invite_validates_and_refuses_clear_conflicts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let site = app.new_project(&token, "acme", "Site").await;
    let issued = invite(
        &app,
        &token,
        json!({ "emails": [" Bo@Example.com ", "cy@example.com", "bo@example.com"], "role": "member",
                "project_scope": { "kind": "projects", "ids": [site["id"]] } }),
    )
    .await;
    let issued = expect_json(issued, StatusCode::CREATED).await;
    let items = issued["invitations"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["invitation"]["email"], "bo@example.com");
    assert_eq!(items[0]["invitation"]["status"], "pending");
    assert_eq!(
        items[0]["invitation"]["invited_by"]["display_name"],
        "Ana Owner"
    );
    assert_eq!(
        items[0]["invitation"]["project_scope"],
        json!({ "kind": "projects", "ids": [site["id"]] })
    );
    let link = items[0]["link"].as_str().unwrap();
    assert!(
        link.starts_with("orgdesk://invite/") && link.len() == 17 + 43,
        "{link}"
    );
    let (hash,): (String,) =
        sqlx::query_as("SELECT token_hash FROM invitations WHERE email = 'bo@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!link.contains(&hash) && hash.len() == 64);

    for (body, field, needle) in [
        (
            json!({ "emails": ["ok@example.com", "not-an-email"], "role": "member" }),
            "emails",
            "not-an-email",
        ),
        (json!({ "emails": [], "role": "member" }), "emails", ""),
        (
            json!({ "emails": ["x@example.com"], "role": "owner" }),
            "role",
            "",
        ),
        (
            json!({ "emails": ["x@example.com"], "role": "admin", "project_scope": { "kind": "projects", "ids": [site["id"]] } }),
            "project_scope",
            "",
        ),
        (
            json!({ "emails": ["x@example.com"], "role": "member", "project_scope": { "kind": "projects", "ids": ["01900000-0000-7000-8000-000000000003"] } }),
            "project_scope",
            "",
        ),
    ] {
        let problem = expect_problem(
            invite(&app, &token, body.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field, "{body}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{problem}"
        );
    }
    let too_many: Vec<String> = (0..51).map(|n| format!("p{n}@example.com")).collect();
    let problem = expect_problem(
        invite(
            &app,
            &token,
            json!({ "emails": too_many, "role": "member" }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "emails");

    let dee = app.signup("dee@example.com").await;
    app.add_member(&org, &dee.user_id, "member").await;
    let member = invite(
        &app,
        &token,
        json!({ "emails": ["new@example.com", "DEE@example.com"], "role": "member" }),
    )
    .await;
    let problem = expect_problem(member, StatusCode::CONFLICT, "already_member").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("dee@example.com"));
    let pending = invite(
        &app,
        &token,
        json!({ "emails": ["cy@example.com"], "role": "admin" }),
    )
    .await;
    let problem = expect_problem(pending, StatusCode::CONFLICT, "invitation_pending").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("cy@example.com"));
    // All or none: new@example.com was not invited by the failed requests.
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM invitations WHERE email = 'new@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(n, 0);
    // An expired invitation no longer blocks a new one.
    sqlx::query("UPDATE invitations SET expires_at = 0 WHERE email = 'cy@example.com'")
        .execute(&app.db)
        .await
        .unwrap();
    let again = invite(
        &app,
        &token,
        json!({ "emails": ["cy@example.com"], "role": "admin" }),
    )
    .await;
    expect_json(again, StatusCode::CREATED).await;
}

async fn seats_count_members_and_pending_invitations(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    app.set_plan(&org, "free").await;
    let seats = orgdesk_model::Plan::Free.limits().seats as usize;
    let emails: Vec<String> = (1..seats).map(|n| format!("p{n}@example.com")).collect();
    let over: Vec<String> = (0..seats).map(|n| format!("q{n}@example.com")).collect();
    let problem = expect_problem(
        invite(&app, &token, json!({ "emails": over, "role": "member" })).await,
        StatusCode::CONFLICT,
        "seat_limit_reached",
    )
    .await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains(&seats.to_string()));
    expect_json(
        invite(&app, &token, json!({ "emails": emails, "role": "member" })).await,
        StatusCode::CREATED,
    )
    .await;
    let full = invite(
        &app,
        &token,
        json!({ "emails": ["late@example.com"], "role": "member" }),
    )
    .await;
    expect_problem(full, StatusCode::CONFLICT, "seat_limit_reached").await;
    let overview = expect_json(
        app.get("/v1/orgs/acme/overview", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(overview["seats_used"], seats);
    assert_eq!(overview["pending_invitations"], seats - 1);
    // A revoked invitation frees its seat.
    let list = expect_json(
        app.get("/v1/orgs/acme/invitations", &token).await,
        StatusCode::OK,
    )
    .await;
    let id = list["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        app.delete(&format!("/v1/orgs/acme/invitations/{id}"), &token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_json(
        invite(
            &app,
            &token,
            json!({ "emails": ["late@example.com"], "role": "member" }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
}

async fn pending_list_revoke_and_resend(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    let (first, old_token) = invite_one(&app, &token, "bo@example.com").await;
    invite_one(&app, &token, "cy@example.com").await;
    invite_one(&app, &token, "dee@example.com").await;
    let page = expect_json(
        app.get("/v1/orgs/acme/invitations?limit=2", &token).await,
        StatusCode::OK,
    )
    .await;
    let emails: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["dee@example.com", "cy@example.com"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest = expect_json(
        app.get(
            &format!("/v1/orgs/acme/invitations?limit=2&cursor={cursor}"),
            &token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(rest["items"][0]["email"], "bo@example.com");
    assert!(rest["next_cursor"].is_null());

    let id = first["id"].as_str().unwrap();
    let resent = expect_json(
        app.post(&format!("/v1/orgs/acme/invitations/{id}/resend"), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    let new_token = resent["link"]
        .as_str()
        .unwrap()
        .strip_prefix("orgdesk://invite/")
        .unwrap()
        .to_owned();
    assert_ne!(new_token, old_token);
    let bo = app.signup("bo@example.com").await;
    expect_problem(
        app.get(&format!("/v1/invitations/{old_token}"), &bo.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_json(
        app.get(&format!("/v1/invitations/{new_token}"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;

    // An expired one leaves the list, and can be resent.
    sqlx::query("UPDATE invitations SET expires_at = 0 WHERE email = 'cy@example.com'")
        .execute(&app.db)
        .await
        .unwrap();
    let list = expect_json(
        app.get("/v1/orgs/acme/invitations", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (cy_id,): (String,) =
        sqlx::query_as("SELECT id FROM invitations WHERE email = 'cy@example.com'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let renewed = expect_json(
        app.post(&format!("/v1/orgs/acme/invitations/{cy_id}/resend"), &token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renewed["invitation"]["status"], "pending");

    assert_eq!(
        app.delete(&format!("/v1/orgs/acme/invitations/{cy_id}"), &token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.delete(&format!("/v1/orgs/acme/invitations/{cy_id}"), &token)
            .await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    expect_problem(
        app.post(&format!("/v1/orgs/acme/invitations/{cy_id}/resend"), &token)
            .await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    expect_problem(
        app.delete(
            "/v1/orgs/acme/invitations/01900000-0000-7000-8000-000000000004",
            &token,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
