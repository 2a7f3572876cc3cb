//! What domain claims and verifications are refused with.

use orgdesk_model::sso::MAX_DOMAINS;
use orgdesk_model::ErrorCode;

use crate::dns::DnsUnavailable;
use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum DomainClaimError {
    /// Another org has the domain verified (409 `domain_taken`).
    #[error("Another organization has verified {0}.")]
    Taken(String),
    /// The TXT record was looked up and does not hold the value (422
    /// `domain_not_verified`); what was found is in the sentence.
    #[error(
        "{found} Publish a TXT record at {record_name} holding {record_value}, then verify again."
    )]
    NotVerified {
        found: String,
        record_name: String,
        record_value: String,
    },
    /// The lookup got no definitive answer (503 `dns_unavailable`): nothing changed.
    #[error("The domain's DNS gave no definitive answer ({0}); nothing changed. Try again in a few minutes.")]
    Dns(#[from] DnsUnavailable),
    #[error("An organization claims at most {MAX_DOMAINS} domains: remove one first.")]
    TooMany,
}

impl DomainError for DomainClaimError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Taken(_) => ErrorCode::DomainTaken,
            Self::NotVerified { .. } => ErrorCode::DomainNotVerified,
            Self::Dns(_) => ErrorCode::DnsUnavailable,
            Self::TooMany => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        self.to_string()
    }
}
