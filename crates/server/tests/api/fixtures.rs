//! Worlds several test files start from, and what an authenticator app would show.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use totp_rs::{Algorithm, Builder, Secret};

use crate::harness::{expect_json, Account, TestApp};

/// Ana ("Ana Owner") owns Acme, on the team plan; returns her token and the org id.
pub async fn acme(app: &TestApp) -> (String, String) {
    let ana = app.signup_named("ana@example.com", "Ana Owner").await;
    let org = app.new_org(&ana.token, "Acme").await;
    let id = org["org"]["id"].as_str().unwrap().to_owned();
    app.set_plan(&id, "team").await;
    (ana.token, id)
}

pub async fn invite(app: &TestApp, token: &str, body: Value) -> Response {
    app.post_json("/v1/orgs/acme/invitations", Some(token), &body)
        .await
}

/// Invites one email to Acme as a member; returns the invitation and its token.
pub async fn invite_one(app: &TestApp, token: &str, email: &str) -> (Value, String) {
    let issued = expect_json(
        invite(app, token, json!({ "emails": [email], "role": "member" })).await,
        StatusCode::CREATED,
    )
    .await;
    let item = issued["invitations"][0].clone();
    let link = item["link"].as_str().unwrap();
    let token = link.strip_prefix("orgdesk://invite/").unwrap().to_owned();
    (item["invitation"].clone(), token)
}

/// The code an authenticator app shows for `secret` at `unix_secs`.
pub fn code_at(secret: &str, unix_secs: u64) -> String {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_secret(Secret::try_from_base32(secret).unwrap())
        .build()
        .unwrap()
        .generate(unix_secs)
        .to_string()
}

pub fn now_secs() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap()
}

/// Enrols `account`; returns the secret and the recovery codes.
pub async fn enrol(app: &TestApp, account: &Account) -> (String, Vec<String>) {
    let shown = expect_json(
        app.post("/v1/me/two-factor", &account.token).await,
        StatusCode::OK,
    )
    .await;
    let secret = shown["secret"].as_str().unwrap().to_owned();
    let confirmed = expect_json(
        app.post_json(
            "/v1/me/two-factor/confirm",
            Some(&account.token),
            &json!({ "code": code_at(&secret, now_secs()) }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let codes = confirmed["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// Moves every counted attempt (sign-in, codes) 16 minutes into the past: the 15-minute
/// windows have passed.
pub async fn after_sign_in_window(app: &TestApp) {
    sqlx::query("UPDATE rate_limit_hits SET at = at - 16 * 60 * 1000")
        .execute(&app.db)
        .await
        .unwrap();
}
