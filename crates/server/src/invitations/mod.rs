//! Invitations: tokens, storage, the inviter's side (invite, list, revoke, resend), the
//! invitee's side (look up, accept, decline), the message and routes.

pub mod email;
pub mod error;
pub mod quota;
pub mod received;
pub mod repo;
pub mod respond;
pub mod routes;
pub mod service;
pub mod token;

pub use error::InvitationError;
