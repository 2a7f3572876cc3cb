//! Who is calling: accounts, passwords, sessions (and one's own list of them), sign-in
//! throttling, two-factor sign-in, each account's security log, what the orgs a person
//! belongs to demand of their sign-in ([`policy`]), mailed links that prove an email or
//! reset a password, API keys as credentials with their rate limit ([`key_limit`]), and the
//! caller of a request ([`CurrentSession`], [`Actor`], [`ApiKeyCaller`]).

pub mod account;
pub mod actor;
pub mod api_key;
pub mod error;
pub mod events;
pub mod extractor;
pub mod key_limit;
pub mod links;
pub mod mails;
pub mod password;
pub mod policy;
pub mod quotas;
pub mod routes;
pub mod service;
pub mod session;
pub mod session_routes;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod two_factor;

pub use actor::{Actor, Client};
pub use api_key::ApiKeyCaller;
pub use error::AuthError;
pub use extractor::CurrentSession;
