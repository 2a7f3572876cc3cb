//! Seeds the org that `scripts/bench-server.sh` loads: an owner account
//! (`owner@bench.example`, password `bench password 2026`), an org "Bench Co" on the
//! business plan, and a few thousand members inserted in bulk the way `members_bench`
//! does (one account per member would hash a password each: minutes). Prints the org's
//! id. Everything else the benchmark needs (a session, projects, an API key, credits) it
//! makes through the public API and the operator's `grant-credits`.
//!
//! ```sh
//! cargo run --release -p orgdesk-server --example bench_seed -- <data-dir> [<database-url>]
//! ```
//!
//! `ORGDESK_BENCH_MEMBERS` sets how many members (default 3000).

#![allow(clippy::print_stdout)]

use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::{OrgId, Plan, UserId};
use orgdesk_server::auth::Actor;
use orgdesk_server::db::Db;
use orgdesk_server::membership::search;
use orgdesk_server::signup::{create_account, NewAccount};
use orgdesk_server::Config;

mod bulk;

pub const OWNER_EMAIL: &str = "owner@bench.example";
pub const OWNER_PASSWORD: &str = "bench password 2026";

const FIRST: [&str; 20] = [
    "Ana", "Ben", "Chloé", "David", "Emma", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Marta",
    "Marco", "Maria", "Mario", "Noah", "Olga", "Paul", "Rosa", "Sofia", "Zoë",
];
const LAST: [&str; 20] = [
    "Lima", "Martin", "Schmidt", "Rossi", "García", "Novak", "Müller", "Dubois", "Silva", "Jensen",
    "Murphy", "Smith", "Moreau", "Lopez", "Costa", "Tanaka", "Nguyen", "Chen", "Singh", "Weber",
];

/// The `i`th member's display name and email.
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

async fn seed(db: &Db, members: usize) -> Result<OrgId, Box<dyn std::error::Error>> {
    let owner: UserId = create_account(
        db,
        &orgdesk_server::cpu::Gate::for_cores(),
        NewAccount {
            email: OWNER_EMAIL.into(),
            display_name: "Bench Owner".into(),
            password: OWNER_PASSWORD.into(),
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
    // Before the members: the operator cannot move an org that is over a plan's limits.
    orgdesk_server::operator::set_plan(db, &org.to_string(), Plan::Business).await?;
    let mut tx = db.write().await?;
    bulk::insert_members(&mut tx, org, members, person).await?;
    tx.commit().await?;
    Ok(org)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let data_dir = args
        .next()
        .ok_or("usage: bench_seed <data-dir> [<database-url>]")?;
    let mut config = Config::local(data_dir);
    config.database_url = args.next();
    let members = match std::env::var("ORGDESK_BENCH_MEMBERS") {
        Ok(n) => n.parse()?,
        Err(_) => 3000,
    };
    let db = orgdesk_server::serve::open_database(&config).await?;
    let org = seed(&db, members).await?;
    db.close().await;
    println!("{org}");
    Ok(())
}
