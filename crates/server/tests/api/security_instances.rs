//! The limits live in the database, so two servers of one database share them: a burst of
//! guesses split between two instances still gets at most 5 passwords checked, and sign-up
//! mail limits counted on one instance hold on the other.

use orgdesk_server::Config;
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{on_both_backends, spawn_app, Backend, TestApp};

on_both_backends!(
    a_login_burst_split_between_two_instances_gets_five_passwords_checked,
    the_password_reset_limit_holds_across_instances,
);

async fn second_instance(app: &TestApp) -> orgdesk_server::RunningServer {
    let key_file = app.data_dir().join("secret.key");
    app.another_instance(|config| Config {
        database_url: Some(config.resolved_database_url()),
        secret_key_file: Some(key_file),
        ..config
    })
    .await
    .expect("a second instance starts")
}

async fn login_at(app: &TestApp, base: &str, email: &str, password: &str) -> StatusCode {
    app.client
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

async fn a_login_burst_split_between_two_instances_gets_five_passwords_checked(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("victim@example.com").await;
    let other = second_instance(&app).await;
    let bases = [app.base.clone(), other.base_url()];
    let guesses = (0..200).map(|n| {
        let (app, base) = (&app, &bases[n % 2]);
        async move { login_at(app, base, "victim@example.com", &format!("guess {n}")).await }
    });
    let statuses = futures::future::join_all(guesses).await;
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert_eq!(checked + throttled, 200, "{statuses:?}");
    other.shutdown().await;
}

async fn the_password_reset_limit_holds_across_instances(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signup("ana@example.com").await;
    let other = second_instance(&app).await;
    let bases = [app.base.clone(), other.base_url()];
    let mut statuses = Vec::new();
    // Five reset mails a day for one address, whichever instance is asked.
    for n in 0..8 {
        let status = app
            .client
            .post(format!("{}/v1/auth/password-reset", bases[n % 2]))
            .json(&json!({ "email": "ana@example.com" }))
            .send()
            .await
            .unwrap()
            .status();
        statuses.push(status);
    }
    let accepted = statuses.iter().filter(|s| s.is_success()).count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((accepted, limited), (5, 3), "{statuses:?}");
    other.shutdown().await;
}
