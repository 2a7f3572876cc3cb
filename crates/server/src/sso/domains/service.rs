//! The rules of domain claims: who may (owners and admins, never in a personal context,
//! changes refused while the org is scheduled for deletion), at most
//! [`MAX_DOMAINS`] per org, one org at most with a domain verified, and the audit event of
//! every change, written in its transaction.
//!
//! A verification looks the record up before its transaction (no lock is held while the
//! DNS answers), then records the outcome under the org's lock: the record held the token
//! (verified; 409 `domain_taken` if another org was quicker), or a definitive "no" (422
//! `domain_not_verified`, saying what was found, and a verified domain stops being one).
//! A lookup without a definitive answer changes nothing (503 `dns_unavailable`).

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::audit::AuditAction;
use orgdesk_model::sso::{
    normalize_domain, ClaimDomainRequest, OrgDomain, OrgDomainList, MAX_DOMAINS,
};
use orgdesk_model::{Capability, FieldError, OrgId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::Actor;
use crate::db::{now_ms, Db};
use crate::dns::Dns;
use crate::error::AppError;
use crate::membership::{self, view::refuse_if_pending, MemberView, OrgKey};
use crate::sso::domains::check::{self, record_name, record_value, Outcome};
use crate::sso::domains::error::DomainClaimError;
use crate::sso::domains::repo::{self, Claim};

/// Random bytes in a verification token (128 bits).
const TOKEN_BYTES: usize = 16;

/// A claim as the service answers it: the domain, and whether this request made it.
pub struct Claimed {
    pub domain: OrgDomain,
    pub created: bool,
}

/// The domain in a route's path: normalized, or 404 (no claim can have another form).
fn path_domain(raw: &str) -> Result<String, AppError> {
    normalize_domain(raw).ok_or(AppError::NotFound)
}

fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The org, locked, for a change by someone who may manage its security.
async fn lock_manager(
    conn: &mut AnyConnection,
    actor: &Actor,
    key: &OrgKey,
) -> Result<MemberView, AppError> {
    let view = membership::lock_for_member(conn, key, actor.user_id).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    Ok(view)
}

async fn audit(
    conn: &mut AnyConnection,
    org: OrgId,
    action: AuditAction,
    domain: &str,
    reason: Option<&str>,
    actor: Option<&Actor>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let details = match reason {
        Some(reason) => json!({ "domain": domain, "reason": reason }),
        None => json!({ "domain": domain }),
    };
    Entry::org(org, action)
        .details(details)
        .write_by(conn, actor, now)
        .await
}

/// The org's claimed domains (owners and admins).
pub async fn list(
    db: &Db,
    user: orgdesk_model::UserId,
    key: &OrgKey,
) -> Result<OrgDomainList, AppError> {
    let mut conn = db.pool().acquire().await?;
    let view = membership::find(&mut conn, key, user).await?;
    membership::require_team(&view, Capability::ManageSecurity)?;
    let items = repo::list(&mut conn, view.org.id)
        .await?
        .into_iter()
        .map(Claim::into_wire)
        .collect();
    Ok(OrgDomainList { items })
}

/// Claims a domain for the org, with a fresh token; claiming one the org has already
/// claimed answers that claim (`created: false`).
pub async fn claim(
    db: &Db,
    actor: &Actor,
    key: &OrgKey,
    req: &ClaimDomainRequest,
) -> Result<Claimed, AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = lock_manager(&mut tx, actor, key).await?;
    let org = view.org.id;
    let domain = normalize_domain(&req.domain).ok_or_else(|| {
        AppError::Validation(vec![FieldError {
            field: "domain".to_owned(),
            message: "Enter a domain name such as example.com: letters, digits and \
                      hyphens, at least two labels."
                .to_owned(),
        }])
    })?;
    if let Some(existing) = repo::find(&mut tx, org, &domain).await? {
        return Ok(Claimed {
            domain: existing.into_wire(),
            created: false,
        });
    }
    if repo::verified_elsewhere(&mut tx, org, &domain).await? {
        return Err(DomainClaimError::Taken(domain).into());
    }
    if repo::count(&mut tx, org).await? >= i64::try_from(MAX_DOMAINS).unwrap_or(i64::MAX) {
        return Err(DomainClaimError::TooMany.into());
    }
    repo::insert(&mut tx, org, &domain, &new_token(), now).await?;
    audit(
        &mut tx,
        org,
        AuditAction::OrgDomainClaimed,
        &domain,
        None,
        Some(actor),
        now,
    )
    .await?;
    let claim = repo::find(&mut tx, org, &domain)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(Claimed {
        domain: claim.into_wire(),
        created: true,
    })
}

/// Looks the domain's record up and records what it says.
pub async fn verify(
    db: &Db,
    dns: &Dns,
    actor: &Actor,
    key: &OrgKey,
    raw_domain: &str,
) -> Result<OrgDomain, AppError> {
    let domain = path_domain(raw_domain)?;
    let claim = {
        let mut conn = db.pool().acquire().await?;
        let view = membership::find(&mut conn, key, actor.user_id).await?;
        membership::require_team(&view, Capability::ManageSecurity)?;
        refuse_if_pending(&mut conn, view.org.id).await?;
        repo::find(&mut conn, view.org.id, &domain)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let answer = dns
        .txt(&record_name(&domain))
        .await
        .map_err(DomainClaimError::Dns)?;
    let outcome = check::outcome(&domain, &claim.token, &answer);
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = lock_manager(&mut tx, actor, key).await?;
    let org = view.org.id;
    let claim = repo::find(&mut tx, org, &domain)
        .await?
        .ok_or(AppError::NotFound)?;
    match outcome {
        Outcome::Holds => {
            if repo::verified_elsewhere(&mut tx, org, &domain).await? {
                return Err(DomainClaimError::Taken(domain).into());
            }
            match repo::mark_verified(&mut tx, org, &domain, now).await {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(DomainClaimError::Taken(domain).into());
                }
                other => other?,
            }
            if claim.verified_at.is_none() {
                let action = AuditAction::OrgDomainVerified;
                audit(&mut tx, org, action, &domain, None, Some(actor), now).await?;
            }
            let verified = repo::find(&mut tx, org, &domain)
                .await?
                .ok_or(AppError::NotFound)?;
            tx.commit().await?;
            Ok(verified.into_wire())
        }
        Outcome::Missing(found) => {
            if repo::mark_missing(&mut tx, org, &domain, now).await? {
                let action = AuditAction::OrgDomainUnverified;
                audit(
                    &mut tx,
                    org,
                    action,
                    &domain,
                    Some(&found),
                    Some(actor),
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            Err(DomainClaimError::NotVerified {
                found,
                record_name: record_name(&domain),
                record_value: record_value(&claim.token),
            }
            .into())
        }
    }
}

/// Withdraws a claim (verified or not).
pub async fn remove(
    db: &Db,
    actor: &Actor,
    key: &OrgKey,
    raw_domain: &str,
) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    let view = lock_manager(&mut tx, actor, key).await?;
    let org = view.org.id;
    let domain = path_domain(raw_domain)?;
    if !repo::delete(&mut tx, org, &domain).await? {
        return Err(AppError::NotFound);
    }
    audit(
        &mut tx,
        org,
        AuditAction::OrgDomainRemoved,
        &domain,
        None,
        Some(actor),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
