//! An org's security policy: owners and admins read and replace it, each change audited;
//! "require two-factor" shuts members without it out of that org only (403
//! `mfa_required_by_org` on its routes, while their other orgs, their personal context and
//! the org list keep working) and needs two-factor on the caller first; the minimum
//! password length reaches `auth::policy::min_password_length`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::fixtures::{acme, code_at, enrol, now_secs};
use crate::harness::{expect_json, expect_problem, on_both_backends, spawn_app, Backend, TestApp};

on_both_backends!(
    owners_and_admins_set_the_policy_and_it_is_audited,
    requiring_two_factor_shuts_out_members_without_it_from_that_org_only,
    the_minimum_password_length_reaches_the_password_paths,
);

async fn put_policy(app: &TestApp, org: &str, token: &str, body: &Value) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/v1/orgs/{org}/security"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .unwrap()
}

fn policy(require: bool, idle: Option<u32>, min_length: u32) -> Value {
    json!({
        "require_two_factor": require,
        "session_idle_timeout_minutes": idle,
        "min_password_length": min_length,
    })
}

async fn owners_and_admins_set_the_policy_and_it_is_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    app.add_member(&org, &member.user_id, "member").await;
    let path = format!("/v1/orgs/{org}/security");
    let default = expect_json(app.get(&path, &admin.token).await, StatusCode::OK).await;
    assert_eq!(
        default,
        json!({
            "require_two_factor": false,
            "session_idle_timeout_minutes": null,
            "min_password_length": 10,
            "members_without_two_factor": 3,
            "updated_at": null,
        })
    );
    expect_problem(
        app.get(&path, &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        put_policy(&app, &org, &member.token, &policy(false, None, 12)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let problem = expect_problem(
        put_policy(&app, &org, &admin.token, &policy(false, Some(4), 65)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["session_idle_timeout_minutes", "min_password_length"]
    );

    let set = expect_json(
        put_policy(&app, &org, &admin.token, &policy(false, Some(60), 14)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["session_idle_timeout_minutes"], 60);
    assert_eq!(set["min_password_length"], 14);
    assert!(set["updated_at"].is_string());
    assert_eq!(
        expect_json(app.get(&path, &owner).await, StatusCode::OK).await,
        set
    );
    let log = expect_json(
        app.get(&format!("/v1/orgs/{org}/audit-log"), &owner).await,
        StatusCode::OK,
    )
    .await;
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "org.security_updated");
    assert_eq!(entry["actor"]["id"], admin.user_id.as_str());
    assert_eq!(entry["details"]["before"]["min_password_length"], 10);
    assert_eq!(
        entry["details"]["after"]["session_idle_timeout_minutes"],
        60
    );
    assert_eq!(
        orgdesk_model::audit::AuditAction::OrgSecurityUpdated.label(),
        "Security policy changed"
    );
    // A personal context has no policy.
    let personal = app.signup("solo@example.com").await;
    expect_problem(
        app.get(
            &format!("/v1/orgs/{}/security", personal.personal_org_id),
            &personal.token,
        )
        .await,
        StatusCode::CONFLICT,
        "personal_context",
    )
    .await;
}

async fn requiring_two_factor_shuts_out_members_without_it_from_that_org_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner_token, org) = acme(&app).await;
    let owner = crate::harness::Account {
        token: owner_token.clone(),
        user_id: String::new(),
        personal_org_id: String::new(),
    };
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let other = app.new_org(&owner_token, "Other Co").await;
    let other_id = other["org"]["id"].as_str().unwrap().to_owned();
    app.add_member(&other_id, &member.user_id, "member").await;

    // The owner cannot lock everyone out before having two-factor themself.
    expect_problem(
        put_policy(&app, &org, &owner_token, &policy(true, None, 10)).await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    enrol(&app, &owner).await;
    let set = expect_json(
        put_policy(&app, &org, &owner_token, &policy(true, None, 10)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set["members_without_two_factor"], 1);

    // Every route of that org refuses the member, whatever it is …
    for path in [
        format!("/v1/orgs/{org}"),
        format!("/v1/orgs/{org}/projects"),
        format!("/v1/orgs/{org}/members"),
        format!("/v1/orgs/{org}/overview"),
        "/v1/orgs/acme".to_owned(),
    ] {
        let problem = expect_problem(
            app.get(&path, &member.token).await,
            StatusCode::FORBIDDEN,
            "mfa_required_by_org",
        )
        .await;
        assert!(problem["detail"].as_str().unwrap().contains("two-factor"));
    }
    expect_problem(
        app.post_json(
            &format!("/v1/orgs/{org}/leave"),
            Some(&member.token),
            &json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "mfa_required_by_org",
    )
    .await;
    // … a non-member still learns nothing (404) …
    let stranger = app.signup("stranger@example.com").await;
    expect_problem(
        app.get(&format!("/v1/orgs/{org}"), &stranger.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // … while the member's other org, personal context and org list keep working.
    expect_json(
        app.get(&format!("/v1/orgs/{other_id}"), &member.token)
            .await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        app.get(
            &format!("/v1/orgs/{}", member.personal_org_id),
            &member.token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let list = expect_json(app.get("/v1/orgs", &member.token).await, StatusCode::OK).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    // The owner, with two-factor, works as before.
    expect_json(
        app.get(&format!("/v1/orgs/{org}/projects"), &owner_token)
            .await,
        StatusCode::OK,
    )
    .await;

    // Once the member turns it on, the org opens.
    let (member_secret, _) = enrol(&app, &member).await;
    expect_json(
        app.get(&format!("/v1/orgs/{org}/projects"), &member.token)
            .await,
        StatusCode::OK,
    )
    .await;
    // Turning it off again shuts the door again.
    let response = app
        .request(Method::DELETE, "/v1/me/two-factor", Some(&member.token))
        .json(&json!({ "code": code_at(&member_secret, now_secs() + 30) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    expect_problem(
        app.get(&format!("/v1/orgs/{org}"), &member.token).await,
        StatusCode::FORBIDDEN,
        "mfa_required_by_org",
    )
    .await;
}

async fn the_minimum_password_length_reaches_the_password_paths(backend: Backend) {
    let app = spawn_app(backend).await;
    let (owner, org) = acme(&app).await;
    let member = app.signup("member@example.com").await;
    let outsider = app.signup("outsider@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let other = app.new_org(&owner, "Other Co").await;
    let other_id = other["org"]["id"].as_str().unwrap().to_owned();
    app.add_member(&other_id, &member.user_id, "member").await;
    expect_json(
        put_policy(&app, &org, &owner, &policy(false, None, 16)).await,
        StatusCode::OK,
    )
    .await;
    expect_json(
        put_policy(&app, &other_id, &owner, &policy(false, None, 20)).await,
        StatusCode::OK,
    )
    .await;
    let mut conn = app.db.acquire().await.unwrap();
    let min = |user: &str| user.parse::<orgdesk_model::UserId>().unwrap();
    // The longest of the member's orgs applies; someone in none of them keeps the platform's.
    let member_min =
        orgdesk_server::auth::policy::min_password_length(&mut conn, min(&member.user_id))
            .await
            .unwrap();
    assert_eq!(member_min, 20);
    let outsider_min =
        orgdesk_server::auth::policy::min_password_length(&mut conn, min(&outsider.user_id))
            .await
            .unwrap();
    assert_eq!(outsider_min, 10);
    let mut errors = Vec::new();
    orgdesk_server::auth::policy::check_password_length(
        &mut conn,
        min(&member.user_id),
        "seventeen letters",
        "new_password",
        &mut errors,
    )
    .await
    .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "new_password");
    assert!(errors[0].message.contains("20"), "{}", errors[0].message);
}
