//! The signed-in account's display name and password, and deleting the account.

use orgdesk_model::account::{ChangePasswordRequest, DeleteAccountRequest, UpdateProfileRequest};
use orgdesk_model::audit::AuditAction;
use orgdesk_model::security::SecurityEvent;
use orgdesk_model::validate;
use serde_json::json;

use crate::accounts::error::AccountError;
use crate::accounts::{checked, erasure, passwords};
use crate::audit::Entry;
use crate::auth::session::{self, SessionRecord};
use crate::auth::tokens::{self, Purpose};
use crate::auth::{account, events, password, Actor, AuthError, Client};
use crate::cpu::Gate;
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::membership::rows;
use crate::orgs;

/// Renames the account; every org lists and finds it by the new name at once.
pub async fn rename(
    db: &Db,
    current: &SessionRecord,
    client: &Client,
    req: &UpdateProfileRequest,
) -> Result<(), AppError> {
    checked(validate::display_name, &req.display_name, "display_name")?;
    let name = req.display_name.trim();
    let user = current.user_id;
    let now = now_ms();
    let mut tx = db.write().await?;
    let (before, _) = account::profile(&mut tx, user)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    if before.display_name != name {
        account::set_display_name(&mut tx, user, name).await?;
        rows::refresh_person(&mut tx, user).await?;
        let details = json!({ "old": before.display_name, "new": name });
        events::record(
            &mut tx,
            user,
            SecurityEvent::DisplayNameChanged,
            client,
            details,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Changes the password (the current one confirms it); every other session of the account
/// ends, and a reset link still waiting stops working.
pub async fn change_password(
    db: &Db,
    gate: &Gate,
    current: &SessionRecord,
    client: &Client,
    req: &ChangePasswordRequest,
) -> Result<(), AppError> {
    let user = current.user_id;
    {
        let mut conn = db.pool().acquire().await?;
        passwords::check_new(&mut conn, user, &req.new_password, "new_password").await?;
    }
    passwords::confirm_current(db, gate, user, &req.current_password, "current_password").await?;
    let hash = password::hash(gate, req.new_password.clone()).await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    account::set_password_hash(&mut tx, user, &hash).await?;
    let ended = session::revoke_all_except(&mut tx, user, Some(current.id)).await?;
    tokens::forget(&mut tx, user, &[Purpose::PasswordReset]).await?;
    let details = json!({ "other_sessions_ended": ended });
    events::record(
        &mut tx,
        user,
        SecurityEvent::PasswordChanged,
        client,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the account with its personal context, once the password confirms it. Refused,
/// naming them, while it owns organizations. Each org it was a member of records that it
/// left; the person's data leaves those orgs' audit logs ([`erasure`]).
pub async fn delete(
    db: &Db,
    gate: &Gate,
    actor: &Actor,
    req: &DeleteAccountRequest,
) -> Result<(), AppError> {
    let user = actor.user_id;
    {
        let mut conn = db.pool().acquire().await?;
        refuse_while_owner(&mut conn, user).await?;
    }
    passwords::confirm_current(db, gate, user, &req.password, "password").await?;
    let now = now_ms();
    let mut tx = db.write().await?;
    refuse_while_owner(&mut tx, user).await?;
    let (me, _) = account::profile(&mut tx, user)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    for (org, role) in rows::team_memberships(&mut tx, user).await? {
        // The membership ends and the person's keys are revoked ([`erasure`]) under each
        // org's lock, in org order, as every change to members and keys is: a debit by one
        // of their keys holds it in share mode from its checks to its commit.
        lock_org(&mut tx, org).await?;
        let details = json!({ "role": role, "account_deleted": true });
        Entry::new(org, AuditAction::MemberLeft, user)
            .details(details)
            .write(&mut tx, actor, now)
            .await?;
    }
    erasure::erase(&mut tx, user, &me.email, &me.display_name, now).await?;
    account::delete(&mut tx, user).await?;
    tx.commit().await?;
    Ok(())
}

async fn refuse_while_owner(
    conn: &mut sqlx::AnyConnection,
    user: orgdesk_model::UserId,
) -> Result<(), AppError> {
    let names = orgs::service::owned_org_names(conn, user).await?;
    if names.is_empty() {
        Ok(())
    } else {
        Err(AccountError::OwnsOrganizations { names }.into())
    }
}
