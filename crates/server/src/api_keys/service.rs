//! The API key rules: owners and admins manage every key of the org, for any project or
//! none; a member manages only keys they created, each limited to one project of their
//! scope. Keys a member cannot manage do not exist for them (404).

use orgdesk_model::api_key::{ApiKey, CreateApiKeyRequest, CreatedApiKey};
use orgdesk_model::audit::AuditAction;
use orgdesk_model::page::PageQuery;
use orgdesk_model::role::allows_in;
use orgdesk_model::validate::{self, Lines};
use orgdesk_model::{ApiKeyId, Capability, FieldError, Page, Role, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::api_keys::repo::{self, ListKey, NewKey};
use crate::audit::Entry;
use crate::auth::api_key::{self, scope_str};
use crate::auth::Actor;
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::membership::rows::scope_of;
use crate::membership::AccessError;
use crate::membership::{self, require, MemberView, OrgKey};
use crate::projects::{self, ProjectKey};

/// At most this many characters in a key's name.
const NAME_MAX: usize = validate::NAME_MAX;

/// Whether the caller manages every key of the org (owners and admins).
fn manages_all(view: &MemberView) -> bool {
    allows_in(view.org.kind, view.role, Capability::ManageApiKeys)
}

pub async fn list(
    db: &Db,
    user: UserId,
    org: &OrgKey,
    query: &PageQuery,
) -> Result<Page<ApiKey>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, user).await?;
    require(&view, Capability::ViewOrg)?;
    let creator = (!manages_all(&view)).then_some(user);
    let rows = repo::list(&mut conn, view.org.id, creator, &page).await?;
    Ok(page.page(rows))
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }])
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    req: &CreateApiKeyRequest,
) -> Result<CreatedApiKey, AppError> {
    let name = validate::clean(&req.name);
    let name = name.as_str();
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        errors.push(FieldError {
            field: "name".to_owned(),
            message: format!("Give the key a name of 1 to {NAME_MAX} characters."),
        });
    }
    validate::plain_text("name", name, Lines::One, &mut errors);
    let now = now_ms();
    let expiry = req.expiry().unwrap_or_else(|unreadable| {
        errors.push(FieldError {
            field: "expires_at".to_owned(),
            message: unreadable.to_owned(),
        });
        None
    });
    let expires_at = expiry.map(|at| at.timestamp_millis());
    if expires_at.is_some_and(|at| at <= now) {
        errors.push(FieldError {
            field: "expires_at".to_owned(),
            message: "Pick an expiry in the future, or none.".to_owned(),
        });
    }
    let mut scopes = req.scopes.clone();
    scopes.sort_by_key(|s| scope_str(*s));
    scopes.dedup();
    if scopes.is_empty() {
        errors.push(FieldError {
            field: "scopes".to_owned(),
            message: "Pick at least one scope.".to_owned(),
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ViewOrg)?;
    if !manages_all(&view) && req.project_id.is_none() {
        return Err(invalid(
            "project_id",
            "Members create keys for one of their projects: pick one.",
        ));
    }
    if let Some(project) = req.project_id {
        let key = ProjectKey::Id(project);
        if projects::service::find_in(&mut tx, view.org.id, &key)
            .await?
            .is_none()
        {
            return Err(invalid(
                "project_id",
                "There is no such project in this organization.",
            ));
        }
        if view.role == Role::Member {
            let scope = scope_of(&mut tx, &view, actor.user_id).await?;
            if scope.is_some_and(|ids| !ids.contains(&project)) {
                return Err(AccessError::Forbidden(Capability::ManageApiKeys).into());
            }
        }
    }
    let made = api_key::generate();
    let id = ApiKeyId::new();
    let new = NewKey {
        id,
        org: view.org.id,
        project: req.project_id,
        name,
        prefix: &made.prefix,
        hash: &made.hash,
        scopes: &scopes,
        created_by: actor.user_id,
        expires_at,
    };
    repo::insert(&mut tx, &new, now).await?;
    let scope_names: Vec<&str> = scopes.iter().map(|s| scope_str(*s)).collect();
    Entry::new(view.org.id, AuditAction::ApiKeyCreated, id)
        .details(json!({
            "name": name,
            "prefix": made.prefix,
            "project_id": req.project_id,
            "scopes": scope_names,
            "expires_at": expiry,
        }))
        .write(&mut tx, actor, now)
        .await?;
    let key = repo::find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(CreatedApiKey {
        key,
        secret: made.secret,
    })
}

/// Revokes a key (owners and admins: any; members: their own). Revoking a revoked key
/// changes nothing.
pub async fn revoke(db: &Db, actor: &Actor, org: &OrgKey, id: ApiKeyId) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require(&view, Capability::ViewOrg)?;
    let key = repo::find(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = key
        .created_by
        .as_ref()
        .is_some_and(|c| c.id == actor.user_id);
    if !manages_all(&view) && !own {
        return Err(AppError::NotFound);
    }
    if repo::revoke(&mut tx, view.org.id, id, now).await? {
        Entry::new(view.org.id, AuditAction::ApiKeyRevoked, id)
            .details(json!({ "name": key.name, "prefix": key.prefix }))
            .write(&mut tx, actor, now)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Revokes every live key the actor created, in every org, each with an audit event
/// giving `reason` (a password reset that took over an account whose email had never been
/// proved: its keys may be someone else's). Returns how many were revoked.
pub async fn revoke_all_made_by(
    conn: &mut AnyConnection,
    actor: &Actor,
    reason: &str,
    now: i64,
) -> Result<usize, AppError> {
    let keys = repo::live_made_by(conn, actor.user_id).await?;
    let mut revoked = 0;
    for (org, id, name, prefix) in keys {
        // Like every revocation, under the org's lock, which a debit holds in share mode:
        // none that read the key live commits after this (in org order: no deadlock).
        lock_org(conn, org).await?;
        if repo::revoke(conn, org, id, now).await? {
            Entry::new(org, AuditAction::ApiKeyRevoked, id)
                .details(json!({ "name": name, "prefix": prefix, "reason": reason }))
                .write(conn, actor, now)
                .await?;
            revoked += 1;
        }
    }
    Ok(revoked)
}
