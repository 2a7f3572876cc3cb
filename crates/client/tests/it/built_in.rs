//! The client against a server configured as the desktop's built-in one: with the app's
//! secret every request gets through (reads, writes, streamed downloads); without it, or
//! with another, each is refused.

use orgdesk_client::{Client, Period};
use orgdesk_model::auth::SignupRequest;
use orgdesk_model::usage::UsageGroup;
use orgdesk_model::ErrorCode;
use orgdesk_server::access::AppSecret;

fn ana() -> SignupRequest {
    SignupRequest {
        email: "ana@example.com".into(),
        password: "correct horse battery".into(),
        display_name: "Ana Lima".into(),
    }
}

#[tokio::test]
async fn the_app_secret_opens_the_built_in_server_and_nothing_else_does() {
    let dir = tempfile::tempdir().unwrap();
    let secret = AppSecret::generate();
    let server =
        orgdesk_server::spawn(orgdesk_server::Config::built_in(dir.path(), secret.clone()))
            .await
            .unwrap();
    let base = server.base_url();

    for refused in [
        Client::new(&base).unwrap(),
        Client::new(&base)
            .unwrap()
            .with_app_secret(AppSecret::generate().expose()),
    ] {
        let error = refused.signup(&ana()).await.expect_err("refused");
        assert_eq!(error.code(), ErrorCode::Forbidden, "{error}");
        assert_eq!(
            refused.health().await.expect_err("refused").code(),
            ErrorCode::Forbidden
        );
    }

    let app = Client::new(&base).unwrap().with_app_secret(secret.expose());
    assert!(
        !format!("{app:?}").contains(secret.expose()),
        "the secret stays out of logs"
    );
    app.health().await.unwrap();
    let grant = app.signup(&ana()).await.unwrap();
    let app = app.with_token(grant.token);
    assert_eq!(app.me().await.unwrap().value.user.email, "ana@example.com");
    let org = grant.me.personal_org_id;
    let csv = dir.path().join("usage.csv");
    let period = Period {
        from: None,
        to: None,
    };
    app.usage_csv(org, period, UsageGroup::Project, &csv, |_| {})
        .await
        .unwrap();
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with("project_id,"));

    // Under its other loopback name too.
    let localhost = base.replace("127.0.0.1", "localhost");
    let app = Client::new(&localhost)
        .unwrap()
        .with_app_secret(secret.expose());
    app.health().await.unwrap();
    server.shutdown().await;
}
