//! Integration tests: the real server (via `orgdesk_server::spawn`) on 127.0.0.1:0 with a
//! fresh database per test, over real HTTP. Every test runs on SQLite and on PostgreSQL.

mod fixtures;
mod harness;
mod mailbox;
mod money;

mod account_email;
mod account_password;
mod account_profile;
mod api_keys;
mod audit;
mod audit_export;
mod auth;
mod bank;
mod billing;
mod contract;
mod credits;
mod idempotency;
mod idempotency_recovery;
mod invitations;
mod invitations_respond;
mod isolation;
mod limits;
mod logo;
mod members;
mod members_ownership;
mod meta;
mod metering;
mod orgs;
mod orgs_access;
mod orgs_concurrency;
mod payments;
mod projects;
mod projects_lifecycle;
mod security_accounts;
mod security_built_in;
mod security_edges;
mod security_keys;
mod security_mail;
mod security_policy;
mod security_sessions;
mod security_signin;
mod security_slow;
mod security_two_factor;
mod statements;
mod team_concurrency;
