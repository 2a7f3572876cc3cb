//! Who a first SSO sign-in may create: within the plan's seats, by the org's verified
//! domains when the connection lists none, never over an account that did not verify its
//! email; and flows that ran out are purged.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, on_both_backends, Backend};
use crate::sso_fixtures::world;

on_both_backends!(
    the_last_seat_is_not_exceeded,
    without_listed_domains_the_verified_ones_admit,
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

async fn without_listed_domains_the_verified_ones_admit(backend: Backend) {
    let w = world(backend, |c| c["allowed_domains"] = json!([])).await;
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    // Claimed but not verified: still refused.
    sqlx::query(
        "INSERT INTO org_domains (org_id, domain, token, created_at) \
         VALUES ($1, 'acme.test', 't', 0)",
    )
    .bind(&w.org_id)
    .execute(&w.app.db)
    .await
    .unwrap();
    let (_, landing) = w.sign_in("jo").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
    sqlx::query("UPDATE org_domains SET verified_at = 1 WHERE org_id = $1")
        .bind(&w.org_id)
        .execute(&w.app.db)
        .await
        .unwrap();
    w.session_of("jo").await;
    // Another domain is not admitted by this one.
    let (_, landing) = w.sign_in("outsider").await;
    assert_eq!(
        landing.error().as_deref(),
        Some("sso_failed"),
        "{landing:?}"
    );
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
