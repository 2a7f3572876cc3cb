//! The org export's benchmark (not a test; `scripts/bench-export.sh` runs it): seeds one
//! org on a fresh SQLite database in a temporary folder with bulk INSERTs (`--members`
//! members, `--ledger` ledger lines, a tenth of the members' count in audit events), then
//! runs the export job once and prints the time it took and the process's peak memory
//! (VmHWM, reset after seeding through `/proc/self/clear_refs`, so it is the export's).
//! The folder is deleted at the end.
//!
//!   cargo run -p orgdesk-server --example export_bench -- --members 100000 --ledger 1000000

// Its report is its output.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use orgdesk_model::{ExportId, OrgId, UserId};
use orgdesk_server::db::Db;
use orgdesk_server::exports::{job, repo};

const BATCH: usize = 1_000;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

/// A line of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Inserts `rows` a batch at a time (never all of them in memory at once).
async fn insert_all(db: &Db, head: &str, mut rows: impl Iterator<Item = String>) {
    loop {
        let batch: Vec<String> = rows.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            return;
        }
        // Not kept prepared: each batch is a statement of its own.
        sqlx::query(&format!("{head} VALUES {}", batch.join(", ")))
            .persistent(false)
            .execute(db.pool())
            .await
            .expect("seed insert");
    }
}

async fn seed(db: &Db, members: usize, ledger: usize) -> OrgId {
    let now = chrono::Utc::now().timestamp_millis();
    let org = OrgId::new();
    let owner = UserId::new();
    let mut tx = db.write().await.expect("transaction");
    sqlx::query("INSERT INTO users (id, email, display_name, password_hash, created_at) VALUES ($1, 'owner@bench.test', 'Owner', 'x', $2)")
        .bind(owner.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("owner");
    sqlx::query("INSERT INTO orgs (id, kind, slug, name, sort_name, plan, owner_user_id, created_at, updated_at) VALUES ($1, 'organization', 'bench', 'Bench', 'bench', 'business', $2, $3, $3)")
        .bind(org.to_string())
        .bind(owner.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("org");
    sqlx::query("INSERT INTO memberships (org_id, user_id, role, project_scoped, sort_name, created_at) VALUES ($1, $2, 'admin', 0, 'owner', $3)")
        .bind(org.to_string())
        .bind(owner.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await
        .expect("owner membership");
    tx.commit().await.expect("commit");
    let users: Vec<UserId> = (1..members).map(|_| UserId::new()).collect();
    insert_all(
        db,
        "INSERT INTO users (id, email, display_name, password_hash, created_at)",
        users
            .iter()
            .enumerate()
            .map(|(i, id)| format!("('{id}', 'member{i}@bench.test', 'Member {i}', 'x', {now})")),
    )
    .await;
    insert_all(
        db,
        "INSERT INTO memberships (org_id, user_id, role, project_scoped, sort_name, created_at)",
        users
            .iter()
            .enumerate()
            .map(|(i, id)| format!("('{org}', '{id}', 'member', 0, 'member {i}', {now})")),
    )
    .await;
    // A grant, then usage lines of 1 credit with a top-up every tenth line.
    let mut balance: i64 = 0;
    let lines = (1..=ledger).map(|seq| {
        let (kind, amount, usage) = if seq == 1 {
            ("grant", 1_000_000_000_i64, false)
        } else if seq % 10 == 0 {
            ("top_up", 500, false)
        } else {
            ("usage", -1, true)
        };
        balance += amount;
        let (modality, quantity) = if usage { ("'text'", "3") } else { ("NULL", "NULL") };
        format!(
            "('{}', '{org}', {seq}, '{kind}', {amount}, {balance}, NULL, NULL, NULL, {modality}, {quantity}, NULL, NULL, 'line {seq}', '2026-12', {})",
            uuid::Uuid::now_v7(),
            now - 1_000_000 + i64::try_from(seq).unwrap_or(0)
        )
    });
    insert_all(
        db,
        "INSERT INTO ledger_entries (id, org_id, seq, kind, amount, balance_after, project_id, user_id, api_key_id, modality, quantity, rate_version, reference, description, period, created_at)",
        lines,
    )
    .await;
    sqlx::query("INSERT INTO billing_accounts (org_id, balance, entries, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(org.to_string())
        .bind(balance)
        .bind(i64::try_from(ledger).unwrap_or(0))
        .bind(now)
        .execute(db.pool())
        .await
        .expect("billing account");
    insert_all(
        db,
        "INSERT INTO audit_events (id, org_id, actor_kind, action, target_type, target_id, details, created_at)",
        (0..members / 10).map(|i| {
            format!(
                "('{}', '{org}', 'system', 'project.updated', 'project', 't{i}', '{{}}', {})",
                uuid::Uuid::now_v7(),
                now - 1_000 + i64::try_from(i % 1000).unwrap_or(0)
            )
        }),
    )
    .await;
    let mut conn = db.pool().acquire().await.expect("connection");
    repo::insert(
        &mut conn,
        org,
        ExportId::new(),
        owner,
        "bench-export.zip",
        now,
    )
    .await
    .expect("queued export");
    org
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let members = arg("--members", 100_000);
    let ledger = arg("--ledger", 1_000_000);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrations");

    let seeding = Instant::now();
    let org = seed(&db, members, ledger).await;
    let seeded_in = seeding.elapsed();
    let seed_peak = status_kib("VmHWM:");
    // Linux: writing 5 resets the peak resident set size to the current one.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmRSS:");

    let started = Instant::now();
    let outcome = job::step(
        &db,
        chrono::Utc::now().timestamp_millis(),
        Duration::from_secs(600),
    )
    .await
    .expect("the export step");
    let took = started.elapsed();
    let peak = status_kib("VmHWM:");
    assert!(matches!(outcome, job::Outcome::Ready(_)), "{outcome:?}");
    let (size, chunks): (i64, i64) = sqlx::query_as(
        "SELECT e.size, (SELECT COUNT(*) FROM export_chunks c WHERE c.export_id = e.id) \
         FROM org_exports e WHERE e.org_id = $1",
    )
    .bind(org.to_string())
    .fetch_one(db.pool())
    .await
    .expect("the export");
    let db_bytes = std::fs::metadata(dir.path().join("bench.db"))
        .map(|m| m.len())
        .unwrap_or(0);
    db.close().await;
    drop(dir);

    println!("members        {members}");
    println!("ledger lines   {ledger}");
    println!(
        "seeded in      {:.1} s (database {:.0} MiB, peak RSS while seeding {:.1} MiB)",
        seeded_in.as_secs_f64(),
        db_bytes as f64 / 1048576.0,
        mib(seed_peak)
    );
    println!(
        "export took    {:.2} s ({:.0} records/s)",
        took.as_secs_f64(),
        (members + ledger) as f64 / took.as_secs_f64()
    );
    println!(
        "zip            {:.1} MiB in {chunks} chunks",
        size as f64 / 1048576.0
    );
    println!("RSS before     {:.1} MiB", mib(before));
    println!(
        "peak RSS       {:.1} MiB{}",
        mib(peak),
        if reset {
            " (during the export)"
        } else {
            " (whole process: clear_refs unavailable)"
        }
    );
    println!("peak - before  {:.1} MiB", mib(peak.saturating_sub(before)));
}
