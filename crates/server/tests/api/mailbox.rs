//! The mail the server delivered (`.eml` files in its data folder, no SMTP in tests): what
//! an address was sent, the links in it, and signing up with a verified email.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{expect_json, Account, TestApp};

/// The link of a verification mail (sign-up, change of email).
pub const VERIFY_LINK: &str = "orgdesk://verify-email/";
/// The link of a password-reset mail.
pub const RESET_LINK: &str = "orgdesk://reset-password/";

/// The token of the link starting with `prefix` that stands on a line of its own in `mail`.
pub fn link_token(mail: &str, prefix: &str) -> Option<String> {
    mail.lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .map(str::to_owned)
}

impl TestApp {
    /// Signs up `email` and verifies it through the link mailed to it (what invitations by
    /// id, and the list of one's invitations, need).
    pub async fn signup_verified(&self, email: &str) -> Account {
        self.signup_named_verified(email, "Test Person").await
    }

    /// [`Self::signup_named`], then verified through the mailed link.
    pub async fn signup_named_verified(&self, email: &str, name: &str) -> Account {
        let account = self.signup_named(email, name).await;
        self.verify_email(email).await;
        account
    }

    /// Follows the newest verification link mailed to `email`.
    pub async fn verify_email(&self, email: &str) {
        let email = email.trim().to_lowercase();
        let token = self.mailed_token(&email, VERIFY_LINK).await;
        let body = json!({ "token": token });
        expect_json(
            self.post_json("/v1/auth/verify-email", None, &body).await,
            StatusCode::OK,
        )
        .await;
    }

    /// Every message delivered to `email` so far (as `.eml` text), oldest first.
    pub fn mails_to(&self, email: &str) -> Vec<String> {
        let dir = self.data_dir().join("mail");
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        // Named by a UUIDv7: by name is by time.
        paths.sort();
        let to = format!("To: {email}\r\n");
        paths
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|text| text.contains(&to))
            .collect()
    }

    /// Waits (up to 15 s) until `email` has been mailed at least `count` messages whose text
    /// contains `needle`, and returns those, oldest first.
    pub async fn wait_for_mails(&self, email: &str, needle: &str, count: usize) -> Vec<String> {
        let mut found = Vec::new();
        for _ in 0..150 {
            found = self
                .mails_to(email)
                .into_iter()
                .filter(|m| m.contains(needle))
                .collect();
            if found.len() >= count {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{email} got {} mail(s) with {needle:?}, expected {count}",
            found.len()
        );
    }

    /// The token of the newest link starting with `prefix` mailed to `email`, waiting for
    /// that mail to be delivered.
    pub async fn mailed_token(&self, email: &str, prefix: &str) -> String {
        let mails = self.wait_for_mails(email, prefix, 1).await;
        let newest = mails.last().expect("a mail");
        link_token(newest, prefix)
            .unwrap_or_else(|| panic!("no {prefix} link on a line of its own: {newest}"))
    }
}
