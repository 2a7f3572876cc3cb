//! Accounts, passwords, sessions, sign-in throttling, and the caller of a request
//! ([`CurrentSession`], [`Actor`]).

pub mod account;
pub mod actor;
pub mod extractor;
pub mod password;
pub mod routes;
pub mod service;
pub mod session;
pub mod throttle;

pub use actor::Actor;
pub use extractor::CurrentSession;
