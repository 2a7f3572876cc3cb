//! The organization rules: who sees what, creation within plan capacity, slugs that keep
//! resolving after a rename, optimistic concurrency on updates, deletion.

use orgdesk_model::org::{CreateOrgRequest, Membership, OrgKind, OrgOverview, UpdateOrgRequest};
use orgdesk_model::page::PageQuery;
use orgdesk_model::role::{allows_in, capabilities};
use orgdesk_model::{slug, validate, Capability, OrgId, Page, Plan, Role, UserId};

use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::http::cursor;
use crate::http::precondition::IfMatch;
use crate::orgs::repo::{self, ListKey, MemberView, NewOrg, OrgKey, Settings};
use crate::orgs::slugs;

pub fn membership(view: MemberView) -> Membership {
    let capabilities = capabilities(view.org.kind, view.role);
    Membership {
        org: view.org,
        role: view.role,
        capabilities,
    }
}

/// Fails with 403 unless `role` may do `capability` in this org.
pub fn require(view: &MemberView, capability: Capability) -> Result<(), AppError> {
    if allows_in(view.org.kind, view.role, capability) {
        Ok(())
    } else {
        Err(AppError::Forbidden(capability))
    }
}

/// The org as `user` sees it; 404 when it does not exist or `user` is not a member.
pub async fn find(db: &Db, user: UserId, key: &OrgKey) -> Result<MemberView, AppError> {
    let mut conn = db.pool().acquire().await?;
    repo::find_for_member(&mut conn, key, user)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn get(db: &Db, user: UserId, key: &OrgKey) -> Result<Membership, AppError> {
    Ok(membership(find(db, user, key).await?))
}

pub async fn list(db: &Db, user: UserId, query: &PageQuery) -> Result<Page<Membership>, AppError> {
    let after: Option<ListKey> = query.cursor.as_deref().map(cursor::decode).transpose()?;
    let limit = i64::from(query.limit());
    let mut conn = db.pool().acquire().await?;
    let mut rows = repo::list_for_member(&mut conn, user, after.as_ref(), limit + 1).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next_cursor = if more {
        rows.last().map(|last| cursor::encode(&last.sort_key))
    } else {
        None
    };
    Ok(Page {
        items: rows.into_iter().map(membership).collect(),
        next_cursor,
    })
}

/// Trimmed optional text: blank means "none".
fn optional(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

pub async fn create(db: &Db, user: UserId, req: &CreateOrgRequest) -> Result<Membership, AppError> {
    let name = req.name.trim();
    let explicit_slug = optional(req.slug.as_ref());
    let description = optional(req.description.as_ref());
    let website = optional(req.website.as_ref());
    let mut errors = Vec::new();
    validate::org_name(&req.name, &mut errors);
    if let Some(s) = &explicit_slug {
        validate::org_slug(s, &mut errors);
    }
    validate::description(description.as_deref().unwrap_or_default(), &mut errors);
    validate::website(website.as_deref().unwrap_or_default(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = now_ms();
    let id = OrgId::new();
    let mut tx = db.write().await?;
    let limit = repo::lock_personal_plan(&mut tx, user)
        .await?
        .limits()
        .owned_orgs;
    if repo::owned_org_count(&mut tx, user).await? >= i64::from(limit) {
        return Err(AppError::OwnedOrgLimit { limit });
    }
    let slug = match explicit_slug {
        Some(s) if slugs::reserve(&mut tx, &s, id, now).await? => s,
        Some(_) => return Err(AppError::SlugTaken),
        None => slugs::reserve_generated(&mut tx, &slug::generate(name), id, now).await?,
    };
    let org = NewOrg {
        id,
        kind: OrgKind::Organization,
        personal_user: None,
        slug: &slug,
        name,
        description: description.as_deref(),
        website: website.as_deref(),
        plan: Plan::Free,
    };
    repo::insert(&mut tx, &org, now).await?;
    repo::insert_membership(&mut tx, id, user, Role::Owner, now).await?;
    let view = repo::find_for_member(&mut tx, &OrgKey::Id(id), user)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(membership(view))
}

pub async fn update(
    db: &Db,
    user: UserId,
    key: &OrgKey,
    req: &UpdateOrgRequest,
    if_match: &IfMatch,
) -> Result<Membership, AppError> {
    let mut errors = Vec::new();
    if let Some(name) = &req.name {
        validate::org_name(name, &mut errors);
    }
    if let Some(s) = &req.slug {
        validate::org_slug(s.trim(), &mut errors);
    }
    if let Some(d) = &req.description {
        validate::description(d, &mut errors);
    }
    if let Some(w) = &req.website {
        validate::website(w, &mut errors);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = now_ms();
    let mut tx = db.write().await?;
    let view = repo::find_for_member(&mut tx, key, user)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&view, Capability::EditSettings)?;
    if_match.check(view.org.version)?;
    let current = &view.org;
    let name = req.name.as_deref().map_or(current.name.as_str(), str::trim);
    let slug = req.slug.as_deref().map_or(current.slug.as_str(), str::trim);
    let description = match &req.description {
        Some(d) => optional(Some(d)),
        None => current.description.clone(),
    };
    let website = match &req.website {
        Some(w) => optional(Some(w)),
        None => current.website.clone(),
    };
    let unchanged = name == current.name
        && slug == current.slug
        && description == current.description
        && website == current.website;
    if unchanged {
        return Ok(membership(view));
    }
    if slug != current.slug {
        match slugs::holder(&mut tx, slug).await? {
            Some(holder) if holder == current.id => {}
            Some(_) => return Err(AppError::SlugTaken),
            None if slugs::reserve(&mut tx, slug, current.id, now).await? => {}
            None => return Err(AppError::SlugTaken),
        }
    }
    let settings = Settings {
        name,
        slug,
        description: description.as_deref(),
        website: website.as_deref(),
    };
    if !repo::update_settings(&mut tx, current.id, current.version, &settings, now).await? {
        // Changed by a concurrent writer since we read it (PostgreSQL only: SQLite writers
        // queue): report the version that is current now.
        let latest = repo::find_for_member(&mut tx, key, user)
            .await?
            .ok_or(AppError::NotFound)?;
        return Err(AppError::VersionConflict {
            current: latest.org.version,
        });
    }
    let updated = repo::find_for_member(&mut tx, &OrgKey::Id(current.id), user)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(membership(updated))
}

/// Deletes an org and everything in it. Personal contexts live as long as their account.
pub async fn delete(
    db: &Db,
    user: UserId,
    key: &OrgKey,
    if_match: &IfMatch,
) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let view = repo::find_for_member(&mut tx, key, user)
        .await?
        .ok_or(AppError::NotFound)?;
    if view.org.kind == OrgKind::Personal {
        return Err(AppError::PersonalContext);
    }
    require(&view, Capability::DeleteOrg)?;
    if_match.check(view.org.version)?;
    repo::delete(&mut tx, view.org.id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn overview(db: &Db, user: UserId, key: &OrgKey) -> Result<OrgOverview, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = repo::find_for_member(&mut conn, key, user)
        .await?
        .ok_or(AppError::NotFound)?;
    require(&view, Capability::ViewOrg)?;
    let member_count = repo::member_count(&mut conn, view.org.id).await?;
    let limits = view.org.plan.limits();
    Ok(OrgOverview {
        org: view.org,
        role: view.role,
        member_count,
        limits,
    })
}
