//! Starting a flow (RFC 8252, native apps): `POST /v1/auth/sso/start` (anyone; limited
//! per client address) finds the org by its slug or by the email's VERIFIED domain, and
//! an admin's `POST /v1/orgs/{org}/sso/test` runs the same flow without signing anyone in.
//! The app brings its half ([`SsoAppHalf`]: the S256 challenge of a verifier only it
//! knows, its loopback redirect, its own state); the server adds its own `state`, `nonce`
//! and PKCE pair for the provider. An `sso_flows` row keeps the hash of the provider
//! state, the nonce, the server's verifier sealed, and the app's half, for 10 minutes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{ClientId, CsrfToken, Nonce, PkceCodeChallenge, RedirectUrl, Scope};
use orgdesk_model::sso::{email_domain, SsoAppHalf, SsoStart, SsoStartRequest, SsoTestRequest};
use orgdesk_model::{validate, Capability, FieldError, OrgId, UserId};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;
use url::{Host, Url};

use crate::auth::{Actor, Client};
use crate::db::{now_ms, to_datetime};
use crate::error::AppError;
use crate::limits::{self, Rule, MINUTE_MS};
use crate::membership::{self, OrgKey};
use crate::sso::connection::{self, Stored};
use crate::sso::error::SsoError;
use crate::state::AppState;

/// How long a flow may take, from start to the provider's answer.
pub const FLOW_TTL_MS: i64 = 10 * MINUTE_MS;
/// Starts one client address may make (like sign-in attempts, per address).
pub const STARTS_PER_IP: Rule = Rule {
    name: "sso.start.ip",
    max: 60,
    window_ms: 10 * MINUTE_MS,
};
const MAX_REDIRECT_LEN: usize = 500;

/// Why a flow runs: a sign-in, or an admin's test of the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    Test,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Test => "test",
        }
    }
}

/// SHA-256 in hex: how the provider state and the one-time code are stored.
pub fn digest(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// What the server's own PKCE verifier is sealed to.
pub fn verifier_context(flow_id: &str) -> String {
    format!("sso-flow-verifier:{flow_id}")
}

fn url_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')
}

/// The app's half, as RFC 8252 and the model say: a 43-character base64url challenge,
/// a loopback redirect with a port (`http://127.0.0.1:<port>/…` or `http://[::1]:<port>/…`),
/// and a state of 16 to 200 URL-safe characters.
pub fn validate_app(app: &SsoAppHalf) -> Result<(), AppError> {
    let mut errors = Vec::new();
    let challenge_ok = app.code_challenge.len() == 43
        && app
            .code_challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && URL_SAFE_NO_PAD.decode(&app.code_challenge).is_ok();
    if !challenge_ok {
        errors.push(FieldError {
            field: "code_challenge".to_owned(),
            message: "Give BASE64URL(SHA-256(code_verifier)): 43 characters.".to_owned(),
        });
    }
    if !loopback_redirect(&app.redirect_uri) {
        errors.push(FieldError {
            field: "redirect_uri".to_owned(),
            message: "Use http://127.0.0.1:<port>/<path> or http://[::1]:<port>/<path>.".to_owned(),
        });
    }
    let state_len = app.state.chars().count();
    if !(16..=200).contains(&state_len) || !app.state.chars().all(url_safe) {
        errors.push(FieldError {
            field: "state".to_owned(),
            message: "Use 16 to 200 URL-safe characters (letters, digits, - _ . ~).".to_owned(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn loopback_redirect(raw: &str) -> bool {
    if raw.len() > MAX_REDIRECT_LEN || !raw.starts_with("http://") {
        return false;
    }
    let Ok(url) = Url::parse(raw) else {
        return false;
    };
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        _ => false,
    };
    // The port must be written out (a default port is dropped by the parser, and the
    // app always listens on an ephemeral one).
    loopback
        && url.scheme() == "http"
        && url.port().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.fragment().is_none()
        && url.query().is_none()
}

/// `POST /v1/auth/sso/start`.
pub async fn start(
    state: &AppState,
    req: &SsoStartRequest,
    client: &Client,
) -> Result<SsoStart, AppError> {
    let mut tx = state.db.write().await?;
    limits::reserve(&mut tx, &STARTS_PER_IP, client.ip_or_unknown(), now_ms()).await?;
    tx.commit().await?;
    validate_app(&req.app)?;
    let email = req.email.as_deref().map(validate::normalize_email);
    if email
        .as_ref()
        .is_some_and(|e| e.len() > validate::EMAIL_MAX)
    {
        return Err(AppError::Validation(vec![FieldError {
            field: "email".to_owned(),
            message: "This is not an email address.".to_owned(),
        }]));
    }
    let mut conn = state.db.pool().acquire().await?;
    let org = match (&req.org, &email) {
        (Some(slug), _) if slug.len() <= 200 => {
            membership::view::resolve(&mut conn, &OrgKey::parse(slug)).await?
        }
        (Some(_), _) => None,
        (None, Some(email)) => match email_domain(email) {
            Some(domain) => verified_org(&mut conn, &domain).await?,
            None => None,
        },
        (None, None) => {
            return Err(AppError::Validation(vec![FieldError {
                field: "email".to_owned(),
                message: "Give your work email, or the organization.".to_owned(),
            }]))
        }
    };
    let org = org.ok_or(SsoError::NotConfigured)?;
    let stored = connection::stored(&mut conn, org)
        .await?
        .ok_or(SsoError::NotConfigured)?;
    drop(conn);
    let hint = email.filter(|e| !e.is_empty());
    begin(state, org, &stored, Purpose::SignIn, None, &req.app, hint).await
}

/// `POST /v1/orgs/{org}/sso/test`: the admin runs the flow; its redemption answers what
/// the provider said and signs nobody in. The one-time code and the app's verifier are
/// enough to redeem it (as for a sign-in): the session that started it is not asked for.
pub async fn test(
    state: &AppState,
    actor: &Actor,
    key: &OrgKey,
    req: &SsoTestRequest,
) -> Result<SsoStart, AppError> {
    let mut conn = state.db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, actor.user_id).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    validate_app(&req.app)?;
    let stored = connection::stored(&mut conn, view.org.id)
        .await?
        .ok_or(SsoError::NotConfigured)?;
    drop(conn);
    let tester = Some(actor.user_id);
    begin(
        state,
        view.org.id,
        &stored,
        Purpose::Test,
        tester,
        &req.app,
        None,
    )
    .await
}

/// The org whose VERIFIED domain `domain` is.
async fn verified_org(conn: &mut AnyConnection, domain: &str) -> Result<Option<OrgId>, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT org_id FROM org_domains WHERE domain = $1 AND verified_at IS NOT NULL",
    )
    .bind(domain)
    .fetch_optional(conn)
    .await?;
    row.map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("org id")))
        .transpose()
}

/// The provider metadata saved with the connection.
pub fn metadata(stored: &Stored) -> Result<CoreProviderMetadata, AppError> {
    serde_json::from_str(&stored.discovery).map_err(|_| AppError::CorruptRow("sso discovery"))
}

/// Stores the flow and answers the provider's authorization URL.
async fn begin(
    state: &AppState,
    org: OrgId,
    stored: &Stored,
    purpose: Purpose,
    tester: Option<UserId>,
    app: &SsoAppHalf,
    login_hint: Option<String>,
) -> Result<SsoStart, AppError> {
    let redirect = RedirectUrl::new(connection::redirect_uri(state))
        .map_err(|_| AppError::CorruptRow("public url"))?;
    let client = CoreClient::from_provider_metadata(
        metadata(stored)?,
        ClientId::new(stored.client_id.clone()),
        None,
    )
    .set_redirect_uri(redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge);
    if let Some(hint) = login_hint {
        request = request.add_extra_param("login_hint", hint);
    }
    let (url, csrf, nonce) = request.url();
    let now = now_ms();
    let expires_at = now + FLOW_TTL_MS;
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = state.db.write().await?;
    sqlx::query(
        "INSERT INTO sso_flows (id, org_id, purpose, tester_id, state_hash, nonce, \
         pkce_verifier, app_challenge, app_redirect_uri, app_state, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&id)
    .bind(org.to_string())
    .bind(purpose.as_str())
    .bind(tester.map(|t| t.to_string()))
    .bind(digest(csrf.secret()))
    .bind(nonce.secret())
    .bind(
        state
            .sealing
            .seal(verifier.secret(), &verifier_context(&id)),
    )
    .bind(&app.code_challenge)
    .bind(&app.redirect_uri)
    .bind(&app.state)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    let (org_name,): (String,) = sqlx::query_as("SELECT name FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(SsoStart {
        authorization_url: url.to_string(),
        org_name,
        expires_at: to_datetime(expires_at),
    })
}

/// Deletes flows past their expiry (a periodic step): unanswered ones after 10 minutes,
/// answered ones once their one-time code expired (2 minutes after the answer).
pub async fn purge_expired(db: &crate::db::Db, now: i64) -> Result<u64, AppError> {
    let mut tx = db.write().await?;
    let done = sqlx::query("DELETE FROM sso_flows WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(challenge: &str, redirect: &str, state: &str) -> SsoAppHalf {
        SsoAppHalf {
            code_challenge: challenge.to_owned(),
            redirect_uri: redirect.to_owned(),
            state: state.to_owned(),
        }
    }

    #[test]
    fn the_app_half_must_be_a_loopback_pkce_flow() {
        let good = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let state = "abcdefghijklmnop";
        assert!(validate_app(&app(good, "http://127.0.0.1:4567/cb", state)).is_ok());
        assert!(validate_app(&app(good, "http://[::1]:4567/", state)).is_ok());
        for bad in [
            "http://localhost:4567/cb",
            "https://127.0.0.1:4567/cb",
            "http://127.0.0.1/cb",
            "http://127.0.0.2:4567/cb",
            "http://user@127.0.0.1:4567/cb",
            "http://127.0.0.1:4567/cb#x",
            "http://127.0.0.1:4567/cb?x=1",
            "http://example.com:4567/cb",
            "127.0.0.1:4567",
        ] {
            assert!(validate_app(&app(good, bad, state)).is_err(), "{bad}");
        }
        for bad in ["", "short", &"a".repeat(44), &format!("{}=", &good[..42])] {
            let redirect = "http://127.0.0.1:1/";
            assert!(validate_app(&app(bad, redirect, state)).is_err(), "{bad}");
        }
        for bad in [
            "too-short",
            "has space in it ok",
            &"a".repeat(201),
            "ääääääääääääääääää",
        ] {
            let redirect = "http://127.0.0.1:1/";
            assert!(validate_app(&app(good, redirect, bad)).is_err(), "{bad}");
        }
    }
}
