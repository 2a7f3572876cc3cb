//! Sign-up: a new account with its personal context and first session ([`service`]), and
//! its route ([`routes`]).

pub mod routes;
pub mod service;

pub use service::{create_account, mark_seeded_verified, NewAccount};
