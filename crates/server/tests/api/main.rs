//! Integration tests: the real server (via `orgdesk_server::spawn`) on 127.0.0.1:0 with a
//! fresh database per test, over real HTTP. Every test runs on SQLite and on PostgreSQL.

mod fixtures;
mod harness;

mod audit;
mod audit_export;
mod auth;
mod invitations;
mod invitations_respond;
mod isolation;
mod logo;
mod members;
mod members_ownership;
mod meta;
mod orgs;
mod orgs_access;
mod orgs_concurrency;
mod projects;
mod projects_lifecycle;
mod team_concurrency;
