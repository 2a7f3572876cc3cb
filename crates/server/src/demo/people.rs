//! The people around the demo agency, so it looks like one: client contacts in the orgs
//! the demo account owns, two client orgs owned by their clients where the demo account is
//! an admin and a member, invitations still waiting, and a project long archived.
//! Idempotent like the rest of the seed.

use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::{InvitationId, OrgId, Role, UserId};

use crate::auth::{account, Actor};
use crate::cpu::Gate;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::invitations::repo::{self as invitations, NewInvitation};
use crate::invitations::service::TTL_MS;
use crate::invitations::token;
use crate::membership::view::holder;
use crate::membership::{rows, OrgKey};
use crate::orgs::service;
use crate::projects;
use crate::projects::lifecycle::{self, Transition};
use crate::projects::ProjectKey;
use crate::signup::{create_account, mark_seeded_verified, NewAccount};

use super::DEMO_PASSWORD;

/// A person: (email, name).
type Person = (&'static str, &'static str);

/// Client contacts in orgs the demo account owns: (org slug, person, role).
const CONTACTS: [(&str, Person, Role); 4] = [
    (
        "cafe-zurich",
        ("sofia@cafe-zurich.example", "Sofia Keller"),
        Role::Admin,
    ),
    (
        "cafe-zurich",
        ("marco@cafe-zurich.example", "Marco Bianchi"),
        Role::Member,
    ),
    (
        "harbor-pine-legal",
        ("tom@harborpine.example", "Tom Harbor"),
        Role::Member,
    ),
    (
        "kestrel-robotics",
        ("ines@kestrel-robotics.example", "Inés Ortega"),
        Role::Admin,
    ),
];

/// Orgs owned by a client, where the demo account works: (name, slug, description, owner,
/// the demo account's role).
const HOSTED: [(&str, &str, &str, Person, Role); 2] = [
    (
        "Alder & Finch Architects",
        "alder-finch",
        "Architecture practice; project portal run with their in-house team.",
        ("noah@alderfinch.example", "Noah Alder"),
        Role::Admin,
    ),
    (
        "Solstice Health",
        "solstice-health",
        "Physiotherapy clinics; we maintain their booking site.",
        ("priya@solstice.example", "Priya Raman"),
        Role::Member,
    ),
];

/// Invitations still waiting: (org slug, email, role).
const WAITING: [(&str, &str, Role); 3] = [
    ("northwind-studio", "sam@northwind.example", Role::Member),
    ("cafe-zurich", "accounts@cafe-zurich.example", Role::Member),
    (
        "kestrel-robotics",
        "cto@kestrel-robotics.example",
        Role::Admin,
    ),
];

pub async fn seed(db: &Db, gate: &Gate, demo: UserId) -> Result<(), AppError> {
    for (slug, person, role) in CONTACTS {
        if let Some(org) = org_of(db, slug).await? {
            let contact = person_id(db, gate, person).await?;
            join(db, org, contact, role).await?;
        }
    }
    for (name, slug, description, owner, role) in HOSTED {
        if org_of(db, slug).await?.is_some() {
            continue;
        }
        let owner = person_id(db, gate, owner).await?;
        let request = CreateOrgRequest {
            name: name.to_owned(),
            slug: Some(slug.to_owned()),
            description: Some(description.to_owned()),
            website: None,
        };
        let org = service::create(db, &Actor::internal(owner), &request)
            .await?
            .org
            .id;
        projects_of_a_client(db, owner, org).await?;
        join(db, org, demo, role).await?;
    }
    for (slug, email, role) in WAITING {
        if let Some(org) = org_of(db, slug).await? {
            invite(db, org, demo, email, role).await?;
        }
    }
    Ok(())
}

async fn org_of(db: &Db, slug: &str) -> Result<Option<OrgId>, AppError> {
    let mut conn = db.pool().acquire().await?;
    holder(&mut conn, slug).await
}

/// The person's account, created (and counted as verified) if new.
async fn person_id(db: &Db, gate: &Gate, (email, name): Person) -> Result<UserId, AppError> {
    let existing = {
        let mut conn = db.pool().acquire().await?;
        account::id_by_email(&mut conn, email).await?
    };
    let id = match existing {
        Some(id) => id,
        None => {
            let account = NewAccount {
                email: email.to_owned(),
                display_name: name.to_owned(),
                password: DEMO_PASSWORD.to_owned(),
            };
            create_account(db, gate, account).await?
        }
    };
    mark_seeded_verified(db, id, email).await?;
    Ok(id)
}

/// Makes `user` a member of `org` with `role`, unless they are one already.
async fn join(db: &Db, org: OrgId, user: UserId, role: Role) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    let (already,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.to_string())
            .bind(user.to_string())
            .fetch_one(&mut *tx)
            .await?;
    if already == 0 {
        rows::insert(&mut tx, org, user, role, None, now_ms()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A client's own projects: one active, one archived last season.
async fn projects_of_a_client(db: &Db, owner: UserId, org: OrgId) -> Result<(), AppError> {
    let actor = Actor::internal(owner);
    let key = OrgKey::Id(org);
    for (name, archived) in [("Client portal", false), ("2025 campaign", true)] {
        let request = CreateProjectRequest {
            name: name.to_owned(),
            ..CreateProjectRequest::default()
        };
        let project = projects::service::create(db, &actor, &key, &request).await?;
        if archived {
            let project = ProjectKey::Id(project.id);
            lifecycle::apply(db, &actor, &key, &project, Transition::Archive).await?;
        }
    }
    Ok(())
}

/// A pending invitation from the demo account, unless one is already waiting for `email`.
/// Nobody holds its link (a resend mails a new one).
async fn invite(db: &Db, org: OrgId, by: UserId, email: &str, role: Role) -> Result<(), AppError> {
    let now = now_ms();
    let mut tx = db.write().await?;
    if invitations::pending_for(&mut tx, org, email)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let minted = token::mint();
    let new = NewInvitation {
        id: InvitationId::new(),
        org,
        email,
        role,
        scope: None,
        token_hash: &minted.hash,
        invited_by: by,
        expires_at: now + TTL_MS,
    };
    invitations::insert(&mut tx, &new, now).await?;
    tx.commit().await?;
    Ok(())
}
