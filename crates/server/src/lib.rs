//! orgdesk-server: the organization service behind the Orgdesk app. An HTTP+JSON API over
//! SQLite (a file in the data folder, the default) or PostgreSQL (shared by several
//! instances: every state that must hold across requests lives in the database).
//!
//! The desktop app embeds it in-process:
//!
//! ```no_run
//! # async fn run() -> Result<(), orgdesk_server::ServerError> {
//! let server = orgdesk_server::spawn(orgdesk_server::Config::local("/tmp/orgdesk")).await?;
//! println!("listening on {}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

pub mod access;
pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod card_payments;
pub mod cards;
pub mod config;
pub mod connections;
pub mod cpu;
pub mod db;
pub mod demo;
pub mod dns;
pub mod error;
pub mod exports;
pub mod http;
pub mod idempotency;
pub mod invitations;
pub mod invoices;
pub mod ledger;
pub mod lifecycle;
pub mod limits;
pub mod mail;
pub mod members;
pub mod membership;
pub mod openapi;
pub mod operator;
pub mod orgs;
pub mod outbound;
pub mod owner_only;
pub mod payments;
pub mod periodic;
pub mod portfolio;
pub mod problem;
pub mod projects;
pub mod reader;
pub mod retention;
pub mod router;
pub mod sealing;
pub mod serve;
pub mod signup;
pub mod sso;
pub mod state;
pub mod stripe;
pub mod subscriptions;
pub mod usage;
pub mod webhooks;

pub use config::{Backend, Config, PaymentsConfig};
pub use error::{AppError, ServerError};
pub use serve::{spawn, RunningServer};
