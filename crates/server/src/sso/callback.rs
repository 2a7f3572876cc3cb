//! `GET /v1/auth/sso/callback`: the provider sends the browser back here. The flow is
//! found by the hash of the provider `state` and claimed at once (its one-time code's
//! hash written, so a second arrival with the same state finds nothing); an unknown,
//! expired or already answered state gets a 400 page and nothing else. Then the code is
//! exchanged (client secret and the server's PKCE verifier), the ID token validated by
//! `openidconnect` (signature by the provider's current JWKS, issuer, audience, expiry,
//! nonce), the email's claims read (from the ID token, or from the userinfo endpoint
//! with the same subject when the provider keeps them there), and the sign-in provisioned
//! ([`provisioning`]) or the test's result stored. The browser goes on to the app's
//! loopback address with `code` and the app's `state`, or, on any failure, with `error`,
//! `error_description` and `state` (the flow deleted, nothing created).

use openidconnect::core::{CoreClient, CoreUserInfoClaims};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, Nonce, OAuth2TokenResponse, PkceCodeVerifier,
    RedirectUrl, TokenResponse,
};
use orgdesk_model::sso::SsoTestResult;
use orgdesk_model::{validate, OrgId};
use serde::Deserialize;
use url::Url;

use crate::auth::Client;
use crate::db::now_ms;
use crate::error::AppError;
use crate::limits::MINUTE_MS;
use crate::sso::connection::{self, Stored};
use crate::sso::flow::{self, digest, verifier_context};
use crate::sso::provider::{self, Outbound};
use crate::sso::provisioning::{self, Identity};
use crate::sso::redeem::new_code;
use crate::state::AppState;

/// How long the app has to redeem its one-time code.
pub const CODE_TTL_MS: i64 = 2 * MINUTE_MS;

/// What the provider's redirect carries.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer that answered (RFC 9207), when the provider names it.
    pub iss: Option<String>,
}

/// Where the browser goes next.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// 303 to the app's loopback address.
    Redirect(String),
    /// No such flow (or no longer): a 400 page.
    Unknown,
}

/// A claimed flow.
#[derive(Debug, sqlx::FromRow)]
struct FlowRow {
    id: String,
    org_id: String,
    purpose: String,
    nonce: String,
    pkce_verifier: String,
    app_redirect_uri: String,
    app_state: String,
}

/// A failure told to the app (its `error_description`).
struct Failure(String);

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        tracing::error!(%error, "sso callback failed");
        Failure("The sign-in could not be completed on the server.".to_owned())
    }
}

pub async fn callback(state: &AppState, query: &CallbackQuery, client: &Client) -> Answer {
    match answer(state, query, client).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "sso callback could not claim its flow");
            Answer::Unknown
        }
    }
}

async fn answer(
    state: &AppState,
    query: &CallbackQuery,
    client: &Client,
) -> Result<Answer, AppError> {
    let Some(provider_state) = query.state.as_deref().filter(|s| s.len() <= 500) else {
        return Ok(Answer::Unknown);
    };
    let now = now_ms();
    let code = new_code();
    let mut tx = state.db.write().await?;
    let claimed = sqlx::query(
        "UPDATE sso_flows SET code_hash = $1, expires_at = $2 \
         WHERE state_hash = $3 AND code_hash IS NULL AND expires_at > $4",
    )
    .bind(digest(&code))
    .bind(now + CODE_TTL_MS)
    .bind(digest(provider_state))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(Answer::Unknown);
    }
    let row: FlowRow = sqlx::query_as(
        "SELECT id, org_id, purpose, nonce, pkce_verifier, app_redirect_uri, app_state \
         FROM sso_flows WHERE state_hash = $1",
    )
    .bind(digest(provider_state))
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let outcome = match finish(state, query, client, &row).await {
        Ok(()) => app_url(&row, &[("code", &code)]),
        Err(Failure(description)) => {
            let mut tx = state.db.write().await?;
            sqlx::query("DELETE FROM sso_flows WHERE id = $1")
                .bind(&row.id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            app_url(
                &row,
                &[("error", "sso_failed"), ("error_description", &description)],
            )
        }
    };
    Ok(Answer::Redirect(outcome))
}

/// The app's redirect URI with `params` and its state.
fn app_url(row: &FlowRow, params: &[(&str, &str)]) -> String {
    let mut url = Url::parse(&row.app_redirect_uri)
        .unwrap_or_else(|_| Url::parse("http://127.0.0.1:1/").unwrap_or_else(|_| unreachable!()));
    {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in params {
            pairs.append_pair(name, value);
        }
        pairs.append_pair("state", &row.app_state);
    }
    url.to_string()
}

/// Validates the provider's answer and records its outcome on the flow.
async fn finish(
    state: &AppState,
    query: &CallbackQuery,
    client: &Client,
    row: &FlowRow,
) -> Result<(), Failure> {
    if let Some(error) = &query.error {
        let said = query.error_description.as_deref().unwrap_or("");
        let said: String = format!("{error}: {said}").chars().take(300).collect();
        return Err(Failure(format!(
            "The provider refused the sign-in ({said})."
        )));
    }
    let code = query
        .code
        .clone()
        .filter(|c| !c.is_empty() && c.len() <= 2000)
        .ok_or_else(|| Failure("The provider sent no code.".to_owned()))?;
    let org: OrgId = row
        .org_id
        .parse()
        .map_err(|_| AppError::CorruptRow("org id"))?;
    let stored = {
        let mut conn = state.db.pool().acquire().await.map_err(AppError::from)?;
        connection::stored(&mut conn, org).await?
    }
    .ok_or_else(|| Failure("Single sign-on was turned off meanwhile.".to_owned()))?;
    if query.iss.as_ref().is_some_and(|iss| *iss != stored.issuer) {
        // RFC 9207: the answer comes from another provider than this flow's (mix-up).
        return Err(Failure(
            "Another provider answered this sign-in.".to_owned(),
        ));
    }
    let identity = identify(state, &stored, org, row, code).await?;
    if row.purpose == flow::Purpose::Test.as_str() {
        let result = SsoTestResult {
            subject: identity.subject.clone(),
            email: identity.email.clone(),
            email_verified: identity.email_verified,
            name: identity.name.clone(),
        };
        let json = serde_json::to_string(&result).map_err(|_| AppError::CorruptRow("result"))?;
        let mut tx = state.db.write().await.map_err(AppError::from)?;
        sqlx::query("UPDATE sso_flows SET result = $1 WHERE id = $2")
            .bind(json)
            .bind(&row.id)
            .execute(&mut *tx)
            .await
            .map_err(AppError::from)?;
        tx.commit().await.map_err(AppError::from)?;
        return Ok(());
    }
    provisioning::sign_in(state, org, &stored, &identity, &row.id, client)
        .await
        .map_err(|refusal| match refusal {
            provisioning::Refusal::App(error) => Failure::from(error),
            provisioning::Refusal::Told(told) => Failure(told),
        })
}

/// Exchanges the code and validates the ID token: who the provider says this is.
async fn identify(
    state: &AppState,
    stored: &Stored,
    org: OrgId,
    row: &FlowRow,
    code: String,
) -> Result<Identity, Failure> {
    let outbound = Outbound::new(state.allow_insecure_sso);
    let told = |what: &str| Failure(what.to_owned());
    let secret = state
        .sealing
        .open(
            &stored.client_secret_sealed,
            &connection::secret_context(org),
        )
        .map_err(|_| AppError::CorruptRow("sso client secret"))?;
    let verifier = state
        .sealing
        .open(&row.pkce_verifier, &verifier_context(&row.id))
        .map_err(|_| AppError::CorruptRow("sso flow verifier"))?;
    let mut metadata = flow::metadata(stored)?;
    let keys = provider::fetch_keys(&outbound, &metadata)
        .await
        .map_err(|e| Failure(format!("The provider's keys could not be read: {e}")))?;
    metadata = metadata.set_jwks(keys);
    let redirect = RedirectUrl::new(connection::redirect_uri(state))
        .map_err(|_| AppError::CorruptRow("public url"))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(stored.client_id.clone()),
        Some(ClientSecret::new(secret)),
    )
    .set_redirect_uri(redirect);
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| told("The provider has no token endpoint."))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&outbound)
        .await
        .map_err(|e| Failure(format!("The provider did not exchange the code: {e}")))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| told("The provider sent no ID token."))?;
    let nonce = Nonce::new(row.nonce.clone());
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .map_err(|e| Failure(format!("The ID token was refused: {e}")))?;
    let subject = claims.subject().clone();
    let mut email = claims.email().map(|e| e.as_str().to_owned());
    let mut email_verified = claims.email_verified();
    let mut name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned());
    if email.is_none() {
        // Providers may keep the profile claims for the userinfo endpoint; its answer
        // must name the same subject.
        let info: CoreUserInfoClaims = client
            .user_info(token.access_token().clone(), Some(subject.clone()))
            .map_err(|_| told("The ID token has no email and the provider no userinfo."))?
            .request_async(&outbound)
            .await
            .map_err(|e| Failure(format!("The provider's userinfo was refused: {e}")))?;
        email = info.email().map(|e| e.as_str().to_owned());
        email_verified = info.email_verified();
        name = name.or_else(|| {
            info.name()
                .and_then(|n| n.get(None))
                .map(|n| n.as_str().to_owned())
        });
    }
    let email = email
        .map(|e| validate::normalize_email(&e))
        .filter(|e| e.len() <= validate::EMAIL_MAX && e.contains('@'))
        .ok_or_else(|| told("The provider gave no usable email address."))?;
    if subject.as_str().is_empty() || subject.as_str().len() > 255 {
        return Err(told("The provider's subject is not usable."));
    }
    Ok(Identity {
        issuer: stored.issuer.clone(),
        subject: subject.as_str().to_owned(),
        email,
        email_verified: email_verified == Some(true),
        name: name.map(|n| n.chars().take(100).collect()),
    })
}
