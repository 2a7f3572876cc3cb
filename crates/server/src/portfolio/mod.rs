//! The portfolio (`GET /v1/me/portfolio`): every org the caller belongs to, with the
//! figures their role may see in each, answered by one SQL statement for the whole list.

pub mod repo;
pub mod routes;
pub mod service;
