//! What the account's mailed links do, and asking for them: the verification link
//! (`orgdesk://verify-email/<token>`, mailed again on request) and the password-reset link
//! (`orgdesk://reset-password/<token>`, asked for on the sign-in screen). Following either
//! needs no session: the token is the proof. Signed in, the account is read again after
//! a verification, so the app stops asking for it.

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::account::{EmailVerified, PasswordResetConfirm};
use orgdesk_model::auth::Me;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::AppError;
use crate::host::BuiltInServer;
use crate::prefs::{Prefs, ServerChoice};
use crate::reads::Reads;
use crate::signed_in::{client_for, SignedIn};

/// What following a verification link did.
#[derive(Debug, Clone, Serialize, Type)]
pub struct EmailConfirmed {
    pub verified: EmailVerified,
    /// The signed-in account as the server has it now (`None` when signed out).
    pub me: Option<Me>,
}

/// A new password, chosen through a reset link.
#[derive(Clone, Deserialize, Type)]
pub struct ResetPasswordInput {
    /// The server the link's account is on: blank for the built-in one (ignored while
    /// signed in: the account's own server).
    pub server_url: Option<String>,
    pub token: String,
    pub new_password: String,
}

pub struct AccountMail {
    signed_in: Arc<SignedIn>,
    reads: Arc<Reads>,
    prefs: Prefs,
    server: Arc<dyn BuiltInServer>,
}

impl AccountMail {
    pub fn new(
        signed_in: Arc<SignedIn>,
        reads: Arc<Reads>,
        prefs: Prefs,
        server: Arc<dyn BuiltInServer>,
    ) -> Self {
        Self {
            signed_in,
            reads,
            prefs,
            server,
        }
    }

    /// The signed-in account's client, or one for `server_url` when signed out.
    async fn client(&self, server_url: Option<&str>) -> Result<Client, AppError> {
        if let Ok(client) = self.signed_in.client().await {
            return Ok(client);
        }
        let server = ServerChoice::from_input(server_url)?;
        client_for(&server, self.server.as_ref()).await
    }

    /// Mails the verification link again (rate-limited by the server: `rate_limited`
    /// says how long to wait).
    pub async fn resend_verification(&self) -> Result<(), AppError> {
        let client = self.signed_in.client().await?;
        Ok(client.resend_verification().await?)
    }

    /// Reads the signed-in account again (a link followed elsewhere verified it, say).
    pub async fn refresh_me(&self) -> Result<Me, AppError> {
        let client = self.signed_in.client().await?;
        let me = client.me().await?.value;
        if let Some(account) = self.signed_in.set_me(me.clone()).await {
            self.prefs.set_account(&account)?;
        }
        Ok(me)
    }

    /// Follows a verification link; signed in, answers the account as it is now (and
    /// what it is shown — invitations, for one — is read from the server again).
    pub async fn verify_email(
        &self,
        token: &str,
        server_url: Option<&str>,
    ) -> Result<EmailConfirmed, AppError> {
        if self.signed_in.client().await.is_err() {
            let client = self.client(server_url).await?;
            let verified = client.verify_email(token).await?;
            return Ok(EmailConfirmed { verified, me: None });
        }
        let token = token.to_owned();
        let verify = |c: Client| async move { c.verify_email(&token).await };
        let verified = self.reads.online("Confirming your email", verify).await?;
        let me = Some(self.refresh_me().await?);
        Ok(EmailConfirmed { verified, me })
    }

    /// Asks for a reset link. The server answers alike whether or not an account has the
    /// address, and so does this.
    pub async fn request_password_reset(
        &self,
        server_url: Option<&str>,
        email: &str,
    ) -> Result<(), AppError> {
        let server = ServerChoice::from_input(server_url)?;
        let client = client_for(&server, self.server.as_ref()).await?;
        Ok(client.request_password_reset(email).await?)
    }

    /// Sets a new password through a reset link; every session of that account ends
    /// (signed in as it, this app's too: the next request asks to sign in again).
    pub async fn reset_password(&self, input: ResetPasswordInput) -> Result<(), AppError> {
        let client = self.client(input.server_url.as_deref()).await?;
        let confirm = PasswordResetConfirm {
            token: input.token,
            new_password: input.new_password,
        };
        Ok(client.confirm_password_reset(&confirm).await?)
    }
}
