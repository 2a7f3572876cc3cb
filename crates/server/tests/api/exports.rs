//! Org exports: the ZIP checked file by file against the database (counts, the ledger's
//! sum, the manifest's hashes, no secret anywhere), one export per org under a burst, a
//! run that dies mid-export taken over once its lease runs out, expiry after a week, and
//! who may do what. The job is driven here with a clock the test holds (the server's own
//! worker is off), except in the last test, where the worker writes it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::time::Duration;

use orgdesk_server::config::ExportConfig;
use orgdesk_server::exports::archive::Clock;
use orgdesk_server::exports::claim::{self, MAX_RUNS, TOO_MANY_RUNS};
use orgdesk_server::exports::job::{self, Outcome, KEEP};
use orgdesk_server::webhooks::WebhookConfig;
use orgdesk_server::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::fixtures::{acme, invite_one};
use crate::harness::{
    expect_json, expect_problem, on_both_backends, spawn_app_with, Backend, TestApp,
};
use crate::money::{new_key, top_up, usage};

on_both_backends!(
    the_archive_holds_the_org_and_no_secret,
    a_burst_starts_one_export,
    a_run_that_died_is_taken_over_once,
    a_run_that_keeps_dying_fails_in_words,
    files_expire_after_a_week,
    only_owners_and_admins_of_the_org_reach_exports,
    the_worker_writes_an_export,
);

const LEASE: Duration = Duration::from_secs(60);
const FILES: [&str; 10] = [
    "org.json",
    "members.csv",
    "invitations.csv",
    "projects.csv",
    "ledger.csv",
    "usage.csv",
    "audit-log.jsonl",
    "api-keys.csv",
    "webhooks.csv",
    "manifest.json",
];

async fn quiet_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |config| Config {
        webhooks: WebhookConfig::open(),
        exports: ExportConfig {
            work: false,
            ..ExportConfig::default()
        },
        ..config
    })
    .await
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn start(app: &TestApp, token: &str, org: &str) -> Value {
    expect_json(
        app.post(&format!("/v1/orgs/{org}/exports"), token).await,
        StatusCode::ACCEPTED,
    )
    .await
}

async fn fetch(app: &TestApp, token: &str, org: &str, id: &str) -> Value {
    expect_json(
        app.get(&format!("/v1/orgs/{org}/exports/{id}"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

async fn download(app: &TestApp, token: &str, org: &str, id: &str) -> Vec<u8> {
    let response = app
        .get(&format!("/v1/orgs/{org}/exports/{id}/download"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    response.bytes().await.unwrap().to_vec()
}

/// Every file of the ZIP by name.
fn unpack(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a ZIP");
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        files.insert(file.name().to_owned(), content);
    }
    files
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

async fn count(app: &TestApp, sql: &str, org: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// More members than one page of the export, straight in the database.
async fn many_members(app: &TestApp, org: &str, n: usize) {
    let now = now();
    let mut users = Vec::new();
    let mut members = Vec::new();
    for i in 0..n {
        let id = uuid::Uuid::now_v7();
        users.push(format!(
            "('{id}', 'bulk{i}@example.com', 'Bulk {i}', 'x', {now})"
        ));
        members.push(format!("('{org}', '{id}', 'member', 0, 'bulk {i}', {now})"));
    }
    for (users, members) in users.chunks(500).zip(members.chunks(500)) {
        sqlx::query(&format!(
            "INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES {}",
            users.join(", ")
        ))
        .execute(&app.db)
        .await
        .unwrap();
        sqlx::query(&format!(
            "INSERT INTO memberships (org_id, user_id, role, project_scoped, sort_name, created_at) VALUES {}",
            members.join(", ")
        ))
        .execute(&app.db)
        .await
        .unwrap();
    }
}

/// Audit events sharing one time, more than a page: the page key must not lose any.
async fn many_events(app: &TestApp, org: &str, n: usize) {
    let at = now() - 60_000;
    let rows: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "('{}', '{org}', 'system', 'project.updated', 'project', 't{i}', '{{\"n\":{i}}}', {at})",
                uuid::Uuid::new_v4()
            )
        })
        .collect();
    for rows in rows.chunks(500) {
        sqlx::query(&format!(
            "INSERT INTO audit_events (id, org_id, actor_kind, action, target_type, target_id, details, created_at) VALUES {}",
            rows.join(", ")
        ))
        .execute(&app.db)
        .await
        .unwrap();
    }
}

async fn the_archive_holds_the_org_and_no_secret(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    let project = app.new_project(&token, "acme", "=HYPERLINK(evil)").await;
    let project_id = project["id"].as_str().unwrap().to_owned();
    let (_, invitation_token) = invite_one(&app, &token, "guest@example.com").await;
    let (_, key_secret) = new_key(
        &app,
        &token,
        "acme",
        json!({ "name": "+metering", "scopes": ["usage:write", "read"] }),
    )
    .await;
    let hook = expect_json(
        app.post_json(
            "/v1/orgs/acme/webhooks",
            Some(&token),
            &json!({ "url": "http://127.0.0.1:9/export-test", "all_events": true }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let webhook_secret = hook["secret"].as_str().unwrap().to_owned();
    top_up(&app, &token, "acme", 5_000).await;
    top_up(&app, &token, "acme", 700).await;
    for n in 0..3 {
        let body = json!({ "project": project_id, "modality": "text", "quantity": 10 + n });
        let answer = usage(&app, &key_secret, &format!("u{n}"), &body).await;
        assert_eq!(
            answer.status(),
            StatusCode::CREATED,
            "{:?}",
            answer.text().await
        );
    }
    many_members(&app, &org, 2_100).await;
    many_events(&app, &org, 2_500).await;

    let export = start(&app, &token, "acme").await;
    assert_eq!(export["status"], "queued");
    let id = export["id"].as_str().unwrap().to_owned();
    let outcome = job::step(&app.store, now(), LEASE).await.unwrap();
    assert_eq!(outcome, Outcome::Ready(id.parse().unwrap()));
    let ready = fetch(&app, &token, "acme", &id).await;
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(ready["progress"]["done"], ready["progress"]["total"]);
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["size"], bytes.len());
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    let files = unpack(&bytes);
    assert_eq!(
        files.keys().cloned().collect::<BTreeSet<_>>(),
        FILES.iter().map(|f| (*f).to_owned()).collect()
    );

    // The manifest: every other file, its records and its hash.
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["org_id"], org);
    assert!(manifest["exported_at"].as_str().unwrap().starts_with("20"));
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), FILES.len() - 1);
    let mut rows_of = BTreeMap::new();
    for file in listed {
        let name = file["name"].as_str().unwrap();
        let content = &files[name];
        assert_eq!(
            file["sha256"],
            hex::encode(Sha256::digest(content)),
            "{name}"
        );
        assert_eq!(file["bytes"], content.len(), "{name}");
        rows_of.insert(name.to_owned(), file["rows"].as_i64().unwrap());
    }

    let org_json: Value = serde_json::from_slice(&files["org.json"]).unwrap();
    assert_eq!(org_json["id"], org);
    assert_eq!(org_json["slug"], "acme");
    assert_eq!(org_json["balance"], crate::money::balance(&app, &org).await);

    let checks = [
        (
            "members.csv",
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
        ),
        (
            "invitations.csv",
            "SELECT COUNT(*) FROM invitations WHERE org_id = $1",
        ),
        (
            "projects.csv",
            "SELECT COUNT(*) FROM projects WHERE org_id = $1",
        ),
        (
            "ledger.csv",
            "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1",
        ),
        (
            "usage.csv",
            "SELECT COUNT(*) FROM ledger_entries WHERE org_id = $1 AND kind = 'usage'",
        ),
        (
            "api-keys.csv",
            "SELECT COUNT(*) FROM api_keys WHERE org_id = $1",
        ),
        (
            "webhooks.csv",
            "SELECT COUNT(*) FROM webhooks WHERE org_id = $1",
        ),
    ];
    for (file, sql) in checks {
        let (_, rows) = csv_rows(&files[file]);
        let expected = count(&app, sql, &org).await;
        assert_eq!(rows.len() as i64, expected, "{file}");
        assert_eq!(rows_of[file], expected, "{file} in the manifest");
    }
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
            &org
        )
        .await
            > 2_000
    );

    // Members: every one, once, with the owner named so.
    let (_, members) = csv_rows(&files["members.csv"]);
    let ids: BTreeSet<&str> = members.iter().map(|m| m["user_id"].as_str()).collect();
    assert_eq!(ids.len(), members.len());
    let owners: Vec<_> = members.iter().filter(|m| m["role"] == "owner").collect();
    assert_eq!(owners.len(), 1);
    assert_eq!(owners[0]["email"], "ana@example.com");

    // The ledger: its sum is the balance, line by line as stored.
    let (_, ledger) = csv_rows(&files["ledger.csv"]);
    let sum: i64 = ledger
        .iter()
        .map(|l| l["amount"].parse::<i64>().unwrap())
        .sum();
    let (stored,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE org_id = $1",
    )
    .bind(&org)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(sum, stored);
    assert_eq!(sum, crate::money::balance(&app, &org).await);
    let (_, usage_rows) = csv_rows(&files["usage.csv"]);
    let quantities: i64 = usage_rows
        .iter()
        .map(|u| u["quantity"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(quantities, 10 + 11 + 12);

    // Formula-looking text opens as text.
    let (_, projects) = csv_rows(&files["projects.csv"]);
    assert!(projects.iter().any(|p| p["name"] == "'=HYPERLINK(evil)"));
    let (_, keys) = csv_rows(&files["api-keys.csv"]);
    assert_eq!(keys[0]["name"], "'+metering");

    // The audit log: every event of the org (the export's own among them), once.
    let lines: Vec<Value> = std::str::from_utf8(&files["audit-log.jsonl"])
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events = count(
        &app,
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
        &org,
    )
    .await;
    assert_eq!(lines.len() as i64, events);
    assert_eq!(rows_of["audit-log.jsonl"], events);
    let unique: BTreeSet<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(unique.len(), lines.len());
    let created: Vec<&Value> = lines
        .iter()
        .filter(|l| l["action"] == "org.export_created")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["details"], json!({ "export_id": id }));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["details"]["n"].is_number())
            .count(),
        2_500
    );

    // No secret, hash or token of the database, nor one handed out, anywhere.
    let mut secrets = vec![token.clone(), key_secret, webhook_secret, invitation_token];
    for sql in [
        "SELECT token_hash FROM invitations",
        "SELECT token_hash FROM sessions",
        "SELECT password_hash FROM users WHERE password_hash <> 'x'",
        "SELECT secret_hash FROM api_keys",
        "SELECT secret_sealed FROM webhooks",
    ] {
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&app.db).await.unwrap();
        assert!(!rows.is_empty(), "{sql}");
        secrets.extend(rows.into_iter().map(|(s,)| s));
    }
    for (name, content) in files
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .chain([("the ZIP", bytes.as_slice())])
    {
        let text = String::from_utf8_lossy(content);
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{name} holds {secret}");
        }
    }
}

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

async fn only_owners_and_admins_of_the_org_reach_exports(backend: Backend) {
    let app = quiet_app(backend).await;
    let (token, org) = acme(&app).await;
    let admin = app.signup("admin@example.com").await;
    let member = app.signup("member@example.com").await;
    app.add_member(&org, &admin.user_id, "admin").await;
    app.add_member(&org, &member.user_id, "member").await;
    let other = app.signup("other@example.com").await;
    app.new_org(&other.token, "Other").await;

    let id = start(&app, &admin.token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = start(&app, &other.token, "other").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Not ready yet.
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}/download"), &token)
            .await,
        StatusCode::CONFLICT,
        "export_not_ready",
    )
    .await;
    // A member: 403 everywhere.
    for path in [
        "/v1/orgs/acme/exports".to_owned(),
        format!("/v1/orgs/acme/exports/{id}"),
        format!("/v1/orgs/acme/exports/{id}/download"),
    ] {
        expect_problem(
            app.get(&path, &member.token).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    expect_problem(
        app.post("/v1/orgs/acme/exports", &member.token).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Another tenant: its org, and its export id named under ours, are not found.
    for path in [
        format!("/v1/orgs/other/exports/{theirs}"),
        format!("/v1/orgs/acme/exports/{theirs}"),
        format!("/v1/orgs/acme/exports/{theirs}/download"),
        "/v1/orgs/acme/exports/not-an-id".to_owned(),
        "/v1/orgs/acme/exports/not-an-id/download".to_owned(),
    ] {
        expect_problem(
            app.get(&path, &token).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_problem(
        app.get(&format!("/v1/orgs/acme/exports/{id}"), &other.token)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_problem(
        app.post("/v1/orgs/acme/exports", &other.token).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // An API key, even one that reads: exports are for people signed in.
    let (_, key) = new_key(
        &app,
        &token,
        "acme",
        json!({ "name": "reader", "scopes": ["read"] }),
    )
    .await;
    let answer = app.get("/v1/orgs/acme/exports", &key).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    let answer = app.post("/v1/orgs/acme/exports", &key).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);

    // An org scheduled for deletion still exports (the app offers "export first").
    job::step(&app.store, now(), LEASE).await.unwrap();
    job::step(&app.store, now(), LEASE).await.unwrap();
    let later = now() + 30 * 24 * 3600 * 1000;
    sqlx::query("UPDATE orgs SET deletion_scheduled_at = $1, deletion_purge_at = $2, deletion_scheduled_by = owner_user_id WHERE id = $3")
        .bind(now())
        .bind(later)
        .bind(&org)
        .execute(&app.db)
        .await
        .unwrap();
    let pending = start(&app, &token, "acme").await;
    assert_eq!(pending["status"], "queued");
    let pending_id = pending["id"].as_str().unwrap();
    job::step(&app.store, now(), LEASE).await.unwrap();
    let files = unpack(&download(&app, &token, "acme", pending_id).await);
    let org_json: Value = serde_json::from_slice(&files["org.json"]).unwrap();
    assert!(org_json["deletion_purge_at"].is_string(), "{org_json}");
}

async fn the_worker_writes_an_export(backend: Backend) {
    let app = crate::harness::spawn_app(backend).await;
    let (token, _) = acme(&app).await;
    let id = start(&app, &token, "acme").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
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
            std::time::Instant::now() < deadline,
            "the worker never finished: {export}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let bytes = download(&app, &token, "acme", &id).await;
    assert_eq!(ready["sha256"], hex::encode(Sha256::digest(&bytes)));
    assert_eq!(unpack(&bytes).len(), FILES.len());
}
