//! Worlds several test files start from.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::harness::{expect_json, TestApp};

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
