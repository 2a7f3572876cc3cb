//! "Require SSO" from end to end, with nothing set up behind the API's back: the owner
//! proves the domain through the DNS server on loopback, saves the connection to the real
//! provider with "require SSO" on; a member of that domain who signs in with a password is
//! refused the org (`sso_required`) and gets in by starting the flow with their email; the
//! owner, of the same domain, keeps the password way in.

use orgdesk_server::Config;
use reqwest::StatusCode;
use serde_json::json;

use crate::dns_server::DnsServer;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, PASSWORD,
};
use crate::oidc_provider::{query_param, Browser, Provider, ProviderAccount};
use crate::sso_fixtures::{connection, put_sso, AppHalf, APP_STATE};

on_both_backends!(a_member_of_the_domain_gets_in_only_through_the_org_sso);

async fn a_member_of_the_domain_gets_in_only_through_the_org_sso(backend: Backend) {
    let dns = DnsServer::start().await;
    let resolver = dns.addr;
    let app = spawn_app_with(backend, |config| Config {
        allow_insecure_sso: true,
        dns_resolver: Some(resolver),
        ..config
    })
    .await;
    let callback = format!("{}/v1/auth/sso/callback", app.base);
    let accounts = [ProviderAccount {
        login: "kim",
        email: "kim@acme.test",
        email_verified: true,
    }];
    let provider = Provider::start(&callback, &accounts, 3600).await;

    let owner = app.signup("owner@acme.test").await;
    let org = app.new_org(&owner.token, "Acme").await;
    let org_id = org["org"]["id"].as_str().unwrap().to_owned();
    app.set_plan(&org_id, "team").await;
    // Kim proved her address (an unverified account of the domain is not taken over by a
    // sign-in through the provider: tested in sso_provisioning).
    let kim = app.signup_verified("kim@acme.test").await;
    app.add_member(&org_id, &kim.user_id, "member").await;

    // The domain, proved by its TXT record.
    let claimed = app
        .post_json(
            &format!("/v1/orgs/{org_id}/domains"),
            Some(&owner.token),
            &json!({ "domain": "acme.test" }),
        )
        .await;
    let claimed = expect_json(claimed, StatusCode::CREATED).await;
    let record_value = claimed["record_value"].as_str().unwrap();
    dns.zone.publish("_orgdesk.acme.test", &[record_value]);
    let verified = app
        .post(
            &format!("/v1/orgs/{org_id}/domains/acme.test/verify"),
            &owner.token,
        )
        .await;
    let verified = expect_json(verified, StatusCode::OK).await;
    assert!(verified["verified_at"].is_string(), "{verified}");

    let mut body = connection(&provider.issuer);
    body["require_sso"] = json!(true);
    body["create_members"] = json!(false);
    expect_json(
        put_sso(&app, &owner.token, &org_id, &body).await,
        StatusCode::OK,
    )
    .await;

    // Kim's password session: the org refuses it, the list says why.
    let org_path = format!("/v1/orgs/{org_id}");
    expect_problem(
        app.get(&org_path, &kim.token).await,
        StatusCode::FORBIDDEN,
        "sso_required",
    )
    .await;
    let orgs = expect_json(app.get("/v1/orgs", &kim.token).await, StatusCode::OK).await;
    let listed = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["org"]["id"] == org_id.as_str())
        .unwrap_or_else(|| panic!("{orgs}"));
    assert_eq!(listed["sso_required"], true, "{listed}");

    // Kim starts by email: the verified domain routes her to Acme's provider.
    let half = AppHalf::new();
    let mut start = half.fields();
    start["email"] = json!("kim@acme.test");
    let start = app.post_json("/v1/auth/sso/start", None, &start).await;
    let start = expect_json(start, StatusCode::OK).await;
    assert_eq!(start["org_name"], "Acme");
    let landing = Browser::new()
        .walk(
            start["authorization_url"].as_str().unwrap(),
            "kim",
            &callback,
        )
        .await;
    let to_app = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&landing)
        .send()
        .await
        .unwrap();
    assert_eq!(to_app.status(), StatusCode::SEE_OTHER);
    let location = to_app.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(query_param(&location, "state").as_deref(), Some(APP_STATE));
    let code = query_param(&location, "code").unwrap_or_else(|| panic!("{location}"));
    let redeemed = app
        .post_json(
            "/v1/auth/sso/redeem",
            None,
            &json!({ "code": code, "code_verifier": half.verifier }),
        )
        .await;
    let redeemed = expect_json(redeemed, StatusCode::OK).await;
    let sso_token = redeemed["session"]["token"].as_str().unwrap().to_owned();
    let seen = expect_json(app.get(&org_path, &sso_token).await, StatusCode::OK).await;
    assert_eq!(seen["role"], "member", "{seen}");
    assert_eq!(seen["sso_required"], false, "{seen}");
    // The same account's password session is still refused: the session decides.
    expect_problem(
        app.get(&org_path, &kim.token).await,
        StatusCode::FORBIDDEN,
        "sso_required",
    )
    .await;
    // Her personal context is hers whatever the org requires.
    let me = expect_json(app.get("/v1/me", &kim.token).await, StatusCode::OK).await;
    let personal = me["personal_org_id"].as_str().unwrap();
    expect_json(
        app.get(&format!("/v1/orgs/{personal}"), &kim.token).await,
        StatusCode::OK,
    )
    .await;

    // The owner, of the same domain, keeps the password way in.
    let owner_login = app.login("owner@acme.test", PASSWORD).await;
    let owner_login = expect_json(owner_login, StatusCode::OK).await;
    let owner_token = owner_login["token"].as_str().unwrap();
    expect_json(app.get(&org_path, owner_token).await, StatusCode::OK).await;
}
