//! Debit throughput and latency of `POST /v1/usage` over real HTTP on loopback, under
//! concurrency, each with its ratio to a baseline measured in the same run with the same
//! concurrency: `GET /v1/rates` (session auth plus one read) and `GET /v1/health` (no
//! database). SQLite always; PostgreSQL too when ORGDESK_TEST_DATABASE_URL is set (a
//! scratch database is created and dropped). Every debit carries its own
//! Idempotency-Key, so each one also claims and completes an idempotency record.
//!
//! ```sh
//! cargo run --release -p orgdesk-server --example billing_bench
//! ```

#![allow(clippy::print_stdout)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use orgdesk_server::Config;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use sqlx::{Connection, Executor, PgConnection};

/// Requests per measurement.
const REQUESTS: usize = 3000;
const CONCURRENCY: [usize; 3] = [1, 16, 64];

struct Target {
    base: String,
    client: Client,
    token: String,
    secret: String,
    project: String,
}

#[derive(Clone, Copy)]
enum Op {
    Health,
    Rates,
    Usage,
}

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::Health => "GET /v1/health",
            Op::Rates => "GET /v1/rates",
            Op::Usage => "POST /v1/usage (debit)",
        }
    }
}

struct Figures {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

async fn call(target: &Target, op: Op, n: usize, run: &str) -> StatusCode {
    let request = match op {
        Op::Health => target.client.get(format!("{}/v1/health", target.base)),
        Op::Rates => target
            .client
            .get(format!("{}/v1/rates", target.base))
            .bearer_auth(&target.token),
        Op::Usage => target
            .client
            .post(format!("{}/v1/usage", target.base))
            .bearer_auth(&target.secret)
            .header("idempotency-key", format!("{run}-{n}"))
            .json(&json!({ "project": target.project, "modality": "embedding", "quantity": 1 })),
    };
    let response = request.send().await.expect("request");
    let status = response.status();
    response.bytes().await.expect("body");
    status
}

/// `REQUESTS` calls by `concurrency` workers; throughput and latency percentiles.
async fn measure(target: &Arc<Target>, op: Op, concurrency: usize, run: &str) -> Figures {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (target, next, run) = (target.clone(), next.clone(), run.to_owned());
            tokio::spawn(async move {
                let mut samples = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= REQUESTS {
                        return samples;
                    }
                    let at = Instant::now();
                    let status = call(&target, op, n, &run).await;
                    assert!(status.is_success(), "{} answered {status}", op.label());
                    samples.push(at.elapsed());
                }
            })
        })
        .collect();
    let mut samples = Vec::with_capacity(REQUESTS);
    for worker in workers {
        samples.extend(worker.await.expect("worker"));
    }
    let took = started.elapsed();
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    Figures {
        per_sec: REQUESTS as f64 / took.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

async fn expect(response: reqwest::Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status, "setup request failed");
    response.json().await.expect("JSON")
}

async fn setup(base: String) -> Target {
    let client = Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");
    let signup = json!({ "email": "bench@example.com", "password": "bench password 2026", "display_name": "Bench" });
    let grant = expect(
        client
            .post(format!("{base}/v1/auth/signup"))
            .json(&signup)
            .send()
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let token = grant["token"].as_str().unwrap().to_owned();
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let org = expect(
        post("/v1/orgs", json!({ "name": "Bench Co" }))
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let org = org["org"]["id"].as_str().unwrap().to_owned();
    let project = expect(
        post(
            &format!("/v1/orgs/{org}/projects"),
            json!({ "name": "Load" }),
        )
        .await
        .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let runs = CONCURRENCY.len() * REQUESTS;
    let amount = i64::try_from(runs).unwrap() + 1000;
    expect(
        post(
            &format!("/v1/orgs/{org}/credits/top-ups"),
            json!({ "amount": amount }),
        )
        .await
        .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    let key = json!({ "name": "bench", "scopes": ["usage:write"] });
    let key = expect(
        post(&format!("/v1/orgs/{org}/api-keys"), key)
            .await
            .unwrap(),
        StatusCode::CREATED,
    )
    .await;
    Target {
        secret: key["secret"].as_str().unwrap().to_owned(),
        project: project["id"].as_str().unwrap().to_owned(),
        base,
        client,
        token,
    }
}

async fn bench(label: &str, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let server = orgdesk_server::spawn(config).await?;
    let target = Arc::new(setup(server.base_url()).await);
    println!("\n{label}: {REQUESTS} requests per row");
    println!(
        "{:<24} {:>5} {:>10} {:>9} {:>9} {:>16} {:>16}",
        "operation", "conc", "req/s", "p50", "p99", "req/s vs rates", "p50 vs rates"
    );
    for concurrency in CONCURRENCY {
        let run = format!("c{concurrency}");
        let health = measure(&target, Op::Health, concurrency, &run).await;
        let rates = measure(&target, Op::Rates, concurrency, &run).await;
        let usage = measure(&target, Op::Usage, concurrency, &run).await;
        for (op, f) in [
            (Op::Health, &health),
            (Op::Rates, &rates),
            (Op::Usage, &usage),
        ] {
            println!(
                "{:<24} {concurrency:>5} {:>10.0} {:>7.2}ms {:>7.2}ms {:>15.2}x {:>15.2}x",
                op.label(),
                f.per_sec,
                f.p50.as_secs_f64() * 1e3,
                f.p99.as_secs_f64() * 1e3,
                f.per_sec / rates.per_sec,
                f.p50.as_secs_f64() / rates.p50.as_secs_f64(),
            );
        }
    }
    let billing: Value = target
        .client
        .get(format!("{}/v1/orgs/bench-co/billing", target.base))
        .bearer_auth(&target.token)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "balance after the run: {} (1000 expected)",
        billing["balance"]
    );
    server.shutdown().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    if std::env::var_os("ORGDESK_BENCH_SKIP_SQLITE").is_none() {
        bench("SQLite", Config::local(dir.path().join("sqlite"))).await?;
    }
    if let Ok(admin_url) = std::env::var("ORGDESK_TEST_DATABASE_URL") {
        // ORGDESK_BENCH_SKIP_SQLITE=1 runs PostgreSQL alone.
        let name = format!("orgdesk_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await?;
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await?;
        let mut url = url::Url::parse(&admin_url)?;
        url.set_path(&format!("/{name}"));
        let config = Config {
            database_url: Some(url.to_string()),
            ..Config::local(dir.path().join("postgres"))
        };
        let result = bench("PostgreSQL", config).await;
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
            .await?;
        result?;
    }
    Ok(())
}
