//! Verified domains, continued: who may reach them (owners and admins of the org only,
//! never in a personal context, read-only while the org awaits deletion), the daily look
//! that drops a verification the record no longer proves, a resolver that never answers,
//! and the org's purge taking every SSO row with it.

use orgdesk_server::db::now_ms;
use orgdesk_server::dns::Dns;
use orgdesk_server::sso::domains::recheck::{self, Rechecked, RECHECK_AFTER_MS};
use reqwest::StatusCode;

use crate::dns_server::Answer;
use crate::fixtures::acme;
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, TestApp,
};
use crate::sso_domains::{actions, app_with_dns, claim, verify};

on_both_backends!(
    only_owners_and_admins_of_the_org_reach_domains,
    the_daily_check_drops_what_the_record_no_longer_proves,
    the_purge_takes_the_orgs_sso_rows,
    a_silent_resolver_is_no_answer,
);

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

/// A UDP socket and a TCP listener on the same loopback port. The port the system picks
/// for UDP may be taken for TCP by another test, so it tries again with another.
async fn silent_pair() -> (
    tokio::net::UdpSocket,
    tokio::net::TcpListener,
    std::net::SocketAddr,
) {
    for _ in 0..50 {
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        match tokio::net::TcpListener::bind(addr).await {
            Ok(tcp) => return (udp, tcp, addr),
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(error) => panic!("{error}"),
        }
    }
    panic!("no loopback port was free for both UDP and TCP in 50 tries");
}

/// A resolver that never answers (a UDP socket on loopback nobody reads, a TCP listener
/// that never speaks): a timeout, reported as such within seconds, changing nothing.
async fn a_silent_resolver_is_no_answer(backend: Backend) {
    let (udp, _tcp, addr) = silent_pair().await;
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
