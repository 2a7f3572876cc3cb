//! What signing in, and calling with a session or an API key, can fail with.

use axum::http::{header, HeaderMap, HeaderValue};
use orgdesk_model::ErrorCode;

use crate::error::{DomainError, INTERNAL_DETAIL};
use crate::limits::wait_text;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no valid session")]
    Unauthenticated,
    #[error("email and password do not match")]
    InvalidCredentials,
    #[error("the email is taken")]
    EmailTaken,
    #[error("throttled for {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    #[error("no valid API key")]
    InvalidApiKey,
    #[error("API key over its rate limit for {retry_after_secs}s")]
    KeyRateLimited { limit: u32, retry_after_secs: u64 },
    #[error("password hashing: {0}")]
    PasswordHash(argon2::password_hash::Error),
}

impl DomainError for AuthError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated | Self::InvalidApiKey => ErrorCode::Unauthenticated,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::RateLimited { .. } | Self::KeyRateLimited { .. } => ErrorCode::RateLimited,
            Self::PasswordHash(_) => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Unauthenticated => "Sign in and send the session as a Bearer token.".to_owned(),
            Self::InvalidCredentials => "The email or the password is wrong.".to_owned(),
            Self::EmailTaken => {
                "An account with this email already exists. Sign in instead.".to_owned()
            }
            Self::RateLimited { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} seconds.")
            }
            Self::InvalidApiKey => "Send a live API key as `Authorization: Bearer odk_…`; this \
                                    one is unknown or revoked, or its creator left the \
                                    organization."
                .to_owned(),
            Self::KeyRateLimited {
                limit,
                retry_after_secs,
            } => format!(
                "This API key may make {limit} requests a minute. Try again in {}.",
                wait_text(*retry_after_secs)
            ),
            Self::PasswordHash(_) => INTERNAL_DETAIL.to_owned(),
        }
    }

    fn headers(&self, headers: &mut HeaderMap) {
        match self {
            Self::Unauthenticated | Self::InvalidApiKey => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::RateLimited { retry_after_secs }
            | Self::KeyRateLimited {
                retry_after_secs, ..
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
    }
}
