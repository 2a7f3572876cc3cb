//! The password: changing it (the current one confirms it; every other session ends; wrong
//! ones are limited) and resetting it through a mailed link (15 minutes, single use, the
//! same answer whether or not an account has the address, limited per client and per
//! address, every session ended).

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, spawn_app_with, Backend, TestApp,
    PASSWORD,
};
use crate::mailbox::RESET_LINK;

on_both_backends!(
    changing_the_password_ends_every_other_session,
    wrong_current_passwords_are_limited_before_they_are_checked,
    a_reset_link_sets_a_new_password_once,
    asking_for_a_reset_answers_alike_and_is_limited,
);

const NEW: &str = "a much newer password";

async fn session(app: &TestApp, email: &str, password: &str) -> String {
    let grant = expect_json(app.login(email, password).await, StatusCode::OK).await;
    grant["token"].as_str().unwrap().to_owned()
}

async fn change(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    let body = json!({ "current_password": current, "new_password": new });
    app.post_json("/v1/me/password", Some(token), &body).await
}

/// The details of the account's only `event` in its security log.
async fn event(app: &TestApp, user: &str, event: &str) -> Value {
    let (details,): (String,) =
        sqlx::query_as("SELECT details FROM account_events WHERE user_id = $1 AND event = $2")
            .bind(user)
            .bind(event)
            .fetch_one(&app.db)
            .await
            .unwrap();
    serde_json::from_str(&details).unwrap()
}

async fn changing_the_password_ends_every_other_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let other = session(&app, "ana@example.com", PASSWORD).await;
    for (current, new, field) in [
        ("not my password", NEW, "current_password"),
        (PASSWORD, "short", "new_password"),
        (PASSWORD, &"x".repeat(201), "new_password"),
    ] {
        let problem = expect_problem(
            change(&app, &ana.token, current, new).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["field"], field, "{problem}");
    }
    assert_eq!(
        change(&app, &ana.token, PASSWORD, NEW).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_problem(
        app.get("/v1/me", &other).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_json(app.get("/v1/me", &ana.token).await, StatusCode::OK).await;
    expect_problem(
        app.login("ana@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    session(&app, "ana@example.com", NEW).await;
    let details = event(&app, &ana.user_id, "password_changed").await;
    assert_eq!(details["other_sessions_ended"], 1);
}

async fn wrong_current_passwords_are_limited_before_they_are_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    // A right password does not use the allowance.
    for _ in 0..3 {
        assert_eq!(
            change(&app, &ana.token, PASSWORD, PASSWORD).await.status(),
            StatusCode::NO_CONTENT
        );
    }
    let wrong = futures::future::join_all(
        (0..10).map(|_| async { change(&app, &ana.token, "wrong", NEW).await.status() }),
    )
    .await;
    assert!(
        wrong.iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{wrong:?}"
    );
    // The eleventh within the hour is refused before the password is looked at, even
    // the right one, and so are deleting the account and changing the email.
    let refused = change(&app, &ana.token, PASSWORD, NEW).await;
    assert!(refused.headers().contains_key("retry-after"));
    expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let delete = app
        .request(reqwest::Method::DELETE, "/v1/me", Some(&ana.token))
        .json(&json!({ "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    expect_problem(delete, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

async fn a_reset_link_sets_a_new_password_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup_verified("ana@example.com").await;
    let other = session(&app, "ana@example.com", PASSWORD).await;
    let asked = app
        .post_json(
            "/v1/auth/password-reset",
            None,
            &json!({ "email": " ANA@example.com " }),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let mail = app
        .wait_for_mails("ana@example.com", RESET_LINK, 1)
        .await
        .pop()
        .unwrap();
    assert!(
        mail.contains("Subject: Reset your Orgdesk password"),
        "{mail}"
    );
    let token = app.mailed_token("ana@example.com", RESET_LINK).await;
    let confirm = |new: &str| json!({ "token": token, "new_password": new });

    let problem = expect_problem(
        app.post_json("/v1/auth/password-reset/confirm", None, &confirm("short"))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "new_password");
    let done = app
        .post_json("/v1/auth/password-reset/confirm", None, &confirm(NEW))
        .await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    for token in [&ana.token, &other] {
        expect_problem(
            app.get("/v1/me", token).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    session(&app, "ana@example.com", NEW).await;
    expect_problem(
        app.post_json("/v1/auth/password-reset/confirm", None, &confirm(PASSWORD))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
    let details = event(&app, &ana.user_id, "password_reset").await;
    assert_eq!(details["sessions_ended"], 2);
    assert_eq!(details["claimed_unverified_account"], false);

    // A link past its 15 minutes no longer works.
    app.post_json(
        "/v1/auth/password-reset",
        None,
        &json!({ "email": "ana@example.com" }),
    )
    .await;
    app.wait_for_mails("ana@example.com", RESET_LINK, 2).await;
    let late = app.mailed_token("ana@example.com", RESET_LINK).await;
    let (expires, created): (i64, i64) =
        sqlx::query_as("SELECT expires_at, created_at FROM account_tokens")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(expires - created, 15 * 60 * 1000);
    sqlx::query("UPDATE account_tokens SET expires_at = 1")
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        app.post_json(
            "/v1/auth/password-reset/confirm",
            None,
            &json!({ "token": late, "new_password": PASSWORD }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_token",
    )
    .await;
}

async fn asking_for_a_reset_answers_alike_and_is_limited(backend: Backend) {
    let app = spawn_app_with(backend, |mut config| {
        config.account_limits.resets_per_email = 2;
        config.account_limits.resets_per_ip = 5;
        config
    })
    .await;
    app.signup_verified("ana@example.com").await;
    let app = &app;
    let ask = |email: &str| {
        let body = json!({ "email": email });
        async move { app.post_json("/v1/auth/password-reset", None, &body).await }
    };
    for email in ["ana@example.com", "nobody@example.com"] {
        for _ in 0..2 {
            let answer = ask(email).await;
            assert_eq!(answer.status(), StatusCode::ACCEPTED);
            assert_eq!(answer.text().await.unwrap(), "");
        }
        // Past the address's limit, an account or none: the same 429.
        let refused = ask(email).await;
        assert!(refused.headers().contains_key("retry-after"));
        expect_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
    // Only the account's address was mailed.
    assert_eq!(
        app.wait_for_mails("ana@example.com", RESET_LINK, 2)
            .await
            .len(),
        2
    );
    assert!(app.mails_to("nobody@example.com").is_empty());
    // Five a day from one client, whatever the addresses.
    let answer = ask("cy@example.com").await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    expect_problem(
        ask("dee@example.com").await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    let problem = expect_problem(
        ask("not-an-address").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "email");
}
