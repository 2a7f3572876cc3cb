//! Deleting an org on purpose, with a way back: the owner schedules it (typing its slug,
//! with their password and, where the account has it, a two-factor code), and the org is
//! read-only for [`GRACE_MS`] — every change answers 409 `org_pending_deletion`
//! ([`crate::membership::lock_for_member`]), its API keys stop working, its webhooks stop
//! — while the owner may cancel. After it, [`crate::lifecycle::purge`] deletes it for good.
//! Every member is told by mail when it is scheduled and when it is cancelled.

use lettre::Address;
use orgdesk_model::audit::AuditAction;
use orgdesk_model::org::{Membership, OrgKind, ScheduleDeletionRequest};
use orgdesk_model::two_factor::TwoFactorProof;
use orgdesk_model::{Capability, FieldError, OrgId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::accounts::passwords;
use crate::audit::Entry;
use crate::auth::actor::Client;
use crate::auth::two_factor;
use crate::auth::Actor;
use crate::db::{now_ms, to_datetime};
use crate::error::AppError;
use crate::invitations::email::inert;
use crate::lifecycle::purge;
use crate::mail::Outgoing;
use crate::membership::view::lock_even_pending;
use crate::membership::{self, require, AccessError, OrgKey};
use crate::orgs::error::OrgError;
use crate::state::AppState;

/// How long a scheduled org stays, read-only, before it is deleted for good: 30 days.
pub const GRACE_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// Schedules the org's deletion. Checked in order: the org (404 to non-members), the
/// personal context (409), the owner (403), already scheduled (409 `invalid_state`), the
/// typed slug (422 on `confirm_slug`), the password (422), the two-factor code where the
/// account has it on (422 on `code`, or `invalid_two_factor_code`), a paid subscription
/// still running (409 `invalid_state`: move to Free first).
pub async fn schedule(
    state: &AppState,
    actor: &Actor,
    client: &Client,
    key: &OrgKey,
    req: &ScheduleDeletionRequest,
) -> Result<Membership, AppError> {
    let user = actor.user_id;
    {
        let mut conn = state.db.pool().acquire().await?;
        let view = membership::find(&mut conn, key, user).await?;
        allowed(&view, req)?;
    }
    passwords::confirm_current(&state.db, &state.cpu, user, &req.password, "password").await?;
    let proof = TwoFactorProof {
        code: req.code.clone(),
        recovery_code: req.recovery_code.clone(),
    };
    let (mut tx, now) = two_factor::service::proven_if_enabled(state, user, &proof, client).await?;
    let view = lock_even_pending(&mut tx, key, user).await?;
    allowed(&view, req)?;
    let org = view.org.id;
    if paying(&mut tx, org).await? {
        return Err(OrgError::StillSubscribed.into());
    }
    let purge_at = now.saturating_add(GRACE_MS);
    // Written first, so the org's webhooks still deliver this one event.
    Entry::org(org, AuditAction::OrgDeletionScheduled)
        .details(json!({ "purge_at": to_datetime(purge_at) }))
        .write(&mut tx, actor, now)
        .await?;
    sqlx::query(
        "UPDATE orgs SET deletion_scheduled_at = $1, deletion_purge_at = $2, \
         deletion_scheduled_by = $3, version = version + 1, updated_at = $1 WHERE id = $4",
    )
    .bind(now)
    .bind(purge_at)
    .bind(user.to_string())
    .bind(org.to_string())
    .execute(&mut *tx)
    .await?;
    let notice = Notice::Scheduled { purge_at };
    tell_members(&mut tx, state, org, &view.org.name, &notice).await?;
    let updated = membership::find(&mut tx, &OrgKey::Id(org), user).await?;
    tx.commit().await?;
    state.mail.wake();
    tracing::info!(%org, actor = %user, purge_at, "org scheduled for deletion");
    Ok(updated.into_membership())
}

/// The owner takes the deletion back: the org is as it was, writable again.
pub async fn cancel(state: &AppState, actor: &Actor, key: &OrgKey) -> Result<Membership, AppError> {
    let user = actor.user_id;
    let now = now_ms();
    let mut tx = state.db.write().await?;
    let view = lock_even_pending(&mut tx, key, user).await?;
    require(&view, Capability::DeleteOrg)?;
    if view.org.pending_deletion.is_none() {
        return Err(OrgError::NotScheduled.into());
    }
    let org = view.org.id;
    if purge::has_tombstone(&mut tx, org).await? {
        return Err(OrgError::BeingDeleted.into());
    }
    sqlx::query(
        "UPDATE orgs SET deletion_scheduled_at = NULL, deletion_purge_at = NULL, \
         deletion_scheduled_by = NULL, version = version + 1, updated_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(org.to_string())
    .execute(&mut *tx)
    .await?;
    Entry::org(org, AuditAction::OrgDeletionCancelled)
        .details(json!({}))
        .write(&mut tx, actor, now)
        .await?;
    tell_members(&mut tx, state, org, &view.org.name, &Notice::Cancelled).await?;
    let updated = membership::find(&mut tx, &OrgKey::Id(org), user).await?;
    tx.commit().await?;
    state.mail.wake();
    tracing::info!(%org, actor = %user, "org deletion cancelled");
    Ok(updated.into_membership())
}

/// What may be scheduled, before any secret is checked.
fn allowed(view: &membership::MemberView, req: &ScheduleDeletionRequest) -> Result<(), AppError> {
    if view.org.kind == OrgKind::Personal {
        return Err(AccessError::PersonalContext.into());
    }
    require(view, Capability::DeleteOrg)?;
    if view.org.pending_deletion.is_some() {
        return Err(OrgError::AlreadyScheduled.into());
    }
    if req.confirm_slug.trim() != view.org.slug {
        return Err(AppError::Validation(vec![FieldError {
            field: "confirm_slug".to_owned(),
            message: format!("Type {} exactly to confirm.", view.org.slug),
        }]));
    }
    Ok(())
}

/// Whether the org has a paid plan's subscription that Stripe may still charge: it must
/// end (Billing → Plan → Free) before the org can go, or it would be charged for nothing.
async fn paying(conn: &mut AnyConnection, org: OrgId) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT status FROM subscriptions WHERE org_id = $1 AND status <> 'canceled'",
    )
    .bind(org.to_string())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

enum Notice {
    Scheduled { purge_at: i64 },
    Cancelled,
}

impl Notice {
    fn subject(&self) -> &'static str {
        match self {
            Self::Scheduled { .. } => "An organization you belong to is scheduled for deletion",
            Self::Cancelled => "An organization's deletion was cancelled",
        }
    }

    fn text(&self, org_name: &str) -> String {
        let org = inert(org_name);
        match self {
            Self::Scheduled { purge_at } => {
                let when = to_datetime(*purge_at).format("%Y-%m-%d %H:%M UTC");
                format!(
                    "Hello,\n\n\
                     The owner of {org} scheduled it for deletion. Until {when} it is \
                     read-only: you can still see and export what is in it, but nothing \
                     can be changed, its API keys no longer work and its webhooks are \
                     paused. The owner can cancel the deletion until then.\n\n\
                     On {when} the organization and everything in it are deleted for \
                     good.\n\n\
                     You get this message as a member of {org}.\n"
                )
            }
            Self::Cancelled => format!(
                "Hello,\n\n\
                 The owner of {org} cancelled its deletion. It works as before.\n\n\
                 You get this message as a member of {org}.\n"
            ),
        }
    }
}

/// Mails every member of `org` (in the change's transaction; wake the mailer after it).
async fn tell_members(
    conn: &mut AnyConnection,
    state: &AppState,
    org: OrgId,
    org_name: &str,
    notice: &Notice,
) -> Result<(), AppError> {
    let emails: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 ORDER BY u.email",
    )
    .bind(org.to_string())
    .fetch_all(&mut *conn)
    .await?;
    let text = notice.text(org_name);
    for (email,) in emails {
        let Ok(to) = email.parse::<Address>() else {
            tracing::warn!(%org, "a member's email address does not parse; not mailed");
            continue;
        };
        let mail = Outgoing {
            to: &to,
            subject: notice.subject(),
            text: &text,
        };
        state.mail.enqueue(conn, &mail).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_says_when_and_what_still_works() {
        let text = Notice::Scheduled {
            purge_at: 1_790_000_000_000,
        }
        .text("Acme Ltd");
        assert!(text.contains("2026-09-21 14:13 UTC"), "{text}");
        assert!(text.contains("Acme Ltd is scheduled") || text.contains("of Acme Ltd"));
        assert!(text.contains("read-only"));
        assert!(text.contains("cancel"));
    }
}
