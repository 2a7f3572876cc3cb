//! Two-factor sign-in (TOTP, RFC 6238): the codes ([`codes`]), their tables ([`repo`]),
//! one's own settings ([`service`]) and their routes ([`routes`]). The sign-in step that
//! asks for a code is [`crate::auth::service::login_two_factor`].

pub mod codes;
pub mod error;
pub mod repo;
pub mod routes;
pub mod service;

pub use error::TwoFactorError;
