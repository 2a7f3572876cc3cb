//! Sign-in security: the two-step sign-in, one's own sessions and security log, two-factor
//! settings, and an org's security policy. None of these reads is cached: sessions and
//! security state are only worth showing as they are now.

use orgdesk_model::auth::{
    LoginRequest, RevokeSessionsRequest, RevokedSessions, SessionGrant, SessionList,
};
use orgdesk_model::policy::{OrgSecurityPolicy, UpdateOrgSecurityPolicy};
use orgdesk_model::security::AccountEvent;
use orgdesk_model::two_factor::{
    ConfirmTwoFactorRequest, LoginTwoFactorRequest, RecoveryCodes, TwoFactorEnrolment,
    TwoFactorProof, TwoFactorStatus,
};
use orgdesk_model::{ErrorCode, OrgId, Page, Problem, SessionId, TwoFactorChallenge};
use reqwest::Method;

use crate::http::send_retrying_reads;
use crate::{Client, ClientError, Result};

/// What a password sign-in leads to.
#[derive(Debug, Clone)]
pub enum LoginStep {
    SignedIn(SessionGrant),
    /// Two-factor is on: send a code with this challenge ([`Client::login_two_factor`]).
    TwoFactor(TwoFactorChallenge),
}

impl Client {
    /// Signs in with email and password; with two-factor on, answers the second step
    /// instead of an `mfa_required` error ([`Client::login`] answers that error).
    pub async fn login_step(&self, input: &LoginRequest) -> Result<LoginStep> {
        let req = self.request(Method::POST, &["auth", "login"]).json(input);
        let resp = send_retrying_reads(req).await?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(ClientError::Network)?;
        if status.is_success() {
            return serde_json::from_slice(&body)
                .map(LoginStep::SignedIn)
                .map_err(|e| ClientError::BadResponse {
                    status: status.as_u16(),
                    detail: e.to_string(),
                });
        }
        match serde_json::from_slice::<Problem>(&body) {
            Ok(Problem {
                code: ErrorCode::MfaRequired,
                two_factor: Some(challenge),
                ..
            }) => Ok(LoginStep::TwoFactor(challenge)),
            _ => Err(ClientError::from_problem(status.as_u16(), &body)),
        }
    }

    /// The second step of a sign-in: the challenge and a code (or a recovery code).
    pub async fn login_two_factor(&self, input: &LoginTwoFactorRequest) -> Result<SessionGrant> {
        let req = self
            .request(Method::POST, &["auth", "login", "two-factor"])
            .json(input);
        self.json(req).await
    }

    /// The account's live sessions, most recently used first.
    pub async fn sessions(&self) -> Result<SessionList> {
        self.json(self.request(Method::GET, &["me", "sessions"]))
            .await
    }

    pub async fn revoke_session(&self, id: SessionId) -> Result<()> {
        let path = ["me", "sessions", &id.to_string()];
        self.empty(self.request(Method::DELETE, &path)).await
    }

    /// Signs out everywhere else (`keep_current`), or everywhere.
    pub async fn revoke_all_sessions(&self, keep_current: bool) -> Result<RevokedSessions> {
        let req = self
            .request(Method::POST, &["me", "sessions", "revoke-all"])
            .json(&RevokeSessionsRequest { keep_current });
        self.json(req).await
    }

    /// One page of the account's security log, newest first.
    pub async fn security_events(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<AccountEvent>> {
        let mut req = self
            .request(Method::GET, &["me", "security-events"])
            .query(&[("limit", limit.to_string())]);
        if let Some(cursor) = cursor {
            req = req.query(&[("cursor", cursor)]);
        }
        self.json(req).await
    }

    pub async fn two_factor(&self) -> Result<TwoFactorStatus> {
        self.json(self.request(Method::GET, &["me", "two-factor"]))
            .await
    }

    /// Starts an enrolment: the secret, its otpauth URI and QR code.
    pub async fn start_two_factor(&self) -> Result<TwoFactorEnrolment> {
        self.json(self.request(Method::POST, &["me", "two-factor"]))
            .await
    }

    /// Turns two-factor on; the answer holds the recovery codes, shown this once.
    pub async fn confirm_two_factor(&self, code: &str) -> Result<RecoveryCodes> {
        let req = self
            .request(Method::POST, &["me", "two-factor", "confirm"])
            .json(&ConfirmTwoFactorRequest {
                code: code.to_owned(),
            });
        self.json(req).await
    }

    pub async fn regenerate_recovery_codes(&self, proof: &TwoFactorProof) -> Result<RecoveryCodes> {
        let req = self
            .request(Method::POST, &["me", "two-factor", "recovery-codes"])
            .json(proof);
        self.json(req).await
    }

    pub async fn disable_two_factor(&self, proof: &TwoFactorProof) -> Result<()> {
        let req = self
            .request(Method::DELETE, &["me", "two-factor"])
            .json(proof);
        self.empty(req).await
    }

    /// An org's security policy (owners and admins).
    pub async fn org_security(&self, org: OrgId) -> Result<OrgSecurityPolicy> {
        let path = ["orgs", &org.to_string(), "security"];
        self.json(self.request(Method::GET, &path)).await
    }

    pub async fn update_org_security(
        &self,
        org: OrgId,
        input: &UpdateOrgSecurityPolicy,
    ) -> Result<OrgSecurityPolicy> {
        let path = ["orgs", &org.to_string(), "security"];
        self.json(self.request(Method::PUT, &path).json(input))
            .await
    }
}
