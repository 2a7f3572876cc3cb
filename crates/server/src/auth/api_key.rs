//! API keys as credentials: the secret (`odk_` and 32 bytes from the OS CSPRNG in
//! base64url, shown once; only the SHA-256 is stored, with the first 8 characters after
//! `odk_` to tell keys apart), the live key behind a secret, and the key as the caller of
//! the routes a key may call ([`ApiKeyCaller`]: a missing, unknown, revoked or expired key,
//! or one whose creator left the org, answers 401): the metering route, and the read routes
//! for a key with the `read` scope ([`crate::reader`]). A key acts for its creator as they
//! are now: the metering route reads their role and project scope again inside its
//! transaction ([`crate::usage::record`]), a read asks [`crate::membership::reading`].
//! Every request with a live key counts toward its rate limit ([`crate::auth::key_limit`]).
//! Managing keys is [`crate::api_keys`].

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::api_key::ApiKeyScope;
use orgdesk_model::{ApiKeyId, OrgId, ProjectId, Role, UserId};
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

use crate::auth::error::AuthError;
use crate::auth::extractor::bearer;
use crate::db::now_ms;
use crate::error::AppError;
use crate::state::AppState;

pub const PREFIX: &str = "odk_";
/// Characters of the secret after `odk_` that are kept and shown.
pub const SHOWN: usize = 8;

/// A new secret with its hash and shown prefix.
pub struct Secret {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

pub fn generate() -> Secret {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let body = URL_SAFE_NO_PAD.encode(bytes);
    let secret = format!("{PREFIX}{body}");
    Secret {
        hash: hash(&secret),
        prefix: body.chars().take(SHOWN).collect(),
        secret,
    }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// How a scope is stored: the names, space-separated.
pub fn scope_str(scope: ApiKeyScope) -> &'static str {
    match scope {
        ApiKeyScope::UsageWrite => "usage:write",
        ApiKeyScope::Read => "read",
    }
}

pub fn parse_scopes(stored: &str) -> Result<Vec<ApiKeyScope>, AppError> {
    stored
        .split_whitespace()
        .map(|s| match s {
            "usage:write" => Ok(ApiKeyScope::UsageWrite),
            "read" => Ok(ApiKeyScope::Read),
            _ => Err(AppError::CorruptRow("api key scope")),
        })
        .collect()
}

fn parse_id<T: std::str::FromStr>(value: &str, what: &'static str) -> Result<T, AppError> {
    value.parse().map_err(|_| AppError::CorruptRow(what))
}

/// A live key as the metering route sees it.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    pub id: ApiKeyId,
    pub org_id: OrgId,
    pub project_id: Option<ProjectId>,
    pub scopes: Vec<ApiKeyScope>,
    pub created_by: UserId,
    /// The creator's role in the org when the key was looked up.
    pub creator_role: Role,
    /// When the key was last used (unix ms), as looked up.
    pub last_used_at: Option<i64>,
}

/// The live key with this secret at `now`: not revoked, not expired, its creator still a
/// member of its org, and its org not scheduled for deletion (its keys stop working).
pub async fn find_live(
    conn: &mut AnyConnection,
    secret: &str,
    now: i64,
) -> Result<Option<KeyRecord>, AppError> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<i64>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT k.id, k.org_id, k.project_id, k.scopes, k.created_by, \
         CASE WHEN o.owner_user_id = k.created_by THEN 'owner' ELSE m.role END AS creator_role, \
         k.last_used_at \
         FROM api_keys k JOIN orgs o ON o.id = k.org_id \
         JOIN memberships m ON m.org_id = k.org_id AND m.user_id = k.created_by \
         WHERE k.secret_hash = $1 AND k.revoked_at IS NULL \
         AND (k.expires_at IS NULL OR k.expires_at > $2) AND o.deletion_purge_at IS NULL",
    )
    .bind(hash(secret))
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let Some((id, org, project, scopes, creator, role, last_used_at)) = row else {
        return Ok(None);
    };
    Ok(Some(KeyRecord {
        id: parse_id(&id, "api key id")?,
        org_id: parse_id(&org, "org id")?,
        project_id: project.map(|p| parse_id(&p, "project id")).transpose()?,
        scopes: parse_scopes(&scopes)?,
        created_by: parse_id(&creator, "user id")?,
        creator_role: Role::parse(&role).ok_or(AppError::CorruptRow("membership role"))?,
        last_used_at,
    }))
}

/// Marks the key used now; `false` when it was revoked, or expired, meanwhile.
pub async fn touch(conn: &mut AnyConnection, key: ApiKeyId, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > $1)",
    )
    .bind(now)
    .bind(key.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The caller of a route a key may call: a live API key from `Authorization: Bearer odk_…`
/// (the metering route takes it as it is; [`crate::reader`] turns one with the `read`
/// scope into a reader).
#[derive(Debug, Clone)]
pub struct ApiKeyCaller(pub KeyRecord);

impl FromRequestParts<AppState> for ApiKeyCaller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // Already looked up for this very request, by the rate limit's gate
        // ([`crate::auth::key_limit::gate`]) or the idempotency layer.
        if let Some(key) = parts.extensions.get::<KeyRecord>() {
            return Ok(Self(key.clone()));
        }
        let token = bearer(&parts.headers)
            .filter(|t| t.starts_with(PREFIX))
            .ok_or(AuthError::InvalidApiKey)?;
        let mut conn = state.db.pool().acquire().await?;
        let key = find_live(&mut conn, token, now_ms())
            .await?
            .ok_or(AuthError::InvalidApiKey)?;
        Ok(Self(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_odk_and_43_base64url_characters() {
        let a = generate();
        let b = generate();
        assert!(a.secret.starts_with(PREFIX));
        assert_eq!(a.secret.len(), PREFIX.len() + 43);
        assert!(a.secret[PREFIX.len()..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(a.prefix, a.secret[PREFIX.len()..PREFIX.len() + SHOWN]);
        assert_eq!(a.hash, hash(&a.secret));
        assert_ne!(a.secret, b.secret);
    }
}
