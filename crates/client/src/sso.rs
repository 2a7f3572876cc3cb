//! Single sign-on routes: an org's OpenID Connect connection and the email domains it
//! claims (owners and admins), and the native-app flow (start, the admin's test run, the
//! one-time code's redemption). None of these reads is cached: the connection and the
//! domains are security settings, shown as the server has them now.

use orgdesk_model::sso::{
    ClaimDomainRequest, OrgDomain, OrgDomainList, SsoConnectionRequest, SsoRedeemRequest,
    SsoRedemption, SsoSettings, SsoStart, SsoStartRequest, SsoTestRequest,
};
use orgdesk_model::OrgId;
use reqwest::Method;

use crate::{Client, Result};

impl Client {
    /// `orgs/{org}/…`.
    fn sso_path<'a>(org: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["orgs", org];
        path.extend_from_slice(rest);
        path
    }

    /// The org's connection, if any, and the redirect URI to register at the provider.
    pub async fn sso_settings(&self, org: OrgId) -> Result<SsoSettings> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::sso_path(&id, &["sso"]));
        self.json(req).await
    }

    /// Creates or replaces the connection; the server fetches the issuer's discovery
    /// document first (`sso_discovery_failed` on the field `issuer` when it can't).
    pub async fn save_sso(&self, org: OrgId, input: &SsoConnectionRequest) -> Result<SsoSettings> {
        let id = org.to_string();
        let req = self.request(Method::PUT, &Self::sso_path(&id, &["sso"]));
        self.json(req.json(input)).await
    }

    /// Removes the connection (and with it any "require SSO").
    pub async fn delete_sso(&self, org: OrgId) -> Result<()> {
        let id = org.to_string();
        let req = self.request(Method::DELETE, &Self::sso_path(&id, &["sso"]));
        self.empty(req).await
    }

    /// The domains the org claims, verified or not.
    pub async fn domains(&self, org: OrgId) -> Result<OrgDomainList> {
        let id = org.to_string();
        let req = self.request(Method::GET, &Self::sso_path(&id, &["domains"]));
        self.json(req).await
    }

    /// Claims a domain: the answer names the TXT record to publish. A domain another org
    /// holds is `domain_taken`.
    pub async fn claim_domain(&self, org: OrgId, domain: &str) -> Result<OrgDomain> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::sso_path(&id, &["domains"]));
        let body = ClaimDomainRequest {
            domain: domain.to_owned(),
        };
        self.json(req.json(&body)).await
    }

    /// Looks the TXT record up now; `domain_not_verified` says what was found instead.
    pub async fn verify_domain(&self, org: OrgId, domain: &str) -> Result<OrgDomain> {
        let id = org.to_string();
        let path = Self::sso_path(&id, &["domains", domain, "verify"]);
        self.json(self.request(Method::POST, &path)).await
    }

    pub async fn remove_domain(&self, org: OrgId, domain: &str) -> Result<()> {
        let id = org.to_string();
        let path = Self::sso_path(&id, &["domains", domain]);
        self.empty(self.request(Method::DELETE, &path)).await
    }

    /// Starts a sign-in: the provider's authorization URL for the browser.
    pub async fn sso_start(&self, input: &SsoStartRequest) -> Result<SsoStart> {
        let req = self.request(Method::POST, &["auth", "sso", "start"]);
        self.json(req.json(input)).await
    }

    /// Starts an admin's test run of the org's connection (it signs nobody in).
    pub async fn sso_test(&self, org: OrgId, input: &SsoTestRequest) -> Result<SsoStart> {
        let id = org.to_string();
        let req = self.request(Method::POST, &Self::sso_path(&id, &["sso", "test"]));
        self.json(req.json(input)).await
    }

    /// Redeems the one-time code the loopback redirect carried, with the PKCE verifier.
    pub async fn sso_redeem(&self, input: &SsoRedeemRequest) -> Result<SsoRedemption> {
        let req = self.request(Method::POST, &["auth", "sso", "redeem"]);
        self.json(req.json(input)).await
    }
}
