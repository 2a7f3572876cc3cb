//! Org export runs: one export per org under a burst, a run that died taken over once its
//! lease runs out (and the late run writing nothing), runs that keep dying failing in
//! words, expiry after a week, and the worker writing one.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use orgdesk_server::exports::archive::Clock;
use orgdesk_server::exports::claim::{self, MAX_RUNS, TOO_MANY_RUNS};
use orgdesk_server::exports::job::{self, Outcome, KEEP};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::export_fixtures::{
    count, csv_rows, download, fetch, many_members, now, quiet_app, start, unpack, FILES, LEASE,
};
use crate::fixtures::acme;
use crate::harness::{expect_json, expect_problem, on_both_backends, Backend, TestApp};

on_both_backends!(
    a_burst_starts_one_export,
    a_run_that_died_is_taken_over_once,
    a_run_that_keeps_dying_fails_in_words,
    files_expire_after_a_week,
    the_worker_writes_an_export,
    two_instances_share_the_exports,
);

async fn a_burst_starts_one_export(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    let answers = futures::future::join_all((0..10).map(|_| start(&app, &token, "acme"))).await;
    let ids: BTreeSet<&str> = answers.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM org_exports WHERE org_id = $1",
            &org
        )
        .await,
        1
    );
    let audited = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND action = 'org.export_created'",
        &org,
    )
    .await;
    assert_eq!(audited, 1);
    let list = expect_json(
        app.get("/v1/orgs/acme/exports", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // Once it is done, the next request starts a new one, listed first.
    job::step(&app.store, now(), LEASE).await.unwrap();
    let second = start(&app, &token, "acme").await;
    assert!(!ids.contains(second["id"].as_str().unwrap()));
    let list = expect_json(
        app.get("/v1/orgs/acme/exports", &token).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list[0]["id"], second["id"]);
    assert_eq!(list[1]["status"], "ready");
}

async fn a_run_that_died_is_taken_over_once(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    many_members(&app, &org, 300).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t0 = now();
    // An instance takes it, writes a chunk and dies.
    let first = claim::next(&app.store, t0, LEASE)
        .await
        .unwrap()
        .expect("claimed");
    assert_eq!(first.run, 1);
    sqlx::query("INSERT INTO export_chunks (export_id, org_id, seq, bytes) VALUES ($1, $2, 0, $3)")
        .bind(&id)
        .bind(&org)
        .bind(b"half a zip from the run that died".to_vec())
        .execute(&app.db)
        .await
        .unwrap();
    let running = fetch(&app, &token, "acme", &id).await;
    assert_eq!(running["status"], "running");
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}/download"), &token)
            .await,
        StatusCode::CONFLICT,
        "export_not_ready",
    )
    .await;
    // Within its lease nobody else takes it.
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap();
    assert_eq!(
        job::step(&app.store, t0 + lease_ms - 1_000, LEASE)
            .await
            .unwrap(),
        Outcome::Idle
    );
    // Past it, the next step restarts it from scratch, and it completes.
    let outcome = job::step(&app.store, t0 + lease_ms + 1, LEASE)
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Ready(id.parse().unwrap()));
    let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM org_exports WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(attempts, 2);
    let ready = fetch(&app, &token, "acme", &id).await;
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    let files = unpack(&bytes);
    let (_, members) = csv_rows(&files["members.csv"]);
    assert_eq!(members.len(), 301);
    // The first run wakes up late: it writes nothing more and changes nothing.
    let late = job::run(&app.store, &first, Clock::starting_at(t0), LEASE).await;
    assert_eq!(late, Outcome::Abandoned(id.parse().unwrap()));
    assert_eq!(fetch(&app, &token, "acme", &id).await, ready);
    assert_eq!(download(&app, &token, "acme", &id).await, bytes);
    // And there is nothing left to do.
    assert_eq!(
        job::step(&app.store, t0 + 10 * lease_ms, LEASE)
            .await
            .unwrap(),
        Outcome::Idle
    );
}

async fn a_run_that_keeps_dying_fails_in_words(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, _) = acme(&app).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lease_ms = i64::try_from(LEASE.as_millis()).unwrap();
    let mut at = now();
    for run in 1..=MAX_RUNS {
        let claimed = claim::next(&app.store, at, LEASE)
            .await
            .unwrap()
            .expect("claimed");
        assert_eq!(claimed.run, run);
        at += lease_ms + 1;
    }
    assert_eq!(
        job::step(&app.store, at, LEASE).await.unwrap(),
        Outcome::Idle
    );
    let failed = fetch(&app, &token, "acme", &id).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"], TOO_MANY_RUNS);
    let problem = expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}/download"), &token)
            .await,
        StatusCode::CONFLICT,
        "export_not_ready",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains(TOO_MANY_RUNS),
        "{problem}"
    );
    // A failed export holds no place: a new one can start.
    assert_ne!(start(&app, &token, "acme").await["id"], id.as_str());
}

async fn files_expire_after_a_week(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, _) = acme(&app).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let t0 = now();
    job::step(&app.store, t0, LEASE).await.unwrap();
    let ready = fetch(&app, &token, "acme", &id).await;
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(ready["expires_at"].clone()).unwrap();
    let keep_ms = i64::try_from(KEEP.as_millis()).unwrap();
    let expires_ms = expires.timestamp_millis();
    assert!(expires_ms >= t0 + keep_ms && expires_ms < t0 + keep_ms + 60_000);
    let chunks = |app: &TestApp| {
        let db = app.db.clone();
        let id = id.clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM export_chunks WHERE export_id = $1")
                    .bind(id)
                    .fetch_one(&db)
                    .await
                    .unwrap();
            n
        }
    };
    assert!(chunks(&app).await > 0);
    job::step(&app.store, expires_ms - 1, LEASE).await.unwrap();
    assert_eq!(fetch(&app, &token, "acme", &id).await["status"], "ready");
    download(&app, &token, "acme", &id).await;
    job::step(&app.store, expires_ms, LEASE).await.unwrap();
    assert_eq!(fetch(&app, &token, "acme", &id).await["status"], "expired");
    assert_eq!(chunks(&app).await, 0);
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}/download"), &token)
            .await,
        StatusCode::GONE,
        "export_expired",
    )
    .await;
}

async fn the_worker_writes_an_export(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        let export = fetch(&app, &token, "acme", &id).await;
        if export["status"] == "ready" {
            break export;
        }
        assert!(
            ["queued", "running"].contains(&export["status"].as_str().unwrap()),
            "{export}"
        );
        assert!(
            Instant::now() < deadline,
            "the worker never finished: {export}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(unpack(&bytes).len(), FILES.len());
}

/// Two instances of one database, both writing exports: each export is taken by one run,
/// once, and ends ready.
async fn two_instances_share_the_exports(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let other = app.another_instance(|config| config).await.unwrap();
    let mut started = Vec::new();
    for n in 0..4 {
        let owner = app.signup(&format!("owner{n}@example.com")).await;
        let org = app.new_org(&owner.token, &format!("Shared {n}")).await;
        let slug = org["org"]["slug"].as_str().unwrap().to_owned();
        many_members(&app, org["org"]["id"].as_str().unwrap(), 3_000).await;
        let id = start(&app, &owner.token, &slug).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        started.push((owner.token, slug, id));
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    for (token, slug, id) in &started {
        loop {
            let export = fetch(&app, token, slug, id).await;
            if export["status"] == "ready" {
                break;
            }
            assert!(Instant::now() < deadline, "never written: {export}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let (attempts,): (i64,) = sqlx::query_as("SELECT attempts FROM org_exports WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
        assert_eq!(attempts, 1, "taken once");
        let files = unpack(&download(&app, token, slug, id).await);
        assert_eq!(csv_rows(&files["members.csv"]).1.len(), 3_001);
    }
    other.shutdown().await;
}
