//! The invitee's side of invitations: looking one up by token or id, accepting,
//! declining, single use, the account check, and the mailed link.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::{acme, invite, invite_one};
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend};

on_both_backends!(
    invitee_sees_accepts_and_declines,
    tokens_are_single_use_and_for_one_account,
    the_mailed_link_accepts_the_invitation,
);

async fn invitee_sees_accepts_and_declines(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    let site = app.new_project(&token, "acme", "Site").await;
    let issued = expect_json(
        invite(&app, &token, json!({ "emails": ["bo@example.com"], "role": "member", "project_scope": { "kind": "projects", "ids": [site["id"]] } })).await,
        StatusCode::CREATED,
    )
    .await;
    let link = issued["invitations"][0]["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let bo_token_link = link.strip_prefix("orgdesk://invite/").unwrap();
    // Listing and answering by id need a verified email.
    let bo = app.signup_verified("BO@example.com").await;
    let mine = expect_json(
        app.get("/v1/me/invitations", &bo.token).await,
        StatusCode::OK,
    )
    .await;
    let received = &mine["items"][0];
    assert_eq!(received["org"]["name"], "Acme");
    assert_eq!(received["org"]["slug"], "acme");
    assert_eq!(received["role"], "member");
    assert_eq!(received["invited_by"], "Ana Owner");
    let by_token = expect_json(
        app.get(&format!("/v1/invitations/{bo_token_link}"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(&by_token, received);
    let by_id = expect_json(
        app.get(
            &format!("/v1/invitations/{}", received["id"].as_str().unwrap()),
            &bo.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(&by_id, received);

    // Accept from the list, by id.
    let joined = app
        .post(
            &format!(
                "/v1/invitations/{}/accept",
                received["id"].as_str().unwrap()
            ),
            &bo.token,
        )
        .await;
    let joined = expect_json(joined, StatusCode::OK).await;
    assert_eq!(joined["role"], "member");
    assert_eq!(joined["org"]["slug"], "acme");
    let projects = expect_json(
        app.get("/v1/orgs/acme/projects", &bo.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(projects["items"].as_array().unwrap().len(), 1);
    let members = expect_json(
        app.get("/v1/orgs/acme/members?q=bo", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        members["items"][0]["project_scope"],
        json!({ "kind": "projects", "ids": [site["id"]] })
    );
    assert!(expect_json(
        app.get("/v1/me/invitations", &bo.token).await,
        StatusCode::OK
    )
    .await["items"]
        .as_array()
        .unwrap()
        .is_empty());

    let (_, cy_link) = invite_one(&app, &token, "cy@example.com").await;
    let cy = app.signup("cy@example.com").await;
    assert_eq!(
        app.post(&format!("/v1/invitations/{cy_link}/decline"), &cy.token)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.post(&format!("/v1/invitations/{cy_link}/accept"), &cy.token)
            .await,
        StatusCode::GONE,
        "invitation_expired",
    )
    .await;
    expect_problem(
        app.get("/v1/orgs/acme", &cy.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn tokens_are_single_use_and_for_one_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, org) = acme(&app).await;
    let (invitation, link_token) = invite_one(&app, &token, "bo@example.com").await;
    let eve = app.signup("eve@example.com").await;
    let problem = expect_problem(
        app.get(&format!("/v1/invitations/{link_token}"), &eve.token)
            .await,
        StatusCode::FORBIDDEN,
        "invitation_for_another_account",
    )
    .await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("b***@example.com") && !detail.contains("bo@example.com"),
        "{detail}"
    );
    expect_problem(
        app.post(&format!("/v1/invitations/{link_token}/accept"), &eve.token)
            .await,
        StatusCode::FORBIDDEN,
        "invitation_for_another_account",
    )
    .await;
    expect_problem(
        app.post(&format!("/v1/invitations/{link_token}/decline"), &eve.token)
            .await,
        StatusCode::FORBIDDEN,
        "invitation_for_another_account",
    )
    .await;
    // By id, someone else's invitation does not exist.
    let id = invitation["id"].as_str().unwrap();
    expect_problem(
        app.get(&format!("/v1/invitations/{id}"), &eve.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.get("/v1/invitations/no-such-token", &eve.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let anonymous = app
        .request(
            reqwest::Method::GET,
            &format!("/v1/invitations/{link_token}"),
            None,
        )
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let bo = app.signup("bo@example.com").await;
    expect_json(
        app.post(&format!("/v1/invitations/{link_token}/accept"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.post(&format!("/v1/invitations/{link_token}/accept"), &bo.token)
            .await,
        StatusCode::GONE,
        "invitation_expired",
    )
    .await;
    expect_problem(
        app.get(&format!("/v1/invitations/{link_token}"), &bo.token)
            .await,
        StatusCode::GONE,
        "invitation_expired",
    )
    .await;

    // Expired: 410. Already a member (added meanwhile): 409.
    let (_, cy_link) = invite_one(&app, &token, "cy@example.com").await;
    let cy = app.signup("cy@example.com").await;
    sqlx::query("UPDATE invitations SET expires_at = 0 WHERE email = 'cy@example.com'")
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        app.post(&format!("/v1/invitations/{cy_link}/accept"), &cy.token)
            .await,
        StatusCode::GONE,
        "invitation_expired",
    )
    .await;
    let (_, dee_link) = invite_one(&app, &token, "dee@example.com").await;
    let dee = app.signup("dee@example.com").await;
    app.add_member(&org, &dee.user_id, "member").await;
    expect_problem(
        app.post(&format!("/v1/invitations/{dee_link}/accept"), &dee.token)
            .await,
        StatusCode::CONFLICT,
        "already_member",
    )
    .await;
}

async fn the_mailed_link_accepts_the_invitation(backend: Backend) {
    let app = spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    invite_one(&app, &token, "bo@example.com").await;
    // Ana's verification mail is in the folder too: take the one to Bo.
    let eml = app
        .wait_for_mails("bo@example.com", "orgdesk://invite/", 1)
        .await
        .pop()
        .expect("an .eml file to bo@example.com in the mail folder");
    assert!(eml.contains("To: bo@example.com"), "{eml}");
    assert!(
        eml.contains("Ana Owner invited you to join Acme on Orgdesk as member."),
        "{eml}"
    );
    let link = eml
        .lines()
        .find_map(|l| l.trim().strip_prefix("orgdesk://invite/"))
        .unwrap_or_else(|| panic!("the link on a line of its own: {eml}"))
        .to_owned();
    let bo = app.signup("bo@example.com").await;
    let joined = expect_json(
        app.post(&format!("/v1/invitations/{link}/accept"), &bo.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["org"]["slug"], "acme");
    // Delivered mail leaves the outbox's queue, and the token leaves the database: the
    // org's kept copy of the invitation has its message blanked.
    let mut left = -1;
    for _ in 0..50 {
        (left,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
            .fetch_one(&app.db)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0);
    let copies: Vec<(String, Option<String>, Vec<u8>)> = sqlx::query_as(
        "SELECT recipient, subject, message FROM mail_outbox WHERE org_id IS NOT NULL",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(copies.len(), 1, "the invitation's copy");
    let (recipient, subject, message) = &copies[0];
    assert_eq!(recipient, "bo@example.com");
    assert!(subject.as_deref().is_some_and(|s| s.contains("invited")));
    assert!(message.is_empty(), "the token left with the message");
    let (all,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        all, 1,
        "mail about no org (Ana's verification) is deleted once sent"
    );
}
