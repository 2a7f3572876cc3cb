//! Leaving an org, and moving its ownership. The database holds exactly one owner per org
//! (`orgs.owner_user_id`, referencing the owner's `admin` membership row), so a transfer is
//! one UPDATE after making sure the new owner's row is a plain `admin` row.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::member::TransferOwnershipRequest;
use orgdesk_model::org::{Membership, OrgKind};
use orgdesk_model::{Capability, FieldError, Role};
use serde_json::json;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::members::error::MemberError;
use crate::membership::rows;
use crate::membership::AccessError;
use crate::membership::{self, require, require_team, OrgKey};

/// The caller leaves the org. The owner cannot: they transfer ownership first.
pub async fn leave(db: &Db, actor: &Actor, org: &OrgKey) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    if view.org.kind == OrgKind::Personal {
        return Err(AccessError::PersonalContext.into());
    }
    if view.role == Role::Owner {
        return Err(MemberError::OwnerMustTransfer.into());
    }
    require(&view, Capability::LeaveOrg)?;
    rows::delete(&mut tx, view.org.id, actor.user_id).await?;
    Entry::new(view.org.id, AuditAction::MemberLeft, actor.user_id)
        .details(json!({ "role": view.role }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The owner hands the org to another member and becomes an admin; returns the caller's
/// new membership.
pub async fn transfer(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    req: &TransferOwnershipRequest,
) -> Result<Membership, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::TransferOwnership)?;
    let org_id = view.org.id;
    let not_a_member = || {
        AppError::Validation(vec![FieldError {
            field: "user_id".to_owned(),
            message: "Choose another member of this organization.".to_owned(),
        }])
    };
    if req.user_id == actor.user_id {
        return Err(not_a_member());
    }
    let (target_role, _) = rows::find(&mut tx, org_id, req.user_id)
        .await?
        .ok_or_else(not_a_member)?;
    // Owning this org must fit the new owner's plan, as creating one must (their personal
    // plan is locked, so a creation of theirs at the same time waits for this).
    let limit = rows::lock_personal_plan(&mut tx, req.user_id)
        .await?
        .limits()
        .owned_orgs;
    if rows::owned_org_count(&mut tx, req.user_id).await? >= i64::from(limit) {
        let name = rows::display_name(&mut tx, req.user_id).await?;
        return Err(MemberError::NewOwnerAtLimit { name, limit }.into());
    }
    // The new owner's row must be a plain admin row (no scope) before it is referenced.
    rows::set_role_and_scope(&mut tx, org_id, req.user_id, Role::Admin, None).await?;
    rows::set_owner(&mut tx, org_id, req.user_id, now).await?;
    Entry::org(org_id, AuditAction::OrgOwnershipTransferred)
        .details(json!({
            "from": actor.user_id,
            "to": req.user_id,
            "new_owner_previous_role": target_role,
        }))
        .write(&mut tx, actor, now)
        .await?;
    let view = membership::find(&mut tx, &OrgKey::Id(org_id), actor.user_id).await?;
    tx.commit().await?;
    Ok(view.into_membership())
}
