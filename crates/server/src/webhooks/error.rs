//! What webhook changes are refused with.

use orgdesk_model::webhook::MAX_WEBHOOKS_PER_ORG;
use orgdesk_model::{ErrorCode, FieldError};

use crate::error::DomainError;
use crate::webhooks::guard::GuardError;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The URL is not one this server sends to (422 `webhook_url_not_allowed`, field `url`).
    #[error("{0}")]
    UrlNotAllowed(#[from] GuardError),
    #[error("An organization has at most {MAX_WEBHOOKS_PER_ORG} webhooks: delete one first.")]
    TooMany,
    #[error("The webhook is turned off: turn it on to send deliveries again.")]
    Disabled,
}

impl DomainError for WebhookError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::UrlNotAllowed(_) => ErrorCode::WebhookUrlNotAllowed,
            Self::TooMany | Self::Disabled => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        self.to_string()
    }

    fn fields(&self) -> Vec<FieldError> {
        match self {
            Self::UrlNotAllowed(guard) => vec![FieldError {
                field: "url".to_owned(),
                message: guard.to_string(),
            }],
            Self::TooMany | Self::Disabled => Vec::new(),
        }
    }
}
