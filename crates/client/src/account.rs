//! One's own account: the display name, the password (changed, or reset through a mailed
//! link), the email (verified through a mailed link, changed once the new address confirms
//! it) and deleting the account.

use orgdesk_model::account::{
    ChangeEmailRequest, ChangePasswordRequest, DeleteAccountRequest, EmailVerified,
    PasswordResetConfirm, PasswordResetRequest, UpdateProfileRequest, VerifyEmailRequest,
};
use orgdesk_model::auth::Me;
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    /// Changes the display name; answers the account as it is now.
    pub async fn update_profile(&self, input: &UpdateProfileRequest) -> Result<Me> {
        self.json(self.request(Method::PATCH, &["me"]).json(input))
            .await
    }

    /// Changes the password (the current one confirms it); the server ends every other
    /// session of the account.
    pub async fn change_password(&self, input: &ChangePasswordRequest) -> Result<()> {
        self.empty(self.request(Method::POST, &["me", "password"]).json(input))
            .await
    }

    /// Starts a change of email: the new address is mailed a link, and nothing changes
    /// until it is followed ([`Client::verify_email`]).
    pub async fn change_email(&self, input: &ChangeEmailRequest) -> Result<()> {
        self.empty(self.request(Method::POST, &["me", "email"]).json(input))
            .await
    }

    /// Mails the verification link again.
    pub async fn resend_verification(&self) -> Result<()> {
        self.empty(self.request(Method::POST, &["me", "verify-email", "resend"]))
            .await
    }

    /// Follows a verification link (`orgdesk://verify-email/<token>`); needs no session.
    pub async fn verify_email(&self, token: &str) -> Result<EmailVerified> {
        let input = VerifyEmailRequest {
            token: token.to_owned(),
        };
        self.json(
            self.request(Method::POST, &["auth", "verify-email"])
                .json(&input),
        )
        .await
    }

    /// Asks for a password-reset link; answers the same whether or not an account has the
    /// address.
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let input = PasswordResetRequest {
            email: email.to_owned(),
        };
        self.empty(
            self.request(Method::POST, &["auth", "password-reset"])
                .json(&input),
        )
        .await
    }

    /// Sets a new password with a reset link (`orgdesk://reset-password/<token>`); every
    /// session of the account ends.
    pub async fn confirm_password_reset(&self, input: &PasswordResetConfirm) -> Result<()> {
        self.empty(
            self.request(Method::POST, &["auth", "password-reset", "confirm"])
                .json(input),
        )
        .await
    }

    /// Deletes the account (the password confirms it). Refused with
    /// `owns_organizations` while it owns any.
    pub async fn delete_account(&self, input: &DeleteAccountRequest) -> Result<()> {
        self.empty(self.request(Method::DELETE, &["me"]).json(input))
            .await
    }
}
