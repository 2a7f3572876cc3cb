//! A typed client for the Orgdesk HTTP API. Problem documents come back as
//! [`orgdesk_model::ErrorCode`]s; reads can go through a [`cache::ReadCache`] so an
//! offline store slots in without the callers changing.

pub mod cache;
mod error;
mod http;
mod orgs;

pub use cache::{CacheKey, Cached, MemoryCache, ReadCache};
pub use error::ClientError;
pub use http::Client;
pub use orgs::{Logo, OrgRef};

pub type Result<T, E = ClientError> = std::result::Result<T, E>;
