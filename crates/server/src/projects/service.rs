//! The project rules: who sees which projects (a scoped member only theirs; others get
//! 404), creation within the plan's limit, slugs unique within the org, optimistic
//! concurrency on updates, deletion confirmed by the slug.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::project::{
    CreateProjectRequest, Project, ProjectCounts, ProjectQuery, ProjectStatus, UpdateProjectRequest,
};
use orgdesk_model::{slug, validate, Capability, FieldError, OrgId, Page, ProjectId, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{Changes, Entry};
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::http::precondition::IfMatch;
use crate::membership::rows::scope_of;
use crate::membership::{self, require, MemberView, OrgKey, Reader};
use crate::projects::error::ProjectError;
use crate::projects::repo::{self, ListKey, ProjectKey};

/// How many candidates a generated slug tries.
const MAX_CANDIDATES: u32 = 500;

/// The project named by `key` if `user` may see it; 404 otherwise, exactly as for a
/// project that does not exist.
pub async fn visible(
    conn: &mut AnyConnection,
    view: &MemberView,
    user: UserId,
    key: &ProjectKey,
) -> Result<Project, AppError> {
    let project = repo::find(conn, view.org.id, key)
        .await?
        .ok_or(AppError::NotFound)?;
    match scope_of(conn, view, user).await? {
        Some(scope) if !scope.contains(&project.id) => Err(AppError::NotFound),
        _ => Ok(project),
    }
}

/// Projects of `org` by status: all of them, or those in `scope`.
pub async fn counts(
    conn: &mut AnyConnection,
    org: OrgId,
    scope: Option<&[ProjectId]>,
) -> Result<ProjectCounts, AppError> {
    repo::counts(conn, org, scope).await
}

/// Projects that count toward the plan's limit: active and suspended ones.
pub async fn counted_toward_limit(conn: &mut AnyConnection, org: OrgId) -> Result<i64, AppError> {
    Ok(repo::counted_toward_limit(conn, org).await?)
}

/// Which of `ids` are projects of `org`.
pub async fn existing(
    conn: &mut AnyConnection,
    org: OrgId,
    ids: &[ProjectId],
) -> Result<Vec<ProjectId>, AppError> {
    repo::existing(conn, org, ids).await
}

/// The project of `org` named by `key`, whoever asks (the caller checks who may).
pub async fn find_in(
    conn: &mut AnyConnection,
    org: OrgId,
    key: &ProjectKey,
) -> Result<Option<Project>, AppError> {
    repo::find(conn, org, key).await
}

/// The projects `reader` may see, by name.
pub async fn list(
    db: &Db,
    reader: &Reader,
    org: &OrgKey,
    query: &ProjectQuery,
) -> Result<Page<Project>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require(Capability::ViewOrg)?;
    let scope = reading.scope(&mut conn).await?;
    let rows = repo::list(
        &mut conn,
        reading.org_id(),
        scope.as_deref(),
        query.status,
        &page,
    )
    .await?;
    Ok(page.page(rows))
}

/// The project named by `project` if `reader` may see it; 404 otherwise, exactly as for
/// a project that does not exist.
pub async fn get(
    db: &Db,
    reader: &Reader,
    org: &OrgKey,
    project: &ProjectKey,
) -> Result<Project, AppError> {
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require(Capability::ViewOrg)?;
    let found = repo::find(&mut conn, reading.org_id(), project)
        .await?
        .ok_or(AppError::NotFound)?;
    match reading.scope(&mut conn).await? {
        Some(scope) if !scope.contains(&found.id) => Err(AppError::NotFound),
        _ => Ok(found),
    }
}

/// Optional text in its stored form ([`validate::clean`]): blank means "none".
fn optional(value: Option<&String>) -> Option<String> {
    value.map(|v| validate::clean(v)).filter(|v| !v.is_empty())
}

/// Fails with 409 `plan_limit_reached` when the org has no room for one more project
/// that counts (active or suspended).
pub async fn check_limit(conn: &mut AnyConnection, view: &MemberView) -> Result<(), AppError> {
    let limit = view.org.plan.limits().projects;
    if repo::counted_toward_limit(conn, view.org.id).await? >= i64::from(limit) {
        return Err(ProjectError::LimitReached { limit }.into());
    }
    Ok(())
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    req: &CreateProjectRequest,
) -> Result<Project, AppError> {
    let name = validate::clean(&req.name);
    let name = name.as_str();
    let explicit_slug = optional(req.slug.as_ref());
    let description = optional(req.description.as_ref());
    let mut errors = Vec::new();
    validate::org_name(&req.name, &mut errors);
    if let Some(s) = &explicit_slug {
        validate::org_slug(s, &mut errors);
    }
    validate::description(description.as_deref().unwrap_or_default(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ManageProjects)?;
    check_limit(&mut tx, &view).await?;
    let mut project = Project {
        id: ProjectId::new(),
        org_id: view.org.id,
        slug: String::new(),
        name: name.to_owned(),
        description,
        status: ProjectStatus::Active,
        suspended_reason: None,
        version: 1,
        created_at: to_datetime(now),
        updated_at: to_datetime(now),
    };
    match explicit_slug {
        Some(s) => {
            project.slug = s;
            if !repo::insert(&mut tx, &project).await? {
                return Err(ProjectError::SlugTaken.into());
            }
        }
        None => insert_with_generated_slug(&mut tx, &mut project).await?,
    }
    Entry::project(view.org.id, AuditAction::ProjectCreated, project.id)
        .details(json!({ "name": project.name, "slug": project.slug }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(project)
}

/// Inserts with the name's slug, or the first free `slug-2`, `slug-3`, … in the org.
async fn insert_with_generated_slug(
    conn: &mut AnyConnection,
    project: &mut Project,
) -> Result<(), AppError> {
    let base = slug::generate(&project.name);
    let taken: std::collections::HashSet<String> = repo::slugs_like(conn, project.org_id, &base)
        .await?
        .into_iter()
        .collect();
    for n in 1..=MAX_CANDIDATES {
        let candidate = if n == 1 {
            base.clone()
        } else {
            slug::with_suffix(&base, n)
        };
        if taken.contains(&candidate) || slug::looks_like_id(&candidate) {
            continue;
        }
        project.slug = candidate;
        if repo::insert(conn, project).await? {
            return Ok(());
        }
    }
    Err(ProjectError::SlugTaken.into())
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    key: &ProjectKey,
    req: &UpdateProjectRequest,
    if_match: &IfMatch,
) -> Result<Project, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    if let Some(name) = &req.name {
        validate::org_name(name, &mut errors);
    }
    if let Some(s) = &req.slug {
        validate::org_slug(s.trim(), &mut errors);
    }
    if let Some(d) = &req.description {
        validate::description(d, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    let current = visible(&mut tx, &view, actor.user_id, key).await?;
    require(&view, Capability::ManageProjects)?;
    if_match.check(current.version)?;
    let mut next = current.clone();
    if let Some(name) = &req.name {
        next.name = validate::clean(name);
    }
    if let Some(s) = &req.slug {
        s.trim().clone_into(&mut next.slug);
    }
    if let Some(d) = &req.description {
        next.description = optional(Some(d));
    }
    let changes = Changes::default()
        .field("name", &current.name, &next.name)
        .field("slug", &current.slug, &next.slug)
        .field("description", &current.description, &next.description);
    if changes.is_empty() {
        return Ok(current);
    }
    if next.slug != current.slug
        && repo::find(&mut tx, view.org.id, &ProjectKey::Slug(next.slug.clone()))
            .await?
            .is_some()
    {
        return Err(ProjectError::SlugTaken.into());
    }
    if !repo::update(&mut tx, &next, current.version, now).await? {
        return Err(AppError::VersionConflict {
            current: current.version + 1,
        });
    }
    Entry::project(view.org.id, AuditAction::ProjectUpdated, current.id)
        .details(changes.into_details())
        .write(&mut tx, actor, now)
        .await?;
    let updated = repo::find(&mut tx, view.org.id, &ProjectKey::Id(current.id))
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(updated)
}

/// Deletes a project for good; `confirm` must be its slug.
pub async fn delete(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    key: &ProjectKey,
    confirm: &str,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    let project = visible(&mut tx, &view, actor.user_id, key).await?;
    require(&view, Capability::ManageProjects)?;
    if confirm.trim() != project.slug {
        return Err(ProjectError::ConfirmationMismatch.into());
    }
    repo::delete(&mut tx, view.org.id, project.id).await?;
    Entry::project(view.org.id, AuditAction::ProjectDeleted, project.id)
        .details(json!({ "name": project.name, "slug": project.slug }))
        .write(&mut tx, actor, now_ms())
        .await?;
    tx.commit().await?;
    Ok(())
}
