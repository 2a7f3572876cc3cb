//! The tenant-isolation matrix: every operation of `/v1/openapi.json` × {anonymous,
//! non-member, member outside the project scope, member, admin, owner} × {own org,
//! foreign org}, against a table of expected statuses. An operation without a row fails
//! the test, so no route can skip it. No answer may carry a token hash, a password hash,
//! or the foreign tenant's names.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use orgdesk_server::config::ExportConfig;
use orgdesk_server::webhooks::WebhookConfig;

use crate::harness::{expect_json, on_both_backends, spawn_app_with, Backend};

mod export_rows;
mod keys;
mod read_keys;
mod retention_rows;
mod sso_rows;
mod table;
mod webhook_rows;
mod world;

use table::{table, Body, Id, Prep};
use world::{build, discard, fill, prepare, People};

on_both_backends!(
    every_route_answers_every_caller_as_the_table_says,
    api_keys_never_cross_tenants,
    read_keys_read_their_own_tenant_only,
    keys_reach_no_session_route,
);

use keys::api_keys_never_cross_tenants;
use read_keys::{keys_reach_no_session_route, read_keys_read_their_own_tenant_only};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const FOREIGN_ORG: &str = "Zyx Foreign Tenant";
const FOREIGN_PROJECT: &str = "Zyx Foreign Project";
/// Callers, in the order of the status columns below.
const CALLERS: [&str; 6] = [
    "anonymous",
    "non-member",
    "out-of-scope member",
    "member",
    "admin",
    "owner",
];

fn documented_operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.insert((method.to_uppercase(), path.clone()));
        }
    }
    ops
}

async fn every_route_answers_every_caller_as_the_table_says(backend: Backend) {
    // Domain verifications ask a DNS server on loopback that knows no record.
    let dns = crate::dns_server::DnsServer::start().await;
    let app = spawn_app_with(backend, |config| orgdesk_server::Config {
        dns_resolver: Some(dns.addr),
        webhooks: WebhookConfig::open(),
        // Exports stay queued, so their download answers the same on every run.
        exports: ExportConfig {
            work: false,
            ..ExportConfig::default()
        },
        ..config
    })
    .await;
    let doc = expect_json(
        app.request(Method::GET, "/v1/openapi.json", None)
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let documented = documented_operations(&doc);
    let rows = table();
    let covered: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the matrix: {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for undocumented operations: {stale:?}"
    );

    let people = People {
        owner: app.signup("owner@example.com").await,
        admin: app.signup("admin@example.com").await,
        member: app.signup("member@example.com").await,
        scoped: app.signup("scoped@example.com").await,
        outsider: app.signup("outsider@example.com").await,
        target: app.signup("target@example.com").await,
        foreign_owner: app.signup("foreign@example.com").await,
        foreign_target: app.signup("foreign-target@example.com").await,
    };
    for who in [
        &people.owner,
        &people.admin,
        &people.member,
        &people.scoped,
        &people.outsider,
        &people.foreign_owner,
    ] {
        app.set_plan(&who.personal_org_id, "business").await;
    }
    let mut n = 0_u64;
    let mut failures = Vec::new();
    let mut world = build(&app, &people, n).await;
    let mut dirty = false;
    for row in &rows {
        if dirty || row.prep != Prep::None {
            discard(&app, &world).await;
            n += 1;
            world = build(&app, &people, n).await;
            prepare(&app, &world, row.prep).await;
            dirty = row.prep != Prep::None;
        }
        for foreign in [true, false] {
            let expected = if foreign {
                row.foreign.unwrap_or(row.own)
            } else {
                row.own
            };
            let expected: Vec<u16> = expected.split(' ').map(|s| s.parse().unwrap()).collect();
            for (caller, want) in expected.iter().enumerate() {
                n += 1;
                let tenant = if foreign { &world.foreign } else { &world.own };
                let url = fill(&format!("{}{}", row.path, row.query), tenant, n, row.id);
                let method = Method::from_bytes(row.method.as_bytes()).unwrap();
                let mut request = app.request(method, &url, world.tokens[caller].as_deref());
                if row.keyed {
                    request = request.header("idempotency-key", format!("matrix-{n}"));
                }
                request = match row.body {
                    Body::None => request,
                    Body::Json(body) => request
                        .header("content-type", "application/json")
                        .body(fill(body, tenant, n, row.id)),
                    Body::Png => request
                        .header("content-type", "image/png")
                        .body(PNG.to_vec()),
                };
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let text = String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned();
                let side = if foreign { "foreign" } else { "own" };
                if status != *want {
                    failures.push(format!(
                        "{} {} as {} on {side} org: {status}, expected {want}: {}",
                        row.method,
                        row.path,
                        CALLERS[caller],
                        text.chars().take(160).collect::<String>()
                    ));
                }
                if let Some(secret) = world.secrets.iter().find(|s| text.contains(s.as_str())) {
                    failures.push(format!(
                        "{} {} as {} on {side} org leaked {secret:?}",
                        row.method, row.path, CALLERS[caller]
                    ));
                }
                let changed = row.method != "GET" && (200..300).contains(&status);
                let world_changing = row.path.starts_with("/v1/orgs/{org}")
                    || row.path.starts_with("/v1/invitations/")
                    || row.path == "/v1/auth/logout"
                    || row.path == "/v1/me/sessions/{id}";
                if changed && world_changing {
                    discard(&app, &world).await;
                    n += 1;
                    world = build(&app, &people, n).await;
                    prepare(&app, &world, row.prep).await;
                    dirty = row.prep != Prep::None;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
