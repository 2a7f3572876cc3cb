//! API keys in the database.

use orgdesk_model::api_key::{ApiKey, ApiKeyScope};
use orgdesk_model::member::PersonRef;
use orgdesk_model::{ApiKeyId, OrgId, ProjectId, UserId};
use sqlx::AnyConnection;

use crate::auth::api_key::{parse_scopes, scope_str};
use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};

fn parse_id<T: std::str::FromStr>(value: &str, what: &'static str) -> Result<T, AppError> {
    value.parse().map_err(|_| AppError::CorruptRow(what))
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
    /// When it stops working (ms since the epoch); `None` for never.
    pub expires_at: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    key: &NewKey<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let scopes: Vec<&str> = key.scopes.iter().map(|s| scope_str(*s)).collect();
    sqlx::query(
        "INSERT INTO api_keys (id, org_id, project_id, name, prefix, secret_hash, scopes, \
         created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .bind(key.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Newest first: the keyset position (created_at, id).
pub type ListKey = (i64, String);

const ORDER: Order<'static> = Order::descending(&["k.created_at", "k.id"]);

const SELECT: &str = "SELECT k.id, k.org_id, k.project_id, k.name, k.prefix, k.scopes, \
     k.created_by, u.email AS creator_email, u.display_name AS creator_name, k.created_at, \
     k.last_used_at, k.revoked_at, k.expires_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by";

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
    expires_at: Option<i64>,
}

impl KeyRow {
    fn into_key(self) -> Result<(ApiKey, ListKey), AppError> {
        let list_key = (self.created_at, self.id.clone());
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
            expires_at: self.expires_at.map(to_datetime),
        };
        Ok((key, list_key))
    }
}

/// One page of `org`'s keys, newest first; only those `creator` made when given.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    creator: Option<UserId>,
    page: &PageRequest<ListKey>,
) -> Result<Vec<(ApiKey, ListKey)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!("{SELECT} WHERE k.org_id = {}", params.text(org.to_string()));
    if let Some(user) = creator {
        sql += &format!(" AND k.created_by = {}", params.text(user.to_string()));
    }
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
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

/// A live key `user` created: (org, id, name, prefix).
pub type MadeBy = (OrgId, ApiKeyId, String, String);

/// The live keys `user` created, in every org.
pub async fn live_made_by(conn: &mut AnyConnection, user: UserId) -> Result<Vec<MadeBy>, AppError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT org_id, id, name, prefix FROM api_keys \
         WHERE created_by = $1 AND revoked_at IS NULL ORDER BY org_id, id",
    )
    .bind(user.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(org, id, name, prefix)| {
            Ok((
                parse_id(&org, "org id")?,
                parse_id(&id, "api key id")?,
                name,
                prefix,
            ))
        })
        .collect()
}
