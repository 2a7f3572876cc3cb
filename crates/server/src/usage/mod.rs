//! Metered usage: recording it through an API key ([`record`]) and reporting it
//! ([`report`]).

pub mod error;
pub mod record;
pub mod report;
pub mod routes;
pub mod terms;

pub use error::UsageError;
