//! The `org_domains` table: an org's claims, their tokens, and when each was verified and
//! last looked at.

use orgdesk_model::sso::OrgDomain;
use orgdesk_model::OrgId;
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::sso::domains::check::{record_name, record_value};

const COLUMNS: &str = "org_id, domain, token, verified_at, checked_at, created_at";

/// One claim.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Claim {
    pub org_id: String,
    pub domain: String,
    pub token: String,
    pub verified_at: Option<i64>,
    pub checked_at: Option<i64>,
    pub created_at: i64,
}

impl Claim {
    /// The wire form, with the record to publish.
    pub fn into_wire(self) -> OrgDomain {
        OrgDomain {
            record_name: record_name(&self.domain),
            record_value: record_value(&self.token),
            domain: self.domain,
            verified_at: self.verified_at.map(to_datetime),
            checked_at: self.checked_at.map(to_datetime),
            created_at: to_datetime(self.created_at),
        }
    }
}

/// The org's claims, in the order they were made.
pub async fn list(conn: &mut AnyConnection, org: OrgId) -> Result<Vec<Claim>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains WHERE org_id = $1 ORDER BY created_at, domain"
    ))
    .bind(org.to_string())
    .fetch_all(conn)
    .await
}

pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
) -> Result<Option<Claim>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains WHERE org_id = $1 AND domain = $2"
    ))
    .bind(org.to_string())
    .bind(domain)
    .fetch_optional(conn)
    .await
}

pub async fn count(conn: &mut AnyConnection, org: OrgId) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM org_domains WHERE org_id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// The org that has `domain` verified, if one has: where a sign-in by an email of that
/// domain goes.
pub async fn verified_holder(
    conn: &mut AnyConnection,
    domain: &str,
) -> Result<Option<OrgId>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT org_id FROM org_domains WHERE domain = $1 AND verified_at IS NOT NULL",
    )
    .bind(domain)
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|(id,)| id.parse().ok()))
}

/// Whether an org other than `org` has `domain` verified.
pub async fn verified_elsewhere(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT org_id FROM org_domains WHERE domain = $1 AND verified_at IS NOT NULL \
         AND org_id <> $2",
    )
    .bind(domain)
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

pub async fn insert(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
    token: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_domains (org_id, domain, token, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(org.to_string())
    .bind(domain)
    .bind(token)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a look at `now` that found the record holding the token: verified from now on
/// (or still). Fails with a unique violation when another org has it verified.
pub async fn mark_verified(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE org_domains SET verified_at = COALESCE(verified_at, $3), checked_at = $3 \
         WHERE org_id = $1 AND domain = $2",
    )
    .bind(org.to_string())
    .bind(domain)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a look at `now` that found no proof: not verified (any more). Answers whether
/// it was verified until now.
pub async fn mark_missing(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let dropped = sqlx::query(
        "UPDATE org_domains SET verified_at = NULL, checked_at = $3 \
         WHERE org_id = $1 AND domain = $2 AND verified_at IS NOT NULL",
    )
    .bind(org.to_string())
    .bind(domain)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("UPDATE org_domains SET checked_at = $3 WHERE org_id = $1 AND domain = $2")
        .bind(org.to_string())
        .bind(domain)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(dropped > 0)
}

/// Deletes a claim; answers whether there was one.
pub async fn delete(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM org_domains WHERE org_id = $1 AND domain = $2")
        .bind(org.to_string())
        .bind(domain)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(deleted > 0)
}
