//! Accounts, passwords, sessions and sign-in throttling.

pub mod account;
pub mod extractor;
pub mod password;
pub mod routes;
pub mod service;
pub mod session;
pub mod throttle;

pub use extractor::CurrentSession;
