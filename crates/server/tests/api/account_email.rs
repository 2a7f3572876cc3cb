//! The account's email: the verification mail of sign-up, its single-use expiring link,
//! asking for it again, and changing the email (the new address confirms, the old one is
//! told; nothing changes before).

use reqwest::StatusCode;
use serde_json::{json, Value};

use orgdesk_server::Config;

use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};
use crate::mailbox::VERIFY_LINK;

on_both_backends!(
    signup_mails_a_single_use_verification_link,
    links_expire_and_only_the_newest_works,
    changing_the_email_takes_effect_once_the_new_address_confirms,
    a_change_of_email_is_refused_without_the_password_or_for_a_taken_address,
    the_built_in_server_counts_a_sign_up_as_verified,
);

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/v1/auth/verify-email", None, &json!({ "token": token }))
        .await
}

async fn me(app: &TestApp, token: &str) -> Value {
    expect_json(app.get("/v1/me", token).await, StatusCode::OK).await
}

async fn events(app: &TestApp, user: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT event FROM account_events WHERE user_id = $1 ORDER BY created_at, id",
    )
    .bind(user)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter().map(|(e,)| e).collect()
}

async fn signup_mails_a_single_use_verification_link(backend: Backend) {
    let app = spawn_app(backend).await;
    let grant = expect_json(
        app.signup_raw("Ana@Example.com", PASSWORD, "Ana").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(grant["me"]["email_verified"], false);
    let ana = grant["token"].as_str().unwrap();
    let mail = app
        .wait_for_mails("ana@example.com", VERIFY_LINK, 1)
        .await
        .pop()
        .unwrap();
    assert!(
        mail.contains("Subject: Confirm your email for Orgdesk"),
        "{mail}"
    );
    let token = app.mailed_token("ana@example.com", VERIFY_LINK).await;
    // Only the hash is stored.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM account_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert!(!stored.contains(&token));

    let verified = expect_json(verify(&app, &token).await, StatusCode::OK).await;
    assert_eq!(
        verified,
        json!({ "email": "ana@example.com", "changed": false })
    );
    assert_eq!(me(&app, ana).await["email_verified"], true);
    expect_problem(
        verify(&app, &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
    expect_problem(
        app.post("/v1/me/verify-email/resend", ana).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let user = grant["me"]["user"]["id"].as_str().unwrap();
    assert_eq!(events(&app, user).await, ["email_verified"]);
}

async fn links_expire_and_only_the_newest_works(backend: Backend) {
    let app = spawn_app(backend).await;
    let bo = app.signup("bo@example.com").await;
    let first = app.mailed_token("bo@example.com", VERIFY_LINK).await;
    let resent = app.post("/v1/me/verify-email/resend", &bo.token).await;
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    let mails = app.wait_for_mails("bo@example.com", VERIFY_LINK, 2).await;
    let second = crate::mailbox::link_token(&mails[1], VERIFY_LINK).unwrap();
    assert_ne!(first, second);
    // The first link was replaced.
    expect_problem(
        verify(&app, &first).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
    // Past its expiry, the second is refused too, and gone.
    sqlx::query("UPDATE account_tokens SET expires_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        verify(&app, &second).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
    for junk in ["", "not-a-token", &"A".repeat(43)] {
        expect_problem(
            verify(&app, junk).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_token",
        )
        .await;
    }
    assert_eq!(me(&app, &bo.token).await["email_verified"], false);
    // Resending has a daily limit (5 by default).
    for _ in 0..4 {
        let resent = app.post("/v1/me/verify-email/resend", &bo.token).await;
        assert_eq!(resent.status(), StatusCode::ACCEPTED);
    }
    let refused = app.post("/v1/me/verify-email/resend", &bo.token).await;
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The newest link still works.
    let newest = app.wait_for_mails("bo@example.com", VERIFY_LINK, 6).await;
    let token = crate::mailbox::link_token(newest.last().unwrap(), VERIFY_LINK).unwrap();
    expect_json(verify(&app, &token).await, StatusCode::OK).await;
}

async fn changing_the_email_takes_effect_once_the_new_address_confirms(backend: Backend) {
    let app = spawn_app(backend).await;
    let (ana, _) = crate::fixtures::acme(&app).await;
    let body = json!({ "new_email": " Ana.Lima@Example.org ", "password": PASSWORD });
    let started = app.post_json("/v1/me/email", Some(&ana), &body).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    // The old address is told, without a link; nothing changed yet.
    let notice = app
        .wait_for_mails("ana@example.com", "about to change", 1)
        .await
        .pop()
        .unwrap();
    assert!(notice.contains("ana.lima@example.org"), "{notice}");
    assert!(!notice.contains("orgdesk://"), "{notice}");
    assert_eq!(me(&app, &ana).await["user"]["email"], "ana@example.com");
    expect_json(app.login("ana@example.com", PASSWORD).await, StatusCode::OK).await;

    let token = app.mailed_token("ana.lima@example.org", VERIFY_LINK).await;
    let done = expect_json(verify(&app, &token).await, StatusCode::OK).await;
    assert_eq!(
        done,
        json!({ "email": "ana.lima@example.org", "changed": true })
    );
    let now = me(&app, &ana).await;
    assert_eq!(now["user"]["email"], "ana.lima@example.org");
    assert_eq!(now["email_verified"], true);
    expect_json(
        app.login("ana.lima@example.org", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    expect_problem(
        app.login("ana@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    // The member search finds her by the new address only.
    let found = expect_json(
        app.get("/v1/orgs/acme/members?q=ana.lima@", &ana).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let old = expect_json(
        app.get("/v1/orgs/acme/members?q=ana@example.com", &ana)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(old["items"], json!([]), "{old}");
    expect_problem(
        verify(&app, &token).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
    let user = now["user"]["id"].as_str().unwrap().to_owned();
    let mut log = events(&app, &user).await;
    // Sign-ins are in the same log; this is about the email's own events.
    log.retain(|event| event != "signed_in");
    assert_eq!(log, ["email_change_requested", "email_changed"]);
}

async fn a_change_of_email_is_refused_without_the_password_or_for_a_taken_address(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    app.signup("bo@example.com").await;
    let change =
        |new_email: &str, password: &str| json!({ "new_email": new_email, "password": password });
    let cases = [
        (change("new@example.com", "wrong password"), "password"),
        (change("not-an-email", PASSWORD), "new_email"),
        (change("ANA@example.com", PASSWORD), "new_email"),
    ];
    for (body, field) in cases {
        let problem = expect_problem(
            app.post_json("/v1/me/email", Some(&ana.token), &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    expect_problem(
        app.post_json(
            "/v1/me/email",
            Some(&ana.token),
            &change("bo@example.com", PASSWORD),
        )
        .await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    // A change confirmed after the address got an account meanwhile: 409, nothing moves.
    let body = change("cy@example.com", PASSWORD);
    let started = app.post_json("/v1/me/email", Some(&ana.token), &body).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let token = app.mailed_token("cy@example.com", VERIFY_LINK).await;
    app.signup("cy@example.com").await;
    expect_problem(
        verify(&app, &token).await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    assert_eq!(
        me(&app, &ana.token).await["user"]["email"],
        "ana@example.com"
    );
    let anonymous = app
        .request(reqwest::Method::POST, "/v1/me/email", None)
        .json(&change("x@example.com", PASSWORD))
        .send()
        .await
        .unwrap();
    expect_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

/// The desktop app's built-in server answers one machine's app, and its mail lands in files
/// nobody reads: a sign-up there is verified at once and mails no link (elsewhere it must
/// follow the mailed link, above).
async fn the_built_in_server_counts_a_sign_up_as_verified(backend: Backend) {
    let app = spawn_app_with(backend, |config| Config {
        trust_signup_email: true,
        ..config
    })
    .await;
    let grant = expect_json(
        app.signup_raw("ana@example.com", PASSWORD, "Ana").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(grant["me"]["email_verified"], true);
    let token = grant["token"].as_str().unwrap();
    assert_eq!(me(&app, token).await["email_verified"], true);
    let (links,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM account_tokens")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(links, 0);
    assert!(app.mails_to("ana@example.com").is_empty());
}
