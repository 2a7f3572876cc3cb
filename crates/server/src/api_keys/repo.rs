//! API keys in the database.

use orgdesk_model::api_key::{ApiKey, ApiKeyScope};
use orgdesk_model::member::PersonRef;
use orgdesk_model::{ApiKeyId, OrgId, ProjectId, Role, UserId};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::api_keys::secret;
use crate::db::{to_datetime, Params};
use crate::error::AppError;

pub fn scope_str(scope: ApiKeyScope) -> &'static str {
    match scope {
        ApiKeyScope::UsageWrite => "usage:write",
        ApiKeyScope::Read => "read",
    }
}

fn parse_scopes(stored: &str) -> Result<Vec<ApiKeyScope>, AppError> {
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
    /// The creator's role in the org now.
    pub creator_role: Role,
}

/// The live key with this secret: not revoked, and its creator still a member of its org.
pub async fn find_live(
    conn: &mut AnyConnection,
    secret: &str,
) -> Result<Option<KeyRecord>, AppError> {
    let row: Option<(String, String, Option<String>, String, String, String)> = sqlx::query_as(
        "SELECT k.id, k.org_id, k.project_id, k.scopes, k.created_by, \
         CASE WHEN o.owner_user_id = k.created_by THEN 'owner' ELSE m.role END AS creator_role \
         FROM api_keys k JOIN orgs o ON o.id = k.org_id \
         JOIN memberships m ON m.org_id = k.org_id AND m.user_id = k.created_by \
         WHERE k.secret_hash = $1 AND k.revoked_at IS NULL",
    )
    .bind(secret::hash(secret))
    .fetch_optional(conn)
    .await?;
    let Some((id, org, project, scopes, creator, role)) = row else {
        return Ok(None);
    };
    Ok(Some(KeyRecord {
        id: parse_id(&id, "api key id")?,
        org_id: parse_id(&org, "org id")?,
        project_id: project.map(|p| parse_id(&p, "project id")).transpose()?,
        scopes: parse_scopes(&scopes)?,
        created_by: parse_id(&creator, "user id")?,
        creator_role: Role::parse(&role).ok_or(AppError::CorruptRow("membership role"))?,
    }))
}

/// Marks the key used now; `false` when it was revoked meanwhile.
pub async fn touch(conn: &mut AnyConnection, key: ApiKeyId, now: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(key.to_string())
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The fields of a new key.
pub struct NewKey<'a> {
    pub id: ApiKeyId,
    pub org: OrgId,
    pub project: Option<ProjectId>,
    pub name: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub scopes: &'a [ApiKeyScope],
    pub created_by: UserId,
}

pub async fn insert(
    conn: &mut AnyConnection,
    key: &NewKey<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let scopes: Vec<&str> = key.scopes.iter().map(|s| scope_str(*s)).collect();
    sqlx::query(
        "INSERT INTO api_keys (id, org_id, project_id, name, prefix, secret_hash, scopes, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(key.id.to_string())
    .bind(key.org.to_string())
    .bind(key.project.map(|p| p.to_string()))
    .bind(key.name)
    .bind(key.prefix)
    .bind(key.hash)
    .bind(scopes.join(" "))
    .bind(key.created_by.to_string())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Newest first: the keyset position (created_at, id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKey(pub i64, pub String);

const SELECT: &str = "SELECT k.id, k.org_id, k.project_id, k.name, k.prefix, k.scopes, \
     k.created_by, u.email AS creator_email, u.display_name AS creator_name, k.created_at, \
     k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by";

#[derive(Debug, sqlx::FromRow)]
struct KeyRow {
    id: String,
    org_id: String,
    project_id: Option<String>,
    name: String,
    prefix: String,
    scopes: String,
    created_by: Option<String>,
    creator_email: Option<String>,
    creator_name: Option<String>,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl KeyRow {
    fn into_key(self) -> Result<(ApiKey, ListKey), AppError> {
        let list_key = ListKey(self.created_at, self.id.clone());
        let created_by = match (self.created_by, self.creator_email, self.creator_name) {
            (Some(id), Some(email), Some(display_name)) => Some(PersonRef {
                id: parse_id(&id, "user id")?,
                email,
                display_name,
            }),
            _ => None,
        };
        let key = ApiKey {
            id: parse_id(&self.id, "api key id")?,
            org_id: parse_id(&self.org_id, "org id")?,
            project_id: self
                .project_id
                .map(|p| parse_id(&p, "project id"))
                .transpose()?,
            name: self.name,
            prefix: self.prefix,
            scopes: parse_scopes(&self.scopes)?,
            created_by,
            created_at: to_datetime(self.created_at),
            last_used_at: self.last_used_at.map(to_datetime),
            revoked_at: self.revoked_at.map(to_datetime),
        };
        Ok((key, list_key))
    }
}

/// One page of `org`'s keys, newest first; only those `creator` made when given.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    creator: Option<UserId>,
    after: Option<&ListKey>,
    limit: i64,
) -> Result<Vec<(ApiKey, ListKey)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!("{SELECT} WHERE k.org_id = {}", params.text(org.to_string()));
    if let Some(user) = creator {
        sql += &format!(" AND k.created_by = {}", params.text(user.to_string()));
    }
    if let Some(ListKey(at, id)) = after {
        sql += &format!(
            " AND (k.created_at, k.id) < ({}, {})",
            params.int(*at),
            params.text(id.clone())
        );
    }
    sql += &format!(
        " ORDER BY k.created_at DESC, k.id DESC LIMIT {}",
        params.int(limit)
    );
    let rows: Vec<KeyRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter().map(KeyRow::into_key).collect()
}

/// One key of `org`.
pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    id: ApiKeyId,
) -> Result<Option<ApiKey>, AppError> {
    let sql = format!("{SELECT} WHERE k.org_id = $1 AND k.id = $2");
    let row: Option<KeyRow> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    Ok(row.map(KeyRow::into_key).transpose()?.map(|(k, _)| k))
}

/// Revokes a live key; `false` if it was revoked already.
pub async fn revoke(
    conn: &mut AnyConnection,
    org: OrgId,
    id: ApiKeyId,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(org.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
