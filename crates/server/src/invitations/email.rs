//! The invitation message: plain text with the org, who invited, the role, the expiry
//! and the `orgdesk://invite/<token>` link on a line of its own.
//!
//! The org's and the inviter's names are free text anyone can choose, so they never go
//! into the subject (a fixed sentence: inbox previews and spam filters see nothing an
//! attacker wrote) and appear in the body only as [`inert`] text: a name such as
//! `https://evil.example` or `win-a-prize.example` is written `https[:]//evil[.]example`
//! and `win-a-prize[.]example` ("defanged", as security reports write addresses), which
//! no mail client turns into a link, while people still read it as the name it is.

use lettre::Address;
use orgdesk_model::{OrgId, Role};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;
use crate::invitations::token;
use crate::mail::{Mailer, Outgoing};

pub struct Invite<'a> {
    /// The org inviting (its copy of the mail is kept once sent).
    pub org: OrgId,
    pub org_name: &'a str,
    pub inviter: &'a str,
    pub role: Role,
    pub expires_at: i64,
    pub token: &'a str,
}

/// The subject of every invitation, whoever sends it.
pub const SUBJECT: &str = "You are invited to an organization on Orgdesk";

/// A name as plain text that mail clients do not make a link of: control characters
/// become spaces (no line of its own, no header), and the marks link detection looks for
/// are bracketed: `://`, and an `@` or a dot (`.`, or the ideographic and full-width
/// dots some clients also take for one) between two characters that are neither spaces
/// nor dots: a domain's dot, while "Acme Inc." keeps its period as it is.
pub fn inert(name: &str) -> String {
    let is_dot = |c: char| matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}');
    let chars: Vec<char> = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let inside = |i: usize| {
        let word = |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && !is_dot(*c));
        i > 0 && word(chars.get(i - 1)) && word(chars.get(i + 1))
    };
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            c if (is_dot(c) || c == '@') && inside(i) => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            ':' if chars.get(i + 1) == Some(&'/') => out.push_str("[:]"),
            _ => out.push(c),
        }
    }
    out
}

impl Invite<'_> {
    pub fn subject(&self) -> String {
        SUBJECT.to_owned()
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
            inviter = inert(self.inviter),
            org = inert(self.org_name),
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
                    org: Some(self.org),
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
            org: OrgId::new(),
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
            "You are invited to an organization on Orgdesk"
        );
    }

    #[test]
    fn names_that_look_like_links_are_written_so_no_client_links_them() {
        assert_eq!(inert("Acme Inc."), "Acme Inc.");
        assert_eq!(inert("Ana Lima"), "Ana Lima");
        assert_eq!(
            inert("https://evil.example/x"),
            "https[:]//evil[.]example/x"
        );
        assert_eq!(inert("www.evil.example"), "www[.]evil[.]example");
        assert_eq!(inert("win-a-prize.example"), "win-a-prize[.]example");
        assert_eq!(inert("evil\u{3002}example"), "evil[\u{3002}]example");
        assert_eq!(inert("mail me: a@b.example"), "mail me: a[@]b[.]example");
        assert_eq!(inert("Acme\r\nBcc: x"), "Acme  Bcc: x");
        let invite = Invite {
            org: OrgId::new(),
            org_name: "Claim your refund at https://evil.example",
            inviter: "support@bank.example",
            role: Role::Member,
            expires_at: 1_800_000_000_000,
            token: "tok",
        };
        let text = invite.text();
        assert!(!text.contains("https://evil"), "{text}");
        assert!(!text.contains("bank.example"), "{text}");
        assert!(
            text.contains("support[@]bank[.]example invited you to join Claim your refund at https[:]//evil[.]example"),
            "{text}"
        );
        assert_eq!(invite.subject(), SUBJECT);
    }
}
