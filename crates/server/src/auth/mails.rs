//! The account's own mail: verify the email, reset the password (asked for, or after
//! someone tried to sign up with an address an unverified account holds), confirm a new
//! email, and the notice to the old one. Subjects are fixed sentences and bodies carry no
//! text anyone else chose (no display names, no org names): only the link, its expiry and
//! addresses the mail is about. Links stand on lines of their own.

use lettre::Address;
use orgdesk_model::account::{RESET_LINK_PREFIX, VERIFY_LINK_PREFIX};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;
use crate::mail::{Mailer, Outgoing};

/// One of the account's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountMail<'a> {
    /// After sign-up, or when asked again: the link proves the address.
    Verify { token: &'a str, expires_at: i64 },
    /// Asked for on the sign-in form.
    Reset { token: &'a str, expires_at: i64 },
    /// Someone tried to sign up with this address, which an account holds without having
    /// proved it: the link lets the address's owner take that account over.
    SignupAttempt { token: &'a str, expires_at: i64 },
    /// To the new address of a change of email.
    ConfirmNewEmail {
        token: &'a str,
        expires_at: i64,
        old_email: &'a str,
    },
    /// To the old address of a change of email.
    EmailChangeNotice { new_email: &'a str },
}

fn when(at: i64) -> String {
    to_datetime(at).format("%Y-%m-%d %H:%M UTC").to_string()
}

impl AccountMail<'_> {
    pub fn subject(&self) -> &'static str {
        match self {
            Self::Verify { .. } => "Confirm your email for Orgdesk",
            Self::Reset { .. } => "Reset your Orgdesk password",
            Self::SignupAttempt { .. } => "Someone tried to sign up to Orgdesk with your email",
            Self::ConfirmNewEmail { .. } => "Confirm your new email for Orgdesk",
            Self::EmailChangeNotice { .. } => "Your Orgdesk email is about to change",
        }
    }

    pub fn text(&self) -> String {
        match self {
            Self::Verify { token, expires_at } => format!(
                "Hello,\n\n\
                 Confirm that this address is yours by opening this link with the Orgdesk \
                 app:\n\n{VERIFY_LINK_PREFIX}{token}\n\n\
                 Until you do, invitations to organizations are not shown to you. The link \
                 works once, until {}.\n\
                 If you did not sign up to Orgdesk, ignore this message.\n",
                when(*expires_at)
            ),
            Self::Reset { token, expires_at } => format!(
                "Hello,\n\n\
                 Someone asked to reset the password of the Orgdesk account with this \
                 address. To choose a new password, open this link with the Orgdesk app:\
                 \n\n{RESET_LINK_PREFIX}{token}\n\n\
                 The link works once, until {}. Every session of the account ends when the \
                 password is reset.\n\
                 If you did not ask for this, ignore this message: your password stays as \
                 it is.\n",
                when(*expires_at)
            ),
            Self::SignupAttempt { token, expires_at } => format!(
                "Hello,\n\n\
                 Someone tried to sign up to Orgdesk with this address. An account already \
                 holds it, but that account never confirmed the address.\n\n\
                 Whether you made it and never confirmed, or someone else made it with \
                 your address, this link lets you choose its password and confirm the \
                 address (open it with the Orgdesk app):\n\n\
                 {RESET_LINK_PREFIX}{token}\n\n\
                 Whoever else could sign in to it is signed out and cannot sign in again. \
                 The link works once, until {}.\n\
                 If it was you who just tried to sign up, sign in instead.\n",
                when(*expires_at)
            ),
            Self::ConfirmNewEmail {
                token,
                expires_at,
                old_email,
            } => format!(
                "Hello,\n\n\
                 The Orgdesk account {old_email} asked to use this address instead. \
                 Confirm the change by opening this link with the Orgdesk app:\n\n\
                 {VERIFY_LINK_PREFIX}{token}\n\n\
                 Nothing changes until you do. The link works once, until {}.\n\
                 If you did not ask for this, ignore this message.\n",
                when(*expires_at)
            ),
            Self::EmailChangeNotice { new_email } => format!(
                "Hello,\n\n\
                 Someone signed in to your Orgdesk account asked to change its email to \
                 {new_email}. The change takes effect only once that address confirms \
                 it.\n\n\
                 If this was not you, change your password in the Orgdesk app now (Account \
                 → Password): that signs everyone else out. Then sign in and set your \
                 email back if it was changed.\n"
            ),
        }
    }

    /// Puts the message in the outbox, in the caller's transaction (wake the mailer
    /// after the commit).
    pub async fn enqueue(
        &self,
        mailer: &Mailer,
        conn: &mut AnyConnection,
        to: &str,
    ) -> Result<(), AppError> {
        let to: Address = to.parse().map_err(|_| AppError::CorruptRow("email"))?;
        let text = self.text();
        mailer
            .enqueue(
                conn,
                &Outgoing {
                    org: None,
                    to: &to,
                    subject: self.subject(),
                    text: &text,
                },
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stand_alone_and_expiry_is_named() {
        let at = 1_800_000_000_000;
        for (mail, prefix) in [
            (
                AccountMail::Verify {
                    token: "tok",
                    expires_at: at,
                },
                VERIFY_LINK_PREFIX,
            ),
            (
                AccountMail::Reset {
                    token: "tok",
                    expires_at: at,
                },
                RESET_LINK_PREFIX,
            ),
            (
                AccountMail::SignupAttempt {
                    token: "tok",
                    expires_at: at,
                },
                RESET_LINK_PREFIX,
            ),
            (
                AccountMail::ConfirmNewEmail {
                    token: "tok",
                    expires_at: at,
                    old_email: "ana@example.com",
                },
                VERIFY_LINK_PREFIX,
            ),
        ] {
            let text = mail.text();
            assert!(text.contains(&format!("\n{prefix}tok\n")), "{text}");
            assert!(text.contains("2027-01-15 08:00 UTC"), "{text}");
        }
        let notice = AccountMail::EmailChangeNotice {
            new_email: "new@example.com",
        };
        assert!(notice.text().contains("new@example.com"));
        assert!(!notice.text().contains("orgdesk://"));
    }
}
