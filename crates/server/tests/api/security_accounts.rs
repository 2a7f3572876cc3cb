//! Attack 1 of issue 9, invitation takeover: an org invites newhire@corp.example as admin;
//! someone else signs up with that address first. Before: they saw the invitation in
//! `GET /v1/me/invitations`, accepted it by id and were admin, and the real invitee's
//! sign-up got 409 with no way in. Now: an unverified account is shown no invitation and
//! cannot answer one by id (403 `email_not_verified`); the real invitee's sign-up still
//! gets 409, but their address is mailed a link that takes the squatted account over
//! (sessions ended, password theirs, email verified, the squatter's API keys revoked).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fixtures::{acme, invite};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};
use crate::mailbox::{link_token, RESET_LINK};

on_both_backends!(
    a_squatter_cannot_see_or_accept_the_invitation,
    the_real_invitee_takes_the_squatted_address_back,
    accepting_through_the_mailed_invitation_link_verifies,
    signups_are_limited_per_client_address,
);

const NEWHIRE: &str = "newhire@corp.example";

/// Acme (Ana owns it) invites newhire@corp.example as admin; returns Ana's token and the
/// invitation's id and mailed token.
async fn newhire_invited(app: &TestApp) -> (String, String, String) {
    let (ana, _) = acme(app).await;
    let issued = expect_json(
        invite(app, &ana, json!({ "emails": [NEWHIRE], "role": "admin" })).await,
        StatusCode::CREATED,
    )
    .await;
    let item = &issued["invitations"][0];
    let id = item["invitation"]["id"].as_str().unwrap().to_owned();
    let link = item["link"].as_str().unwrap();
    let token = link.strip_prefix("orgdesk://invite/").unwrap().to_owned();
    (ana, id, token)
}

async fn me(app: &TestApp, token: &str) -> Value {
    expect_json(app.get("/v1/me", token).await, StatusCode::OK).await
}

async fn a_squatter_cannot_see_or_accept_the_invitation(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = newhire_invited(&app).await;
    let squatter = app.signup(NEWHIRE).await;
    assert_eq!(me(&app, &squatter.token).await["email_verified"], false);

    let mine = expect_json(
        app.get("/v1/me/invitations", &squatter.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["items"], json!([]), "{mine}");
    for path in [
        format!("/v1/invitations/{id}/accept"),
        format!("/v1/invitations/{id}/decline"),
    ] {
        expect_problem(
            app.post(&path, &squatter.token).await,
            StatusCode::FORBIDDEN,
            "email_not_verified",
        )
        .await;
    }
    expect_problem(
        app.get(&format!("/v1/invitations/{id}"), &squatter.token)
            .await,
        StatusCode::FORBIDDEN,
        "email_not_verified",
    )
    .await;
    expect_problem(
        app.get("/v1/orgs/acme", &squatter.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Still pending for the real invitee.
    let (status,): (String,) = sqlx::query_as("SELECT status FROM invitations WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    // The squatter can still work in their own contexts.
    let own = app.new_org(&squatter.token, "Squat Co").await;
    assert_eq!(own["role"], "owner");
    // Asking for the verification mail again sends it to the address, not to them.
    let resend = app
        .post("/v1/me/verify-email/resend", &squatter.token)
        .await;
    assert_eq!(resend.status(), StatusCode::ACCEPTED);
    app.wait_for_mails(NEWHIRE, "orgdesk://verify-email/", 2)
        .await;
}

async fn the_real_invitee_takes_the_squatted_address_back(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, id, _) = newhire_invited(&app).await;
    let squatter = app.signup(NEWHIRE).await;
    let squat_org = app.new_org(&squatter.token, "Squat Co").await;
    let squat_org = squat_org["org"]["id"].as_str().unwrap().to_owned();
    let key = expect_json(
        app.post_json(
            &format!("/v1/orgs/{squat_org}/api-keys"),
            Some(&squatter.token),
            &json!({ "name": "mine", "scopes": ["usage:write"] }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;

    // The real invitee's sign-up: 409, and a takeover link mailed to the address.
    let again = app
        .signup_raw(NEWHIRE, "the real one's password", "New Hire")
        .await;
    expect_problem(again, StatusCode::CONFLICT, "email_taken").await;
    let mail = app
        .wait_for_mails(NEWHIRE, "Someone tried to sign up", 1)
        .await
        .pop()
        .unwrap();
    assert!(
        mail.contains("Subject: Someone tried to sign up to Orgdesk with your email"),
        "{mail}"
    );
    let token = link_token(&mail, RESET_LINK).expect("a reset link");

    let new_password = "the real one's password";
    let body = json!({ "token": token, "new_password": new_password });
    let reset = app
        .post_json("/v1/auth/password-reset/confirm", None, &body)
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);

    // The squatter is out and cannot get back in.
    expect_problem(
        app.get("/v1/me", &squatter.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_problem(
        app.login(NEWHIRE, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let (revoked,): (Option<i64>,) =
        sqlx::query_as("SELECT revoked_at FROM api_keys WHERE id = $1")
            .bind(key["key"]["id"].as_str().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(revoked.is_some(), "the squatter's API key still works");

    // The real invitee is in, verified, and joins as admin by id.
    let grant = expect_json(app.login(NEWHIRE, new_password).await, StatusCode::OK).await;
    let token = grant["token"].as_str().unwrap();
    assert_eq!(grant["me"]["email_verified"], true);
    let mine = expect_json(app.get("/v1/me/invitations", token).await, StatusCode::OK).await;
    assert_eq!(mine["items"][0]["id"], id.as_str());
    let joined = expect_json(
        app.post(&format!("/v1/invitations/{id}/accept"), token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["role"], "admin");

    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT event, details FROM account_events WHERE user_id = $1 ORDER BY created_at, id",
    )
    .bind(&squatter.user_id)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let reset = events.iter().find(|(e, _)| e == "password_reset").unwrap();
    let details: Value = serde_json::from_str(&reset.1).unwrap();
    assert_eq!(details["claimed_unverified_account"], true);
    assert_eq!(details["sessions_ended"], 1);
    assert_eq!(details["api_keys_revoked"], 1);
    let verified = events.iter().find(|(e, _)| e == "email_verified").unwrap();
    assert!(verified.1.contains("reset_link"), "{verified:?}");
}

async fn accepting_through_the_mailed_invitation_link_verifies(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, _, token) = newhire_invited(&app).await;
    let newhire = app.signup(NEWHIRE).await;
    // By the token the mail carries, no proof is needed: the token is the proof.
    let joined = expect_json(
        app.post(&format!("/v1/invitations/{token}/accept"), &newhire.token)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["role"], "admin");
    assert_eq!(me(&app, &newhire.token).await["email_verified"], true);
    let (details,): (String,) = sqlx::query_as(
        "SELECT details FROM account_events WHERE user_id = $1 AND event = 'email_verified'",
    )
    .bind(&newhire.user_id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(details.contains("invitation_link"), "{details}");
}

async fn signups_are_limited_per_client_address(backend: Backend) {
    let app = spawn_app_with(backend, |mut config| {
        config.account_limits.signups_per_ip = 3;
        config
    })
    .await;
    app.signup("a@example.com").await;
    // A taken address counts too: trying addresses is what the limit is against.
    expect_problem(
        app.signup_raw("a@example.com", PASSWORD, "Again").await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    app.signup("b@example.com").await;
    let refused = app.signup_raw("c@example.com", PASSWORD, "C").await;
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 23 * 3600 && wait <= 24 * 3600, "{wait}");
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts, 2);
}
