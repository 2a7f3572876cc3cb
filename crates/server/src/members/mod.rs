//! Members of an org: the list (with its search; by name alone for an API key, [`named`]), role and scope changes, leaving and
//! ownership transfers, and routes. The membership rows themselves are the membership
//! core's ([`crate::membership::rows`]).

pub mod error;
pub mod list;
pub mod named;
pub mod ownership;
pub mod routes;
pub mod service;

pub use error::MemberError;
