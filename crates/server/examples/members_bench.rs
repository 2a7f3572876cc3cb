//! Member list at scale: seeds 100,000 members into one org and times the first page, a
//! page deep in the list (by cursor) and prefix searches, each with its ratio to the first
//! page measured in the same run. SQLite always; PostgreSQL too when
//! ORGDESK_TEST_DATABASE_URL is set (a scratch database is created and dropped).
//!
//! ```sh
//! cargo run --release -p orgdesk-server --example members_bench
//! ```

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use orgdesk_model::member::MemberQuery;
use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::{OrgId, Role, UserId};
use orgdesk_server::auth::Actor;
use orgdesk_server::db::Db;
use orgdesk_server::http::cursor;
use orgdesk_server::members::list::ListKey;
use orgdesk_server::members::named::Listed;
use orgdesk_server::members::service;
use orgdesk_server::membership::search;
use orgdesk_server::membership::{OrgKey, Reader};
use orgdesk_server::signup::{create_account, NewAccount};
use sqlx::{Connection, Executor, PgConnection};

mod bulk;

const MEMBERS: usize = 100_000;
const RUNS: usize = 25;

const FIRST: [&str; 40] = [
    "Ana", "Ben", "Chloé", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Kim",
    "Lena", "Marta", "Noah", "Olga", "Paul", "Quinn", "Rosa", "Sami", "Tess", "Uma", "Vera",
    "Will", "Xena", "Yara", "Zoë", "Marco", "Maria", "Mario", "Lukas", "Sofia", "Jean-Luc", "Amir",
    "Björn", "Carla", "Dana", "Elif", "Farah", "Gil", "Hana",
];
const LAST: [&str; 50] = [
    "Lima",
    "Martin",
    "Schmidt",
    "Rossi",
    "García",
    "Novak",
    "Kowalski",
    "Müller",
    "Dubois",
    "Silva",
    "Jensen",
    "Nilsson",
    "Horvat",
    "Popescu",
    "Ivanova",
    "Murphy",
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Moreau",
    "Lopez",
    "Costa",
    "Kaya",
    "Yilmaz",
    "Sato",
    "Tanaka",
    "Kim",
    "Nguyen",
    "Chen",
    "Wang",
    "Singh",
    "Patel",
    "Khan",
    "Cohen",
    "Levi",
    "Berg",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Neumann",
    "Schwarz",
    "Zimmermann",
];

fn person(i: usize) -> (String, String) {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let name = format!("{first} {last} {i}");
    let email = format!(
        "{}.{}{i}@example.com",
        search::normalize(first).replace(' ', ""),
        search::normalize(last)
    );
    (name, email)
}

async fn seed(db: &Db) -> Result<(UserId, OrgId), Box<dyn std::error::Error>> {
    let owner = create_account(
        db,
        &orgdesk_server::cpu::Gate::for_cores(),
        NewAccount {
            email: "owner@bench.example".into(),
            display_name: "Bench Owner".into(),
            password: "bench password 2026".into(),
        },
    )
    .await?;
    let org = orgdesk_server::orgs::service::create(
        db,
        &Actor::internal(owner),
        &CreateOrgRequest {
            name: "Bench Co".into(),
            ..CreateOrgRequest::default()
        },
    )
    .await?
    .org
    .id;
    let mut tx = db.write().await?;
    bulk::insert_members(&mut tx, org, MEMBERS, person).await?;
    tx.commit().await?;
    Ok((owner, org))
}

/// The median of `RUNS` timed list calls, and how many members the page had.
async fn time(db: &Db, owner: UserId, org: OrgId, query: &MemberQuery) -> (Duration, usize) {
    let key = OrgKey::Id(org);
    let mut samples = Vec::with_capacity(RUNS);
    let mut found = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = service::list(db, &Reader::Member(owner), &key, query)
            .await
            .expect("list");
        samples.push(started.elapsed());
        found = match page {
            Listed::WithContacts(page) => page.items.len(),
            Listed::Named(page) => page.items.len(),
        };
    }
    samples.sort();
    (samples[RUNS / 2], found)
}

async fn bench(label: &str, url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let started = Instant::now();
    let (owner, org) = seed(&db).await?;
    println!(
        "\n{label}: seeded {MEMBERS} members in {:.1?}",
        started.elapsed()
    );

    let (deep_name, deep_id): (String, String) = sqlx::query_as(
        "SELECT sort_name, user_id FROM memberships WHERE org_id = $1 \
         ORDER BY sort_name, user_id LIMIT 1 OFFSET 75000",
    )
    .bind(org.to_string())
    .fetch_one(db.pool())
    .await?;
    let deep_key: ListKey = (deep_name, deep_id);
    let deep = cursor::encode(&deep_key);
    let query = |q: Option<&str>, cursor: Option<&str>| MemberQuery {
        q: q.map(str::to_owned),
        cursor: cursor.map(str::to_owned),
        limit: Some(50),
        ..MemberQuery::default()
    };
    let cases = [
        ("first page (50)", query(None, None)),
        ("deep page (cursor at 75,000)", query(None, Some(&deep))),
        (
            "role=admin",
            MemberQuery {
                role: Some(Role::Admin),
                ..query(None, None)
            },
        ),
        ("search q=m (dense)", query(Some("m"), None)),
        ("search q=mar", query(Some("mar"), None)),
        (
            "search q=mart (walks prefix mar)",
            query(Some("mart"), None),
        ),
        (
            "search q=m, deep page",
            MemberQuery {
                cursor: Some(deep.clone()),
                ..query(Some("m"), None)
            },
        ),
        ("search q=zoë schmidt", query(Some("zoë schmidt"), None)),
        ("search q=4242 (rare)", query(Some("4242"), None)),
        (
            "search q=marta.lopez1 (email)",
            query(Some("marta.lopez1"), None),
        ),
    ];
    // Warm up, then measure every case; ratios are to the first page of this same pass.
    time(&db, owner, org, &query(None, None)).await;
    let mut results = Vec::new();
    for (name, q) in &cases {
        results.push((name, time(&db, owner, org, q).await));
    }
    let first = results[0].1 .0;
    println!(
        "{:<34} {:>10} {:>7} {:>8}",
        "case", "median", "items", "ratio"
    );
    for (name, (took, items)) in results {
        let ratio = took.as_secs_f64() / first.as_secs_f64();
        println!(
            "{name:<34} {:>8.2}ms {items:>7} {ratio:>7.2}x",
            took.as_secs_f64() * 1e3
        );
    }
    db.close().await;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ORGDESK_BENCH_DIR keeps the SQLite file (for EXPLAIN QUERY PLAN); else a temp dir.
    let dir = tempfile::tempdir()?;
    let folder = std::env::var_os("ORGDESK_BENCH_DIR").map_or(dir.path().to_path_buf(), Into::into);
    let sqlite = orgdesk_server::config::sqlite_url(&folder.join("bench.db"));
    if std::env::var_os("ORGDESK_BENCH_SKIP_SQLITE").is_none() {
        bench("SQLite", &sqlite).await?;
    }
    if let Ok(admin_url) = std::env::var("ORGDESK_TEST_DATABASE_URL") {
        let name = format!("orgdesk_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await?;
        admin
            .execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await?;
        let mut url = url::Url::parse(&admin_url)?;
        url.set_path(&format!("/{name}"));
        let result = bench("PostgreSQL", url.as_str()).await;
        if std::env::var_os("ORGDESK_BENCH_KEEP").is_some() {
            println!("kept database {name}");
            return result;
        }
        admin
            .execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
            .await?;
        result?;
    }
    Ok(())
}
