//! Who a first SSO sign-in may create: within the plan's seats, only for the domains the
//! org proved by DNS (narrowed by the connection's list when it has one), never over an
//! account that did not verify its email or of a domain the org does not hold; and flows
//! that ran out are purged.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, on_both_backends, Backend};
use crate::sso_fixtures::{connection, put_sso, unproved_world, world};

on_both_backends!(
    the_last_seat_is_not_exceeded,
    only_proved_domains_admit,
    a_provider_speaks_only_for_proved_domains,
    an_unverified_account_is_not_taken_over,
    expired_flows_are_purged,
);

async fn the_last_seat_is_not_exceeded(backend: Backend) {
    let w = world(backend, |_| {}).await;
    // The free plan's five seats: the owner and four members.
    for n in 0..4 {
        let someone = w.app.signup(&format!("seat{n}@corp.test")).await;
        w.app
            .add_member(&w.org_id, &someone.user_id, "member")
            .await;
    }
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(landing.error().as_deref(), Some("sso_failed"));
    assert!(
        landing.description().contains("no free seat"),
        "{landing:?}"
    );
    let jo = w
        .count("SELECT COUNT(*) FROM users WHERE email = 'jo@acme.test'")
        .await;
    assert_eq!(jo, 0, "nothing is created when the sign-in is refused");
    // A larger plan lets them in.
    w.app.set_plan(&w.org_id, "business").await;
    let token = w.session_of("jo").await;
    let org = w.app.get(&format!("/v1/orgs/{}", w.org_id), &token).await;
    assert_eq!(expect_json(org, StatusCode::OK).await["role"], "member");
}

async fn only_proved_domains_admit(backend: Backend) {
    // The connection lists acme.test, but the org has not proved it.
    let w = unproved_world(backend, 3600, |_| {}).await;
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    // Claimed but not verified: still refused.
    let path = format!("/v1/orgs/{}/domains", w.org_id);
    let claimed = w
        .app
        .post_json(
            &path,
            Some(&w.owner.token),
            &json!({ "domain": "acme.test" }),
        )
        .await;
    expect_json(claimed, StatusCode::CREATED).await;
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    assert_eq!(
        w.count("SELECT COUNT(*) FROM users WHERE email = 'jo@acme.test'")
            .await,
        0
    );
    w.app
        .delete(&format!("{path}/acme.test"), &w.owner.token)
        .await;
    w.prove_domain("acme.test").await;
    w.session_of("jo").await;
    // With no domains listed, every proved one admits, and only those.
    let mut body = connection(&w.provider.issuer);
    body["allowed_domains"] = json!([]);
    body.as_object_mut().unwrap().remove("client_secret");
    let saved = put_sso(&w.app, &w.owner.token, &w.org_id, &body).await;
    expect_json(saved, StatusCode::OK).await;
    w.session_of("kim").await;
    let (_, landing) = w.sign_in("outsider").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
}

/// An admin connects a provider they control and lists a domain they do not hold: the
/// provider's word that someone is `victim@victim.test` signs nobody in as that account.
async fn a_provider_speaks_only_for_proved_domains(backend: Backend) {
    let w = world(backend, |c| {
        c["allowed_domains"] = json!(["acme.test", "victim.test"]);
    })
    .await;
    let victim = w.app.signup_verified("victim@victim.test").await;
    let (_, landing) = w.sign_in("victim").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    assert!(landing.code().is_none(), "{landing:?}");
    let sessions = w
        .count(&format!(
            "SELECT COUNT(*) FROM sessions WHERE user_id = '{}'",
            victim.user_id
        ))
        .await;
    assert_eq!(sessions, 1, "only the victim's own sign-up session");
    let member = w
        .count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE user_id = '{}' AND org_id = '{}'",
            victim.user_id, w.org_id
        ))
        .await;
    assert_eq!(member, 0);
}

async fn an_unverified_account_is_not_taken_over(backend: Backend) {
    let w = world(backend, |_| {}).await;
    // Someone signed up with jo's address and never proved it.
    let squatter = w.app.signup("jo@acme.test").await;
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(landing.error().as_deref(), Some("sso_failed"));
    assert!(
        landing.description().contains("without having verified"),
        "{landing:?}"
    );
    let member = w
        .count(&format!(
            "SELECT COUNT(*) FROM memberships WHERE user_id = '{}' AND org_id = '{}'",
            squatter.user_id, w.org_id
        ))
        .await;
    assert_eq!(member, 0);
}

async fn expired_flows_are_purged(backend: Backend) {
    let w = world(backend, |_| {}).await;
    let half = crate::sso_fixtures::AppHalf::new();
    w.start(&half).await;
    w.start(&half).await;
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_flows").await, 2);
    let now = orgdesk_server::db::now_ms();
    let purged = orgdesk_server::sso::flow::purge_expired(&w.app.store, now)
        .await
        .unwrap();
    assert_eq!(purged, 0);
    let later = now + orgdesk_server::sso::flow::FLOW_TTL_MS + 1;
    let purged = orgdesk_server::sso::flow::purge_expired(&w.app.store, later)
        .await
        .unwrap();
    assert_eq!(purged, 2);
    assert_eq!(w.count("SELECT COUNT(*) FROM sso_flows").await, 0);
}
