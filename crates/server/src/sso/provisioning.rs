//! What an SSO sign-in the provider vouched for does, in one transaction with the org's
//! row locked (so the last seat goes to one person): the account is the one this
//! provider subject signed in as before (`sso_identities`), else the one with the email,
//! else a new one (its email verified by the provider, its password random and unknown:
//! it may set one with the reset flow); the membership is the existing one, else, when
//! the connection creates members, a new one with the default role and project scope
//! within the plan's seats; the identity is recorded; `member.provisioned` and
//! `member.signed_in_with_sso` are audited with the issuer and subject. Any refusal
//! leaves nothing behind.
//!
//! The email must be verified by the provider and its domain among the connection's
//! allowed domains, or, when that list is empty, among the org's verified domains. An
//! existing account whose email was never verified is not taken over by a provider that
//! knows the address: its owner verifies it (or resets its password) first.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use orgdesk_model::audit::AuditAction;
use orgdesk_model::project::ProjectScope;
use orgdesk_model::sso::email_domain;
use orgdesk_model::{validate, OrgId, ProjectId, UserId};
use serde_json::json;
use sqlx::AnyConnection;

use crate::audit::Entry;
use crate::auth::{account, password, Actor, Client};
use crate::db::{lock_org, now_ms};
use crate::error::AppError;
use crate::membership::rows;
use crate::membership::view::plan_of;
use crate::orgs;
use crate::sso::connection::Stored;
use crate::state::AppState;

/// Who the provider says signed in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    /// Normalized.
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// Why a sign-in is refused: a sentence for the person, or a failure of ours.
#[derive(Debug)]
pub enum Refusal {
    Told(String),
    App(AppError),
}

impl From<AppError> for Refusal {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(error: sqlx::Error) -> Self {
        Self::App(error.into())
    }
}

fn told(sentence: impl Into<String>) -> Refusal {
    Refusal::Told(sentence.into())
}

/// Signs `identity` into `org` (see the module): on success the flow `flow_id` names the
/// account, for its redemption.
pub async fn sign_in(
    state: &AppState,
    org: OrgId,
    stored: &Stored,
    identity: &Identity,
    flow_id: &str,
    client: &Client,
) -> Result<(), Refusal> {
    if !identity.email_verified {
        return Err(told(format!(
            "The provider has not verified {}: it cannot sign in.",
            identity.email
        )));
    }
    let domain = email_domain(&identity.email).ok_or_else(|| told("The email has no domain."))?;
    let allowed = stored.allowed_domains()?;
    let in_domains = if allowed.is_empty() {
        let mut conn = state.db.pool().acquire().await?;
        verified_domain(&mut conn, org, &domain).await?
    } else {
        allowed.contains(&domain)
    };
    if !in_domains {
        return Err(told(format!(
            "Emails of {domain} may not sign in to this organization by its single sign-on."
        )));
    }
    // A new account's unusable password is hashed before the transaction (behind the
    // CPU gate), and only when no account may exist.
    let exists = {
        let mut conn = state.db.pool().acquire().await?;
        identity_user(&mut conn, org, identity).await?.is_some()
            || account::id_by_email(&mut conn, &identity.email)
                .await?
                .is_some()
    };
    let new_hash = if exists {
        None
    } else {
        let mut random = [0_u8; 32];
        OsRng.fill_bytes(&mut random);
        Some(password::hash(&state.cpu, URL_SAFE_NO_PAD.encode(random)).await?)
    };
    let now = now_ms();
    let mut tx = state.db.write().await?;
    lock_org(&mut tx, org).await?;
    let pending: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT deletion_purge_at FROM orgs WHERE id = $1")
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
    if !matches!(pending, Some((None,))) {
        return Err(told("This organization is scheduled for deletion."));
    }
    let user = account_for(&mut tx, org, identity, new_hash.as_deref(), now).await?;
    let actor = Actor {
        user_id: user,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    };
    if rows::find(&mut tx, org, user).await?.is_none() {
        join(&mut tx, org, stored, identity, &actor, now).await?;
    }
    sqlx::query(
        "INSERT INTO sso_identities (org_id, issuer, subject, user_id, created_at, \
         last_signed_in) VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (org_id, issuer, subject) DO UPDATE SET last_signed_in = $5",
    )
    .bind(org.to_string())
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .bind(user.to_string())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Entry::new(org, AuditAction::MemberSignedInWithSso, user)
        .details(json!({
            "email": identity.email,
            "issuer": identity.issuer,
            "subject": identity.subject,
        }))
        .write(&mut tx, &actor, now)
        .await?;
    sqlx::query("UPDATE sso_flows SET user_id = $1 WHERE id = $2")
        .bind(user.to_string())
        .bind(flow_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether `domain` is one of `org`'s verified domains.
async fn verified_domain(
    conn: &mut AnyConnection,
    org: OrgId,
    domain: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM org_domains WHERE org_id = $1 AND domain = $2 \
         AND verified_at IS NOT NULL",
    )
    .bind(org.to_string())
    .bind(domain)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// The account this provider subject signed in as before in `org`.
async fn identity_user(
    conn: &mut AnyConnection,
    org: OrgId,
    identity: &Identity,
) -> Result<Option<UserId>, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT user_id FROM sso_identities WHERE org_id = $1 AND issuer = $2 AND subject = $3",
    )
    .bind(org.to_string())
    .bind(&identity.issuer)
    .bind(&identity.subject)
    .fetch_optional(conn)
    .await?;
    row.map(|(id,)| id.parse().map_err(|_| AppError::CorruptRow("user id")))
        .transpose()
}

/// The account signing in: by identity, by email (verified only), or a new one.
async fn account_for(
    conn: &mut AnyConnection,
    org: OrgId,
    identity: &Identity,
    new_hash: Option<&str>,
    now: i64,
) -> Result<UserId, Refusal> {
    if let Some(user) = identity_user(conn, org, identity).await? {
        return Ok(user);
    }
    if let Some(user) = account::id_by_email(conn, &identity.email).await? {
        let verified = account::email_state(conn, user)
            .await?
            .is_some_and(|state| state.verified);
        if !verified {
            return Err(told(
                "An Orgdesk account holds this email without having verified it: verify it, \
                 or reset its password, then sign in again.",
            ));
        }
        return Ok(user);
    }
    let hash = new_hash.ok_or_else(|| told("The account changed meanwhile: sign in again."))?;
    let name = identity
        .name
        .as_deref()
        .map(validate::clean)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| identity.email.split('@').next().unwrap_or("").to_owned());
    let name: String = name.chars().take(validate::DISPLAY_NAME_MAX).collect();
    let user = account::insert(conn, &identity.email, &name, hash, now)
        .await?
        .ok_or_else(|| told("The account changed meanwhile: sign in again."))?;
    orgs::service::create_personal(conn, user, now).await?;
    account::mark_verified(conn, user, &identity.email, now).await?;
    Ok(user)
}

/// Makes the account a member with the connection's defaults (when it creates members
/// and a seat is free); audited as `member.provisioned`.
async fn join(
    conn: &mut AnyConnection,
    org: OrgId,
    stored: &Stored,
    identity: &Identity,
    actor: &Actor,
    now: i64,
) -> Result<(), Refusal> {
    if stored.create_members != 1 {
        return Err(told(
            "You are not a member of this organization: ask an admin to invite you.",
        ));
    }
    let seats = plan_of(conn, org).await?.limits().seats;
    if rows::count(conn, org).await? + 1 > i64::from(seats) {
        return Err(told(format!(
            "The organization has no free seat (its plan allows {seats}): ask an admin."
        )));
    }
    let role = stored.default_role()?;
    let scope = match stored.default_scope()? {
        ProjectScope::All => None,
        ProjectScope::Projects { ids } => Some(existing_projects(conn, org, ids).await?),
    };
    rows::insert(conn, org, actor.user_id, role, scope.as_deref(), now).await?;
    Entry::new(org, AuditAction::MemberProvisioned, actor.user_id)
        .details(json!({
            "email": identity.email,
            "role": role,
            "project_scope": scope.filter(|_| role == orgdesk_model::Role::Member),
            "issuer": identity.issuer,
            "subject": identity.subject,
        }))
        .write(conn, actor, now)
        .await?;
    Ok(())
}

/// The projects of `ids` that still exist in `org` (one may have been deleted since the
/// connection was saved).
async fn existing_projects(
    conn: &mut AnyConnection,
    org: OrgId,
    ids: Vec<ProjectId>,
) -> Result<Vec<ProjectId>, AppError> {
    let mut kept = Vec::new();
    for id in ids {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM projects WHERE org_id = $1 AND id = $2")
                .bind(org.to_string())
                .bind(id.to_string())
                .fetch_optional(&mut *conn)
                .await?;
        if row.is_some() {
            kept.push(id);
        }
    }
    Ok(kept)
}
