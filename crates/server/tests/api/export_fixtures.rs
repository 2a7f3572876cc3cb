//! What the export tests share: a server whose export worker is off (the tests drive the
//! job with their own clock), the routes' shortcuts, unpacking the ZIP, bulk rows.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::time::Duration;

use orgdesk_server::config::ExportConfig;
use orgdesk_server::webhooks::WebhookConfig;
use orgdesk_server::Config;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::{expect_json, spawn_app_with, Backend, TestApp};

pub const LEASE: Duration = Duration::from_secs(60);
pub const FILES: [&str; 10] = [
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

pub async fn quiet_app(backend: Backend) -> TestApp {
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

pub fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub async fn start(app: &TestApp, token: &str, org: &str) -> Value {
    expect_json(
        app.post(&format!("/v1/orgs/{org}/exports"), token).await,
        StatusCode::ACCEPTED,
    )
    .await
}

pub async fn fetch(app: &TestApp, token: &str, org: &str, id: &str) -> Value {
    expect_json(
        app.get(&format!("/v1/orgs/{org}/exports/{id}"), token)
            .await,
        StatusCode::OK,
    )
    .await
}

pub async fn download(app: &TestApp, token: &str, org: &str, id: &str) -> Vec<u8> {
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
pub fn unpack(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
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

pub fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
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

pub async fn count(app: &TestApp, sql: &str, org: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(org)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// More members than one page of the export, straight in the database.
pub async fn many_members(app: &TestApp, org: &str, n: usize) {
    let now = now();
    let mut users = Vec::new();
    let mut members = Vec::new();
    for i in 0..n {
        let id = uuid::Uuid::now_v7();
        users.push(format!(
            "('{id}', 'bulk-{id}@example.com', 'Bulk {i}', 'x', {now})"
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
pub async fn many_events(app: &TestApp, org: &str, n: usize) {
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
