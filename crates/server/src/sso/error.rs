//! What SSO refuses with.

use orgdesk_model::ErrorCode;

use crate::error::DomainError;
use crate::sso::provider::DiscoveryError;

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    /// No org by that slug or verified domain, or it has no connection (one answer for
    /// all, so nobody learns which domains an org holds).
    #[error("Single sign-on is not set up for this organization or email domain.")]
    NotConfigured,
    /// The provider's discovery document or keys are not usable (422).
    #[error("The provider's configuration could not be used: {0}")]
    Discovery(#[from] DiscoveryError),
    /// A one-time code that is unknown, used, expired, or whose verifier does not match
    /// (401; one answer for all).
    #[error("This sign-in is not valid (anymore): start it again.")]
    Failed,
    /// The provider's redirect names no flow in progress (unknown, expired, answered).
    #[error("This sign-in is no longer valid: it expired or was already used. Go back to Orgdesk and start it again.")]
    UnknownFlow,
    /// The first save of a connection must bring the client secret.
    #[error("Give the client secret: the organization has no connection yet.")]
    SecretRequired,
}

impl DomainError for SsoError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotConfigured => ErrorCode::SsoNotConfigured,
            Self::Discovery(_) => ErrorCode::SsoDiscoveryFailed,
            Self::Failed => ErrorCode::SsoFailed,
            Self::SecretRequired => ErrorCode::ValidationFailed,
            Self::UnknownFlow => ErrorCode::MalformedRequest,
        }
    }

    fn detail(&self) -> String {
        self.to_string()
    }

    fn fields(&self) -> Vec<orgdesk_model::FieldError> {
        match self {
            Self::SecretRequired => vec![orgdesk_model::FieldError {
                field: "client_secret".to_owned(),
                message: self.to_string(),
            }],
            _ => Vec::new(),
        }
    }
}
