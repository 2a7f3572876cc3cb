//! Organizations and memberships in the database. Everything here is plain storage; the
//! rules live in [`crate::orgs::service`].

use orgdesk_model::org::{LogoInfo, Org, OrgKind};
use orgdesk_model::{OrgId, Plan, Role, UserId};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

use crate::db::to_datetime;
use crate::error::AppError;
use crate::members;
use crate::orgs::slugs;

/// How a request names an org: its id, or one of its slugs (current or former).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgKey {
    Id(OrgId),
    Slug(String),
}

impl OrgKey {
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        match raw.parse::<OrgId>() {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Slug(raw.to_ascii_lowercase()),
        }
    }
}

const SELECT_ORG: &str = "SELECT o.id, o.kind, o.slug, o.name, o.sort_name, o.description, \
     o.website, o.plan, o.version, o.created_at, l.content_type AS logo_type, \
     l.etag AS logo_etag, l.size AS logo_size";
const FROM_ORG: &str = "FROM orgs o LEFT JOIN org_logos l ON l.org_id = o.id";
/// The role the API shows: the org's one owner, else the stored `admin` or `member`.
const ROLE: &str = "CASE WHEN o.owner_user_id = m.user_id THEN 'owner' ELSE m.role END AS role";
/// Personal context first, then by lowercased name, then by id.
const RANK: &str = "CASE WHEN o.kind = 'personal' THEN 0 ELSE 1 END";

#[derive(Debug, sqlx::FromRow)]
struct OrgRecord {
    id: String,
    kind: String,
    slug: String,
    name: String,
    sort_name: String,
    description: Option<String>,
    website: Option<String>,
    plan: String,
    version: i64,
    created_at: i64,
    logo_type: Option<String>,
    logo_etag: Option<String>,
    logo_size: Option<i64>,
}

#[derive(Debug, sqlx::FromRow)]
struct MemberRecord {
    #[sqlx(flatten)]
    org: OrgRecord,
    role: String,
}

/// An org as one member sees it.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub org: Org,
    pub role: Role,
    pub sort_key: ListKey,
}

/// The keyset position of an org in a member's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKey(pub i64, pub String, pub String);

impl MemberRecord {
    fn into_view(self) -> Result<MemberView, AppError> {
        let role = Role::parse(&self.role).ok_or(AppError::CorruptRow("membership role"))?;
        let rank = i64::from(self.org.kind != OrgKind::Personal.as_str());
        let sort_key = ListKey(rank, self.org.sort_name.clone(), self.org.id.clone());
        Ok(MemberView {
            org: self.org.into_org()?,
            role,
            sort_key,
        })
    }
}

impl OrgRecord {
    fn into_org(self) -> Result<Org, AppError> {
        let logo = match (self.logo_type, self.logo_etag, self.logo_size) {
            (Some(content_type), Some(etag), Some(size)) => Some(LogoInfo {
                content_type,
                etag,
                size: u32::try_from(size).map_err(|_| AppError::CorruptRow("logo size"))?,
            }),
            _ => None,
        };
        Ok(Org {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("org id"))?,
            kind: OrgKind::parse(&self.kind).ok_or(AppError::CorruptRow("org kind"))?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            website: self.website,
            logo,
            plan: Plan::parse(&self.plan).ok_or(AppError::CorruptRow("org plan"))?,
            version: self.version,
            created_at: to_datetime(self.created_at),
        })
    }
}

/// The id of the org named by `key`, whoever may see it.
pub async fn resolve(conn: &mut AnyConnection, key: &OrgKey) -> Result<Option<OrgId>, AppError> {
    match key {
        OrgKey::Id(id) => Ok(Some(*id)),
        OrgKey::Slug(slug) => slugs::holder(conn, slug).await,
    }
}

/// The org named by `key`, if `user` is a member; otherwise `None`, exactly as for an org
/// that does not exist.
pub async fn find_for_member(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<Option<MemberView>, AppError> {
    let (filter, value) = match key {
        OrgKey::Id(id) => ("o.id = $2", id.to_string()),
        OrgKey::Slug(slug) => (
            "o.id = (SELECT org_id FROM org_slugs WHERE slug = $2)",
            slug.clone(),
        ),
    };
    let sql = format!(
        "{SELECT_ORG}, {ROLE} {FROM_ORG} JOIN memberships m ON m.org_id = o.id AND m.user_id = $1 \
         WHERE {filter}"
    );
    let record: Option<MemberRecord> = sqlx::query_as(&sql)
        .bind(user.to_string())
        .bind(value)
        .fetch_optional(conn)
        .await?;
    record.map(MemberRecord::into_view).transpose()
}

/// One page of the orgs `user` belongs to, after `after`.
pub async fn list_for_member(
    conn: &mut AnyConnection,
    user: UserId,
    after: Option<&ListKey>,
    limit: i64,
) -> Result<Vec<MemberView>, AppError> {
    let keyset = if after.is_some() {
        format!("AND ({RANK}, o.sort_name, o.id) > ($3, $4, $5)")
    } else {
        String::new()
    };
    let sql = format!(
        "{SELECT_ORG}, {ROLE} {FROM_ORG} JOIN memberships m ON m.org_id = o.id \
         WHERE m.user_id = $1 {keyset} ORDER BY {RANK}, o.sort_name, o.id LIMIT $2"
    );
    let mut query = sqlx::query_as::<_, MemberRecord>(&sql)
        .bind(user.to_string())
        .bind(limit);
    if let Some(ListKey(rank, name, id)) = after {
        query = query.bind(*rank).bind(name.clone()).bind(id.clone());
    }
    query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(MemberRecord::into_view)
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

/// Writes the org and opens its billing account (balance 0).
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
    .execute(&mut *conn)
    .await?;
    crate::ledger::repo::open_account(conn, org.id, now).await?;
    Ok(())
}

/// The personal context every account gets at sign-up: on the free plan, owned by the
/// account, with a random `personal-<8 hex>` slug.
pub async fn insert_personal(
    conn: &mut AnyConnection,
    user: UserId,
    now: i64,
) -> Result<OrgId, AppError> {
    let id = OrgId::new();
    let slug = slugs::reserve_personal(conn, id, now).await?;
    let org = NewOrg {
        id,
        kind: OrgKind::Personal,
        personal_user: Some(user),
        owner: user,
        slug: &slug,
        name: "Personal",
        description: None,
        website: None,
        plan: Plan::Free,
    };
    insert(conn, &org, now).await?;
    members::repo::insert(conn, id, user, Role::Owner, None, now).await?;
    Ok(id)
}

/// The plan of `user`'s personal context, which sets how many orgs they may own. Locks
/// that row until the transaction ends, so concurrent creations by one person queue.
pub async fn lock_personal_plan(conn: &mut AnyConnection, user: UserId) -> Result<Plan, AppError> {
    sqlx::query("UPDATE orgs SET version = version WHERE personal_user_id = $1")
        .bind(user.to_string())
        .execute(&mut *conn)
        .await?;
    let (plan,): (String,) = sqlx::query_as("SELECT plan FROM orgs WHERE personal_user_id = $1")
        .bind(user.to_string())
        .fetch_one(conn)
        .await?;
    Plan::parse(&plan).ok_or(AppError::CorruptRow("org plan"))
}

/// How many organizations (not personal contexts) `user` owns.
pub async fn owned_org_count(conn: &mut AnyConnection, user: UserId) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM orgs WHERE owner_user_id = $1 AND kind = 'organization'",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    Ok(count)
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

/// The plan of an org.
pub async fn plan_of(conn: &mut AnyConnection, org: OrgId) -> Result<Plan, AppError> {
    let (plan,): (String,) = sqlx::query_as("SELECT plan FROM orgs WHERE id = $1")
        .bind(org.to_string())
        .fetch_one(conn)
        .await?;
    Plan::parse(&plan).ok_or(AppError::CorruptRow("org plan"))
}
