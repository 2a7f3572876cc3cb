//! Organizations in the database. Everything here is plain storage; the rules live in
//! [`crate::orgs::service`]. Reading one org as its member sees it is the membership
//! core's ([`crate::membership::view`]).

use orgdesk_model::org::OrgKind;
use orgdesk_model::{OrgId, Plan, UserId};
use sqlx::AnyConnection;

use crate::db::Params;
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};
use crate::membership::view::{MemberRecord, FROM_ORG, ROLE, SELECT_ORG};
use crate::membership::MemberView;

/// The keyset position of an org in a member's list: (rank, sort name, id).
pub type ListKey = (i64, String, String);

/// Personal context first (rank 0), then by lowercased name, then by id.
const ORDER: Order<'static> = Order::ascending(&[
    "CASE WHEN o.kind = 'personal' THEN 0 ELSE 1 END",
    "o.sort_name",
    "o.id",
]);

/// One page of the orgs `user` belongs to.
pub async fn list_for_member(
    conn: &mut AnyConnection,
    user: UserId,
    page: &PageRequest<ListKey>,
) -> Result<Vec<(MemberView, ListKey)>, AppError> {
    let mut params = Params::default();
    let mut sql = format!(
        "{SELECT_ORG}, {ROLE} {FROM_ORG} JOIN memberships m ON m.org_id = o.id \
         WHERE m.user_id = {}",
        params.text(user.to_string())
    );
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let records: Vec<MemberRecord> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    records
        .into_iter()
        .map(|record| {
            let rank = i64::from(record.org.kind != OrgKind::Personal.as_str());
            let key = (rank, record.org.sort_name.clone(), record.org.id.clone());
            Ok((record.into_view()?, key))
        })
        .collect()
}

/// The fields of a new org row.
pub struct NewOrg<'a> {
    pub id: OrgId,
    pub kind: OrgKind,
    pub personal_user: Option<UserId>,
    /// The one owner; their membership must be added in the same transaction.
    pub owner: UserId,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub website: Option<&'a str>,
    pub plan: Plan,
}

pub fn sort_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Writes the org; its owner's membership must be added in the same transaction.
pub async fn insert(
    conn: &mut AnyConnection,
    org: &NewOrg<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO orgs (id, kind, personal_user_id, owner_user_id, slug, name, sort_name, \
         description, website, plan, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)",
    )
    .bind(org.id.to_string())
    .bind(org.kind.as_str())
    .bind(org.personal_user.map(|u| u.to_string()))
    .bind(org.owner.to_string())
    .bind(org.slug)
    .bind(org.name)
    .bind(sort_name(org.name))
    .bind(org.description)
    .bind(org.website)
    .bind(org.plan.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The names of the organizations (not personal contexts) `user` owns, by name.
pub async fn owned_org_names(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM orgs WHERE owner_user_id = $1 AND kind = 'organization' \
         ORDER BY sort_name, id",
    )
    .bind(user.to_string())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// The settings an update writes (all of them, already merged with the current values).
pub struct Settings<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: Option<&'a str>,
    pub website: Option<&'a str>,
}

/// Writes new settings if the org is still at `expected_version`; `false` if it moved on.
pub async fn update_settings(
    conn: &mut AnyConnection,
    org: OrgId,
    expected_version: i64,
    settings: &Settings<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE orgs SET name = $1, sort_name = $2, slug = $3, description = $4, website = $5, \
         version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8",
    )
    .bind(settings.name)
    .bind(sort_name(settings.name))
    .bind(settings.slug)
    .bind(settings.description)
    .bind(settings.website)
    .bind(now)
    .bind(org.to_string())
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a change that is not a settings update (a new logo, say).
pub async fn bump_version(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orgs SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(org.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes the org; memberships, slugs and logo go with it (ON DELETE CASCADE).
pub async fn delete(conn: &mut AnyConnection, org: OrgId) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Puts the org on `plan`, as a new version.
pub async fn set_plan(
    conn: &mut AnyConnection,
    org: OrgId,
    plan: Plan,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orgs SET plan = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(plan.as_str())
        .bind(now)
        .bind(org.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Seed data only: the plan of a personal context.
pub async fn set_personal_plan(
    conn: &mut AnyConnection,
    user: UserId,
    plan: Plan,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orgs SET plan = $1 WHERE personal_user_id = $2")
        .bind(plan.as_str())
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
