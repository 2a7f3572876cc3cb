//! Sign-up, sign-in, sign-out, sessions and throttling.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, PASSWORD};

on_both_backends!(
    signup_creates_account_personal_context_and_session,
    signup_refuses_a_taken_email_whatever_its_case,
    signup_validation_lists_every_field,
    login_logout_and_me,
    wrong_password_and_unknown_email_answer_alike,
    repeated_failures_are_throttled,
    successful_login_clears_failures,
    missing_unknown_or_expired_token_is_unauthenticated,
    malformed_json_is_a_problem,
);

async fn signup_creates_account_personal_context_and_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .signup_raw("  Ana@Example.COM ", PASSWORD, " Ana Lima ")
        .await;
    let grant = expect_json(response, StatusCode::CREATED).await;
    let token = grant["token"].as_str().unwrap();
    assert!(
        token.starts_with("ods_") && token.len() >= 4 + 43,
        "{token}"
    );
    assert_eq!(grant["me"]["user"]["email"], "ana@example.com");
    assert_eq!(grant["me"]["user"]["display_name"], "Ana Lima");

    let me = expect_json(app.get("/v1/me", token).await, StatusCode::OK).await;
    assert_eq!(me["user"], grant["me"]["user"]);
    assert_eq!(me["personal_org_id"], grant["me"]["personal_org_id"]);

    let orgs = expect_json(app.get("/v1/orgs", token).await, StatusCode::OK).await;
    let items = orgs["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let personal = &items[0];
    assert_eq!(personal["org"]["id"], grant["me"]["personal_org_id"]);
    assert_eq!(personal["org"]["kind"], "personal");
    assert_eq!(personal["org"]["plan"], "free");
    assert_eq!(personal["role"], "owner");
    let slug = personal["org"]["slug"].as_str().unwrap();
    assert!(
        slug.starts_with("personal-") && slug.len() == "personal-".len() + 8,
        "{slug}"
    );
    let caps = personal["capabilities"].as_array().unwrap();
    assert!(caps.contains(&json!("edit_settings")));
    assert!(!caps.contains(&json!("delete_org")));

    // Only the hash of the token is stored.
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64);
}

async fn signup_refuses_a_taken_email_whatever_its_case(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("ana@example.com").await;
    let response = app
        .signup_raw(" ANA@example.com", PASSWORD, "Other Ana")
        .await;
    expect_problem(response, StatusCode::CONFLICT, "email_taken").await;
}

async fn signup_validation_lists_every_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.signup_raw("not-an-email", "short", "   ").await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "email");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "display_name"]);
    assert!(problem["errors"][0]["message"].is_string());
}

async fn login_logout_and_me(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = app.signup("bo@example.com").await;
    let grant = expect_json(
        app.login(" BO@Example.com ", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    let second = grant["token"].as_str().unwrap().to_owned();
    assert_ne!(second, first.token);
    assert_eq!(grant["me"]["user"]["id"], first.user_id.as_str());

    let response = app
        .request(Method::POST, "/v1/auth/logout", Some(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app
        .request(Method::GET, "/v1/me", Some(&second))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // The other session is untouched.
    expect_json(app.get("/v1/me", &first.token).await, StatusCode::OK).await;
}

async fn wrong_password_and_unknown_email_answer_alike(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("cy@example.com").await;
    let wrong = expect_problem(
        app.login("cy@example.com", "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = expect_problem(
        app.login("nobody@example.com", "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
}

async fn repeated_failures_are_throttled(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("dee@example.com").await;
    for _ in 0..5 {
        let response = app.login("dee@example.com", "wrong password!").await;
        expect_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Even the right password is refused now, with a time to wait.
    let response = app.login("DEE@example.com", PASSWORD).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // Another account from the same address is not blocked by that email's failures.
    app.signup("eve@example.com").await;
    expect_json(app.login("eve@example.com", PASSWORD).await, StatusCode::OK).await;

    // The throttle lives in the database: once the failures are old, sign-in works again.
    sqlx::query("UPDATE rate_limit_hits SET at = at - 16 * 60 * 1000")
        .execute(&app.db)
        .await
        .unwrap();
    expect_json(app.login("dee@example.com", PASSWORD).await, StatusCode::OK).await;
}

async fn successful_login_clears_failures(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("fay@example.com").await;
    for _ in 0..4 {
        let response = app.login("fay@example.com", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    expect_json(app.login("fay@example.com", PASSWORD).await, StatusCode::OK).await;
    for _ in 0..4 {
        let response = app.login("fay@example.com", "wrong password!").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    expect_json(app.login("fay@example.com", PASSWORD).await, StatusCode::OK).await;
}

async fn missing_unknown_or_expired_token_is_unauthenticated(backend: Backend) {
    let app = spawn_app(backend).await;
    let account = app.signup("gus@example.com").await;

    let response = app
        .request(Method::GET, "/v1/orgs", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    let forged = format!("ods_{}", "A".repeat(43));
    expect_problem(
        app.get("/v1/me", &forged).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let response = app
        .client
        .get(format!("{}/v1/me", app.base))
        .header("authorization", "Basic eDp5")
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    expect_json(app.get("/v1/me", &account.token).await, StatusCode::OK).await;
    sqlx::query("UPDATE sessions SET expires_at = $1")
        .bind(chrono::Utc::now().timestamp_millis() - 1)
        .execute(&app.db)
        .await
        .unwrap();
    expect_problem(
        app.get("/v1/me", &account.token).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn malformed_json_is_a_problem(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .request(Method::POST, "/v1/auth/signup", None)
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    expect_problem(response, StatusCode::BAD_REQUEST, "malformed_request").await;
    let response = app
        .request(Method::POST, "/v1/auth/login", None)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    expect_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = json!({ "email": "a@b.co", "password": "x".repeat(100_000), "display_name": "x" });
    let response = app.post_json("/v1/auth/signup", None, &huge).await;
    expect_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}
