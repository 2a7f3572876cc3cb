//! Verified domains: claiming (normalized, at most 50, one verifying org at most), the
//! DNS TXT record looked up through a real DNS server on loopback (`dns_server.rs`),
//! what each answer means (NXDOMAIN, no TXT, other values, SERVFAIL), and the race
//! between two orgs verifying the same domain. Who may, the daily look, a silent
//! resolver and the purge: `sso_domain_checks.rs`.

use orgdesk_server::sso::domains::repo;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::dns_server::{Answer, DnsServer};
use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, TestApp,
};

on_both_backends!(
    claim_verify_and_remove,
    a_domain_verified_by_one_org_is_refused_to_others,
    parallel_verifies_of_one_domain_leave_one_winner,
    claims_are_validated_and_limited,
);

/// An app whose resolver is a DNS server on loopback that the test controls.
pub async fn app_with_dns(backend: Backend) -> (TestApp, DnsServer) {
    let dns = DnsServer::start().await;
    let addr = dns.addr;
    let app = spawn_app_with(backend, move |config| orgdesk_server::Config {
        dns_resolver: Some(addr),
        ..config
    })
    .await;
    (app, dns)
}

pub async fn claim(app: &TestApp, token: &str, org: &str, domain: &str) -> reqwest::Response {
    app.post_json(
        &format!("/v1/orgs/{org}/domains"),
        Some(token),
        &json!({ "domain": domain }),
    )
    .await
}

pub async fn verify(app: &TestApp, token: &str, org: &str, domain: &str) -> reqwest::Response {
    app.post(&format!("/v1/orgs/{org}/domains/{domain}/verify"), token)
        .await
}

pub async fn actions(app: &TestApp, org: &str) -> Vec<(String, Value, Option<String>)> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, details, actor_id FROM audit_events WHERE org_id = $1 \
         AND action LIKE 'org.domain_%' ORDER BY created_at, id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(a, d, actor)| (a, serde_json::from_str(&d).unwrap(), actor))
        .collect()
}

async fn claim_verify_and_remove(backend: Backend) {
    let (app, dns) = app_with_dns(backend).await;
    let (ana, org) = acme(&app).await;
    let claimed = expect_json(
        claim(&app, &ana, "acme", " Acme.COM. ").await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(claimed["domain"], "acme.com");
    assert_eq!(claimed["record_name"], "_orgdesk.acme.com");
    let value = claimed["record_value"].as_str().unwrap().to_owned();
    let token = value.strip_prefix("orgdesk-verification=").unwrap();
    assert!(token.len() >= 22, "{token}");
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert!(claimed["verified_at"].is_null() && claimed["checked_at"].is_null());
    // Claiming again answers the same claim.
    let again = expect_json(claim(&app, &ana, "acme", "acme.com").await, StatusCode::OK).await;
    assert_eq!(again, claimed);

    let name = "_orgdesk.acme.com";
    let refused = expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "domain_not_verified",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("NXDOMAIN") && detail.contains(&value),
        "{detail}"
    );
    dns.zone.set(name, Answer::NoTxt);
    let refused = expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "domain_not_verified",
    )
    .await;
    assert!(refused["detail"]
        .as_str()
        .unwrap()
        .contains("no TXT record"));
    dns.zone
        .publish(name, &["orgdesk-verification=someone-else"]);
    let refused = expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "domain_not_verified",
    )
    .await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("\"orgdesk-verification=someone-else\""),
        "{detail}"
    );
    let listed = expect_json(app.get("/v1/orgs/acme/domains", &ana).await, StatusCode::OK).await;
    let checked = listed["items"][0]["checked_at"].clone();
    assert!(checked.is_string(), "{listed}");
    assert!(listed["items"][0]["verified_at"].is_null());

    // No definitive answer: reported as such, nothing changes.
    dns.zone.set(name, Answer::ServFail);
    expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "dns_unavailable",
    )
    .await;
    let listed = expect_json(app.get("/v1/orgs/acme/domains", &ana).await, StatusCode::OK).await;
    assert_eq!(listed["items"][0]["checked_at"], checked);

    dns.zone.publish(name, &["v=spf1 -all", value.as_str()]);
    let verified = expect_json(verify(&app, &ana, "acme", "ACME.com").await, StatusCode::OK).await;
    assert!(verified["verified_at"].is_string(), "{verified}");
    assert!(verified["checked_at"].is_string(), "{verified}");
    // Verifying again keeps it verified, with one event.
    expect_json(verify(&app, &ana, "acme", "acme.com").await, StatusCode::OK).await;
    let listed = expect_json(app.get("/v1/orgs/acme/domains", &ana).await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["verified_at"], verified["verified_at"]);

    let removed = app.delete("/v1/orgs/acme/domains/acme.com", &ana).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let gone = app.delete("/v1/orgs/acme/domains/acme.com", &ana).await;
    expect_problem(gone, StatusCode::NOT_FOUND, "not_found").await;
    expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = expect_json(app.get("/v1/orgs/acme/domains", &ana).await, StatusCode::OK).await;
    assert_eq!(listed["items"], json!([]));
    let events = actions(&app, &org).await;
    let names: Vec<&str> = events.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "org.domain_claimed",
            "org.domain_verified",
            "org.domain_removed"
        ]
    );
    for (_, details, actor) in &events {
        assert_eq!(details["domain"], "acme.com");
        assert!(actor.is_some());
    }
}

async fn a_domain_verified_by_one_org_is_refused_to_others(backend: Backend) {
    let (app, dns) = app_with_dns(backend).await;
    let (ana, _) = acme(&app).await;
    let bo = app.signup("bo@example.com").await;
    app.new_org(&bo.token, "Beta").await;
    let cy = app.signup("cy@example.com").await;
    app.new_org(&cy.token, "Gamma").await;
    let a = expect_json(
        claim(&app, &ana, "acme", "acme.com").await,
        StatusCode::CREATED,
    )
    .await;
    // A claim proves nothing: anyone may claim until someone verifies.
    let b = expect_json(
        claim(&app, &bo.token, "beta", "acme.com").await,
        StatusCode::CREATED,
    )
    .await;
    assert_ne!(a["record_value"], b["record_value"]);
    dns.zone.publish(
        "_orgdesk.acme.com",
        &[
            a["record_value"].as_str().unwrap(),
            b["record_value"].as_str().unwrap(),
        ],
    );
    expect_json(verify(&app, &ana, "acme", "acme.com").await, StatusCode::OK).await;
    let taken = expect_problem(
        verify(&app, &bo.token, "beta", "acme.com").await,
        StatusCode::CONFLICT,
        "domain_taken",
    )
    .await;
    assert!(
        !taken["detail"].as_str().unwrap().contains("Acme"),
        "{taken}"
    );
    expect_problem(
        claim(&app, &cy.token, "gamma", "acme.com").await,
        StatusCode::CONFLICT,
        "domain_taken",
    )
    .await;
    // Once Acme lets it go, Beta may verify it.
    let removed = app.delete("/v1/orgs/acme/domains/acme.com", &ana).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    expect_json(
        verify(&app, &bo.token, "beta", "acme.com").await,
        StatusCode::OK,
    )
    .await;
}

async fn parallel_verifies_of_one_domain_leave_one_winner(backend: Backend) {
    let (app, dns) = app_with_dns(backend).await;
    let (ana, acme_id) = acme(&app).await;
    let bo = app.signup("bo@example.com").await;
    let beta = app.new_org(&bo.token, "Beta").await;
    let beta_id = beta["org"]["id"].as_str().unwrap().to_owned();
    let a = expect_json(
        claim(&app, &ana, "acme", "race.com").await,
        StatusCode::CREATED,
    )
    .await;
    let b = expect_json(
        claim(&app, &bo.token, "beta", "race.com").await,
        StatusCode::CREATED,
    )
    .await;
    dns.zone.publish(
        "_orgdesk.race.com",
        &[
            a["record_value"].as_str().unwrap(),
            b["record_value"].as_str().unwrap(),
        ],
    );
    let mut calls = Vec::new();
    for i in 0..16 {
        let (token, org) = if i % 2 == 0 {
            (ana.clone(), "acme")
        } else {
            (bo.token.clone(), "beta")
        };
        let app = &app;
        calls.push(async move { (org, verify(app, &token, org, "race.com").await.status()) });
    }
    let answers = futures::future::join_all(calls).await;
    let verified: Vec<(String,)> = sqlx::query_as(
        "SELECT org_id FROM org_domains WHERE domain = 'race.com' AND verified_at IS NOT NULL",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(verified.len(), 1, "{answers:?}");
    let mut conn = app.db.acquire().await.unwrap();
    let holder = repo::verified_holder(&mut conn, "race.com").await.unwrap();
    assert_eq!(holder.map(|id| id.to_string()), Some(verified[0].0.clone()));
    assert_eq!(
        repo::verified_holder(&mut conn, "other.com").await.unwrap(),
        None
    );
    let winner = if verified[0].0 == acme_id {
        "acme"
    } else {
        "beta"
    };
    assert!(verified[0].0 == acme_id || verified[0].0 == beta_id);
    for (org, status) in &answers {
        let want = if *org == winner {
            StatusCode::OK
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(*status, want, "{org}: {answers:?}");
    }
}

async fn claims_are_validated_and_limited(backend: Backend) {
    let (app, _dns) = app_with_dns(backend).await;
    let (ana, _) = acme(&app).await;
    for bad in [
        "",
        "com",
        "-a.com",
        "a..com",
        "a b.com",
        "ä.com",
        "a.com/x",
        "ana@acme.com",
    ] {
        let refused = expect_problem(
            claim(&app, &ana, "acme", bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "domain", "{bad}: {refused}");
    }
    let long = format!("{}.com", "a".repeat(300));
    expect_problem(
        claim(&app, &ana, "acme", &long).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // The server answers 413 before reading the whole body and closes the connection: not
    // one to hand back to the pool for the next request (it failed as IncompleteMessage).
    let huge = app
        .request(Method::POST, "/v1/orgs/acme/domains", Some(&ana))
        .header("connection", "close")
        .json(&json!({ "domain": "x".repeat(200_000) }))
        .send()
        .await
        .unwrap();
    expect_problem(huge, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let malformed = app
        .request(Method::POST, "/v1/orgs/acme/domains", Some(&ana))
        .header("content-type", "application/json")
        .body("{\"domain\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let wrong_type = app
        .post_json("/v1/orgs/acme/domains", Some(&ana), &json!({ "domain": 7 }))
        .await;
    assert!(wrong_type.status().is_client_error());
    for i in 0..50 {
        expect_json(
            claim(&app, &ana, "acme", &format!("d{i}.example")).await,
            StatusCode::CREATED,
        )
        .await;
    }
    expect_problem(
        claim(&app, &ana, "acme", "d50.example").await,
        StatusCode::CONFLICT,
        "invalid_state",
    )
    .await;
    // Claiming one it has still answers it.
    expect_json(
        claim(&app, &ana, "acme", "d7.example").await,
        StatusCode::OK,
    )
    .await;
    // Paths with no possible claim are not found.
    for path in ["a..b", "nodot", "unclaimed.example"] {
        expect_problem(
            verify(&app, &ana, "acme", path).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
}
