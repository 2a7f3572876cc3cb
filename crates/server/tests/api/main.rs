//! Integration tests: the real server (via `orgdesk_server::spawn`) on 127.0.0.1:0 with a
//! fresh database per test, over real HTTP. Every test runs on SQLite and on PostgreSQL.

mod harness;

mod auth;
mod logo;
mod meta;
mod orgs;
mod orgs_access;
mod orgs_concurrency;
