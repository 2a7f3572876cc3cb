//! The member rules: anyone in the org may list (and an API key that reads, without
//! anyone's email); owners and admins change roles and scopes and remove members, never
//! the owner (ownership moves only by transfer).

use orgdesk_model::audit::AuditAction;
use orgdesk_model::member::{Member, MemberQuery, UpdateMemberRequest};
use orgdesk_model::project::ProjectScope;
use orgdesk_model::role::may_manage_member;
use orgdesk_model::{Capability, FieldError, ProjectId, Role, UserId};
use serde_json::json;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::members::error::MemberError;
use crate::members::list::{self, Filter, ListKey};
use crate::members::named::{self, Listed, NamedMember};
use crate::membership::rows;
use crate::membership::search::Search;
use crate::membership::AccessError;
use crate::membership::{self, require_team, OrgKey, Reader};
use crate::projects;

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }])
}

/// The member list as `reader` may see it: with emails for members; by name alone for a
/// key (see [`named`]).
pub async fn list(
    db: &Db,
    reader: &Reader,
    org: &OrgKey,
    query: &MemberQuery,
) -> Result<Listed, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let reading = membership::reading(&mut conn, org, reader).await?;
    reading.require_team(Capability::ViewOrg)?;
    let org = reading.org_id();
    let owner = rows::owner_of(&mut conn, org).await?;
    let filter = Filter {
        search: query.q.as_deref().and_then(Search::parse),
        role: query.role,
        user: None,
    };
    if reading.shows_contacts() {
        let found = list::page(&mut conn, org, owner, &filter, &page).await?;
        return Ok(Listed::WithContacts(page.page(found)));
    }
    let nameable = reading.nameable_projects(&mut conn).await?;
    let found = named::page(&mut conn, org, owner, &filter, &page).await?;
    let found = found
        .into_iter()
        .map(|(member, key)| (NamedMember::of(member, nameable.as_deref()), key))
        .collect();
    Ok(Listed::Named(page.page(found)))
}

/// The scope a request asks for, checked against the role it will go with: `None` for all
/// projects. Scope ids must be projects of this org.
async fn requested_scope(
    conn: &mut sqlx::AnyConnection,
    org: orgdesk_model::OrgId,
    role: Role,
    requested: &ProjectScope,
) -> Result<Option<Vec<ProjectId>>, AppError> {
    match (role, requested) {
        (_, ProjectScope::All) => Ok(None),
        (Role::Member, ProjectScope::Projects { ids }) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            let found = projects::service::existing(conn, org, &ids).await?;
            if found.len() != ids.len() {
                return Err(invalid(
                    "project_scope",
                    "Pick projects of this organization.",
                ));
            }
            Ok(Some(ids))
        }
        (_, ProjectScope::Projects { .. }) => Err(invalid(
            "project_scope",
            "Only members can be limited to projects; admins see them all.",
        )),
    }
}

fn scope_json(scope: Option<&[ProjectId]>) -> serde_json::Value {
    match scope {
        None => json!("all"),
        Some(ids) => json!(ids),
    }
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    target: UserId,
    req: &UpdateMemberRequest,
) -> Result<Member, AppError> {
    if req.role == Some(Role::Owner) {
        return Err(invalid(
            "role",
            "Ownership moves only by transfer: choose admin or member.",
        ));
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::ManageMembers)?;
    let org_id = view.org.id;
    let (old_role, old_scope) = rows::find(&mut tx, org_id, target)
        .await?
        .ok_or(AppError::NotFound)?;
    if old_role == Role::Owner {
        return Err(MemberError::OwnerProtected.into());
    }
    if !may_manage_member(view.role, old_role) {
        return Err(AccessError::Forbidden(Capability::ManageMembers).into());
    }
    let new_role = req.role.unwrap_or(old_role);
    let new_scope = match &req.project_scope {
        Some(requested) => requested_scope(&mut tx, org_id, new_role, requested).await?,
        None if new_role == Role::Member => old_scope.clone(),
        None => None,
    };
    rows::set_role_and_scope(&mut tx, org_id, target, new_role, new_scope.as_deref()).await?;
    if new_role != old_role {
        Entry::new(org_id, AuditAction::MemberRoleChanged, target)
            .details(json!({ "old": old_role, "new": new_role }))
            .write(&mut tx, actor, now)
            .await?;
    }
    if new_scope != old_scope {
        Entry::new(org_id, AuditAction::MemberScopeChanged, target)
            .details(json!({
                "old": scope_json(old_scope.as_deref()),
                "new": scope_json(new_scope.as_deref()),
            }))
            .write(&mut tx, actor, now)
            .await?;
    }
    let owner = rows::owner_of(&mut tx, org_id).await?;
    let member = list::one(&mut tx, org_id, owner, target)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(member)
}

pub async fn remove(db: &Db, actor: &Actor, org: &OrgKey, target: UserId) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::ManageMembers)?;
    let org_id = view.org.id;
    let owner = rows::owner_of(&mut tx, org_id).await?;
    let member = list::one(&mut tx, org_id, owner, target)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.role == Role::Owner {
        return Err(MemberError::OwnerProtected.into());
    }
    if !may_manage_member(view.role, member.role) {
        return Err(AccessError::Forbidden(Capability::ManageMembers).into());
    }
    rows::delete(&mut tx, org_id, target).await?;
    Entry::new(org_id, AuditAction::MemberRemoved, target)
        .details(json!({
            "email": member.user.email,
            "display_name": member.user.display_name,
            "role": member.role,
        }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}
