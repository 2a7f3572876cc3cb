//! Two-factor sign-in end to end: enrol with a code from the secret, ten recovery codes
//! shown once, sign-in answering `mfa_required` with a single-use challenge, codes that
//! work once and are rate-limited like passwords, recovery codes, new codes, turning it off.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{after_sign_in_window, code_at, enrol, now_secs};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp, PASSWORD,
};

on_both_backends!(
    enrolment_turns_two_factor_on_and_never_shows_the_secret_again,
    sign_in_asks_for_a_code_that_works_once,
    recovery_codes_work_once_and_can_be_renewed,
    codes_are_rate_limited_like_passwords,
    turning_two_factor_off_needs_a_code,
);

/// Signs in with the password; returns the challenge of the `mfa_required` answer.
async fn challenge(app: &TestApp, email: &str) -> String {
    let problem = expect_problem(
        app.login(email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "mfa_required",
    )
    .await;
    problem["two_factor"]["challenge"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn second_step(app: &TestApp, body: &Value) -> reqwest::Response {
    app.post_json("/v1/auth/login/two-factor", None, body).await
}

async fn enrolment_turns_two_factor_on_and_never_shows_the_secret_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let status = expect_json(
        app.get("/v1/me/two-factor", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        status,
        json!({ "enabled": false, "enabled_at": null, "recovery_codes_left": 0 })
    );
    expect_problem(
        app.post_json(
            "/v1/me/two-factor/confirm",
            Some(&ana.token),
            &json!({ "code": "123456" }),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;

    let shown = expect_json(
        app.post("/v1/me/two-factor", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    let secret = shown["secret"].as_str().unwrap();
    assert!(shown["otpauth_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/Orgdesk:ana%40example.com?secret="));
    assert!(shown["qr_svg"].as_str().unwrap().contains("<svg"));
    // Not in force until confirmed: signing in still takes the password alone.
    expect_json(app.login("ana@example.com", PASSWORD).await, StatusCode::OK).await;
    let wrong = code_at(secret, now_secs() + 600);
    expect_problem(
        app.post_json(
            "/v1/me/two-factor/confirm",
            Some(&ana.token),
            &json!({ "code": wrong }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_two_factor_code",
    )
    .await;
    // A replayed Idempotency-Key never repeats the codes.
    let confirm = |key: &'static str| {
        app.request(Method::POST, "/v1/me/two-factor/confirm", Some(&ana.token))
            .header("idempotency-key", key)
            .json(&json!({ "code": code_at(secret, now_secs()) }))
            .send()
    };
    let confirmed = expect_json(confirm("confirm-1").await.unwrap(), StatusCode::OK).await;
    let codes = confirmed["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.as_str().unwrap().len() == 11));
    let replayed = confirm("confirm-1").await.unwrap();
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    let replayed = expect_json(replayed, StatusCode::OK).await;
    assert!(replayed["codes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c == ""));
    let stored: Vec<(Option<Vec<u8>>,)> = sqlx::query_as("SELECT body FROM idempotency_records")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    for (body,) in stored {
        let body = String::from_utf8_lossy(&body.unwrap_or_default()).into_owned();
        assert!(!body.contains(codes[0].as_str().unwrap()), "{body}");
    }

    let status = expect_json(
        app.get("/v1/me/two-factor", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 10);
    assert!(!status.to_string().contains(secret));
    // Starting again is refused: the secret in force is never shown again.
    expect_problem(
        app.post("/v1/me/two-factor", &ana.token).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    let (hashes,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM recovery_codes WHERE code_hash = $1")
            .bind(codes[0].as_str().unwrap())
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(hashes, 0, "recovery codes are stored hashed");
    let log = expect_json(
        app.get("/v1/me/security-events", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["items"][0]["event"], "two_factor_enabled");
}

async fn sign_in_asks_for_a_code_that_works_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let (secret, _) = enrol(&app, &ana).await;
    // Wrong passwords answer as before; the right one asks for the second step.
    expect_problem(
        app.login("ana@example.com", "wrong password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let response = app.login("ana@example.com", PASSWORD).await;
    assert!(!response.headers().contains_key("set-cookie"));
    let problem = expect_problem(response, StatusCode::UNAUTHORIZED, "mfa_required").await;
    assert!(problem.get("token").is_none());
    let first = problem["two_factor"]["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    let expires: chrono::DateTime<chrono::Utc> = problem["two_factor"]["expires_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let ttl = expires - chrono::Utc::now();
    assert!(ttl <= chrono::Duration::minutes(5) && ttl > chrono::Duration::minutes(4));

    let later = code_at(&secret, now_secs() + 30);
    let grant = expect_json(
        second_step(&app, &json!({ "challenge": first, "code": later })).await,
        StatusCode::OK,
    )
    .await;
    let token = grant["token"].as_str().unwrap();
    expect_json(app.get("/v1/me", token).await, StatusCode::OK).await;
    // The challenge worked once.
    expect_problem(
        second_step(&app, &json!({ "challenge": first, "code": later })).await,
        StatusCode::UNAUTHORIZED,
        "mfa_challenge_expired",
    )
    .await;
    // The same code, or one of an earlier step, never works again.
    let second = challenge(&app, "ana@example.com").await;
    for code in [later, code_at(&secret, now_secs())] {
        expect_problem(
            second_step(&app, &json!({ "challenge": second, "code": code })).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_two_factor_code",
        )
        .await;
    }
    // An expired challenge is refused even with a good code.
    sqlx::query("UPDATE login_challenges SET expires_at = 0")
        .execute(&app.db)
        .await
        .unwrap();
    let next = code_at(&secret, now_secs() + 60);
    expect_problem(
        second_step(&app, &json!({ "challenge": second, "code": next })).await,
        StatusCode::UNAUTHORIZED,
        "mfa_challenge_expired",
    )
    .await;
    // Neither or both of code and recovery code: the request is refused unread.
    let third = challenge(&app, "ana@example.com").await;
    let problem = expect_problem(
        second_step(&app, &json!({ "challenge": third })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["field"], "code");
    let log = expect_json(
        app.get("/v1/me/security-events", token).await,
        StatusCode::OK,
    )
    .await;
    let events: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        &events[..4],
        [
            "sign_in_failed",
            "sign_in_failed",
            "signed_in",
            "sign_in_failed"
        ]
    );
    assert_eq!(log["items"][2]["details"]["two_factor"], true);
}

async fn recovery_codes_work_once_and_can_be_renewed(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let (secret, codes) = enrol(&app, &ana).await;
    let step = challenge(&app, "ana@example.com").await;
    // Read loosely: capitals, no hyphen.
    let typed = codes[0].replace('-', "").to_uppercase();
    let grant = expect_json(
        second_step(&app, &json!({ "challenge": step, "recovery_code": typed })).await,
        StatusCode::OK,
    )
    .await;
    let token = grant["token"].as_str().unwrap().to_owned();
    let status = expect_json(app.get("/v1/me/two-factor", &token).await, StatusCode::OK).await;
    assert_eq!(status["recovery_codes_left"], 9);
    let step = challenge(&app, "ana@example.com").await;
    expect_problem(
        second_step(
            &app,
            &json!({ "challenge": step, "recovery_code": codes[0] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_two_factor_code",
    )
    .await;
    // New codes, with a code from the app; the old ones stop working.
    let renewed = expect_json(
        app.post_json(
            "/v1/me/two-factor/recovery-codes",
            Some(&token),
            &json!({ "code": code_at(&secret, now_secs() + 30) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let fresh = renewed["codes"][0].as_str().unwrap();
    assert!(!codes.iter().any(|c| c == fresh));
    expect_problem(
        second_step(
            &app,
            &json!({ "challenge": step, "recovery_code": codes[1] }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_two_factor_code",
    )
    .await;
    expect_json(
        second_step(&app, &json!({ "challenge": step, "recovery_code": fresh })).await,
        StatusCode::OK,
    )
    .await;
    let log = expect_json(
        app.get("/v1/me/security-events", &token).await,
        StatusCode::OK,
    )
    .await;
    let events: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"recovery_codes_regenerated"), "{events:?}");
    assert!(events.contains(&"recovery_code_used"), "{events:?}");
}

async fn codes_are_rate_limited_like_passwords(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let (secret, _) = enrol(&app, &ana).await;
    let step = challenge(&app, "ana@example.com").await;
    for n in 0..5 {
        let guess = format!("{:06}", 100_000 + n);
        let response = second_step(&app, &json!({ "challenge": step, "code": guess })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The right code is refused too until the window has passed.
    let right = code_at(&secret, now_secs() + 30);
    let response = second_step(&app, &json!({ "challenge": step, "code": right })).await;
    assert!(response.headers().contains_key("retry-after"));
    expect_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The same limit guards turning two-factor off with a stolen session.
    expect_problem(
        app.request(Method::DELETE, "/v1/me/two-factor", Some(&ana.token))
            .json(&json!({ "code": right }))
            .send()
            .await
            .unwrap(),
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    after_sign_in_window(&app).await;
    expect_json(
        second_step(&app, &json!({ "challenge": step, "code": right })).await,
        StatusCode::OK,
    )
    .await;
}

async fn turning_two_factor_off_needs_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let (secret, codes) = enrol(&app, &ana).await;
    let off = |body: Value| {
        app.request(Method::DELETE, "/v1/me/two-factor", Some(&ana.token))
            .json(&body)
            .send()
    };
    expect_problem(
        off(json!({ "code": "000000" })).await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_two_factor_code",
    )
    .await;
    expect_problem(
        off(json!({ "code": "1", "recovery_code": codes[0] }))
            .await
            .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let response = off(json!({ "code": code_at(&secret, now_secs() + 30) }))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let status = expect_json(
        app.get("/v1/me/two-factor", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(status["enabled"], false);
    expect_json(app.login("ana@example.com", PASSWORD).await, StatusCode::OK).await;
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM recovery_codes")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
    expect_problem(
        off(json!({ "code": "000000" })).await.unwrap(),
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
}
