//! What two-factor sign-in and its settings can fail with.

use axum::http::{header, HeaderMap, HeaderValue};
use orgdesk_model::{ErrorCode, Problem, TwoFactorChallenge};

use crate::db::to_datetime;
use crate::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    /// The password was right; the sign-in needs its second step.
    #[error("a two-factor code is needed")]
    Required { challenge: String, expires_at: i64 },
    #[error("the sign-in challenge is unknown, used or expired")]
    ChallengeExpired,
    #[error("wrong or used two-factor code")]
    InvalidCode,
    #[error("two-factor sign-in is already on")]
    AlreadyEnabled,
    #[error("two-factor sign-in is off")]
    NotEnabled,
    #[error("no enrolment was started")]
    NotStarted,
}

impl DomainError for TwoFactorError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Required { .. } => ErrorCode::MfaRequired,
            Self::ChallengeExpired => ErrorCode::MfaChallengeExpired,
            Self::InvalidCode => ErrorCode::InvalidTwoFactorCode,
            Self::AlreadyEnabled | Self::NotEnabled | Self::NotStarted => ErrorCode::InvalidState,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Required { .. } => {
                "Enter the 6-digit code from your authenticator app, or a recovery code."
            }
            Self::ChallengeExpired => {
                "This sign-in took too long or was already finished. Sign in again."
            }
            Self::InvalidCode => {
                "That code is not right, or it was already used. Try the next one."
            }
            Self::AlreadyEnabled => "Two-factor sign-in is already on for this account.",
            Self::NotEnabled => "Two-factor sign-in is not on for this account.",
            Self::NotStarted => "Start setting up two-factor sign-in first.",
        }
        .to_owned()
    }

    fn headers(&self, headers: &mut HeaderMap) {
        if matches!(self, Self::Required { .. } | Self::ChallengeExpired) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
    }

    fn extend(&self, problem: &mut Problem) {
        if let Self::Required {
            challenge,
            expires_at,
        } = self
        {
            problem.two_factor = Some(TwoFactorChallenge {
                challenge: challenge.clone(),
                expires_at: to_datetime(*expires_at),
            });
        }
    }
}
