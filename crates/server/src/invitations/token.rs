//! Invitation tokens: 32 bytes from the OS CSPRNG, base64url, shown once in the link
//! `orgdesk://invite/<token>`; only their SHA-256 is stored.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::InvitationId;
use sha2::{Digest, Sha256};

/// The deep link the app opens.
pub const LINK_PREFIX: &str = "orgdesk://invite/";

/// A new token and its hash.
pub struct Minted {
    pub token: String,
    pub hash: String,
}

pub fn mint() -> Minted {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash(&token);
    Minted { token, hash }
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

pub fn link(token: &str) -> String {
    format!("{LINK_PREFIX}{token}")
}

/// How a route names an invitation: its secret token, or (for the signed-in invitee,
/// from their list) its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationRef {
    Id(InvitationId),
    /// The SHA-256 of the token.
    TokenHash(String),
}

impl InvitationRef {
    pub fn parse(raw: &str) -> Self {
        match raw.trim().parse::<InvitationId>() {
            Ok(id) => Self::Id(id),
            Err(_) => Self::TokenHash(hash(raw)),
        }
    }
}

/// `ana@example.com` → `a***@example.com`: enough to recognise one's own address, not to
/// learn someone else's.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_never_ids() {
        let a = mint();
        let b = mint();
        assert_ne!(a.token, b.token);
        assert_eq!(a.token.len(), 43);
        assert_eq!(a.hash, hash(&a.token));
        assert_eq!(a.hash.len(), 64);
        assert_eq!(
            InvitationRef::parse(&a.token),
            InvitationRef::TokenHash(a.hash)
        );
        let id = InvitationId::new();
        assert_eq!(InvitationRef::parse(&id.to_string()), InvitationRef::Id(id));
        assert!(link(&b.token).starts_with("orgdesk://invite/"));
    }

    #[test]
    fn masks_keep_the_first_letter_and_the_domain() {
        assert_eq!(mask_email("ana@example.com"), "a***@example.com");
        assert_eq!(mask_email("x@y.org"), "x***@y.org");
        assert_eq!(mask_email("broken"), "***");
    }
}
