//! Verified domains: claiming (normalized, at most 50, one verifying org at most), the
//! DNS TXT record looked up through a real DNS server on loopback (`dns_server.rs`),
//! what each answer means (NXDOMAIN, no TXT, other values, SERVFAIL), the race between
//! two orgs verifying the same domain, the daily look that drops a verification, who may,
//! and the org's purge taking every SSO row with it.

use orgdesk_server::db::now_ms;
use orgdesk_server::dns::Dns;
use orgdesk_server::sso::domains::recheck::{self, Rechecked, RECHECK_AFTER_MS};
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
    only_owners_and_admins_of_the_org_reach_domains,
    the_daily_check_drops_what_the_record_no_longer_proves,
    the_purge_takes_the_orgs_sso_rows,
    a_silent_resolver_is_no_answer,
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

async fn claim(app: &TestApp, token: &str, org: &str, domain: &str) -> reqwest::Response {
    app.post_json(
        &format!("/v1/orgs/{org}/domains"),
        Some(token),
        &json!({ "domain": domain }),
    )
    .await
}

async fn verify(app: &TestApp, token: &str, org: &str, domain: &str) -> reqwest::Response {
    app.post(&format!("/v1/orgs/{org}/domains/{domain}/verify"), token)
        .await
}

async fn actions(app: &TestApp, org: &str) -> Vec<(String, Value, Option<String>)> {
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
    let huge = app
        .request(Method::POST, "/v1/orgs/acme/domains", Some(&ana))
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

async fn only_owners_and_admins_of_the_org_reach_domains(backend: Backend) {
    let (app, _dns) = app_with_dns(backend).await;
    let (ana, org) = acme(&app).await;
    expect_json(
        claim(&app, &ana, "acme", "acme.com").await,
        StatusCode::CREATED,
    )
    .await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &member.user_id, "member").await;
    let admin = app.signup("admin@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    let outsider = app.signup("outsider@example.com").await;
    let other = app.new_org(&outsider.token, "Other").await;
    let other_id = other["org"]["id"].as_str().unwrap().to_owned();

    expect_problem(
        app.get("/v1/orgs/acme/domains", &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        claim(&app, &member.token, "acme", "x.com").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        verify(&app, &member.token, "acme", "acme.com").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_problem(
        app.delete("/v1/orgs/acme/domains/acme.com", &member.token)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for org in ["acme", org.as_str()] {
        expect_problem(
            app.get(&format!("/v1/orgs/{org}/domains"), &outsider.token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            claim(&app, &outsider.token, org, "x.com").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            verify(&app, &outsider.token, org, "acme.com").await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        expect_problem(
            app.delete(&format!("/v1/orgs/{org}/domains/acme.com"), &outsider.token)
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // Ana cannot reach the outsider's org either.
    expect_problem(
        app.get(&format!("/v1/orgs/{other_id}/domains"), &ana).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let listed = expect_json(
        app.get("/v1/orgs/acme/domains", &admin.token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    expect_json(
        claim(&app, &admin.token, "acme", "acme.dev").await,
        StatusCode::CREATED,
    )
    .await;

    let personal = format!("/v1/orgs/{}/domains", member.personal_org_id);
    expect_problem(
        app.get(&personal, &member.token).await,
        StatusCode::CONFLICT,
        "personal_context",
    )
    .await;
    expect_problem(
        claim(&app, &member.token, &member.personal_org_id, "me.com").await,
        StatusCode::CONFLICT,
        "personal_context",
    )
    .await;

    // Scheduled for deletion: read-only.
    sqlx::query("UPDATE orgs SET deletion_scheduled_at = $1, deletion_purge_at = $2 WHERE id = $3")
        .bind(now_ms())
        .bind(now_ms() + 30 * 24 * 3_600_000)
        .bind(&org)
        .execute(&app.db)
        .await
        .unwrap();
    expect_json(app.get("/v1/orgs/acme/domains", &ana).await, StatusCode::OK).await;
    expect_problem(
        claim(&app, &ana, "acme", "y.com").await,
        StatusCode::CONFLICT,
        "org_pending_deletion",
    )
    .await;
    expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::CONFLICT,
        "org_pending_deletion",
    )
    .await;
    expect_problem(
        app.delete("/v1/orgs/acme/domains/acme.com", &ana).await,
        StatusCode::CONFLICT,
        "org_pending_deletion",
    )
    .await;
}

async fn verified_at(app: &TestApp, org: &str, domain: &str) -> (Option<i64>, Option<i64>) {
    sqlx::query_as(
        "SELECT verified_at, checked_at FROM org_domains WHERE org_id = $1 AND domain = $2",
    )
    .bind(org)
    .bind(domain)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn the_daily_check_drops_what_the_record_no_longer_proves(backend: Backend) {
    let (app, dns) = app_with_dns(backend).await;
    let (ana, org) = acme(&app).await;
    let mut values = Vec::new();
    for domain in ["stays.com", "flaky.com", "moved.com", "gone.com"] {
        let claimed =
            expect_json(claim(&app, &ana, "acme", domain).await, StatusCode::CREATED).await;
        let value = claimed["record_value"].as_str().unwrap().to_owned();
        dns.zone
            .publish(&format!("_orgdesk.{domain}"), &[value.as_str()]);
        expect_json(verify(&app, &ana, "acme", domain).await, StatusCode::OK).await;
        values.push(value);
    }
    // An unverified claim is never looked at by the daily check.
    expect_json(
        claim(&app, &ana, "acme", "never.com").await,
        StatusCode::CREATED,
    )
    .await;
    let resolver = Dns::new(Some(dns.addr));
    let start = now_ms();
    // Not due yet: nothing is looked at.
    let early = recheck::step(&app.store, &resolver, start + 3_600_000)
        .await
        .unwrap();
    assert_eq!(early, Rechecked::default());

    dns.zone.set("_orgdesk.flaky.com", Answer::ServFail);
    dns.zone
        .publish("_orgdesk.moved.com", &["orgdesk-verification=elsewhere"]);
    dns.zone.remove("_orgdesk.gone.com");
    let (_, flaky_checked) = verified_at(&app, &org, "flaky.com").await;
    let day_later = start + RECHECK_AFTER_MS + 60_000;
    let run = recheck::step(&app.store, &resolver, day_later)
        .await
        .unwrap();
    assert_eq!(
        run,
        Rechecked {
            confirmed: 1,
            unverified: 2,
            unanswered: 1
        }
    );
    let (stays, stays_checked) = verified_at(&app, &org, "stays.com").await;
    assert!(stays.is_some());
    assert_eq!(stays_checked, Some(day_later));
    // A failed lookup leaves the domain as it was, to be looked at again next run.
    let (flaky, checked) = verified_at(&app, &org, "flaky.com").await;
    assert!(flaky.is_some());
    assert_eq!(checked, flaky_checked);
    assert_eq!(
        verified_at(&app, &org, "moved.com").await,
        (None, Some(day_later))
    );
    assert_eq!(
        verified_at(&app, &org, "gone.com").await,
        (None, Some(day_later))
    );
    let dropped: Vec<_> = actions(&app, &org)
        .await
        .into_iter()
        .filter(|(a, _, _)| a == "org.domain_unverified")
        .collect();
    assert_eq!(dropped.len(), 2);
    for (_, details, actor) in &dropped {
        assert!(actor.is_none(), "written by the system");
        let reason = details["reason"].as_str().unwrap();
        match details["domain"].as_str().unwrap() {
            "moved.com" => assert!(
                reason.contains("orgdesk-verification=elsewhere"),
                "{reason}"
            ),
            "gone.com" => assert!(reason.contains("NXDOMAIN"), "{reason}"),
            other => panic!("{other} dropped"),
        }
    }
    // The next run soon after: only the one without an answer is due, and it holds now.
    dns.zone
        .publish("_orgdesk.flaky.com", &[values[1].as_str()]);
    let next = recheck::step(&app.store, &resolver, day_later + 600_000)
        .await
        .unwrap();
    assert_eq!(
        next,
        Rechecked {
            confirmed: 1,
            unverified: 0,
            unanswered: 0
        }
    );
    // Two instances at once look at each due domain once.
    let two_days = day_later + 600_000 + RECHECK_AFTER_MS + 60_000;
    let (a, b) = tokio::join!(
        recheck::step(&app.store, &resolver, two_days),
        recheck::step(&app.store, &resolver, two_days)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.confirmed + b.confirmed, 2, "{a:?} {b:?}");
}

async fn the_purge_takes_the_orgs_sso_rows(backend: Backend) {
    let (app, _dns) = app_with_dns(backend).await;
    let (ana, org) = acme(&app).await;
    let (keep, _) = {
        let bo = app.signup("bo@example.com").await;
        let beta = app.new_org(&bo.token, "Beta").await;
        (bo, beta["org"]["id"].as_str().unwrap().to_owned())
    };
    expect_json(
        claim(&app, &ana, "acme", "acme.com").await,
        StatusCode::CREATED,
    )
    .await;
    let ana_id: (String,) = sqlx::query_as("SELECT owner_user_id FROM orgs WHERE id = $1")
        .bind(&org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO sso_connections (org_id, issuer, client_id, client_secret_sealed, \
         discovery, allowed_domains, default_role, default_project_scope, require_sso, \
         create_members, created_at, updated_at) \
         VALUES ($1, 'http://127.0.0.1:1', 'c', 's', '{}', '[]', 'member', 'null', 1, 1, 0, 0)",
    )
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sso_flows (id, org_id, purpose, state_hash, nonce, pkce_verifier, \
         app_challenge, app_redirect_uri, app_state, created_at, expires_at) \
         VALUES ($1, $2, 'sign_in', $3, 'n', 'v', 'c', 'http://127.0.0.1:1/', 's', 0, 0)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&org)
    .bind(uuid::Uuid::now_v7().to_string())
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO sso_identities (org_id, issuer, subject, user_id, created_at, \
         last_signed_in) VALUES ($1, 'http://127.0.0.1:1', 'sub', $2, 0, 0)",
    )
    .bind(&org)
    .bind(&ana_id.0)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE sessions SET sso_org_id = $1 WHERE user_id = $2")
        .bind(&org)
        .bind(&ana_id.0)
        .execute(&app.db)
        .await
        .unwrap();
    let tables = [
        "sso_connections",
        "org_domains",
        "sso_flows",
        "sso_identities",
    ];
    for table in tables {
        assert_eq!(count(&app, table, &org).await, 1, "{table}");
    }
    let now = now_ms();
    sqlx::query(
        "UPDATE orgs SET deletion_scheduled_at = $1, deletion_purge_at = $1, \
         deletion_scheduled_by = owner_user_id WHERE id = $2",
    )
    .bind(now - 1)
    .bind(&org)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        orgdesk_server::lifecycle::purge::due(&app.store, now)
            .await
            .unwrap(),
        1
    );
    for table in tables {
        assert_eq!(count(&app, table, &org).await, 0, "{table}");
    }
    let (left,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE sso_org_id IS NOT NULL")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(left, 0);
    // Ana's session lives on; Bo's org is untouched.
    expect_json(app.get("/v1/me", &ana).await, StatusCode::OK).await;
    expect_json(app.get("/v1/orgs/beta", &keep.token).await, StatusCode::OK).await;
}

async fn count(app: &TestApp, table: &str, org: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE org_id = $1"))
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// A resolver that never answers (a UDP socket on loopback nobody reads, a TCP listener
/// that never speaks): a timeout, reported as such within seconds, changing nothing.
async fn a_silent_resolver_is_no_answer(backend: Backend) {
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = udp.local_addr().unwrap();
    let _tcp = tokio::net::TcpListener::bind(addr).await.unwrap();
    let silent = Dns::new(Some(addr));
    let started = std::time::Instant::now();
    let answer = silent.txt("_orgdesk.acme.com").await;
    assert!(answer.is_err(), "{answer:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(8));

    let app = spawn_app_with(backend, move |config| orgdesk_server::Config {
        dns_resolver: Some(addr),
        ..config
    })
    .await;
    let (ana, org) = acme(&app).await;
    expect_json(
        claim(&app, &ana, "acme", "acme.com").await,
        StatusCode::CREATED,
    )
    .await;
    let refused = expect_problem(
        verify(&app, &ana, "acme", "acme.com").await,
        StatusCode::SERVICE_UNAVAILABLE,
        "dns_unavailable",
    )
    .await;
    assert!(
        !refused["detail"].as_str().unwrap().contains("NXDOMAIN"),
        "{refused}"
    );
    assert_eq!(verified_at(&app, &org, "acme.com").await, (None, None));
    drop(udp);
}
