//! Projects in the database.

use orgdesk_model::project::{Project, ProjectCounts, ProjectStatus};
use orgdesk_model::{OrgId, ProjectId};
use sqlx::AnyConnection;

use crate::db::{to_datetime, Params};
use crate::error::AppError;
use crate::http::cursor::{Order, PageRequest};

/// How a request names a project within an org: its id or its slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectKey {
    Id(ProjectId),
    Slug(String),
}

impl ProjectKey {
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        match raw.parse::<ProjectId>() {
            Ok(id) => Self::Id(id),
            Err(_) => Self::Slug(raw.to_ascii_lowercase()),
        }
    }
}

/// The keyset position of a project in its org's list: (sort name, id).
pub type ListKey = (String, String);

/// The list's order: by lowercased name, then id.
const ORDER: Order<'static> = Order::ascending(&["sort_name", "id"]);

const SELECT: &str = "SELECT id, org_id, slug, name, sort_name, description, status, \
     suspended_reason, version, created_at, updated_at FROM projects";

#[derive(Debug, sqlx::FromRow)]
struct ProjectRow {
    id: String,
    org_id: String,
    slug: String,
    name: String,
    sort_name: String,
    description: Option<String>,
    status: String,
    suspended_reason: Option<String>,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl ProjectRow {
    fn into_project(self) -> Result<(Project, ListKey), AppError> {
        let key = (self.sort_name, self.id.clone());
        let project = Project {
            id: self
                .id
                .parse()
                .map_err(|_| AppError::CorruptRow("project id"))?,
            org_id: self
                .org_id
                .parse()
                .map_err(|_| AppError::CorruptRow("org id"))?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            status: ProjectStatus::parse(&self.status)
                .ok_or(AppError::CorruptRow("project status"))?,
            suspended_reason: self.suspended_reason,
            version: self.version,
            created_at: to_datetime(self.created_at),
            updated_at: to_datetime(self.updated_at),
        };
        Ok((project, key))
    }
}

pub fn sort_name(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The project of `org` named by `key`.
pub async fn find(
    conn: &mut AnyConnection,
    org: OrgId,
    key: &ProjectKey,
) -> Result<Option<Project>, AppError> {
    let (filter, value) = match key {
        ProjectKey::Id(id) => ("id", id.to_string()),
        ProjectKey::Slug(slug) => ("slug", slug.clone()),
    };
    let sql = format!("{SELECT} WHERE org_id = $1 AND {filter} = $2");
    let row: Option<ProjectRow> = sqlx::query_as(&sql)
        .bind(org.to_string())
        .bind(value)
        .fetch_optional(conn)
        .await?;
    Ok(row
        .map(ProjectRow::into_project)
        .transpose()?
        .map(|(p, _)| p))
}

/// One page of `org`'s projects by name: only those in `scope` when there is one.
pub async fn list(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: Option<&[ProjectId]>,
    status: Option<ProjectStatus>,
    page: &PageRequest<ListKey>,
) -> Result<Vec<(Project, ListKey)>, AppError> {
    if scope.is_some_and(<[ProjectId]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut params = Params::default();
    let mut sql = format!("{SELECT} WHERE org_id = {}", params.text(org.to_string()));
    if let Some(ids) = scope {
        let list: Vec<String> = ids.iter().map(|id| params.text(id.to_string())).collect();
        sql += &format!(" AND id IN ({})", list.join(", "));
    }
    if let Some(status) = status {
        sql += &format!(" AND status = {}", params.text(status.as_str()));
    }
    if let Some(after) = page.after_sql(ORDER, &mut params) {
        sql += &format!(" AND {after}");
    }
    sql += &format!(" {}", page.order_sql(ORDER, &mut params));
    let rows: Vec<ProjectRow> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter().map(ProjectRow::into_project).collect()
}

/// Which of `ids` are projects of `org`.
pub async fn existing(
    conn: &mut AnyConnection,
    org: OrgId,
    ids: &[ProjectId],
) -> Result<Vec<ProjectId>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = Params::default();
    let org_param = params.text(org.to_string());
    let list: Vec<String> = ids.iter().map(|id| params.text(id.to_string())).collect();
    let sql = format!(
        "SELECT id FROM projects WHERE org_id = {org_param} AND id IN ({})",
        list.join(", ")
    );
    let rows: Vec<(String,)> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    rows.into_iter()
        .map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("project id")))
        .collect()
}

/// Projects that count toward the plan's limit: active and suspended ones.
pub async fn counted_toward_limit(
    conn: &mut AnyConnection,
    org: OrgId,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM projects WHERE org_id = $1 AND status <> 'archived'")
            .bind(org.to_string())
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// Projects by status: all of them, or those in `scope`.
pub async fn counts(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: Option<&[ProjectId]>,
) -> Result<ProjectCounts, AppError> {
    let mut counts = ProjectCounts::default();
    if scope.is_some_and(<[ProjectId]>::is_empty) {
        return Ok(counts);
    }
    let mut params = Params::default();
    let mut sql = format!(
        "SELECT status, COUNT(*) FROM projects WHERE org_id = {}",
        params.text(org.to_string())
    );
    if let Some(ids) = scope {
        let list: Vec<String> = ids.iter().map(|id| params.text(id.to_string())).collect();
        sql += &format!(" AND id IN ({})", list.join(", "));
    }
    sql += " GROUP BY status";
    let rows: Vec<(String, i64)> = params.bind(sqlx::query_as(&sql)).fetch_all(conn).await?;
    for (status, n) in rows {
        match ProjectStatus::parse(&status) {
            Some(ProjectStatus::Active) => counts.active = n,
            Some(ProjectStatus::Suspended) => counts.suspended = n,
            Some(ProjectStatus::Archived) => counts.archived = n,
            None => return Err(AppError::CorruptRow("project status")),
        }
    }
    Ok(counts)
}

/// Every slug of `org` that is `base` or starts with `base-`.
pub async fn slugs_like(
    conn: &mut AnyConnection,
    org: OrgId,
    base: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT slug FROM projects WHERE org_id = $1 AND (slug = $2 OR slug LIKE $3)",
    )
    .bind(org.to_string())
    .bind(base)
    .bind(format!("{base}-%"))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}

/// Inserts `project` unless its slug is taken in its org (`false` then).
pub async fn insert(conn: &mut AnyConnection, project: &Project) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO projects (id, org_id, slug, name, sort_name, description, status, \
         suspended_reason, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (org_id, slug) DO NOTHING",
    )
    .bind(project.id.to_string())
    .bind(project.org_id.to_string())
    .bind(&project.slug)
    .bind(&project.name)
    .bind(sort_name(&project.name))
    .bind(project.description.clone())
    .bind(project.status.as_str())
    .bind(project.suspended_reason.clone())
    .bind(project.version)
    .bind(project.created_at.timestamp_millis())
    .bind(project.updated_at.timestamp_millis())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Writes every mutable field of `project` if it is still at `expected_version`, bumping
/// the version; `false` if it moved on meanwhile.
pub async fn update(
    conn: &mut AnyConnection,
    project: &Project,
    expected_version: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE projects SET slug = $1, name = $2, sort_name = $3, description = $4, \
         status = $5, suspended_reason = $6, version = version + 1, updated_at = $7, \
         archived_at = CASE WHEN $5 = 'archived' THEN COALESCE(archived_at, $7) ELSE NULL END \
         WHERE id = $8 AND org_id = $9 AND version = $10",
    )
    .bind(&project.slug)
    .bind(&project.name)
    .bind(sort_name(&project.name))
    .bind(project.description.clone())
    .bind(project.status.as_str())
    .bind(project.suspended_reason.clone())
    .bind(now)
    .bind(project.id.to_string())
    .bind(project.org_id.to_string())
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(
    conn: &mut AnyConnection,
    org: OrgId,
    id: ProjectId,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM projects WHERE org_id = $1 AND id = $2")
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
