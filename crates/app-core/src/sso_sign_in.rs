//! Signing in with single sign-on (RFC 8252): the app listens on a loopback port, asks
//! the server to start the flow with its PKCE challenge, opens the provider's page in the
//! system browser, waits for the browser to come back with a one-time code, redeems it
//! with the verifier, and begins the session exactly as a password sign-in does (the
//! token in the keychain). Two ways in: the sign-in screen's "Continue with SSO" (by
//! email), and an org that answers `sso_required` to a password session ("Continue with
//! <org> SSO", by the org's slug, the account's email as the hint).

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::sso::{SsoRedeemRequest, SsoRedemption, SsoStartRequest};
use orgdesk_model::{ApiError, AppPage, ErrorCode};
use serde::Deserialize;
use specta::Type;

use crate::error::AppError;
use crate::host::Browser;
use crate::loopback::{self, Loopback, Waiting};
use crate::navigation::Location;
use crate::prefs::ServerChoice;
use crate::session::{SessionInfo, SessionService};
use crate::signed_in::SignedIn;

/// "Continue with SSO" on the sign-in screen.
#[derive(Clone, Deserialize, Type)]
pub struct SsoSignInInput {
    pub server_url: Option<String>,
    pub email: String,
}

pub struct SsoSignIn {
    session: Arc<SessionService>,
    signed_in: Arc<SignedIn>,
    browser: Arc<dyn Browser>,
    waiting: Arc<Waiting>,
}

impl SsoSignIn {
    pub fn new(
        session: Arc<SessionService>,
        signed_in: Arc<SignedIn>,
        browser: Arc<dyn Browser>,
        waiting: Arc<Waiting>,
    ) -> Self {
        Self {
            session,
            signed_in,
            browser,
            waiting,
        }
    }

    /// Signs in through the provider of the org whose verified domain the email is in.
    pub async fn sign_in(&self, input: SsoSignInInput) -> Result<SessionInfo, AppError> {
        let email = input.email.trim().to_owned();
        if !email.contains('@') {
            return Err(AppError::invalid("email", "Enter your work email address."));
        }
        let server = ServerChoice::from_input(input.server_url.as_deref())?;
        let client = self.session.client_for(&server).await?;
        self.run(server, client, Some(email), None).await
    }

    /// Signs the current account in again through `org`'s provider, for an org that
    /// requires it; the password session it replaces is ended.
    pub async fn sign_in_to_org(&self, org: String) -> Result<SessionInfo, AppError> {
        let (server, email, before) = {
            let current = self.signed_in.current().await;
            let session = current.as_ref().ok_or(AppError::NotSignedIn)?;
            (
                session.account.server.clone(),
                session.account.me.user.email.clone(),
                session.client.clone(),
            )
        };
        let client = self.session.client_for(&server).await?;
        let info = self.run(server, client, Some(email), Some(org)).await?;
        if let Err(e) = before.logout().await {
            tracing::warn!(error = %e, "the password session could not be ended; it expires on its own");
        }
        Ok(info)
    }

    /// Ends the wait for the browser (the sign-in or test waiting, if any).
    pub fn cancel(&self) {
        self.waiting.cancel();
    }

    async fn run(
        &self,
        server: ServerChoice,
        client: Client,
        email: Option<String>,
        org: Option<String>,
    ) -> Result<SessionInfo, AppError> {
        let cancel = self.waiting.begin();
        let loopback = Loopback::bind().await?;
        let start = SsoStartRequest {
            email,
            org: org.clone(),
            app: loopback.app_half(),
        };
        let start = client.sso_start(&start).await?;
        self.browser.open(&start.authorization_url)?;
        let returned = loopback.wait(loopback::WAIT, cancel).await?;
        let redeem = SsoRedeemRequest {
            code: returned.code.clone(),
            code_verifier: returned.verifier.clone(),
        };
        let outcome = match client.sso_redeem(&redeem).await {
            Ok(SsoRedemption::SignedIn { session }) => {
                match self.session.begin(server, client, session).await {
                    Ok(mut info) => {
                        self.land_in(&mut info, org.as_deref(), &start.org_name)
                            .await;
                        Ok(info)
                    }
                    Err(e) => Err(e),
                }
            }
            Ok(SsoRedemption::Tested { .. }) => Err(AppError::Refused(ApiError::new(
                ErrorCode::BadResponse,
                "The server answered a sign-in with a test.",
            ))),
            Err(e) => Err(e.into()),
        };
        match &outcome {
            Ok(info) => {
                let line = format!(
                    "You're signed in to Orgdesk as {} through {}.",
                    info.me.user.email, start.org_name
                );
                returned.answer(Ok(&line)).await;
            }
            Err(e) => returned.answer(Err(e)).await,
        }
        outcome
    }

    /// A sign-in through an org's provider opens in that org (found among the account's
    /// by its slug, or by the name the flow named), on its overview.
    async fn land_in(&self, info: &mut SessionInfo, slug: Option<&str>, name: &str) {
        let Ok(client) = self.signed_in.client().await else {
            return;
        };
        let Ok(orgs) = client.all_orgs().await else {
            return;
        };
        let found: Vec<_> = orgs
            .value
            .iter()
            .filter(|m| match slug {
                Some(slug) => m.org.slug == slug,
                None => m.org.name == name,
            })
            .collect();
        if let [membership] = found[..] {
            let location = Location {
                org_id: membership.org.id,
                page: AppPage::Overview,
            };
            if let Err(e) = self.session.save_location(&location).await {
                tracing::warn!(error = %e, "where the sign-in landed could not be remembered");
            }
            info.location = Some(location);
        }
    }
}
