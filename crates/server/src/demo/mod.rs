//! The demo agency behind `--demo`: one account that works for several client orgs, with
//! projects (one suspended), colleagues (an admin and a member limited to one project)
//! and the audit log all that leaves. Seeding is idempotent: whatever already exists is
//! left as it is. Each client org also gets API keys, a low-balance threshold and about four
//! months of ledger history ([`billing`]); client contacts, orgs owned by clients where the
//! demo account is an admin or a member, pending invitations and an archived project come
//! from [`people`].

mod billing;
mod people;

use orgdesk_model::org::CreateOrgRequest;
use orgdesk_model::project::CreateProjectRequest;
use orgdesk_model::{OrgId, Plan, ProjectId, Role, UserId};

use crate::auth::account;
use crate::auth::Actor;
use crate::cpu::Gate;
use crate::db::Db;
use crate::error::AppError;
use crate::membership::view::holder;
use crate::membership::{rows, OrgKey};
use crate::orgs::{repo, service};
use crate::projects;
use crate::projects::lifecycle::{self, Transition};
use crate::projects::ProjectKey;
use crate::signup::{create_account, mark_seeded_verified, NewAccount};

pub const DEMO_EMAIL: &str = "demo@orgdesk.dev";
pub const DEMO_PASSWORD: &str = "orgdesk-demo-2026";

/// (name, slug, description, website)
const CLIENTS: [(&str, &str, &str, &str); 5] = [
    (
        "Northwind Studio",
        "northwind-studio",
        "Our own agency: design and development for independent brands.",
        "https://northwind.example",
    ),
    (
        "Café Zürich",
        "cafe-zurich",
        "Specialty coffee roaster with three shops and an online store.",
        "https://cafe-zurich.example",
    ),
    (
        "Harbor & Pine Legal",
        "harbor-pine-legal",
        "Boutique law firm; client portal and document automation.",
        "https://harborpine.example",
    ),
    (
        "Brightline Fitness",
        "brightline-fitness",
        "Chain of climbing gyms; booking app and member analytics.",
        "https://brightline.example",
    ),
    (
        "Kestrel Robotics",
        "kestrel-robotics",
        "Warehouse robotics start-up; developer docs and fleet dashboard.",
        "https://kestrel-robotics.example",
    ),
];

pub async fn seed(db: &Db, gate: &Gate) -> Result<(), AppError> {
    let existing = {
        let mut conn = db.pool().acquire().await?;
        account::id_by_email(&mut conn, DEMO_EMAIL).await?
    };
    let user = match existing {
        Some(user) => user,
        None => {
            let account = NewAccount {
                email: DEMO_EMAIL.to_owned(),
                display_name: "Dana Demo".to_owned(),
                password: DEMO_PASSWORD.to_owned(),
            };
            create_account(db, gate, account).await?
        }
    };
    mark_seeded_verified(db, user, DEMO_EMAIL).await?;
    // An agency owns more orgs than the free plan allows.
    {
        let mut tx = db.write().await?;
        repo::set_personal_plan(&mut tx, user, Plan::Team).await?;
        tx.commit().await?;
    }
    for (name, slug, description, website) in CLIENTS {
        let taken = {
            let mut conn = db.pool().acquire().await?;
            holder(&mut conn, slug).await?.is_some()
        };
        if taken {
            continue;
        }
        let request = CreateOrgRequest {
            name: name.to_owned(),
            slug: Some(slug.to_owned()),
            description: Some(description.to_owned()),
            website: Some(website.to_owned()),
        };
        let org = service::create(db, &Actor::internal(user), &request).await?;
        seed_team(db, gate, user, org.org.id, name).await?;
    }
    for (index, (_, slug, _, _)) in CLIENTS.iter().enumerate() {
        let org = {
            let mut conn = db.pool().acquire().await?;
            holder(&mut conn, slug).await?
        };
        if let Some(org) = org {
            billing::seed(db, user, org, index).await?;
        }
    }
    people::seed(db, gate, user).await?;
    // Seeded people count as verified, also when seeded before verification existed.
    for (email, _, _, _) in COLLEAGUES {
        let colleague = {
            let mut conn = db.pool().acquire().await?;
            account::id_by_email(&mut conn, email).await?
        };
        if let Some(colleague) = colleague {
            mark_seeded_verified(db, colleague, email).await?;
        }
    }
    tracing::info!(
        email = DEMO_EMAIL,
        orgs = CLIENTS.len(),
        "demo agency ready"
    );
    Ok(())
}

/// Colleagues of the demo account: (email, name, role, limited to the first project).
const COLLEAGUES: [(&str, &str, Role, bool); 3] = [
    ("mia@northwind.example", "Mia Okafor", Role::Admin, false),
    ("jonas@northwind.example", "Jonas Berg", Role::Member, false),
    ("lea@freelance.example", "Léa Moreau", Role::Member, true),
];

/// Projects, and for the agency's own org colleagues, in a freshly created org.
async fn seed_team(
    db: &Db,
    gate: &Gate,
    user: UserId,
    org: OrgId,
    name: &str,
) -> Result<(), AppError> {
    let actor = Actor::internal(user);
    let key = OrgKey::Id(org);
    let mut ids: Vec<ProjectId> = Vec::new();
    for project in ["Website", "Mobile app", "Brand refresh"] {
        let request = CreateProjectRequest {
            name: project.to_owned(),
            description: Some(format!("{project} for {name}.")),
            ..CreateProjectRequest::default()
        };
        ids.push(
            projects::service::create(db, &actor, &key, &request)
                .await?
                .id,
        );
    }
    let on_hold = ProjectKey::Id(ids[2]);
    let hold = Transition::suspend("On hold until the next budget is approved.")?;
    lifecycle::apply(db, &actor, &key, &on_hold, hold).await?;
    if name != CLIENTS[0].0 {
        return Ok(());
    }
    for (email, display_name, role, scoped) in COLLEAGUES {
        let existing = {
            let mut conn = db.pool().acquire().await?;
            account::id_by_email(&mut conn, email).await?
        };
        let colleague = match existing {
            Some(id) => id,
            None => {
                let account = NewAccount {
                    email: email.to_owned(),
                    display_name: display_name.to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                };
                create_account(db, gate, account).await?
            }
        };
        let scope = scoped.then(|| vec![ids[0]]);
        let mut tx = db.write().await?;
        rows::insert(
            &mut tx,
            org,
            colleague,
            role,
            scope.as_deref(),
            crate::db::now_ms(),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}
