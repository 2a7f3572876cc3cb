//! An org's single sign-on (owners and admins): its OpenID Connect connection, the email
//! domains it claims and their DNS verification, and "test connection", which runs the
//! whole browser flow without signing anyone in. These are security settings: read as
//! the server has them now and changed only with it — nothing is remembered or queued,
//! and offline each says so at once.

use std::sync::Arc;

use orgdesk_client::Client;
use orgdesk_model::sso::{
    OrgDomain, OrgDomainList, SsoConnectionRequest, SsoRedeemRequest, SsoRedemption, SsoSettings,
    SsoTestRequest, SsoTestResult,
};
use orgdesk_model::{ApiError, ErrorCode, OrgId};

use crate::error::AppError;
use crate::host::Browser;
use crate::loopback::{self, Loopback, Waiting};
use crate::reads::Reads;

pub struct OrgSso {
    reads: Arc<Reads>,
    browser: Arc<dyn Browser>,
    waiting: Arc<Waiting>,
}

impl OrgSso {
    pub fn new(reads: Arc<Reads>, browser: Arc<dyn Browser>, waiting: Arc<Waiting>) -> Self {
        Self {
            reads,
            browser,
            waiting,
        }
    }

    /// The connection (without its secret) and the redirect URI to register.
    pub async fn settings(&self, org_id: OrgId) -> Result<SsoSettings, AppError> {
        let read = |c: Client| async move { c.sso_settings(org_id).await };
        self.reads.live("Single sign-on settings", read).await
    }

    /// Creates or replaces the connection; the server reads the issuer's discovery
    /// document first. A blank secret keeps the stored one.
    pub async fn save(
        &self,
        org_id: OrgId,
        mut input: SsoConnectionRequest,
    ) -> Result<SsoSettings, AppError> {
        input.issuer = input.issuer.trim().to_owned();
        input.client_id = input.client_id.trim().to_owned();
        input.client_secret = input.client_secret.filter(|s| !s.trim().is_empty());
        let save = |c: Client| async move { c.save_sso(org_id, &input).await };
        self.reads
            .online("Saving the single sign-on connection", save)
            .await
    }

    pub async fn delete(&self, org_id: OrgId) -> Result<(), AppError> {
        let delete = |c: Client| async move { c.delete_sso(org_id).await };
        self.reads
            .online("Removing the single sign-on connection", delete)
            .await
    }

    pub async fn domains(&self, org_id: OrgId) -> Result<OrgDomainList, AppError> {
        let read = |c: Client| async move { c.domains(org_id).await };
        self.reads.live("The org's domains", read).await
    }

    /// Claims a domain; the answer holds the TXT record to publish.
    pub async fn claim_domain(&self, org_id: OrgId, domain: String) -> Result<OrgDomain, AppError> {
        let domain = domain.trim().to_owned();
        let claim = |c: Client| async move { c.claim_domain(org_id, &domain).await };
        self.reads.online("Claiming a domain", claim).await
    }

    /// Looks the domain's TXT record up now; `domain_not_verified` says what was found.
    pub async fn verify_domain(
        &self,
        org_id: OrgId,
        domain: String,
    ) -> Result<OrgDomain, AppError> {
        let verify = |c: Client| async move { c.verify_domain(org_id, &domain).await };
        self.reads.online("Verifying a domain", verify).await
    }

    pub async fn remove_domain(&self, org_id: OrgId, domain: String) -> Result<(), AppError> {
        let remove = |c: Client| async move { c.remove_domain(org_id, &domain).await };
        self.reads.online("Removing a domain", remove).await
    }

    /// Runs the org's flow in the system browser as an admin, and answers whom the
    /// provider signed in. Nobody is signed in, and the app's session stays as it was.
    /// Cancelling ([`Waiting::cancel`]) ends the wait for the browser.
    pub async fn test(&self, org_id: OrgId) -> Result<SsoTestResult, AppError> {
        let cancel = self.waiting.begin();
        let loopback = Loopback::bind().await?;
        let request = SsoTestRequest {
            app: loopback.app_half(),
        };
        let start = |c: Client| async move { c.sso_test(org_id, &request).await };
        let start = self
            .reads
            .live("Testing the single sign-on connection", start)
            .await?;
        self.browser.open(&start.authorization_url)?;
        let returned = loopback.wait(loopback::WAIT, cancel).await?;
        let redeem = SsoRedeemRequest {
            code: returned.code.clone(),
            code_verifier: returned.verifier.clone(),
        };
        let redeemed = self
            .reads
            .live(
                "Testing the single sign-on connection",
                |c: Client| async move { c.sso_redeem(&redeem).await },
            )
            .await;
        let outcome = match redeemed {
            Ok(SsoRedemption::Tested { result }) => Ok(result),
            Ok(SsoRedemption::SignedIn { .. }) => Err(AppError::Refused(ApiError::new(
                ErrorCode::BadResponse,
                "The server answered a test with a sign-in.",
            ))),
            Err(e) => Err(e),
        };
        match &outcome {
            Ok(result) => {
                let line = format!(
                    "The connection works: {} signed in at {}.",
                    result.email, start.org_name
                );
                returned.answer(Ok(&line)).await;
            }
            Err(e) => returned.answer(Err(e)).await,
        }
        outcome
    }
}
