//! Two-factor secrets are sealed with a key kept outside the database: a copy of the
//! database shows none of them, a restarted server and a second instance given the same
//! key read them, and an instance with another key refuses to start instead of failing
//! every sign-in with two-factor.

use orgdesk_server::{Config, ServerError};
use reqwest::StatusCode;
use serde_json::json;

use crate::fixtures::{code_at, enrol, now_secs};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp, PASSWORD,
};

on_both_backends!(
    the_database_holds_no_two_factor_secret,
    servers_sharing_the_key_share_two_factor,
    a_server_with_another_key_refuses_to_start,
);

/// Signs `email` in with the password and then a code of `secret`, on the server at `base`.
/// A code works once: the last accepted one is first moved a minute into the past.
async fn sign_in_with_code(app: &TestApp, base: &str, email: &str, secret: &str) -> StatusCode {
    sqlx::query("UPDATE two_factor SET last_step = last_step - 2")
        .execute(&app.db)
        .await
        .unwrap();
    let first = app
        .client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(first, StatusCode::UNAUTHORIZED, "mfa_required").await;
    let challenge = problem["two_factor"]["challenge"].as_str().unwrap();
    app.client
        .post(format!("{base}/v1/auth/login/two-factor"))
        .json(&json!({ "challenge": challenge, "code": code_at(secret, now_secs()) }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn the_database_holds_no_two_factor_secret(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let started = expect_json(
        app.post("/v1/me/two-factor", &ana.token).await,
        StatusCode::OK,
    )
    .await;
    let pending = started["secret"].as_str().unwrap().to_owned();
    let (stored,): (String,) = sqlx::query_as("SELECT secret FROM two_factor")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(
        !stored.contains(&pending),
        "an enrolment's secret is stored in clear"
    );

    let bo = app.signup("bo@example.com").await;
    let (secret, _) = enrol(&app, &bo).await;
    let rows: Vec<(String,)> = sqlx::query_as("SELECT secret FROM two_factor")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    for (stored,) in rows {
        assert!(!stored.contains(&secret) && !stored.contains(&pending));
        assert!(stored.starts_with("xc1."), "{stored} is not sealed");
    }
    let key = std::fs::read_to_string(app.data_dir().join("secret.key")).unwrap();
    assert_eq!(key.trim().len(), 44, "32 bytes in base64");
}

async fn servers_sharing_the_key_share_two_factor(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    let (secret, _) = enrol(&app, &ana).await;

    // The key file was made on first start; a restart reads it back.
    app.restart(false).await;
    let base = app.base.clone();
    assert_eq!(
        sign_in_with_code(&app, &base, "ana@example.com", &secret).await,
        StatusCode::OK
    );

    // A second instance given the same key (its own data folder, the key file by path).
    let key_file = app.data_dir().join("secret.key");
    let other_dir = tempfile::tempdir().unwrap();
    let other = app
        .another_instance(|config| Config {
            data_dir: other_dir.path().to_path_buf(),
            database_url: Some(config.resolved_database_url()),
            secret_key_file: Some(key_file),
            ..config
        })
        .await
        .expect("an instance with the same key starts");
    assert_eq!(
        sign_in_with_code(&app, &other.base_url(), "ana@example.com", &secret).await,
        StatusCode::OK
    );
    other.shutdown().await;
}

async fn a_server_with_another_key_refuses_to_start(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.signup("ana@example.com").await;
    enrol(&app, &ana).await;
    let other_dir = tempfile::tempdir().unwrap();
    let refused = app
        .another_instance(|config| Config {
            data_dir: other_dir.path().to_path_buf(),
            database_url: Some(config.resolved_database_url()),
            secret_key_file: None,
            ..config
        })
        .await;
    match refused {
        Err(ServerError::SealingKeyMismatch { .. }) => {}
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a server with another key started on the same database"),
    }
    // The server that holds the right key still signs Ana in.
    let me = app.get("/v1/me", &ana.token).await;
    assert_eq!(me.status(), StatusCode::OK);
}
