//! Who is calling: accounts, passwords, sessions, sign-in throttling, API keys as
//! credentials, mailed links that prove an email or reset a password, and the caller of a
//! request ([`CurrentSession`], [`Actor`], [`ApiKeyCaller`]).

pub mod account;
pub mod actor;
pub mod api_key;
pub mod error;
pub mod events;
pub mod extractor;
pub mod links;
pub mod mails;
pub mod password;
pub mod quotas;
pub mod routes;
pub mod service;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use actor::{Actor, Client};
pub use api_key::ApiKeyCaller;
pub use error::AuthError;
pub use extractor::CurrentSession;
