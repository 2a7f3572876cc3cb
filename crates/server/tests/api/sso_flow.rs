//! The SSO sign-in flow against the real `oidc-provider`: the whole code flow with PKCE,
//! one-time codes, states that are replayed or forged, and who may get in.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, expect_problem, on_both_backends, Backend};
use crate::sso_fixtures::{world, AppHalf, APP_REDIRECT};

on_both_backends!(
    a_first_sign_in_creates_the_account_and_the_membership,
    a_code_works_once_and_only_with_its_verifier,
    a_burst_of_redemptions_has_one_winner,
    states_are_one_time_and_unforgeable,
    who_may_not_sign_in_is_sent_back_with_an_error,
    an_admin_tests_the_connection_without_signing_in,
);

async fn a_first_sign_in_creates_the_account_and_the_membership(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let project = w.app.new_project(&w.owner.token, &w.org_id, "Launch").await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    // The default scope: members created by SSO see the one project.
    let mut body = crate::sso_fixtures::connection(&w.provider.issuer);
    body["default_project_scope"] = json!({ "kind": "projects", "ids": [project_id] });
    body.as_object_mut().unwrap().remove("client_secret");
    let saved = crate::sso_fixtures::put_sso(&w.app, &w.owner.token, &w.org_id, &body).await;
    expect_json(saved, StatusCode::OK).await;

    let token = w.session_of("jo").await;
    let me = expect_json(w.app.get("/v1/me", &token).await, StatusCode::OK).await;
    assert_eq!(me["user"]["email"], "jo@acme.test");
    assert_eq!(me["email_verified"], true);
    let org = w.app.get(&format!("/v1/orgs/{}", w.org_id), &token).await;
    let org = expect_json(org, StatusCode::OK).await;
    assert_eq!(org["role"], "member", "{org}");
    let projects = w
        .app
        .get(&format!("/v1/orgs/{}/projects", w.org_id), &token)
        .await;
    let projects = expect_json(projects, StatusCode::OK).await;
    assert_eq!(projects["items"].as_array().unwrap().len(), 1, "{projects}");

    let sso_sessions = w
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE sso_org_id = '{}'",
            w.org_id
        ))
        .await;
    assert_eq!(sso_sessions, 1);
    // The account's security log has the sign-in, naming the org's SSO.
    let events = w.app.get("/v1/me/security-events", &token).await;
    let events = expect_json(events, StatusCode::OK).await;
    let signed_in = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "signed_in")
        .unwrap_or_else(|| panic!("{events}"));
    assert_eq!(signed_in["details"]["sso_org_id"], w.org_id.as_str());
    let actions = w.audit_actions().await;
    assert!(
        actions.contains(&"member.provisioned".to_owned()),
        "{actions:?}"
    );
    assert!(actions.contains(&"member.signed_in_with_sso".to_owned()));
    let log = w
        .app
        .get(&format!("/v1/orgs/{}/audit-log", w.org_id), &w.owner.token)
        .await;
    let log = expect_json(log, StatusCode::OK).await;
    let signed_in = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "member.signed_in_with_sso")
        .unwrap();
    assert_eq!(signed_in["details"]["subject"], "jo", "{signed_in}");
    assert_eq!(signed_in["details"]["issuer"], w.provider.issuer.as_str());

    // Again: the same account by its identity, no second membership.
    let again = w.session_of("jo").await;
    assert_ne!(again, token);
    let users = w
        .count("SELECT COUNT(*) FROM users WHERE email = 'jo@acme.test'")
        .await;
    assert_eq!(users, 1);
    let provisioned = w
        .audit_actions()
        .await
        .iter()
        .filter(|a| *a == "member.provisioned")
        .count();
    assert_eq!(provisioned, 1);
    // The account has no password anyone knows.
    let login = w.app.login("jo@acme.test", crate::harness::PASSWORD).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

async fn a_code_works_once_and_only_with_its_verifier(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let (half, landing) = w.sign_in("jo").await;
    let code = landing.code().expect("a code");
    // A wrong verifier fails, and spends the code.
    let wrong = AppHalf::new();
    let refused = w.redeem(&code, &wrong.verifier).await;
    expect_problem(refused, StatusCode::UNAUTHORIZED, "sso_failed").await;
    let late = w.redeem(&code, &half.verifier).await;
    expect_problem(late, StatusCode::UNAUTHORIZED, "sso_failed").await;

    let (half, landing) = w.sign_in("jo").await;
    let code = landing.code().expect("a code");
    expect_json(w.redeem(&code, &half.verifier).await, StatusCode::OK).await;
    let replayed = w.redeem(&code, &half.verifier).await;
    expect_problem(replayed, StatusCode::UNAUTHORIZED, "sso_failed").await;
    // Made-up codes and malformed verifiers alike.
    let forged = w.redeem("odsso_madeup", &half.verifier).await;
    expect_problem(forged, StatusCode::UNAUTHORIZED, "sso_failed").await;
    let short = w.redeem(&code, "short").await;
    expect_problem(short, StatusCode::UNAUTHORIZED, "sso_failed").await;
}

async fn a_burst_of_redemptions_has_one_winner(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let (half, landing) = w.sign_in("jo").await;
    let code = landing.code().expect("a code");
    let attempts = (0..8).map(|_| w.redeem(&code, &half.verifier));
    let answers = futures::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = answers.iter().map(reqwest::Response::status).collect();
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(won, 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED));
    let sessions = w
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE sso_org_id = '{}'",
            w.org_id
        ))
        .await;
    assert_eq!(sessions, 1);
}

async fn states_are_one_time_and_unforgeable(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let (_, landing) = w.sign_in("jo").await;
    assert!(landing.code().is_some());
    // The provider's redirect, replayed: the flow was answered.
    let replayed = w.callback(&landing.callback).await;
    assert!(replayed.headers().get("location").is_none());
    let problem = expect_problem(replayed, StatusCode::BAD_REQUEST, "malformed_request").await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("no longer valid"));
    // A browser gets a page.
    let page = reqwest::Client::new()
        .get(&landing.callback)
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().await.unwrap().contains("no longer valid"));
    // A state nobody issued, and none at all.
    let base = format!("{}/v1/auth/sso/callback", w.app.base);
    for query in ["?code=abc&state=forged-state-value", "?code=abc", ""] {
        let forged = w.callback(&format!("{base}{query}")).await;
        assert_eq!(forged.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    // The provider's refusal goes to the app as an error, and ends the flow.
    let half = AppHalf::new();
    let start = w.start(&half).await;
    let url = url::Url::parse(start["authorization_url"].as_str().unwrap()).unwrap();
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let denied = format!("{base}?error=access_denied&state={state}");
    let location = w.follow_callback(&denied).await;
    assert!(location.starts_with(APP_REDIRECT));
    assert!(location.contains("error=sso_failed"), "{location}");
    assert!(location.contains("access_denied"), "{location}");
    let again = w.callback(&denied).await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    // An answer naming another issuer (RFC 9207 mix-up) is refused before any exchange.
    let (_, landing) = w.sign_in_until_callback("jo").await;
    let mixed = landing.replace("iss=", "iss=https%3A%2F%2Fevil.test&was=");
    let location = w.follow_callback(&mixed).await;
    assert!(location.contains("error=sso_failed"), "{location}");
    assert!(location.contains("Another+provider"), "{location}");
}

async fn who_may_not_sign_in_is_sent_back_with_an_error(backend: Backend) {
    let w = world(backend, |c| c["create_members"] = json!(false)).await;
    let users_before = w.count("SELECT COUNT(*) FROM users").await;
    // Not a member, and the connection creates none.
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(landing.error().as_deref(), Some("sso_failed"));
    assert!(
        landing.description().contains("not a member"),
        "{landing:?}"
    );
    // An email the provider has not verified.
    let (_, landing) = w.sign_in("unverified").await;
    assert_eq!(landing.error().as_deref(), Some("sso_failed"));
    assert!(
        landing.description().contains("not verified"),
        "{landing:?}"
    );
    // A domain the connection does not allow.
    let (_, landing) = w.sign_in("outsider").await;
    assert_eq!(landing.error().as_deref(), Some("sso_failed"));
    assert!(
        landing.description().contains("elsewhere.test"),
        "{landing:?}"
    );
    // Nothing was created.
    assert_eq!(w.count("SELECT COUNT(*) FROM users").await, users_before);
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_identities").await, 0);
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_flows").await, 0);

    // An existing member signs in (an account made with a password, then added).
    let kim = w.app.signup("kim@acme.test").await;
    sqlx::query("UPDATE users SET email_verified_at = 1 WHERE id = $1")
        .bind(&kim.user_id)
        .execute(&w.app.db)
        .await
        .unwrap();
    w.app.add_member(&w.org_id, &kim.user_id, "admin").await;
    let token = w.session_of("kim").await;
    let me = expect_json(w.app.get("/v1/me", &token).await, StatusCode::OK).await;
    assert_eq!(me["user"]["id"], kim.user_id.as_str());
}

async fn an_admin_tests_the_connection_without_signing_in(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let half = AppHalf::new();
    let start = w
        .app
        .post_json(
            &format!("/v1/orgs/{}/sso/test", w.org_id),
            Some(&w.owner.token),
            &half.fields(),
        )
        .await;
    let start = expect_json(start, StatusCode::OK).await;
    assert_eq!(start["org_name"], "Acme");
    let landing = w
        .browse(start["authorization_url"].as_str().unwrap(), "unverified")
        .await;
    let code = landing.code().expect("a code");
    let tested = expect_json(w.redeem(&code, &half.verifier).await, StatusCode::OK).await;
    assert_eq!(tested["kind"], "tested", "{tested}");
    assert_eq!(tested["result"]["email"], "unverified@acme.test");
    assert_eq!(tested["result"]["email_verified"], false);
    assert_eq!(tested["result"]["subject"], "unverified");
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_identities").await, 0);
    assert_eq!(
        w.count("SELECT COUNT(*) FROM users WHERE email = 'unverified@acme.test'")
            .await,
        0
    );
    // A member may not run it.
    let member = w.app.signup("member@corp.test").await;
    w.app.add_member(&w.org_id, &member.user_id, "member").await;
    let refused = w
        .app
        .post_json(
            &format!("/v1/orgs/{}/sso/test", w.org_id),
            Some(&member.token),
            &half.fields(),
        )
        .await;
    expect_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}
