//! Members of an org: storage, search, the list, role and scope changes, leaving and
//! ownership transfers, and routes.

pub mod list;
pub mod ownership;
pub mod repo;
pub mod routes;
pub mod search;
pub mod service;
