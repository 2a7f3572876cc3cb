//! The invitation message: plain text with the org, who invited, the role, the expiry
//! and the `orgdesk://invite/<token>` link on a line of its own.

use lettre::Address;
use orgdesk_model::Role;
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;
use crate::invitations::token;
use crate::mail::{Mailer, Outgoing};

pub struct Invite<'a> {
    pub org_name: &'a str,
    pub inviter: &'a str,
    pub role: Role,
    pub expires_at: i64,
    pub token: &'a str,
}

impl Invite<'_> {
    pub fn subject(&self) -> String {
        format!(
            "{} invited you to {} on Orgdesk",
            self.inviter, self.org_name
        )
    }

    pub fn text(&self) -> String {
        let expires = to_datetime(self.expires_at).format("%Y-%m-%d %H:%M UTC");
        format!(
            "Hello,\n\n\
             {inviter} invited you to join {org} on Orgdesk as {role}.\n\n\
             Open this link with the Orgdesk app to accept or decline:\n\n\
             {link}\n\n\
             Sign in with this email address to accept. The invitation expires on {expires}.\n\
             If you did not expect it, you can ignore this message.\n",
            inviter = self.inviter,
            org = self.org_name,
            role = self.role.as_str(),
            link = token::link(self.token),
        )
    }

    /// Puts the message in the outbox, in the caller's transaction.
    pub async fn enqueue(
        &self,
        mailer: &Mailer,
        conn: &mut AnyConnection,
        to: &Address,
    ) -> Result<(), AppError> {
        let subject = self.subject();
        let text = self.text();
        mailer
            .enqueue(
                conn,
                &Outgoing {
                    to,
                    subject: &subject,
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
    fn the_text_names_everything_the_invitee_needs() {
        let invite = Invite {
            org_name: "Café Zürich",
            inviter: "Ana Lima",
            role: Role::Admin,
            expires_at: 1_800_000_000_000,
            token: "tok",
        };
        let text = invite.text();
        for part in [
            "Ana Lima invited you to join Café Zürich on Orgdesk as admin.",
            "\norgdesk://invite/tok\n",
            "2027-01-15 08:00 UTC",
        ] {
            assert!(text.contains(part), "{part} missing in {text}");
        }
        assert_eq!(
            invite.subject(),
            "Ana Lima invited you to Café Zürich on Orgdesk"
        );
    }
}
