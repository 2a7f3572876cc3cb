//! Inviting: owners and admins invite by email (all or none), see pending invitations,
//! revoke and resend them. Seats are members plus pending, unexpired invitations. Every
//! message sent (invitations and resends) counts against the inviter's and the org's daily
//! invitation mail ([`quota`]).

use lettre::Address;
use orgdesk_model::audit::AuditAction;
use orgdesk_model::invitation::{
    CreateInvitationsRequest, Invitation, IssuedInvitation, IssuedInvitations, MAX_EMAILS, TTL_DAYS,
};
use orgdesk_model::page::PageQuery;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::{validate, Capability, FieldError, InvitationId, OrgId, Page, ProjectId, Role};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::account;
use crate::auth::Actor;
use crate::auth::AuthError;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::http::cursor::PageRequest;
use crate::invitations::email::Invite;
use crate::invitations::error::InvitationError;
use crate::invitations::quota;
use crate::invitations::repo::{self, ListKey, NewInvitation};
use crate::invitations::token;
use crate::mail::Mailer;
use crate::membership::{self, require_team, rows, MemberView, OrgKey};
use crate::projects;

pub const TTL_MS: i64 = TTL_DAYS * 24 * 60 * 60 * 1000;

fn invalid(field: &str, message: String) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.to_owned(),
        message,
    }])
}

/// Normalized, de-duplicated, valid addresses; 422 naming the first bad one.
fn checked_emails(raw: &[String]) -> Result<Vec<(String, Address)>, AppError> {
    if raw.is_empty() || raw.len() > MAX_EMAILS {
        return Err(invalid(
            "emails",
            format!("Enter 1 to {MAX_EMAILS} email addresses."),
        ));
    }
    let mut out: Vec<(String, Address)> = Vec::new();
    for email in raw {
        let mut errors = Vec::new();
        validate::email(email, &mut errors);
        let normalized = validate::normalize_email(email);
        let address = normalized
            .parse::<Address>()
            .ok()
            .filter(|_| errors.is_empty());
        let Some(address) = address else {
            return Err(invalid(
                "emails",
                format!(
                    "\"{}\" is not an email address like name@example.com.",
                    email.trim()
                ),
            ));
        };
        if !out.iter().any(|(e, _)| *e == normalized) {
            out.push((normalized, address));
        }
    }
    Ok(out)
}

/// The scope an invitation carries: `None` for all projects.
pub(crate) async fn checked_scope(
    conn: &mut AnyConnection,
    org: OrgId,
    role: Role,
    scope: &ProjectScope,
) -> Result<Option<Vec<ProjectId>>, AppError> {
    match (role, scope) {
        (_, ProjectScope::All) => Ok(None),
        (Role::Member, ProjectScope::Projects { ids }) => {
            let mut ids = ids.clone();
            ids.sort();
            ids.dedup();
            if projects::service::existing(conn, org, &ids).await?.len() != ids.len() {
                return Err(invalid(
                    "project_scope",
                    "Pick projects of this organization.".to_owned(),
                ));
            }
            Ok(Some(ids))
        }
        _ => Err(invalid(
            "project_scope",
            "Only members can be limited to projects.".to_owned(),
        )),
    }
}

/// Fails with 409 `seat_limit_reached` unless `more` seats are free.
pub(crate) async fn check_seats(
    conn: &mut AnyConnection,
    view: &MemberView,
    more: i64,
    now: i64,
) -> Result<(), AppError> {
    let seats = view.org.plan.limits().seats;
    let used =
        rows::count(conn, view.org.id).await? + repo::pending_count(conn, view.org.id, now).await?;
    if used + more > i64::from(seats) {
        return Err(InvitationError::SeatLimit { seats }.into());
    }
    Ok(())
}

async fn is_member(conn: &mut AnyConnection, org: OrgId, email: &str) -> Result<bool, AppError> {
    match account::id_by_email(conn, email).await? {
        Some(user) => Ok(rows::find(conn, org, user).await?.is_some()),
        None => Ok(false),
    }
}

/// Pending invitations of `org` that still hold a seat (not past their expiry).
pub async fn pending_count(
    conn: &mut AnyConnection,
    org: OrgId,
    now: i64,
) -> Result<i64, AppError> {
    Ok(repo::pending_count(conn, org, now).await?)
}

pub async fn create(
    db: &Db,
    mailer: &Mailer,
    actor: &Actor,
    org: &OrgKey,
    req: &CreateInvitationsRequest,
) -> Result<IssuedInvitations, AppError> {
    let emails = checked_emails(&req.emails)?;
    if req.role == Role::Owner {
        return Err(invalid(
            "role",
            "Invite as admin or member; ownership moves only by transfer.".to_owned(),
        ));
    }
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::ManageInvitations)?;
    let org_id = view.org.id;
    let scope = checked_scope(&mut tx, org_id, req.role, &req.project_scope).await?;
    for (email, _) in &emails {
        if is_member(&mut tx, org_id, email).await? {
            return Err(InvitationError::AlreadyMember(email.clone()).into());
        }
        if let Some(pending) = repo::pending_for(&mut tx, org_id, email).await? {
            if pending.expires_at > now {
                return Err(InvitationError::Pending(email.clone()).into());
            }
            // Past its expiry: it frees the way for the new one.
            repo::finish(&mut tx, pending.id()?, "expired", now).await?;
        }
    }
    check_seats(
        &mut tx,
        &view,
        i64::try_from(emails.len()).unwrap_or(i64::MAX),
        now,
    )
    .await?;
    quota::reserve(
        &mut tx,
        actor.user_id,
        org_id,
        view.org.plan,
        emails.len(),
        now,
    )
    .await?;
    let (inviter, _) = account::profile(&mut tx, actor.user_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let mut issued = Vec::with_capacity(emails.len());
    for (email, address) in &emails {
        let id = InvitationId::new();
        let minted = token::mint();
        let expires_at = now + TTL_MS;
        let new = NewInvitation {
            id,
            org: org_id,
            email,
            role: req.role,
            scope: scope.as_deref(),
            token_hash: &minted.hash,
            invited_by: actor.user_id,
            expires_at,
        };
        repo::insert(&mut tx, &new, now).await?;
        let invite = Invite {
            org: org_id,
            org_name: &view.org.name,
            inviter: &inviter.display_name,
            role: req.role,
            expires_at,
            token: &minted.token,
        };
        invite.enqueue(mailer, &mut tx, address).await?;
        Entry::new(org_id, AuditAction::InvitationCreated, id)
            .details(json!({ "email": email, "role": req.role, "project_scope": scope }))
            .write(&mut tx, actor, now)
            .await?;
        let stored = repo::find_in_org(&mut tx, org_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        issued.push(IssuedInvitation {
            invitation: stored.into_wire(&mut tx, now).await?,
            link: token::link(&minted.token),
        });
    }
    tx.commit().await?;
    mailer.wake();
    Ok(IssuedInvitations {
        invitations: issued,
    })
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    query: &PageQuery,
) -> Result<Page<Invitation>, AppError> {
    let page: PageRequest<ListKey> = PageRequest::parse(query.cursor.as_deref(), query.limit)?;
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, org, actor.user_id).await?;
    require_team(&view, Capability::ManageInvitations)?;
    let rows = repo::list_pending(&mut conn, view.org.id, now_ms(), &page).await?;
    Ok(page.page(rows))
}

pub async fn revoke(
    db: &Db,
    actor: &Actor,
    org: &OrgKey,
    id: InvitationId,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::ManageInvitations)?;
    let stored = repo::find_in_org(&mut tx, view.org.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !repo::finish(&mut tx, id, "revoked", now).await? {
        return Err(InvitationError::NothingToRevoke {
            status: stored.status,
        }
        .into());
    }
    Entry::new(view.org.id, AuditAction::InvitationRevoked, id)
        .details(json!({ "email": stored.email }))
        .write(&mut tx, actor, now)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A new token and expiry for a pending or expired invitation, mailed again; the old
/// token stops working. An invitation past its expiry needs a free seat again.
pub async fn resend(
    db: &Db,
    mailer: &Mailer,
    actor: &Actor,
    org: &OrgKey,
    id: InvitationId,
) -> Result<IssuedInvitation, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = membership::lock_for_member(&mut tx, org, actor.user_id).await?;
    require_team(&view, Capability::ManageInvitations)?;
    let org_id = view.org.id;
    let stored = repo::find_in_org(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let live = stored.status == "pending" && stored.expires_at > now;
    if !live {
        if !matches!(stored.status.as_str(), "pending" | "expired") {
            return Err(InvitationError::NotResendable {
                status: stored.status,
            }
            .into());
        }
        if is_member(&mut tx, org_id, &stored.email).await? {
            return Err(InvitationError::AlreadyMember(stored.email.clone()).into());
        }
        let other = repo::pending_for(&mut tx, org_id, &stored.email).await?;
        if other.is_some_and(|o| o.id != stored.id) {
            return Err(InvitationError::Pending(stored.email.clone()).into());
        }
        check_seats(&mut tx, &view, 1, now).await?;
    }
    quota::reserve(&mut tx, actor.user_id, org_id, view.org.plan, 1, now).await?;
    let minted = token::mint();
    let expires_at = now + TTL_MS;
    repo::renew(&mut tx, id, &minted.hash, expires_at, now).await?;
    let (inviter, _) = account::profile(&mut tx, actor.user_id)
        .await?
        .ok_or(AuthError::Unauthenticated)?;
    let address: Address = stored
        .email
        .parse()
        .map_err(|_| AppError::CorruptRow("invitation email"))?;
    let invite = Invite {
        org: org_id,
        org_name: &view.org.name,
        inviter: &inviter.display_name,
        role: stored.role()?,
        expires_at,
        token: &minted.token,
    };
    invite.enqueue(mailer, &mut tx, &address).await?;
    Entry::new(org_id, AuditAction::InvitationResent, id)
        .details(json!({ "email": stored.email }))
        .write(&mut tx, actor, now)
        .await?;
    let renewed = repo::find_in_org(&mut tx, org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let invitation = renewed.into_wire(&mut tx, now).await?;
    tx.commit().await?;
    mailer.wake();
    Ok(IssuedInvitation {
        invitation,
        link: token::link(&minted.token),
    })
}
