//! Jepsen's bank test in small. For many seeds: a balance of k (random, 0..=256) and 256
//! concurrent 1-credit `POST /v1/usage` requests with distinct Idempotency-Keys: exactly k
//! succeed and the rest answer 402, the balance never goes negative and equals the sum of
//! the ledger. Then every key is sent twice at once: still one entry per key, and every
//! answer that is not 409 `idempotency_key_in_flight` is the first answer again.

use std::collections::HashMap;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::{expect_json, on_both_backends, spawn_app_with, Account, Backend, TestApp};
use crate::money::{assert_ledger_consistent, balance, top_up, usage, usage_key};

on_both_backends!(concurrent_debits_never_overdraw, duplicate_keys_debit_once);

const SEEDS: u64 = 12;
const REQUESTS: usize = 256;

/// A server for bursts of `REQUESTS` connections: as many as the default per-address
/// connection limit (256), which a burst racing the close of the previous one's
/// connections would brush against. That limit has tests of its own; these are about money.
async fn burst_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |config| orgdesk_server::Config {
        connections: orgdesk_server::config::ConnectionLimits {
            max_per_ip: None,
            ..config.connections
        },
        ..config
    })
    .await
}

/// A small deterministic generator (SplitMix64), so a failing seed can be rerun.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Round {
    org: String,
    project: String,
    secret: String,
}

async fn owner(app: &TestApp) -> Account {
    let owner = app.signup("bank@example.com").await;
    app.set_plan(&owner.personal_org_id, "business").await;
    owner
}

/// A fresh org with balance `k`, a project and a usage key.
async fn round(app: &TestApp, owner: &Account, seed: u64, k: i64) -> Round {
    let org = app.new_org(&owner.token, &format!("Bank {seed}")).await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    let project = app.new_project(&owner.token, &org, "Vault").await;
    if k > 0 {
        top_up(app, &owner.token, &org, k).await;
    }
    Round {
        secret: usage_key(app, &owner.token, &org).await,
        project: project["id"].as_str().unwrap().to_owned(),
        org,
    }
}

fn one_credit(project: &str) -> Value {
    json!({ "project": project, "modality": "embedding", "quantity": 1 })
}

async fn concurrent_debits_never_overdraw(backend: Backend) {
    let app = burst_app(backend).await;
    let owner = owner(&app).await;
    for seed in 0..SEEDS {
        let k = i64::try_from(mix(seed) % 257).unwrap();
        let r = round(&app, &owner, seed, k).await;
        let body = one_credit(&r.project);
        let answers = join_all((0..REQUESTS).map(|n| {
            let (app, r, body) = (&app, &r, &body);
            async move {
                let response = usage(app, &r.secret, &format!("s{seed}-{n}"), body).await;
                response.status()
            }
        }))
        .await;
        let ok = answers
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let refused = answers
            .iter()
            .filter(|s| **s == StatusCode::PAYMENT_REQUIRED)
            .count();
        assert_eq!(ok, usize::try_from(k).unwrap(), "seed {seed}: {answers:?}");
        assert_eq!(ok + refused, REQUESTS, "seed {seed}: {answers:?}");
        assert_eq!(balance(&app, &r.org).await, 0, "seed {seed}");
        assert_ledger_consistent(&app, &r.org).await;
    }
}

async fn duplicate_keys_debit_once(backend: Backend) {
    let app = burst_app(backend).await;
    let owner = owner(&app).await;
    for seed in 0..SEEDS {
        let k = i64::try_from(mix(seed ^ 0xD00D) % 257).unwrap();
        let r = round(&app, &owner, seed, k).await;
        let body = one_credit(&r.project);
        let keys: Vec<String> = (0..REQUESTS / 2).map(|n| format!("d{seed}-{n}")).collect();
        let sends = keys.iter().chain(keys.iter()).map(|key| {
            let (app, r, body) = (&app, &r, &body);
            async move {
                let response = usage(app, &r.secret, key, body).await;
                let replayed = response.headers().contains_key("idempotent-replayed");
                let status = response.status();
                let text = response.text().await.unwrap();
                (key.clone(), status, replayed, text)
            }
        });
        let answers = join_all(sends).await;
        // Each key's final answer, asked once more after the race.
        let mut first: HashMap<String, (StatusCode, String)> = HashMap::new();
        for key in &keys {
            let response = usage(&app, &r.secret, key, &body).await;
            assert_eq!(response.headers()["idempotent-replayed"], "true");
            let status = response.status();
            first.insert(key.clone(), (status, response.text().await.unwrap()));
        }
        for (key, status, replayed, text) in &answers {
            if *status == StatusCode::CONFLICT {
                assert!(text.contains("idempotency_key_in_flight"), "{text}");
                continue;
            }
            let (want_status, want_text) = &first[key];
            assert_eq!(status, want_status, "seed {seed} key {key}");
            let got: Value = serde_json::from_str(text).unwrap();
            let want: Value = serde_json::from_str(want_text).unwrap();
            assert_eq!(got, want, "seed {seed} key {key} (replayed: {replayed})");
        }
        let ok = first
            .values()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        assert_eq!(ok, usize::try_from(k.min(128)).unwrap(), "seed {seed}");
        let per_key: Vec<(String, i64)> = sqlx::query_as(
            "SELECT idempotency_key, COUNT(*) FROM ledger_entries WHERE org_id = $1 \
             AND kind = 'usage' GROUP BY idempotency_key",
        )
        .bind(&r.org)
        .fetch_all(&app.db)
        .await
        .unwrap();
        assert_eq!(per_key.len(), ok, "seed {seed}");
        assert!(
            per_key.iter().all(|(_, n)| *n == 1),
            "seed {seed}: {per_key:?}"
        );
        assert_eq!(balance(&app, &r.org).await, k - i64::try_from(ok).unwrap());
        assert_ledger_consistent(&app, &r.org).await;
        let created = expect_json(
            usage(&app, &r.secret, "after", &body).await,
            if k > 128 {
                StatusCode::CREATED
            } else {
                StatusCode::PAYMENT_REQUIRED
            },
        )
        .await;
        assert!(created.is_object());
    }
}
