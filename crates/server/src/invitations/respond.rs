//! The invitee's side: the invitations waiting for me, looking one up by its token (or,
//! from my list, its id), accepting and declining. Accepting checks everything again
//! inside one transaction with the org's row locked, so the last seat goes to one person.
//!
//! Only an account that proved its email is shown invitations and may answer one by id:
//! anyone can sign up with any address, so the address alone proves nothing. The token
//! was mailed to the address, so answering by token needs no proof, and accepting by
//! token is the proof: it verifies the account.

use orgdesk_model::audit::AuditAction;
use orgdesk_model::invitation::{InvitationStatus, ReceivedInvitation};
use orgdesk_model::org::Membership;
use orgdesk_model::page::PageQuery;
use orgdesk_model::{Page, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::account::{self, EmailState};
use crate::auth::links::{self, Proof};
use crate::auth::{Actor, AuthError, Client};
use crate::db::{lock_org, now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::invitations::error::InvitationError;
use crate::invitations::received;
use crate::invitations::repo::{self, ListKey, Stored};
use crate::invitations::token::{mask_email, InvitationRef};
use crate::membership::view::plan_of;
use crate::membership::{self, rows, OrgKey};

async fn email_of(conn: &mut AnyConnection, user: UserId) -> Result<EmailState, AppError> {
    Ok(account::email_state(conn, user)
        .await?
        .ok_or(AuthError::Unauthenticated)?)
}

/// The invitation `by` names, as the account with `email` may act on it: 404 when unknown
/// (or, by id, addressed to someone else), 403 by id until the account verified its email,
/// 410 when no longer pending, 403 when the token is for another account.
async fn usable(
    conn: &mut AnyConnection,
    by: &InvitationRef,
    email: &EmailState,
    now: i64,
) -> Result<Stored, AppError> {
    let stored = repo::find(conn, by).await?.ok_or(AppError::NotFound)?;
    let by_id = matches!(by, InvitationRef::Id(_));
    if by_id && stored.email != email.email {
        return Err(AppError::NotFound);
    }
    if by_id && !email.verified {
        return Err(InvitationError::EmailNotVerified.into());
    }
    let email = email.email.as_str();
    if stored.status(now) != InvitationStatus::Pending {
        return Err(InvitationError::Expired.into());
    }
    if stored.email != email {
        return Err(InvitationError::ForAnotherAccount {
            masked_email: mask_email(&stored.email),
        }
        .into());
    }
    Ok(stored)
}

pub async fn mine(
    db: &Db,
    user: UserId,
    query: &PageQuery,
) -> Result<Page<ReceivedInvitation>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let email = email_of(&mut conn, user).await?;
    if !email.verified {
        return Ok(page.page(Vec::new()));
    }
    let rows = received::list(&mut conn, &email.email, now_ms(), &page).await?;
    Ok(page.page(rows))
}

pub async fn view(
    db: &Db,
    user: UserId,
    by: &InvitationRef,
) -> Result<ReceivedInvitation, AppError> {
    let mut conn = db.pool().acquire().await?;
    let email = email_of(&mut conn, user).await?;
    let stored = usable(&mut conn, by, &email, now_ms()).await?;
    received::one(&mut conn, stored.id()?)
        .await?
        .ok_or(AppError::NotFound)
}

/// Locks the org of the invitation `by` names (the caller then reads it under the lock).
async fn lock_org_of(conn: &mut AnyConnection, by: &InvitationRef) -> Result<(), AppError> {
    let found = repo::find(conn, by).await?.ok_or(AppError::NotFound)?;
    lock_org(conn, found.org()?).await?;
    Ok(())
}

pub async fn accept(db: &Db, actor: &Actor, by: &InvitationRef) -> Result<Membership, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let email = email_of(&mut tx, actor.user_id).await?;
    lock_org_of(&mut tx, by).await?;
    let stored = usable(&mut tx, by, &email, now).await?;
    let (id, org) = (stored.id()?, stored.org()?);
    membership::view::refuse_if_pending(&mut tx, org).await?;
    if rows::find(&mut tx, org, actor.user_id).await?.is_some() {
        return Err(InvitationError::AlreadyMember(String::new()).into());
    }
    let seats = plan_of(&mut tx, org).await?.limits().seats;
    if rows::count(&mut tx, org).await? + 1 > i64::from(seats) {
        return Err(InvitationError::SeatLimit { seats }.into());
    }
    let role = stored.role()?;
    let scope = if stored.project_scoped == 1 {
        Some(repo::scope(&mut tx, id).await?)
    } else {
        None
    };
    rows::insert(&mut tx, org, actor.user_id, role, scope.as_deref(), now).await?;
    if !repo::finish(&mut tx, id, "accepted", now).await? {
        return Err(InvitationError::Expired.into());
    }
    if matches!(by, InvitationRef::TokenHash(_)) {
        let client = Client::from(actor);
        let proof = Proof::InvitationLink;
        links::mark_verified(&mut tx, actor.user_id, &stored.email, proof, &client, now).await?;
    }
    Entry::new(org, AuditAction::InvitationAccepted, id)
        .details(json!({ "email": stored.email, "role": role, "user_id": actor.user_id }))
        .write(&mut tx, actor, now)
        .await?;
    // Read without the org's security policy: the invitee joined, and an org that requires
    // two-factor sign-in answers `mfa_required_by_org` on its routes until they turn it on.
    let view = membership::view::find_for_member(&mut tx, &OrgKey::Id(org), actor.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(view.into_membership())
}

pub async fn decline(db: &Db, actor: &Actor, by: &InvitationRef) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let email = email_of(&mut tx, actor.user_id).await?;
    lock_org_of(&mut tx, by).await?;
    let stored = usable(&mut tx, by, &email, now).await?;
    let (id, org) = (stored.id()?, stored.org()?);
    if !repo::finish(&mut tx, id, "declined", now).await? {
        return Err(InvitationError::Expired.into());
    }
    Entry::new(org, AuditAction::InvitationDeclined, id)
        .details(json!({ "email": stored.email }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}
