//! The organization rules: who sees what, creation within plan capacity, slugs that keep
//! resolving after a rename, optimistic concurrency on updates, deletion.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::org::{CreateOrgRequest, Membership, OrgKind, OrgOverview, UpdateOrgRequest};
use orgdesk_model::page::PageQuery;
use orgdesk_model::{slug, validate, Capability, OrgId, Page, Plan, Role, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::{Changes, Entry};
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::http::precondition::IfMatch;
use crate::membership::view::{find_for_member, holder};
use crate::membership::{self, require, rows, OrgKey, Reader};
use crate::orgs::error::OrgError;
use crate::orgs::repo::{self, ListKey, NewOrg, Settings};
use crate::orgs::slugs;
use crate::{invitations, ledger, projects};

/// The org as `reader` may see it, with the role and what the reader may do there. Its
/// `sso_required` stays `false`: a session the org's "require SSO" refuses never gets
/// here ([`crate::sso::enforcement`] answers 403 first).
pub async fn get(db: &Db, reader: &Reader, key: &OrgKey) -> Result<Membership, AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(membership::reading(&mut conn, key, reader)
        .await?
        .into_membership())
}

/// The caller's orgs; `sso_required` marks those that refuse this session (their
/// "require SSO" applies to the account, and `session_sso_org` — the org whose SSO started
/// the session, if any — is another).
pub async fn list(
    db: &Db,
    user: UserId,
    session_sso_org: Option<OrgId>,
    query: &PageQuery,
) -> Result<Page<Membership>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let rows = repo::list_for_member(&mut conn, user, &page).await?;
    let requiring = membership::sso_required::orgs_of(&mut conn, user).await?;
    let rows = rows
        .into_iter()
        .map(|(view, key)| {
            let mut membership = view.into_membership();
            membership.sso_required = requiring.contains(&membership.org.id)
                && session_sso_org != Some(membership.org.id);
            (membership, key)
        })
        .collect();
    Ok(page.page(rows))
}

/// Writes a new org with its one owner and its billing account (balance 0), in the
/// caller's transaction.
async fn insert_owned(
    conn: &mut AnyConnection,
    org: &NewOrg<'_>,
    now: i64,
) -> Result<(), AppError> {
    repo::insert(conn, org, now).await?;
    ledger::open_account(conn, org.id, now).await?;
    rows::insert(conn, org.id, org.owner, Role::Owner, None, now).await?;
    Ok(())
}

/// The personal context every account gets at sign-up, in the sign-up's transaction: on
/// the free plan, owned by the account, with a random `personal-<8 hex>` slug.
pub async fn create_personal(
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
    insert_owned(conn, &org, now).await?;
    Ok(id)
}

/// How many organizations (not personal contexts) `user` owns.
pub async fn owned_org_count(conn: &mut AnyConnection, user: UserId) -> Result<i64, AppError> {
    Ok(rows::owned_org_count(conn, user).await?)
}

/// The names of the organizations (not personal contexts) `user` owns.
pub async fn owned_org_names(
    conn: &mut AnyConnection,
    user: UserId,
) -> Result<Vec<String>, AppError> {
    Ok(repo::owned_org_names(conn, user).await?)
}

/// Puts the org on `plan` (the billing rules decide whether it may), as a new version.
pub async fn set_plan(
    conn: &mut AnyConnection,
    org: OrgId,
    plan: Plan,
    now: i64,
) -> Result<(), AppError> {
    Ok(repo::set_plan(conn, org, plan, now).await?)
}

/// Optional text in its stored form ([`validate::clean`]): blank means "none".
fn optional(value: Option<&String>) -> Option<String> {
    value.map(|v| validate::clean(v)).filter(|v| !v.is_empty())
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    req: &CreateOrgRequest,
) -> Result<Membership, AppError> {
    let user = actor.user_id;
    let name = validate::clean(&req.name);
    let name = name.as_str();
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
    let limit = rows::lock_personal_plan(&mut tx, user)
        .await?
        .limits()
        .owned_orgs;
    if rows::owned_org_count(&mut tx, user).await? >= i64::from(limit) {
        return Err(OrgError::OwnedOrgLimit { limit }.into());
    }
    let slug = match explicit_slug {
        Some(s) if slugs::reserve(&mut tx, &s, id, now).await? => s,
        Some(_) => return Err(OrgError::SlugTaken.into()),
        None => slugs::reserve_generated(&mut tx, &slug::generate(name), id, now).await?,
    };
    let org = NewOrg {
        id,
        kind: OrgKind::Organization,
        personal_user: None,
        owner: user,
        slug: &slug,
        name,
        description: description.as_deref(),
        website: website.as_deref(),
        plan: Plan::Free,
    };
    insert_owned(&mut tx, &org, now).await?;
    Entry::org(id, AuditAction::OrgCreated)
        .details(json!({ "name": name, "slug": slug }))
        .write(&mut tx, actor, now)
        .await?;
    let view = membership::find(&mut tx, &OrgKey::Id(id), user).await?;
    tx.commit().await?;
    Ok(view.into_membership())
}

pub async fn update(
    db: &Db,
    actor: &Actor,
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

    let user = actor.user_id;
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, key, user).await?;
    require(&view, Capability::EditSettings)?;
    if_match.check(view.org.version)?;
    let current = &view.org;
    let cleaned_name = req.name.as_deref().map(validate::clean);
    let name = cleaned_name.as_deref().unwrap_or(current.name.as_str());
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
        return Ok(view.into_membership());
    }
    if slug != current.slug {
        match holder(&mut tx, slug).await? {
            Some(holder) if holder == current.id => {}
            Some(_) => return Err(OrgError::SlugTaken.into()),
            None if slugs::reserve(&mut tx, slug, current.id, now).await? => {}
            None => return Err(OrgError::SlugTaken.into()),
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
        let latest = find_for_member(&mut tx, key, user)
            .await?
            .ok_or(AppError::NotFound)?;
        return Err(AppError::VersionConflict {
            current: latest.org.version,
        });
    }
    let changes = Changes::default()
        .field("name", current.name.as_str(), name)
        .field("slug", current.slug.as_str(), slug)
        .field(
            "description",
            current.description.as_deref(),
            description.as_deref(),
        )
        .field("website", current.website.as_deref(), website.as_deref());
    Entry::org(current.id, AuditAction::OrgUpdated)
        .details(changes.into_details())
        .write(&mut tx, actor, now)
        .await?;
    let updated = membership::find(&mut tx, &OrgKey::Id(current.id), user).await?;
    tx.commit().await?;
    Ok(updated.into_membership())
}

/// The overview: counts of projects (only those in a scoped member's scope), members,
/// pending invitations and seats in use, with the plan's limits.
pub async fn overview(db: &Db, reader: &Reader, key: &OrgKey) -> Result<OrgOverview, AppError> {
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, key, reader).await?;
    reading.require(Capability::ViewOrg)?;
    let org = reading.org_id();
    let scope = reading.scope(&mut conn).await?;
    let project_counts = projects::service::counts(&mut conn, org, scope.as_deref()).await?;
    let member_count = rows::count(&mut conn, org).await?;
    // Pending invitations are for those who manage them (SPEC "Roles"), never for keys.
    let pending_invitations = if reading.allows(Capability::ManageInvitations) {
        Some(invitations::service::pending_count(&mut conn, org, now_ms()).await?)
    } else {
        None
    };
    let view = reading.view;
    let limits = view.org.plan.limits();
    Ok(OrgOverview {
        org: view.org,
        role: view.role,
        member_count,
        projects: project_counts,
        pending_invitations,
        seats_used: pending_invitations.map(|pending| member_count + pending),
        limits,
    })
}
