//! Mailed links, issued and used: a token ([`crate::auth::tokens`]) and its message
//! ([`AccountMail`]) written in the caller's transaction, and the proof a used link gives
//! (the address is the account's: [`mark_verified`]). Sign-up, the account routes and
//! invitations all go through here.

use orgdesk_model::account::{RESET_TTL_MINUTES, VERIFY_TTL_HOURS};
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::UserId;
use serde_json::json;
use sqlx::AnyConnection;

use crate::auth::actor::Client;
use crate::auth::mails::AccountMail;
use crate::auth::tokens::{self, Purpose};
use crate::auth::{account, events};
use crate::error::AppError;
use crate::mail::Mailer;

pub const VERIFY_TTL_MS: i64 = VERIFY_TTL_HOURS * 60 * 60 * 1000;
pub const RESET_TTL_MS: i64 = RESET_TTL_MINUTES * 60 * 1000;

/// Mails `email` (the account's) a link that verifies it; an earlier one stops working.
pub async fn send_verification(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    user: UserId,
    email: &str,
    now: i64,
) -> Result<(), AppError> {
    let expires_at = now + VERIFY_TTL_MS;
    let token = tokens::issue(conn, user, Purpose::VerifyEmail, email, VERIFY_TTL_MS, now).await?;
    AccountMail::Verify {
        token: &token,
        expires_at,
    }
    .enqueue(mailer, conn, email)
    .await
}

/// Why a reset link is mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetReason {
    /// Someone asked for it with the address.
    Requested,
    /// Someone tried to sign up with the address of an unverified account.
    SignupAttempt,
}

/// Mails `email` (the account's) a password-reset link; an earlier one stops working.
pub async fn send_reset(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    user: UserId,
    email: &str,
    reason: ResetReason,
    now: i64,
) -> Result<(), AppError> {
    let expires_at = now + RESET_TTL_MS;
    let token = tokens::issue(conn, user, Purpose::PasswordReset, email, RESET_TTL_MS, now).await?;
    let token = token.as_str();
    let mail = match reason {
        ResetReason::Requested => AccountMail::Reset { token, expires_at },
        ResetReason::SignupAttempt => AccountMail::SignupAttempt { token, expires_at },
    };
    mail.enqueue(mailer, conn, email).await
}

/// Mails `new_email` a link that moves the account to it, and `old_email` a notice; an
/// earlier change still waiting stops working.
pub async fn send_email_change(
    conn: &mut AnyConnection,
    mailer: &Mailer,
    user: UserId,
    old_email: &str,
    new_email: &str,
    now: i64,
) -> Result<(), AppError> {
    let expires_at = now + VERIFY_TTL_MS;
    let token = tokens::issue(
        conn,
        user,
        Purpose::ChangeEmail,
        new_email,
        VERIFY_TTL_MS,
        now,
    )
    .await?;
    AccountMail::ConfirmNewEmail {
        token: &token,
        expires_at,
        old_email,
    }
    .enqueue(mailer, conn, new_email)
    .await?;
    AccountMail::EmailChangeNotice { new_email }
        .enqueue(mailer, conn, old_email)
        .await
}

/// How an address was proved, as the security log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// The verification link.
    VerificationLink,
    /// An invitation link mailed to the address, accepted.
    InvitationLink,
    /// A password-reset link.
    ResetLink,
}

impl Proof {
    const fn as_str(self) -> &'static str {
        match self {
            Self::VerificationLink => "verification_link",
            Self::InvitationLink => "invitation_link",
            Self::ResetLink => "reset_link",
        }
    }
}

/// Records that `user` proved `email` (still the account's), unless it was proved before:
/// `true` when this made the account verified. Verifying ends the verification link.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    user: UserId,
    email: &str,
    proof: Proof,
    client: &Client,
    now: i64,
) -> Result<bool, AppError> {
    if !account::mark_verified(conn, user, email, now).await? {
        return Ok(false);
    }
    tokens::forget(conn, user, &[Purpose::VerifyEmail]).await?;
    events::record(
        conn,
        user,
        SecurityEvent::EmailVerified,
        client,
        json!({ "email": email, "proof": proof.as_str() }),
        now,
    )
    .await?;
    Ok(true)
}
