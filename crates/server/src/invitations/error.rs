//! What inviting and answering an invitation can fail with.

use axum::http::{header, HeaderMap, HeaderValue};
use orgdesk_model::ErrorCode;

use crate::error::DomainError;
use crate::limits::wait_text;

/// Whose daily invitation mail ran out, and how much it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailLimitOf {
    Inviter(u32),
    Org(u32),
}

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("the plan's {seats} seats are taken")]
    SeatLimit { seats: u32 },
    /// The email of the person, or empty when it is the caller.
    #[error("already a member")]
    AlreadyMember(String),
    #[error("an invitation is pending")]
    Pending(String),
    #[error("the invitation is no longer valid")]
    Expired,
    #[error("the invitation is for another account")]
    ForAnotherAccount { masked_email: String },
    #[error("the account has not verified its email")]
    EmailNotVerified,
    #[error("invalid state: the invitation was {status}, nothing to revoke")]
    NothingToRevoke { status: String },
    #[error("invalid state: the invitation was {status}, it cannot be resent")]
    NotResendable { status: String },
    #[error("invitation mail limit ({of:?}) reached, retry in {retry_after_secs}s")]
    MailLimit {
        of: MailLimitOf,
        retry_after_secs: u64,
    },
}

impl DomainError for InvitationError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::SeatLimit { .. } => ErrorCode::SeatLimitReached,
            Self::AlreadyMember(_) => ErrorCode::AlreadyMember,
            Self::Pending(_) => ErrorCode::InvitationPending,
            Self::Expired => ErrorCode::InvitationExpired,
            Self::ForAnotherAccount { .. } => ErrorCode::InvitationForAnotherAccount,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::NothingToRevoke { .. } | Self::NotResendable { .. } => ErrorCode::InvalidState,
            Self::MailLimit { .. } => ErrorCode::RateLimited,
        }
    }

    fn headers(&self, headers: &mut HeaderMap) {
        if let Self::MailLimit {
            retry_after_secs, ..
        } = self
        {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::SeatLimit { seats } => format!(
                "All {seats} seats of the plan are taken by members and pending invitations. \
                 Revoke an invitation, remove a member, or upgrade."
            ),
            Self::AlreadyMember(email) if email.is_empty() => {
                "You are already a member of this organization.".to_owned()
            }
            Self::AlreadyMember(email) => {
                format!("{email} is already a member of this organization.")
            }
            Self::Pending(email) => {
                format!("An invitation for {email} is already pending. Resend it instead.")
            }
            Self::Expired => "This invitation was used, declined or revoked, or it has \
                              expired. Ask for a new one."
                .to_owned(),
            Self::ForAnotherAccount { masked_email } => format!(
                "This invitation was sent to {masked_email}. Sign in with that account to \
                 accept it."
            ),
            Self::EmailNotVerified => "Verify your email first: open the link we mailed you \
                                        (or ask for a new one), or accept through the \
                                        link in the invitation mail."
                .to_owned(),
            Self::NothingToRevoke { status } => {
                format!("This invitation was {status}; there is nothing to revoke.")
            }
            Self::NotResendable { status } => {
                format!("This invitation was {status}; invite again instead.")
            }
            Self::MailLimit {
                of,
                retry_after_secs,
            } => {
                let (who, max) = match of {
                    MailLimitOf::Inviter(max) => ("You have", max),
                    MailLimitOf::Org(max) => ("This organization has", max),
                };
                format!(
                    "{who} sent {max} invitation emails in the last 24 hours, the most \
                     allowed (revoked invitations count too). Try again in {}.",
                    wait_text(*retry_after_secs)
                )
            }
        }
    }
}
