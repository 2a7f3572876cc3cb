//! Single sign-on on the wire: an org's OpenID Connect connection, the email domains it
//! has proved it holds, and the native-app sign-in flow (RFC 8252: the app opens the
//! system browser, the server is the relying party, the app redeems a one-time code with
//! its PKCE verifier on a loopback redirect).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::SessionGrant;
use crate::project::ProjectScope;
use crate::role::Role;

/// The longest issuer URL, client id, client secret and email domain accepted.
pub const MAX_ISSUER_LEN: usize = 500;
pub const MAX_CLIENT_ID_LEN: usize = 255;
pub const MAX_CLIENT_SECRET_LEN: usize = 1000;
pub const MAX_DOMAIN_LEN: usize = 253;
/// An org lists at most this many allowed email domains, and claims at most this many.
pub const MAX_DOMAINS: usize = 50;
/// The DNS name a domain's verification record is published under: `_orgdesk.<domain>`.
pub const TXT_RECORD_PREFIX: &str = "_orgdesk.";
/// What the TXT record's value starts with, before the server's token.
pub const TXT_VALUE_PREFIX: &str = "orgdesk-verification=";

/// An org's OpenID Connect connection as its owner and admins see it. The client secret
/// is never returned: only whether one is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoConnection {
    /// The provider's issuer URL (its discovery document was fetched and validated when
    /// the connection was saved).
    pub issuer: String,
    pub client_id: String,
    /// Always `true` once saved: the secret is stored sealed and never shown again.
    pub client_secret_set: bool,
    /// Emails the provider may sign in; empty means any of the org's verified domains.
    pub allowed_domains: Vec<String>,
    /// The role a person created on first sign-in gets: `member` or `admin`.
    pub default_role: Role,
    /// The projects such a person reaches (members only).
    pub default_project_scope: ProjectScope,
    /// Members whose email is in the org's verified domains reach the org only through a
    /// session started by this connection (the owner keeps a password way in).
    pub require_sso: bool,
    /// Whether a first sign-in by someone not yet a member makes them one.
    pub create_members: bool,
    pub updated_at: DateTime<Utc>,
}

/// `GET /v1/orgs/{org}/sso`: the connection, if any, and the redirect URI to register at
/// the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoSettings {
    pub connection: Option<SsoConnection>,
    /// The server's callback (`…/v1/auth/sso/callback`): the provider must allow it.
    pub redirect_uri: String,
}

/// `PUT /v1/orgs/{org}/sso`: create or replace the connection.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoConnectionRequest {
    pub issuer: String,
    pub client_id: String,
    /// Required when the org has no connection yet; absent keeps the stored one.
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    pub default_role: Role,
    #[serde(default)]
    pub default_project_scope: ProjectScope,
    #[serde(default)]
    pub require_sso: bool,
    #[serde(default)]
    pub create_members: bool,
}

impl std::fmt::Debug for SsoConnectionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoConnectionRequest")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("allowed_domains", &self.allowed_domains)
            .field("default_role", &self.default_role)
            .field("require_sso", &self.require_sso)
            .field("create_members", &self.create_members)
            .finish_non_exhaustive()
    }
}

/// An email domain an org claims. It routes sign-ins (and SSO enforcement applies to its
/// emails) only once verified by its DNS TXT record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OrgDomain {
    /// Lowercase, e.g. `acme.com`.
    pub domain: String,
    /// Where the TXT record goes: `_orgdesk.acme.com`.
    pub record_name: String,
    /// What it must hold: `orgdesk-verification=<token>`.
    pub record_value: String,
    pub verified_at: Option<DateTime<Utc>>,
    /// When the record was last looked up (on verify, and daily once verified).
    pub checked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OrgDomainList {
    pub items: Vec<OrgDomain>,
}

/// `POST /v1/orgs/{org}/domains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ClaimDomainRequest {
    pub domain: String,
}

/// `POST /v1/auth/sso/start`: which org's provider (by the email's verified domain, or by
/// the org's slug), and the app's half of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoStartRequest {
    #[serde(default)]
    pub email: Option<String>,
    /// The org's slug, when the app knows it ("Continue with <org> SSO").
    #[serde(default)]
    pub org: Option<String>,
    #[serde(flatten)]
    pub app: SsoAppHalf,
}

/// What the app brings to a flow: the S256 PKCE challenge of a verifier only it knows,
/// the loopback address it listens on, and its own `state` (echoed back to it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoAppHalf {
    /// BASE64URL(SHA-256(code_verifier)), 43 characters.
    pub code_challenge: String,
    /// `http://127.0.0.1:<port>/<path>` or `http://[::1]:<port>/<path>` (RFC 8252 §7.3).
    pub redirect_uri: String,
    /// 16 to 200 URL-safe characters.
    pub state: String,
}

/// `POST /v1/orgs/{org}/sso/test`: run the flow as an admin without signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoTestRequest {
    #[serde(flatten)]
    pub app: SsoAppHalf,
}

/// Where to send the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoStart {
    /// The provider's authorization URL (with the server's own state, nonce and PKCE).
    pub authorization_url: String,
    pub org_name: String,
    /// The flow must be finished by then (10 minutes).
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/auth/sso/redeem`: the one-time code the loopback redirect carried, and the
/// verifier of the challenge the flow started with.
#[derive(Clone, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoRedeemRequest {
    pub code: String,
    pub code_verifier: String,
}

impl std::fmt::Debug for SsoRedeemRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoRedeemRequest").finish_non_exhaustive()
    }
}

/// What a redeemed code gives: a session (a sign-in), or what the provider said (a test
/// run by an admin, which signs nobody in).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SsoRedemption {
    SignedIn { session: SessionGrant },
    Tested { result: SsoTestResult },
}

/// The identity the provider vouched for in a test run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SsoTestResult {
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// An email domain in its stored form: trimmed, lowercase, ASCII letters, digits, hyphens
/// and dots, at least two labels, none empty or starting or ending with a hyphen. `None`
/// when it is not one.
pub fn normalize_domain(input: &str) -> Option<String> {
    let domain = input.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || domain.len() > MAX_DOMAIN_LEN {
        return None;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    (labels.len() >= 2 && labels.iter().all(label_ok)).then_some(domain)
}

/// The domain part of an email, normalized, if it has one.
pub fn email_domain(email: &str) -> Option<String> {
    email
        .rsplit_once('@')
        .and_then(|(_, d)| normalize_domain(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_normalize_or_are_refused() {
        assert_eq!(normalize_domain(" Acme.COM. ").as_deref(), Some("acme.com"));
        assert_eq!(normalize_domain("a-b.co.uk").as_deref(), Some("a-b.co.uk"));
        for bad in [
            "", "com", "-a.com", "a-.com", "a..com", "a b.com", "ä.com", "a.com/x",
        ] {
            assert_eq!(normalize_domain(bad), None, "{bad}");
        }
        assert_eq!(normalize_domain(&format!("{}.com", "a".repeat(64))), None);
        assert_eq!(email_domain("Bo@Acme.com").as_deref(), Some("acme.com"));
        assert_eq!(email_domain("nobody"), None);
    }
}
