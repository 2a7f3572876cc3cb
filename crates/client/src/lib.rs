//! A typed client for the Orgdesk HTTP API. Problem documents come back as
//! [`orgdesk_model::ErrorCode`]s; reads can go through a [`cache::ReadCache`] so an
//! offline store slots in without the callers changing.

mod account;
mod api_keys;
mod audit;
mod billing;
pub mod cache;
mod download;
mod error;
mod http;
mod invitations;
pub mod keys;
mod lifecycle;
mod members;
mod orgs;
mod payments;
mod projects;
mod security;
mod sso;
mod webhooks;

pub use cache::{Cached, MemoryCache, ReadCache};
pub use error::ClientError;
pub use http::{Client, IDEMPOTENCY_KEY};
pub use keys::{OrgData, OrgRead, Period, ReadKey, ReadScope};
pub use orgs::{Logo, OrgRef};
pub use projects::ProjectTransition;
pub use security::LoginStep;

pub type Result<T, E = ClientError> = std::result::Result<T, E>;
