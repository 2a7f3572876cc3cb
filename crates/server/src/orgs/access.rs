//! Who may reach an org, and how: every org-scoped route starts here. A non-member gets
//! exactly what a missing org gets (404); a member whose role lacks the capability gets
//! 403; people-management in a personal context gets 409.

use orgdesk_model::org::OrgKind;
use orgdesk_model::role::allows_in;
use orgdesk_model::{Capability, UserId};
use sqlx::AnyConnection;

use crate::db::lock_org;
use crate::error::AppError;
use crate::orgs::repo::{self, MemberView, OrgKey};

/// The org as `user` sees it, for reading.
pub async fn find(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    repo::find_for_member(conn, key, user)
        .await?
        .ok_or(AppError::NotFound)
}

/// The org as `user` sees it, with its row locked for the rest of the transaction, so
/// that concurrent changes to its members, seats and projects happen one after the other.
/// The membership is read after the lock is taken, so it is the current one.
pub async fn lock_for_member(
    conn: &mut AnyConnection,
    key: &OrgKey,
    user: UserId,
) -> Result<MemberView, AppError> {
    let id = repo::resolve(conn, key).await?.ok_or(AppError::NotFound)?;
    lock_org(conn, id).await?;
    find(conn, &OrgKey::Id(id), user).await
}

/// Fails with 403 unless the caller's role may do `capability` in this org.
pub fn require(view: &MemberView, capability: Capability) -> Result<(), AppError> {
    if allows_in(view.org.kind, view.role, capability) {
        Ok(())
    } else {
        Err(AppError::Forbidden(capability))
    }
}

/// Like [`require`], for what needs other people (members, invitations, leaving,
/// transfers): a personal context answers 409 `personal_context` first.
pub fn require_team(view: &MemberView, capability: Capability) -> Result<(), AppError> {
    if view.org.kind == OrgKind::Personal {
        return Err(AppError::PersonalContext);
    }
    require(view, capability)
}
